#pragma once
// The insurer's side of payments (API.md §8): the settlements of a day and region, read from
// `payments`, and the reconciliation runs against the bureau's statements
// (`reconciliation_runs`, `reconciliation_discrepancies`).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/settlement/Reconciler.h"
#include "server/store/Database.h"
#include "server/store/PaymentRepo.h"

namespace rxflow::store {

struct ReconciliationRun {
    std::string id;
    std::string day;  // YYYY-MM-DD, Asia/Shanghai
    std::string region;
    std::string format;  // csv or json
    std::string statementSha256;
    std::string runByRole, runByOrg;
    long long createdAt = 0;
    settlement::Report report;  // its discrepancies are read by findRun only
    long long discrepancyCount = 0;
};

struct SettlementRepo {
    // Insurance payments of `region` with paidAt in [fromMs, toMs), by settlement id, after
    // `afterSettlementId`, at most `limit`.
    static std::vector<Payment> page(Tx& tx, const std::string& region, long long fromMs, long long toMs,
                                     const std::string& afterSettlementId, std::size_t limit);
    // The same, every one, streamed to `each` without holding them.
    static void forEach(Tx& tx, const std::string& region, long long fromMs, long long toMs,
                        const std::function<void(const settlement::PlatformPayment&)>& each);

    static void insertRun(Tx& tx, const ReconciliationRun& run);
    static std::optional<ReconciliationRun> findRun(Tx& tx, const std::string& id);
    // Runs newest first (created_at, then id, descending) after the run (beforeCreatedAt,
    // beforeId), at most `limit`, without their discrepancies; an empty region or day: any.
    static std::vector<ReconciliationRun> listRuns(Tx& tx, const std::string& region, const std::string& day,
                                                   long long beforeCreatedAt, const std::string& beforeId,
                                                   std::size_t limit);
};

}  // namespace rxflow::store
