#pragma once
// Group commit for SQLite's GROUP mode: the first committer to arrive fsyncs the WAL for every
// commit finished before its fsync began; the others wait for that one or the next.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace rxflow::store {

class WalSync {
public:
    explicit WalSync(std::string walPath) : path_(std::move(walPath)) {}
    ~WalSync();
    std::uint64_t committed();          // a ticket, taken after COMMIT returned
    void waitDurable(std::uint64_t t);  // returns once an fsync begun after ticket t ended

private:
    void fsyncWal();  // called with m_ unlocked, by the one thread that set syncing_
    const std::string path_;
    int fd_ = -1;  // opened on first use; only the syncing thread touches it
    std::mutex m_;
    std::condition_variable cv_;  // signalled (under m_) when an fsync ends
    // Guarded by m_: the last ticket issued, the last ticket known durable, and whether a
    // thread is inside fsyncWal right now.
    std::uint64_t issued_ = 0, synced_ = 0;
    bool syncing_ = false;
};

}  // namespace rxflow::store
