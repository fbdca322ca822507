#include "server/audit/Verifier.h"

#include <algorithm>

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

}  // namespace rxflow::audit
