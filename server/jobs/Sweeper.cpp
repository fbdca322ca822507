#include "server/jobs/Sweeper.h"

#include <Poco/Util/TimerTaskAdapter.h>

#include <algorithm>

#include "server/jobs/AuditCheckpoints.h"
#include "server/jobs/Expiry.h"
#include "server/store/IdempotencyRepo.h"

namespace rxflow::jobs {

void Sweeper::start() {
    const long interval = std::max(1, options_.intervalSeconds) * 1000L;
    timer_.scheduleAtFixedRate(new Poco::Util::TimerTaskAdapter<Sweeper>(*this, &Sweeper::sweepTask), interval,
                               interval);
    started_ = true;
}

void Sweeper::stop() {
    if (!started_) return;
    timer_.cancel(true);
    started_ = false;
}

void Sweeper::sweepTask(Poco::Util::TimerTask&) { sweepOnce(); }

void Sweeper::sweepOnce() {
    // Each task on its own: one that fails is logged and retried next time, the others still run.
    runTask("idempotency keys", [this] {
        // API.md §1 keeps Idempotency-Keys at least 24 h; they are forgotten after keep_hours.
        const workflow::Env& env = workflow_.env();
        const long long before = env.clock.nowMs() - static_cast<long long>(options_.idempotencyKeepHours) * 3600 * 1000;
        const long long purged =
            env.db.write([&](store::Tx& tx) { return store::IdempotencyRepo::purge(tx, before); });
        if (purged > 0) log_.information("sweep: forgot %s idempotency key(s)", std::to_string(purged));
    });
    runTask("expiry", [this] {
        if (const int expired = sweepExpired(workflow_))
            log_.information("sweep: %s prescription(s) expired", std::to_string(expired));
    });
    runTask("accept time-outs", [this] {
        if (const int withdrawn = sweepAcceptTimeouts(workflow_))
            log_.information("sweep: %s prescription(s) not accepted in time, re-routed", std::to_string(withdrawn));
    });
    runTask("audit checkpoint", [this] {
        if (writeAuditCheckpoint(workflow_.env().db, platform_, workflow_.env().clock)) log_.debug("sweep: audit checkpoint written");
    });
}

void Sweeper::runTask(const char* name, const std::function<void()>& task) {
    try {
        task();
    } catch (const std::exception& e) {
        log_.warning("sweep (%s) failed, will retry: %s", std::string(name), std::string(e.what()));
    }
}

}  // namespace rxflow::jobs
