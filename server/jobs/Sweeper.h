#pragma once
// Periodic background work, every rxflow.sweep_interval seconds (RXFLOW_SWEEP_INTERVAL).
// Each task is one database transaction of its own, so any number of server processes may
// sweep the same database: the work is claimed by the rows it changes, not by a process lock.
#include <Poco/Logger.h>
#include <Poco/Util/Timer.h>

#include <functional>

#include "server/workflow/Signing.h"
#include "server/workflow/Workflow.h"

namespace rxflow::jobs {

class Sweeper {
public:
    struct Options {
        int intervalSeconds = 30;        // rxflow.sweep_interval
        int idempotencyKeepHours = 48;   // rxflow.idempotency.keep_hours
    };
    Sweeper(Options options, workflow::Workflow& workflow, const PlatformSigner& platform, Poco::Logger& log)
        : options_(options), workflow_(workflow), platform_(platform), log_(log) {}
    ~Sweeper() { stop(); }
    void start();
    void stop();
    // One pass of every task; failures are logged and retried on the next pass.
    void sweepOnce();

private:
    void sweepTask(Poco::Util::TimerTask&);
    void runTask(const char* name, const std::function<void()>& task);

    Options options_;
    workflow::Workflow& workflow_;
    const PlatformSigner& platform_;
    Poco::Logger& log_;
    Poco::Util::Timer timer_;
    bool started_ = false;
};

}  // namespace rxflow::jobs
