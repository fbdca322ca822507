#pragma once
// Periodic background work, every rxflow.sweep_interval seconds (RXFLOW_SWEEP_INTERVAL).
// Each task is one database transaction of its own, so any number of server processes may
// sweep the same database: the work is claimed by the rows it changes, not by a process lock.
#include <Poco/Logger.h>
#include <Poco/Util/Timer.h>

#include <functional>

#include "server/app/Services.h"

namespace rxflow::jobs {

class Sweeper {
public:
    Sweeper(Services& services, Poco::Logger& log) : services_(services), log_(log) {}
    ~Sweeper() { stop(); }
    void start();
    void stop();
    // One pass of every task; failures are logged and retried on the next pass.
    void sweepOnce();

private:
    void sweepTask(Poco::Util::TimerTask&);
    void runTask(const char* name, const std::function<void()>& task);

    Services& services_;
    Poco::Logger& log_;
    Poco::Util::Timer timer_;
    bool started_ = false;
};

}  // namespace rxflow::jobs
