// POST /v1/reconciliation/runs?date=&region= (对账: the bureau's statement against the
// platform's payments of that day), GET /v1/reconciliation/runs (the runs newest first, without
// their discrepancies) and GET /v1/reconciliation/runs/{id} (JSON, or the discrepancies as CSV
// with Accept: text/csv). API.md §8.
#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <limits>
#include <sstream>

#include "server/domain/Ids.h"
#include "server/domain/Prescription.h"
#include "server/http/BodyReader.h"
#include "server/http/Cursor.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/http/handlers/Settlements.h"
#include "server/settlement/Statement.h"
#include "server/store/AuditRepo.h"
#include "server/store/SettlementRepo.h"
#include "signing/digest.h"

namespace rxflow::http {
namespace {

Poco::JSON::Object::Ptr totals(const settlement::Totals& t) {
    return object({{"count", t.count}, {"total", t.sum.total}, {"fund", t.sum.fund}, {"account", t.sum.account},
                   {"cash", t.sum.cash}});
}

// What a run's view and its list entry share, in the contract's order.
Poco::JSON::Object::Ptr head(const store::ReconciliationRun& run) {
    return object({{"id", run.id},
                   {"date", run.day},
                   {"region", run.region},
                   {"platform", totals(run.report.platform)},
                   {"bureau", totals(run.report.bureau)},
                   {"matched", run.report.matched}});
}

Poco::JSON::Object::Ptr view(const store::ReconciliationRun& run) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const settlement::Discrepancy& d : run.report.discrepancies) {
        auto o = object({{"kind", d.kind}, {"settlementId", d.settlementId}});
        if (!d.fields.empty()) {
            Poco::JSON::Array::Ptr fields = new Poco::JSON::Array;
            for (const auto& f : d.fields) fields->add(f);
            o->set("fields", fields);
        }
        if (d.platform) o->set("platform", settlement::sideJson(*d.platform, false));
        if (d.bureau) o->set("bureau", settlement::sideJson(*d.bureau, true));
        list->add(o);
    }
    auto o = head(run);
    o->set("discrepancies", list);
    o->set("createdAt", formatTime(run.createdAt));
    return o;
}

// A list's entry: the run without its discrepancies, their count instead.
Poco::JSON::Object::Ptr summary(const store::ReconciliationRun& run) {
    auto o = head(run);
    o->set("discrepancyCount", run.discrepancyCount);
    o->set("createdAt", formatTime(run.createdAt));
    return o;
}

std::string csvAmounts(const std::optional<settlement::Side>& s, bool withLine) {
    if (!s) return withLine ? ",,,,," : ",,,,";
    std::string out = std::to_string(s->amounts.total) + "," + std::to_string(s->amounts.fund) + "," +
                      std::to_string(s->amounts.account) + "," + std::to_string(s->amounts.cash) + "," +
                      (s->reversed ? "reversed" : "settled");
    if (withLine) out += "," + std::to_string(s->line);
    return out;
}

// A text cell, quoted. One that a spreadsheet would run as a formula (=, +, -, @, tab, CR
// first) gets a leading ' so it is shown as text (API.md §13): a bureau's ids may hold anything.
std::string textCell(const std::string& value) {
    const bool formula = !value.empty() && std::string("=+-@\t\r").find(value.front()) != std::string::npos;
    return "\"" + std::string(formula ? "'" : "") + Poco::replace(value, std::string("\""), std::string("\"\"")) +
           "\"";
}

// The discrepancies as CSV; settlement ids are quoted text cells.
std::string csv(const store::ReconciliationRun& run) {
    std::ostringstream out;
    out << "kind,settlement_id,fields,platform_total,platform_fund,platform_account,platform_cash,platform_status,"
           "bureau_total,bureau_fund,bureau_account,bureau_cash,bureau_status,bureau_line\r\n";
    for (const settlement::Discrepancy& d : run.report.discrepancies) {
        out << d.kind << "," << textCell(d.settlementId) << ","
            << Poco::cat(std::string(" "), d.fields.begin(), d.fields.end()) << "," << csvAmounts(d.platform, false)
            << "," << csvAmounts(d.bureau, true) << "\r\n";
    }
    return out.str();
}

std::vector<FieldError> lineErrors(const std::vector<settlement::LineError>& errors) {
    std::vector<FieldError> out;
    for (const auto& e : errors) out.push_back({e.path, e.message, "", e.line ? std::optional<long long>(e.line) : std::nullopt});
    return out;
}

Response runReconciliation(RequestContext& ctx) {
    const Principal& caller = ctx.require({Role::Insurer, Role::Admin});
    const SettlementDay day = settlementDay(ctx, caller);
    // No body at all is an empty statement, answered as the CSV reader does (line 1).
    const bool isCsv = ctx.contentType() == "text/csv" || ctx.body().empty();
    settlement::Reconciler reconciler;
    std::vector<settlement::LineError> errors;
    auto onLine = [&](settlement::StatementLine&& l) { reconciler.addStatementLine(l); };
    if (isCsv) {
        std::istringstream in(ctx.body());
        settlement::readCsvStatement(in, onLine, errors);
    } else {
        settlement::readJsonStatement(ctx.json(), onLine, errors);
    }
    if (!errors.empty()) {
        const auto& first = errors.front();
        throw Error::badRequest("the statement is malformed (line " + std::to_string(first.line) + ": " + first.message +
                                    "); nothing was stored",
                                lineErrors(errors));
    }
    return ctx.write([&](store::Tx& tx) {
        const long long now = ctx.services.clock.nowMs();
        store::SettlementRepo::forEach(tx, day.region, day.fromMs, day.toMs,
                                       [&](const settlement::PlatformPayment& p) { reconciler.addPlatformPayment(p); });
        store::ReconciliationRun run;
        run.id = newId("rc", now);
        run.day = day.date;
        run.region = day.region;
        run.format = isCsv ? "csv" : "json";
        run.statementSha256 = rxsign::sha256Hex(ctx.body());
        run.runByRole = roleName(caller.role);
        run.runByOrg = caller.org;
        run.createdAt = now;
        run.report = reconciler.finish();
        store::SettlementRepo::insertRun(tx, run);
        audit::AuditEvent e = audit::registryEvent(
            caller, "reconciliation.run",
            "id=" + run.id + " date=" + run.day + " region=" + run.region + " matched=" +
                std::to_string(run.report.matched) + " discrepancies=" + std::to_string(run.report.discrepancies.size()) +
                " statement=" + run.statementSha256,
            now);
        e.chain = "reconciliation";
        store::AuditRepo::append(tx, e);
        return Response::json(201, view(run));
    });
}

Response getRun(RequestContext& ctx) {
    const Principal& caller = ctx.require({Role::Insurer, Role::Admin});
    auto run = ctx.read([&](store::Tx& tx) { return store::SettlementRepo::findRun(tx, ctx.param("id")); });
    if (!run || (caller.role == Role::Insurer && caller.org != run->region))
        throw Error::notFound("no such reconciliation run");
    if (ctx.accepts("text/csv")) return Response::text(200, "text/csv; charset=utf-8", csv(*run));
    return Response::json(200, view(*run));
}

struct RunFilter {
    std::string region, date;  // "" for any
};

// The filters of GET /v1/reconciliation/runs: an insurer's own region by default, another is
// 403; admin any region or none. `date` is optional.
RunFilter runFilter(const RequestContext& ctx, const Principal& caller) {
    std::string region = ctx.query("region");
    const std::string date = ctx.query("date");
    std::vector<FieldError> errors;
    if (!date.empty() && !isDate(date)) errors.push_back({"query:date", "must be a date YYYY-MM-DD", "", {}});
    if (!region.empty() && !isRegionCode(region))
        errors.push_back({"query:region", "must be a 6-digit region code", "", {}});
    if (!errors.empty()) throw Error::badRequest(errors.front().path + " " + errors.front().message, errors);
    if (caller.role == Role::Insurer && region.empty()) region = caller.org;
    if (caller.role == Role::Insurer && region != caller.org)
        throw Error::forbidden("an insurer settles and reconciles its own region only");
    return {region, date};
}

Response listRuns(RequestContext& ctx) {
    const Principal& caller = ctx.require({Role::Insurer, Role::Admin});
    const RunFilter f = runFilter(ctx, caller);
    // From the newest (every created_at is below the largest BIGINT), or after the cursor's run,
    // so runs created in the same millisecond page in a stable order too.
    long long beforeAt = std::numeric_limits<long long>::max();
    std::string beforeId;
    decodeTimeIdCursor(ctx.query("cursor"), beforeAt, beforeId);
    const std::size_t limit = listLimit(ctx);
    auto rows = ctx.read([&](store::Tx& tx) {
        return store::SettlementRepo::listRuns(tx, f.region, f.date, beforeAt, beforeId, limit + 1);
    });
    const bool more = rows.size() > limit;
    if (more) rows.pop_back();
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& run : rows) list->add(summary(run));
    return Response::json(
        200,
        object({{"runs", list},
                {"nextCursor", more ? Poco::Dynamic::Var(encodeTimeIdCursor(rows.back().createdAt, rows.back().id)) : Poco::Dynamic::Var()}}));
}

}  // namespace

void addReconciliationRoutes(Router& r) {
    r.add("POST", "/v1/reconciliation/runs", runReconciliation).alsoAccepts = "text/csv";
    r.add("GET", "/v1/reconciliation/runs", listRuns);
    r.add("GET", "/v1/reconciliation/runs/{id}", getRun);
}

}  // namespace rxflow::http
