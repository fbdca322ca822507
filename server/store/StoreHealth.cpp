#include "server/store/StoreHealth.h"

#include <Poco/Logger.h>

namespace rxflow::store {
namespace {

// The application's logger tree ("rxflow" is the server's own): store messages under it.
Poco::Logger& log() { return Poco::Logger::get("rxflow.store"); }

}  // namespace

void StoreHealth::failed(const std::string& reason, const std::string& cause) {
    std::lock_guard<std::mutex> lock(mutex_);
    const State was = state_.load();
    if (was == State::Halted) return;
    const bool changed = was != State::Failing || reason_ != reason;
    reason_ = reason;
    state_.store(State::Failing, std::memory_order_release);
    if (changed)
        log().error("database writes fail: %s (%s); /readyz is 503 until a write succeeds", reason, cause);
}

void StoreHealth::halted(const std::string& reason, const std::string& logged) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_.load() == State::Halted) return;
    reason_ = reason;
    state_.store(State::Halted, std::memory_order_release);
    log().critical("%s", logged);
}

void StoreHealth::committed() {
    if (state_.load(std::memory_order_acquire) != State::Failing) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_.load() != State::Failing) return;
    state_.store(State::Writable, std::memory_order_release);
    log().information("database writes succeed again (after: %s)", reason_);
    reason_.clear();
}

std::optional<std::string> StoreHealth::problem() const {
    if (state() == State::Writable) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_.load() == State::Writable) return std::nullopt;
    return reason_;
}

}  // namespace rxflow::store
