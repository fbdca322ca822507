#pragma once
// Checks the hash links of audit chains (API.md §7): within each chain the positions run 1..n
// without gaps, the first event links to the genesis hash, each later one to its
// predecessor's hash, and every stored hash is the hash of the event's own fields. A changed
// field, a deleted or inserted event and two swapped events each break one of these.
// Signed checkpoints over the chains' heads also catch a dropped chain or a re-hashed tail
// (server/audit/README.md).
#include <optional>
#include <string>
#include <vector>

#include <map>

#include "server/audit/AuditEvent.h"
#include "server/audit/Checkpoint.h"

namespace rxflow::audit {

struct VerifyResult {
    bool ok = true;
    long long events = 0;
    long long checkpoints = 0;
    std::optional<long long> firstBadCheckpoint;
    std::optional<long long> firstBadSeq;  // the smallest global seq at which a check fails
    std::string detail;                    // what failed there
};

// `events` in any order; they are grouped by chain and ordered by chain position.
VerifyResult verifyChains(std::vector<AuditEvent> events);

// Adds to `r` the checks of the checkpoints (in id order): each links to the one before, its
// digest is that of its contents, its signature verifies with the platform key it names
// (`publicKeyPems`: keyId -> PEM), and every head it recorded is still in `events` unchanged.
void verifyCheckpoints(VerifyResult& r, const std::vector<Checkpoint>& checkpoints,
                       const std::vector<AuditEvent>& events, const std::map<std::string, std::string>& publicKeyPems);

}  // namespace rxflow::audit
