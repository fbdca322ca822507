#include "server/jobs/Expiry.h"

#include "server/store/PrescriptionRepo.h"

namespace rxflow::jobs {
namespace {

constexpr int kBatch = 50;

}  // namespace

int sweepExpired(workflow::Workflow& wf) {
    const workflow::Env& s = wf.env();
    return s.db.write([&](store::Tx& tx) {
        const long long now = s.clock.nowMs();
        int changed = 0;
        for (const std::string& id : store::PrescriptionRepo::claimExpiring(tx, now, kBatch)) {
            auto rx = store::PrescriptionRepo::find(tx, s.cipher, id, true);
            if (rx && wf.expireIfDue(tx, *rx, now)) ++changed;
        }
        return changed;
    });
}

int sweepAcceptTimeouts(workflow::Workflow& wf) {
    const workflow::Env& s = wf.env();
    return s.db.write([&](store::Tx& tx) {
        const long long now = s.clock.nowMs();
        int changed = 0;
        const long long bound = now - s.acceptTimeoutMs;
        for (const std::string& id : store::PrescriptionRepo::claimRoutedBefore(tx, bound, kBatch)) {
            auto rx = store::PrescriptionRepo::find(tx, s.cipher, id, true);
            if (rx && !wf.expireIfDue(tx, *rx, now) && wf.timeOutIfDue(tx, *rx, now)) ++changed;
        }
        return changed;
    });
}

}  // namespace rxflow::jobs
