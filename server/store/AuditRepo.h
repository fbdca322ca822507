#pragma once
#include <vector>

#include "server/audit/AuditEvent.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct AuditRepo {
    // Links `e` after the head of its chain and writes it in the caller's transaction. Two
    // writers racing on one chain: the second hits the (chain, chain_seq) key and its
    // transaction is retried (RetryTransaction), so a chain never forks.
    static audit::AuditEvent append(Tx& tx, audit::AuditEvent e);
    static std::vector<audit::AuditEvent> chain(Tx& tx, const std::string& chain);
    // Only the chain's successful state changes (what a prescription's `history` shows).
    static std::vector<audit::AuditEvent> history(Tx& tx, const std::string& chain);
    // Events with seq > afterSeq (and at >= sinceMs), in writing order, at most `limit`.
    static std::vector<audit::AuditEvent> page(Tx& tx, long long afterSeq, long long sinceMs, std::size_t limit);
    static std::vector<audit::AuditEvent> all(Tx& tx);

private:
    static audit::AuditEvent fromRow(const soci::row& r);
};

}  // namespace rxflow::store
