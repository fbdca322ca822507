// GET /v1/settlements?date=YYYY-MM-DD: the platform's insurance payments of that day (their
// paidAt in Asia/Shanghai), for the insurer of the region (API.md §8). Self-pay payments are
// not the bureau's business and are not listed.
#include <Poco/JSON/Array.h>

#include <regex>

#include "server/domain/Prescription.h"
#include "server/http/Cursor.h"
#include "server/http/handlers/Routes.h"
#include "server/http/handlers/Settlements.h"
#include "server/store/SettlementRepo.h"

namespace rxflow::http {

SettlementDay settlementDay(const RequestContext& ctx, const Principal& caller) {
    SettlementDay day;
    day.date = ctx.query("date");
    day.region = ctx.query("region", caller.role == Role::Insurer ? caller.org : "");
    std::vector<FieldError> errors;
    if (!isDate(day.date)) errors.push_back({"query:date", "must be a date YYYY-MM-DD", "", {}});
    static const std::regex sixDigits("[0-9]{6}");
    if (!std::regex_match(day.region, sixDigits))
        errors.push_back({"query:region", "must be a 6-digit region code", "", {}});
    if (!errors.empty()) throw Error::badRequest(errors.front().path + " " + errors.front().message, errors);
    if (caller.role == Role::Insurer && caller.org != day.region)
        throw Error::forbidden("an insurer settles and reconciles its own region only");
    day.fromMs = *parseTimestampMs(day.date + "T00:00:00+08:00");
    day.toMs = day.fromMs + 24LL * 3600 * 1000;
    return day;
}

namespace {

Response listSettlements(RequestContext& ctx) {
    const Principal& caller = ctx.require({Role::Insurer, Role::Admin});
    const SettlementDay day = settlementDay(ctx, caller);
    const std::string after = decodeCursor(ctx.query("cursor"));
    const std::size_t limit = listLimit(ctx);
    auto rows = ctx.read([&](store::Tx& tx) {
        return store::SettlementRepo::page(tx, day.region, day.fromMs, day.toMs, after, limit + 1);
    });
    const bool more = rows.size() > limit;
    if (more) rows.resize(limit);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const store::Payment& p : rows)
        list->add(object({{"settlementId", p.settlementId}, {"payOrderId", p.payOrderId},
                          {"prescription", p.prescriptionId}, {"kind", p.kind}, {"total", p.total}, {"fund", p.fund},
                          {"account", p.account}, {"cash", p.cash}, {"status", p.status}, {"paidAt", p.paidAtText}}));
    const Poco::Dynamic::Var next = more ? Poco::Dynamic::Var(encodeCursor(rows.back().settlementId)) : Poco::Dynamic::Var();
    return Response::json(200, object({{"date", day.date}, {"region", day.region}, {"payments", list}, {"nextCursor", next}}));
}

}  // namespace

void addSettlementRoutes(Router& r) { r.add("GET", "/v1/settlements", listSettlements); }

}  // namespace rxflow::http
