#pragma once
// Runs tasks after a delay, one at a time, on a thread of its own: the simulated ERP's or
// courier's back office working through its queue.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace rxsim {

class Scheduler {
public:
    Scheduler();
    ~Scheduler();
    void after(int delayMs, std::function<void()> task);
    void stop();

private:
    void run();
    std::mutex mutex_;
    std::condition_variable changed_;
    std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> tasks_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace rxsim
