#include "server/jobs/AuditCheckpoints.h"

#include <algorithm>
#include <unordered_map>

#include "server/audit/AuditEvent.h"
#include "server/store/CheckpointRepo.h"
#include "signing/digest.h"

namespace rxflow::jobs {

namespace {
constexpr long long kLateCommitMarginMs = 60 * 1000;
}

bool writeAuditCheckpoint(store::Database& db, const PlatformSigner& platform, const Clock& clock) {
    // The heads are gathered from a snapshot, beside the requests; the write transaction only
    // links the checkpoint, if it still follows the latest one (else the next sweep does).
    audit::Checkpoint c;
    c.at = clock.nowMs();
    const auto prev = db.read([&](store::Tx& tx) {
        auto latest = store::CheckpointRepo::latest(tx);
        c.heads = store::CheckpointRepo::headsChangedSince(tx, latest ? latest->at - kLateCommitMarginMs : 0);
        return latest;
    });
    c.prevDigest = prev ? prev->digest : audit::kGenesisHash;
    std::unordered_map<std::string, const audit::Head*> before;
    if (prev)
        for (const audit::Head& p : prev->heads) before.emplace(p.chain, &p);
    const bool nothingNew = std::all_of(c.heads.begin(), c.heads.end(), [&](const audit::Head& h) {
        auto p = before.find(h.chain);
        return p != before.end() && p->second->chainSeq == h.chainSeq && p->second->hash == h.hash;
    });
    if (c.heads.empty() || nothingNew) return false;
    const std::string bytes = audit::signedBytes(c);
    c.digest = rxsign::sha256Hex(bytes);
    c.keyId = platform.keyId();
    c.signature = platform.sign(bytes);
    return db.write([&](store::Tx& tx) {
        const auto latest = store::CheckpointRepo::latest(tx);
        if ((latest ? latest->digest : audit::kGenesisHash) != c.prevDigest) return false;
        store::CheckpointRepo::insert(tx, c);
        return true;
    });
}

}  // namespace rxflow::jobs
