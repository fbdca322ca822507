#pragma once
// Whether the database takes writes (API.md §13, storage faults), for /readyz and for refusing
// writes early. Three states:
//  Writable   the last write committed (or none failed yet);
//  Failing    the last write failed for want of storage (a full disk, a read-only or damaged
//             database, a lost connection): the next write that commits clears it;
//  Halted     the database files were replaced or removed under the server: every write is
//             refused until the process restarts, since what it would write no one reads again.
// Thread-safe. The write path asks on every commit, so the healthy case is one atomic load.
#include <atomic>
#include <mutex>
#include <optional>
#include <string>

namespace rxflow::store {

class StoreHealth {
public:
    enum class State { Writable, Failing, Halted };

    // A write failed: `reason` is what clients are told, `cause` the raw error (logged only).
    // Logged when the state changes, not on every failed write.
    void failed(const std::string& reason, const std::string& cause);
    // The files are gone: logged as an error, and the state stays Halted.
    void halted(const std::string& reason, const std::string& logged);
    // A write committed: Failing becomes Writable (Halted stays).
    void committed();

    State state() const { return state_.load(std::memory_order_acquire); }
    // The reason writes fail, or nothing while the database is writable.
    std::optional<std::string> problem() const;

private:
    std::atomic<State> state_{State::Writable};
    mutable std::mutex mutex_;  // guards reason_
    std::string reason_;        // guarded by mutex_
};

}  // namespace rxflow::store
