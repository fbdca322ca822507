#pragma once
// Checks the hash links of audit chains (API.md §7): within each chain the positions run 1..n
// without gaps, the first event links to the genesis hash, each later one to its
// predecessor's hash, and every stored hash is the hash of the event's own fields. A changed
// field, a deleted or inserted event and two swapped events each break one of these.
// (Signed checkpoints over all chain heads, which also catch a dropped chain or a re-hashed
// tail, are the next step; see server/audit/README.md.)
#include <optional>
#include <string>
#include <vector>

#include "server/audit/AuditEvent.h"

namespace rxflow::audit {

struct VerifyResult {
    bool ok = true;
    long long events = 0;
    std::optional<long long> firstBadSeq;  // the smallest global seq at which a check fails
    std::string detail;                    // what failed there
};

// `events` in any order; they are grouped by chain and ordered by chain position.
VerifyResult verifyChains(std::vector<AuditEvent> events);

}  // namespace rxflow::audit
