#include "server/store/SettlementRepo.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <sstream>

namespace rxflow::store {
namespace {

// A discrepancy's side as stored: the report's JSON of it (settlement::sideJson).
std::string stored(const settlement::Side& s, bool withLine) {
    std::ostringstream out;
    settlement::sideJson(s, withLine)->stringify(out);
    return out.str();
}

std::optional<settlement::Side> sideOf(const soci::row& r, std::size_t i) {
    if (r.get_indicator(i) == soci::i_null) return std::nullopt;
    return settlement::sideFromJson(Poco::JSON::Parser().parse(r.get<std::string>(i)).extract<Poco::JSON::Object::Ptr>());
}

// Calls onRow() for each run `where` picks, with its head (everything but the discrepancies)
// read into `run`.
template <class F, class... U>
void eachRun(Tx& tx, const std::string& where, ReconciliationRun& run, F&& onRow, U&&... uses) {
    settlement::Report& r = run.report;
    tx.eachInto(
        "SELECT id, day, region, format, statement_sha256, platform_count, platform_total, platform_fund, "
        "platform_account, platform_cash, bureau_count, bureau_total, bureau_fund, bureau_account, bureau_cash, "
        "matched, discrepancies, run_by_role, run_by_org, created_at FROM reconciliation_runs " + where,
        std::forward<F>(onRow), std::forward<U>(uses)..., soci::into(run.id), soci::into(run.day),
        soci::into(run.region), soci::into(run.format), soci::into(run.statementSha256), soci::into(r.platform.count),
        soci::into(r.platform.sum.total), soci::into(r.platform.sum.fund), soci::into(r.platform.sum.account),
        soci::into(r.platform.sum.cash), soci::into(r.bureau.count), soci::into(r.bureau.sum.total),
        soci::into(r.bureau.sum.fund), soci::into(r.bureau.sum.account), soci::into(r.bureau.sum.cash),
        soci::into(r.matched), soci::into(run.discrepancyCount), soci::into(run.runByRole), soci::into(run.runByOrg),
        soci::into(run.createdAt));
}

}  // namespace

std::vector<Payment> SettlementRepo::page(Tx& tx, const std::string& region, long long fromMs, long long toMs,
                                          const std::string& afterSettlementId, std::size_t limit) {
    const std::string sql = std::string("SELECT ") + PaymentRepo::kColumns +
                            " FROM payments WHERE region = :r AND kind = 'insurance' AND paid_at >= :f AND "
                            "paid_at < :t AND settlement_id > :a ORDER BY settlement_id LIMIT " +
                            std::to_string(limit);
    std::vector<Payment> out;
    tx.each(sql, [&](const soci::row& r) { out.push_back(PaymentRepo::fromRow(r)); }, soci::use(region),
            soci::use(fromMs), soci::use(toMs), soci::use(afterSettlementId));
    return out;
}

void SettlementRepo::forEach(Tx& tx, const std::string& region, long long fromMs, long long toMs,
                             const std::function<void(const settlement::PlatformPayment&)>& each) {
    settlement::PlatformPayment p;
    std::string status;
    const auto onRow = [&] {
        p.reversed = status == "reversed";
        each(p);
    };
    tx.eachInto("SELECT settlement_id, total, fund, account, cash, status FROM payments "
                "WHERE region = :r AND kind = 'insurance' AND paid_at >= :f AND paid_at < :t",
                onRow, soci::use(region), soci::use(fromMs), soci::use(toMs), soci::into(p.settlementId),
                soci::into(p.amounts.total), soci::into(p.amounts.fund), soci::into(p.amounts.account),
                soci::into(p.amounts.cash), soci::into(status));
}

void SettlementRepo::insertRun(Tx& tx, const ReconciliationRun& run) {
    const settlement::Report& r = run.report;
    const long long discrepancies = static_cast<long long>(r.discrepancies.size());
    tx.change("INSERT INTO reconciliation_runs (id, day, region, format, statement_sha256, platform_count, "
              "platform_total, platform_fund, platform_account, platform_cash, bureau_count, bureau_total, bureau_fund, "
              "bureau_account, bureau_cash, matched, discrepancies, run_by_role, run_by_org, created_at) VALUES (:id, "
              ":d, :r, :f, :h, :pc, :pt, :pf, :pa, :pk, :bc, :bt, :bf, :ba, :bk, :m, :n, :rr, :ro, :c)",
              soci::use(run.id), soci::use(run.day), soci::use(run.region), soci::use(run.format),
              soci::use(run.statementSha256), soci::use(r.platform.count), soci::use(r.platform.sum.total),
              soci::use(r.platform.sum.fund), soci::use(r.platform.sum.account), soci::use(r.platform.sum.cash),
              soci::use(r.bureau.count), soci::use(r.bureau.sum.total), soci::use(r.bureau.sum.fund),
              soci::use(r.bureau.sum.account), soci::use(r.bureau.sum.cash), soci::use(r.matched),
              soci::use(discrepancies), soci::use(run.runByRole), soci::use(run.runByOrg), soci::use(run.createdAt));
    int seq = 0;
    std::string kind, settlementId, fields, platform, bureau;
    soci::indicator fieldsInd, platformInd, bureauInd;
    // One insert bound once and run per discrepancy with the variables' new values.
    const auto insertEach = [&](const auto& execute) {
        for (const settlement::Discrepancy& d : r.discrepancies) {
            ++seq;
            kind = d.kind;
            settlementId = d.settlementId;
            fields = Poco::cat(std::string(","), d.fields.begin(), d.fields.end());
            fieldsInd = fields.empty() ? soci::i_null : soci::i_ok;
            platform = d.platform ? stored(*d.platform, false) : "";
            platformInd = d.platform ? soci::i_ok : soci::i_null;
            bureau = d.bureau ? stored(*d.bureau, true) : "";
            bureauInd = d.bureau ? soci::i_ok : soci::i_null;
            execute();
        }
    };
    tx.repeat("INSERT INTO reconciliation_discrepancies (run_id, seq, kind, settlement_id, fields, platform, bureau) "
              "VALUES (:r, :s, :k, :i, :f, :p, :b)",
              insertEach, soci::use(run.id), soci::use(seq), soci::use(kind), soci::use(settlementId),
              soci::use(fields, fieldsInd), soci::use(platform, platformInd), soci::use(bureau, bureauInd));
}

std::optional<ReconciliationRun> SettlementRepo::findRun(Tx& tx, const std::string& id) {
    ReconciliationRun run;
    bool found = false;
    eachRun(tx, "WHERE id = :id", run, [&] { found = true; }, soci::use(id));
    if (!found) return std::nullopt;
    const auto onRow = [&](const soci::row& row) {
        settlement::Discrepancy d;
        d.kind = row.get<std::string>(0);
        d.settlementId = row.get<std::string>(1);
        if (row.get_indicator(2) == soci::i_ok)
            for (const std::string& f : Poco::StringTokenizer(row.get<std::string>(2), ",")) d.fields.push_back(f);
        d.platform = sideOf(row, 3);
        d.bureau = sideOf(row, 4);
        run.report.discrepancies.push_back(std::move(d));
    };
    tx.each("SELECT kind, settlement_id, fields, platform, bureau FROM reconciliation_discrepancies WHERE run_id = :r "
            "ORDER BY seq",
            onRow, soci::use(id));
    return run;
}

std::vector<ReconciliationRun> SettlementRepo::listRuns(Tx& tx, const std::string& region,
                                                        const std::string& day, long long beforeCreatedAt,
                                                        const std::string& beforeId, std::size_t limit) {
    std::vector<ReconciliationRun> out;
    ReconciliationRun run;
    eachRun(tx,
            "WHERE (:r1 = '' OR region = :r2) AND (:d1 = '' OR day = :d2) AND (created_at < :b1 OR "
            "(created_at = :b2 AND id < :bid)) ORDER BY created_at DESC, id DESC LIMIT " +
                std::to_string(limit),
            run, [&] { out.push_back(run); }, soci::use(region, "r1"), soci::use(region, "r2"),
            soci::use(day, "d1"), soci::use(day, "d2"), soci::use(beforeCreatedAt, "b1"),
            soci::use(beforeCreatedAt, "b2"), soci::use(beforeId, "bid"));
    return out;
}

}  // namespace rxflow::store
