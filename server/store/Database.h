#pragma once
// The database: a SOCI session pool over sqlite3:// or mysql:// URLs, and transactions that
// retry busy / deadlock / lost-connection failures a bounded number of times. Every
// repository call runs inside `write` or `read`, so a request is one transaction.
// One concern per file: DbUrl (which database), StatementCache (prepared statements per
// session), Tx (what repositories see), RetryPolicy (what is retried), WalSync (SQLite's
// group fsync); here the pool and transactions, in GroupCommit.cpp SQLite's grouped writes.
#include <soci/soci.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "server/domain/Error.h"
#include "server/store/DbUrl.h"
#include "server/store/RetryPolicy.h"
#include "server/store/SqliteFiles.h"
#include "server/store/StatementCache.h"
#include "server/store/StoreHealth.h"
#include "server/store/Tx.h"
#include "server/store/WalSync.h"

namespace rxflow::store {


struct PoolOptions {
    std::size_t size = 8;
    int leaseTimeoutMs = 2000;  // then 503: never hang on a busy pool
    int busyTimeoutMs = 5000;   // SQLite busy_timeout; MySQL innodb_lock_wait_timeout (rounded up to s)
    int maxAttempts = 6;        // per transaction, for retryable failures
    // SQLite durability:
    //  GROUP  an acknowledged write survives power loss: each write transaction returns only
    //         after an fsync of the WAL that began after its COMMIT; concurrent commits share
    //         one fsync (group commit), taken outside the writer (SQLite runs NORMAL);
    //  FULL   the same guarantee from SQLite itself: one fsync inside every COMMIT (one
    //         COMMIT per group of combined writes);
    //  NORMAL syncs at checkpoints only (survives a crash of the process, not of the machine).
    std::string sqliteSynchronous = "GROUP";
};



class Database {
public:
    Database(const DbUrl& url, PoolOptions options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    template <class F> auto write(F&& fn) { return run(Mode::Write, std::forward<F>(fn)); }
    template <class F> auto read(F&& fn) { return run(Mode::Read, std::forward<F>(fn)); }
    // A read of exactly one statement, which both databases run atomically by themselves: no
    // BEGIN / COMMIT around it (the token lookup of every request). Retried like the others.
    template <class F> auto readStatement(F&& fn) { return run(Mode::Statement, std::forward<F>(fn)); }
    // A leased session outside any transaction (migrations, health checks).
    template <class F> auto withSession(F&& fn) {
        Lease lease(*this);
        return fn(lease.session());
    }

    // True when the database answers a read of the migrated schema (reconnecting once if needed).
    bool ping();
    // Why writes fail right now (API.md §13: /readyz is 503 while they do), or nothing. While
    // they fail for want of storage, this tries one small write of its own, at most once a
    // second: the state clears with the next write that succeeds, and a node that a load
    // balancer took out of rotation for its 503 gets no other write to succeed with.
    std::optional<std::string> writeProblem();
    StoreHealth::State writeState() const { return health_.state(); }
    Backend backend() const { return url_.backend; }
    std::size_t poolSize() const { return options_.size; }
    std::size_t inUse() const { return inUse_.load(); }
    long long leaseTimeouts() const { return leaseTimeouts_.load(); }
    // SQLite: write transactions waiting to be taken into a group, and groups run so far.
    std::size_t writesWaiting();
    long long writeGroups() const { return writeGroups_.load(); }

private:
    // A pooled session.
    class Lease {
    public:
        explicit Lease(Database& db) : db_(db), pos_(db.acquire()) {}
        ~Lease() { release(); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        soci::session& session() { return db_.pool_->at(pos_); }
        StatementCache& statements() { return *db_.statements_[pos_]; }
        void release();  // early, or at the end

    private:
        Database& db_;
        std::size_t pos_;
        bool held_ = true;
    };

    // One SQLite write transaction's work, queued for the writer session (see combinedWrite).
    struct WriteJob {
        explicit WriteJob(const std::function<void(Tx&)>& w) : work(w) {}
        const std::function<void(Tx&)>& work;
        enum class State { Queued, Taken, Done } state = State::Queued;
        std::exception_ptr error;  // what the work threw; its own changes were undone
        bool retry = false;        // run it again: it asked to, or its transaction failed as a whole
        std::uint64_t ticket = 0;  // its commit, for WalSync
        std::condition_variable cv;
    };
    static constexpr std::size_t kMaxCombined = 64;


    enum class Mode { Read, Write, Statement };
    template <class F> auto run(Mode mode, F&& fn) -> std::invoke_result_t<F, Tx&>;
    std::size_t acquire();
    void release(std::size_t pos);
    void open(soci::session& s);
    void configure(soci::session& s);
    void begin(Tx& tx, bool write);
    void commit(Tx& tx);
    // SQLite writes, combined: every write transaction's work joins a queue. One thread at a time,
    // the leader (a waiting request's own thread), takes the whole queue and runs it on the writer
    // session in one transaction, each work inside its own SAVEPOINT so that a refusal undoes
    // only its own changes, and commits once for all. Each returns after that commit (and, in
    // GROUP mode, the WAL's fsync after it); a work that waited longer than the lease timeout to
    // be taken is refused with 503. The result is the same as running them one after another,
    // at one BEGIN, COMMIT and write of the WAL per group.
    void combinedWrite(const std::function<void(Tx&)>& work);
    void takeTurn(WriteJob& job);               // returns once the job ran, in whoever's group
    void runGroup(std::vector<WriteJob*>& group);  // on the writer session; never throws
    void rollbackQuietly(soci::session& s);
    void reconnect(soci::session& s, StatementCache& statements);
    // A failure that means the database takes no writes: noted in health_ when it was a write,
    // and the 503 the caller answers with. `osError`: the errno behind it, where known.
    Error storageFault(bool write, const soci::soci_error& e, int osError = 0);
    // SQLite, when the database files are no longer the ones opened (SqliteFiles): writes are
    // halted for good, with the reason logged; a removed or replaced WAL is first checkpointed
    // into the database file, which is still the right one. Called with no transaction open.
    void halt(const SqliteFiles::Change& change);
    void waitDurable(std::uint64_t ticket);  // walSync_'s; a failed fsync is 503 and noted
    void refuseGroup(std::vector<WriteJob*>& group, const Error& refusal);  // those without an outcome

    DbUrl url_;
    PoolOptions options_;
    std::unique_ptr<soci::connection_pool> pool_;
    std::vector<std::unique_ptr<StatementCache>> statements_;  // by pool position
    // SQLite has one writer at a time. This process's write transactions all run on one
    // session, in groups (combinedWrite): they queue here rather than in SQLite's busy handler
    // (which sleeps in steps of milliseconds), and the writer's page cache stays warm (another
    // connection's commit would void it). Other processes sharing the file still meet
    // busy_timeout.
    std::unique_ptr<soci::session> writer_;
    std::unique_ptr<StatementCache> writerStatements_;
    std::mutex writeQueueMutex_;         // guards writeQueue_, leading_ and the queued jobs' fields
    std::deque<WriteJob*> writeQueue_;   // guarded by writeQueueMutex_
    bool leading_ = false;               // guarded by writeQueueMutex_: a leader is running a group
    std::unique_ptr<WalSync> walSync_;  // GROUP mode only
    std::unique_ptr<SqliteFiles> files_;  // SQLite on a file; used by the leader of a group only
    StoreHealth health_;
    std::atomic<long long> lastProbeMs_{0};  // writeProblem's last write of its own
    // Lock-free counters, for /metrics; the pool itself is soci::connection_pool's (its own lock).
    std::atomic<std::size_t> inUse_{0};
    std::atomic<long long> leaseTimeouts_{0};
    std::atomic<long long> writeGroups_{0};
};

template <class F>
auto Database::run(Mode mode, F&& fn) -> std::invoke_result_t<F, Tx&> {
    using R = std::invoke_result_t<F, Tx&>;
    if (mode == Mode::Write && url_.backend == Backend::Sqlite) {
        if constexpr (std::is_void_v<R>) {
            combinedWrite([&](Tx& tx) { fn(tx); });
            return;
        } else {
            std::optional<R> result;
            combinedWrite([&](Tx& tx) {
                result.reset();  // from an earlier run of a group that failed as a whole
                result.emplace(fn(tx));
            });
            return std::move(*result);
        }
    }
    const bool transaction = mode != Mode::Statement;
    for (int attempt = 1;; ++attempt) {
        Lease lease(*this);
        soci::session& s = lease.session();
        Failure failure = Failure::Busy;
        try {
            Tx tx{url_.backend, lease.statements()};
            if (transaction) begin(tx, mode == Mode::Write);
            if constexpr (std::is_void_v<R>) {
                fn(tx);
                if (transaction) commit(tx);
                if (mode == Mode::Write) health_.committed();
                return;
            } else {
                R result = fn(tx);
                if (transaction) commit(tx);
                if (mode == Mode::Write) health_.committed();
                return result;
            }
        } catch (const RetryTransaction&) {
            rollbackQuietly(s);
        } catch (const soci::soci_error& e) {
            rollbackQuietly(s);
            failure = classifyFailure(url_.backend, e);
            if (failure == Failure::Unwritable) throw storageFault(mode == Mode::Write, e);
            if (failure == Failure::Fatal) throw;
        } catch (...) {
            rollbackQuietly(s);
            throw;
        }
        if (failure == Failure::Connection) reconnect(s, lease.statements());
        lease.release();
        if (attempt >= options_.maxAttempts) {
            if (failure != Failure::Connection) throw Error::unavailable("the database is busy; try again");
            const std::string reason = "the connection to the database is lost";
            if (mode == Mode::Write) health_.failed(reason, "every attempt lost its connection");
            throw Error::unavailable(reason + "; try again");
        }
        backoffBeforeRetry(attempt);
    }
}

}  // namespace rxflow::store
