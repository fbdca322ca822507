#pragma once
// The database: a SOCI session pool over sqlite3:// or mysql:// URLs, and transactions that
// retry busy / deadlock / lost-connection failures a bounded number of times. Every
// repository call runs inside `write` or `read`, so a request is one transaction.
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "server/domain/Error.h"

namespace rxflow::store {

enum class Backend { Sqlite, Mysql };

struct DbUrl {
    Backend backend = Backend::Sqlite;
    std::string params;  // SOCI connection parameters, e.g. "db=/x/rxflow.db"
    // sqlite3://db=PATH or mysql://db=NAME user=U password=P host=H port=N.
    // Throws std::invalid_argument naming what is wrong.
    static DbUrl parse(const std::string& url);
    std::string redacted() const;  // for logs: the password replaced by ***
};

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

// Statements prepared once per pooled session and kept, keyed by their SQL text: SQLite parses
// and plans a statement when it is prepared, SOCI's MySQL backend splits it into chunks. For
// fixed SQL texts only; past kMaxEntries, statements are prepared for one use as before.
class StatementCache {
public:
    static constexpr std::size_t kMaxEntries = 256;
    StatementCache(soci::session& s, bool sqlite) : session_(s), sqlite_(sqlite) {}
    bool sqlite() const { return sqlite_; }
    // A prepared statement with no elements bound, or nullptr when the cache is full.
    soci::statement* find(const std::string& sql);
    soci::session& session() { return session_; }
    void drop(const std::string& sql) { statements_.erase(sql); }
    void clear() { statements_.clear(); }  // before the session reconnects

private:
    soci::session& session_;
    bool sqlite_;
    std::unordered_map<std::string, std::unique_ptr<soci::statement>> statements_;
};

// One use of a cached (or, when the cache is full, one-off) statement: binds the elements,
// and afterwards unbinds them and resets the statement so it holds no lock or snapshot. A
// statement whose execution threw is dropped from the cache.
class Prepared {
public:
    Prepared(StatementCache& cache, const std::string& sql);
    ~Prepared();
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;
    soci::statement& operator*() { return *st_; }
    soci::statement* operator->() { return st_; }
    void done() { done_ = true; }

private:
    StatementCache& cache_;
    const std::string& sql_;
    std::unique_ptr<soci::statement> oneOff_;
    soci::statement* st_;
    bool done_ = false;
};

// One open transaction. Repositories take it as their first argument.
struct Tx {
    soci::session& sql;
    Backend backend;
    StatementCache& statements;
    bool mysql() const { return backend == Backend::Mysql; }
    // Row lock suffix for SELECTs that precede an update. SQLite's write transactions already
    // hold the database's write lock (BEGIN IMMEDIATE), so it needs none.
    const char* forUpdate() const { return mysql() ? " FOR UPDATE" : ""; }

    // Runs `sql` once through this session's prepared statement, with soci::use / soci::into
    // elements as `tx.sql << sql, ...` would. True when a row came back into the elements.
    template <class... E> bool exec(const std::string& sql, E&&... elements) {
        return run(sql, [](soci::statement& st) { return st.got_data(); }, std::forward<E>(elements)...);
    }
    // The same for INSERT / UPDATE / DELETE: the number of rows changed.
    template <class... E> long long change(const std::string& sql, E&&... uses) {
        return run(sql, [](soci::statement& st) { return st.get_affected_rows(); }, std::forward<E>(uses)...);
    }
    // Calls onRow(const soci::row&) for each row of a SELECT with soci::use elements.
    template <class F, class... U> void each(const std::string& sql, F&& onRow, U&&... uses) {
        soci::row row;
        const auto eachRow = [&](soci::statement& st) {
            for (bool more = st.got_data(); more; more = st.fetch()) onRow(static_cast<const soci::row&>(row));
            return true;
        };
        run(sql, eachRow, std::forward<U>(uses)..., soci::into(row));
    }

private:
    // Binds the elements, executes (fetching the first row), and returns what `then` makes of it.
    template <class Then, class... E> auto run(const std::string& sql, Then&& then, E&&... elements) {
        Prepared st(statements, sql);
        (st->exchange(std::forward<E>(elements)), ...);
        st->define_and_bind();
        st->execute(true);
        auto result = then(*st);
        st.done();
        return result;
    }
};

// Thrown inside a transaction to roll it back and run it once more (e.g. a unique key taken
// by a concurrent request whose result the retry will find).
struct RetryTransaction {};

bool isUniqueViolation(const soci::soci_error& e);

// An integer column as long long, whatever width the backend reports for it (SQLite's
// INTEGER PRIMARY KEY comes back as int, MySQL's BIGINT as long long).
long long integerAt(const soci::row& r, std::size_t i);

// Runs an INSERT; false when it hit a unique key (the row exists already). Only for tables
// whose foreign keys the caller has checked, since SQLite reports both as SQLITE_CONSTRAINT.
template <class F> bool insertUnlessExists(F&& insert) {
    try {
        insert();
        return true;
    } catch (const soci::soci_error& e) {
        if (isUniqueViolation(e)) return false;
        throw;
    }
}

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

    enum class Failure { Fatal, Busy, Connection };

    // Group commit for SQLite's GROUP mode: the first committer to arrive fsyncs the WAL for
    // every commit finished before its fsync began; the others wait for that or the next one.
    class WalSync {
    public:
        explicit WalSync(std::string walPath) : path_(std::move(walPath)) {}
        ~WalSync();
        std::uint64_t committed();          // a ticket, taken after COMMIT returned
        void waitDurable(std::uint64_t t);  // returns once an fsync begun after ticket t ended

    private:
        void fsyncWal();
        std::string path_;
        int fd_ = -1;
        std::mutex m_;
        std::condition_variable cv_;
        std::uint64_t issued_ = 0, synced_ = 0;
        bool syncing_ = false;
    };

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
    Failure classify(const soci::soci_error& e) const;
    void reconnect(soci::session& s, StatementCache& statements);
    static void backoff(int attempt);

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
    std::mutex writeQueueMutex_;
    std::deque<WriteJob*> writeQueue_;
    bool leading_ = false;  // a leader is running a group
    std::unique_ptr<WalSync> walSync_;  // GROUP mode only
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
            Tx tx{s, url_.backend, lease.statements()};
            if (transaction) begin(tx, mode == Mode::Write);
            if constexpr (std::is_void_v<R>) {
                fn(tx);
                if (transaction) commit(tx);
                return;
            } else {
                R result = fn(tx);
                if (transaction) commit(tx);
                return result;
            }
        } catch (const RetryTransaction&) {
            rollbackQuietly(s);
        } catch (const soci::soci_error& e) {
            rollbackQuietly(s);
            failure = classify(e);
            if (failure == Failure::Fatal) throw;
        } catch (...) {
            rollbackQuietly(s);
            throw;
        }
        if (failure == Failure::Connection) reconnect(s, lease.statements());
        lease.release();
        if (attempt >= options_.maxAttempts) throw Error::unavailable("the database is busy; try again");
        backoff(attempt);
    }
}

}  // namespace rxflow::store
