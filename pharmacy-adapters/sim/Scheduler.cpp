#include "pharmacy-adapters/sim/Scheduler.h"

#include <exception>
#include <iostream>

namespace rxsim {

Scheduler::Scheduler() : thread_([this] { run(); }) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::after(int delayMs, std::function<void()> task) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        tasks_.emplace(std::chrono::steady_clock::now() + std::chrono::milliseconds(delayMs), std::move(task));
    }
    changed_.notify_one();
}

void Scheduler::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    changed_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void Scheduler::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        if (tasks_.empty()) {
            changed_.wait(lock);
            continue;
        }
        auto first = tasks_.begin();
        if (first->first > std::chrono::steady_clock::now()) {
            changed_.wait_until(lock, first->first);
            continue;
        }
        std::function<void()> task = std::move(first->second);
        tasks_.erase(first);
        lock.unlock();
        try {
            task();
        } catch (const std::exception& e) {
            std::cerr << "rxflow-pharmacy-sim: task failed: " << e.what() << std::endl;
        }
        lock.lock();
    }
}

}  // namespace rxsim
