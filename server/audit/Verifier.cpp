#include "server/audit/Verifier.h"

#include <algorithm>

#include "signing/digest.h"
#include "signing/keys.h"

namespace rxflow::audit {

VerifyResult verifyChains(std::vector<AuditEvent> events) {
    VerifyResult r;
    r.events = static_cast<long long>(events.size());
    std::sort(events.begin(), events.end(), [](const AuditEvent& a, const AuditEvent& b) {
        return a.chain != b.chain ? a.chain < b.chain : a.chainSeq != b.chainSeq ? a.chainSeq < b.chainSeq : a.seq < b.seq;
    });
    auto bad = [&r](const AuditEvent& e, const std::string& what) {
        if (!r.firstBadSeq || e.seq < *r.firstBadSeq) {
            r.firstBadSeq = e.seq;
            r.detail = "event " + std::to_string(e.seq) + " (chain " + e.chain + ", position " +
                       std::to_string(e.chainSeq) + "): " + what;
        }
        r.ok = false;
    };
    for (std::size_t i = 0; i < events.size(); ++i) {
        const AuditEvent& e = events[i];
        const bool first = i == 0 || events[i - 1].chain != e.chain;
        const long long expectedPosition = first ? 1 : events[i - 1].chainSeq + 1;
        const std::string& expectedPrev = first ? kGenesisHash : events[i - 1].hash;
        if (e.chainSeq != expectedPosition)
            bad(e, "position " + std::to_string(e.chainSeq) + " where " + std::to_string(expectedPosition) +
                       " belongs (an event missing, inserted or moved)");
        else if (e.prevHash != expectedPrev)
            bad(e, "does not link to the event before it");
        if (e.hash != eventHash(e)) bad(e, "its stored hash is not the hash of its fields (changed)");
    }
    return r;
}

void verifyCheckpoints(VerifyResult& r, const std::vector<Checkpoint>& checkpoints,
                       const std::vector<AuditEvent>& events, const std::map<std::string, std::string>& publicKeyPems) {
    std::map<std::pair<std::string, long long>, std::string> stored;
    for (const AuditEvent& e : events) stored[{e.chain, e.chainSeq}] = e.hash;
    r.checkpoints = static_cast<long long>(checkpoints.size());
    std::string prev = kGenesisHash;
    for (const Checkpoint& c : checkpoints) {
        std::string problem;
        const std::string bytes = signedBytes(c);
        if (c.prevDigest != prev) problem = "does not link to the checkpoint before it";
        else if (rxsign::sha256Hex(bytes) != c.digest) problem = "its digest is not that of its contents (changed)";
        else {
            auto pem = publicKeyPems.find(c.keyId);
            bool signedOk = false;
            try {
                signedOk = pem != publicKeyPems.end() &&
                           rxsign::PublicKey::fromPem(pem->second).verify(bytes, rxsign::base64Decode(c.signature));
            } catch (const std::exception&) {
            }
            if (!signedOk) problem = "its signature does not verify with platform key " + c.keyId;
        }
        for (const Head& h : c.heads) {
            if (!problem.empty()) break;
            auto it = stored.find({h.chain, h.chainSeq});
            if (it == stored.end()) problem = "chain " + h.chain + " lost its event at position " + std::to_string(h.chainSeq);
            else if (it->second != h.hash) problem = "chain " + h.chain + " position " + std::to_string(h.chainSeq) + " was rewritten";
        }
        if (!problem.empty() && !r.firstBadCheckpoint) {
            r.ok = false;
            r.firstBadCheckpoint = c.id;
            if (r.detail.empty()) r.detail = "checkpoint " + std::to_string(c.id) + ": " + problem;
        }
        prev = c.digest;
    }
}

}  // namespace rxflow::audit
