#include "server/jobs/AuditCheckpoints.h"

#include <algorithm>

#include "server/audit/AuditEvent.h"
#include "server/store/CheckpointRepo.h"
#include "signing/digest.h"

namespace rxflow::jobs {

namespace {
constexpr long long kLateCommitMarginMs = 60 * 1000;
}

bool writeAuditCheckpoint(Services& s) {
    return s.db.write([&](store::Tx& tx) {
        const auto prev = store::CheckpointRepo::latest(tx);
        audit::Checkpoint c;
        c.at = s.clock.nowMs();
        c.prevDigest = prev ? prev->digest : audit::kGenesisHash;
        c.heads = store::CheckpointRepo::headsChangedSince(tx, prev ? prev->at - kLateCommitMarginMs : 0);
        const bool nothingNew = std::all_of(c.heads.begin(), c.heads.end(), [&](const audit::Head& h) {
            return prev && std::any_of(prev->heads.begin(), prev->heads.end(), [&](const audit::Head& p) {
                       return p.chain == h.chain && p.chainSeq == h.chainSeq && p.hash == h.hash;
                   });
        });
        if (c.heads.empty() || nothingNew) return false;
        const std::string bytes = audit::signedBytes(c);
        c.digest = rxsign::sha256Hex(bytes);
        c.keyId = s.platform.keyId();
        c.signature = s.platform.sign(bytes);
        store::CheckpointRepo::insert(tx, c);
        return true;
    });
}

}  // namespace rxflow::jobs
