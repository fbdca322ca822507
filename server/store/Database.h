#pragma once
// The database: a SOCI session pool over sqlite3:// or mysql:// URLs, and transactions that
// retry busy / deadlock / lost-connection failures a bounded number of times. Every
// repository call runs inside `write` or `read`, so a request is one transaction.
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>

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
    // SQLite: FULL syncs the WAL at every commit (an acknowledged write survives power loss);
    // NORMAL syncs at checkpoints only (it survives a crash of the process, not of the machine).
    std::string sqliteSynchronous = "FULL";
};

// One open transaction. Repositories take it as their first argument.
struct Tx {
    soci::session& sql;
    Backend backend;
    bool mysql() const { return backend == Backend::Mysql; }
    // Row lock suffix for SELECTs that precede an update. SQLite's write transactions already
    // hold the database's write lock (BEGIN IMMEDIATE), so it needs none.
    const char* forUpdate() const { return mysql() ? " FOR UPDATE" : ""; }
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

    template <class F> auto write(F&& fn) { return run(true, std::forward<F>(fn)); }
    template <class F> auto read(F&& fn) { return run(false, std::forward<F>(fn)); }
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

private:
    class Lease {
    public:
        explicit Lease(Database& db) : db_(db), pos_(db.acquire()) {}
        ~Lease() { db_.release(pos_); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        soci::session& session() { return db_.pool_->at(pos_); }

    private:
        Database& db_;
        std::size_t pos_;
    };

    enum class Failure { Fatal, Busy, Connection };

    template <class F> auto run(bool write, F&& fn) -> std::invoke_result_t<F, Tx&>;
    std::size_t acquire();
    void release(std::size_t pos);
    void open(soci::session& s);
    void configure(soci::session& s);
    void begin(soci::session& s, bool write);
    void commit(soci::session& s);
    void rollbackQuietly(soci::session& s);
    Failure classify(const soci::soci_error& e) const;
    void recover(soci::session& s, Failure f, int attempt);

    DbUrl url_;
    PoolOptions options_;
    std::unique_ptr<soci::connection_pool> pool_;
    std::atomic<std::size_t> inUse_{0};
    std::atomic<long long> leaseTimeouts_{0};
};

template <class F>
auto Database::run(bool write, F&& fn) -> std::invoke_result_t<F, Tx&> {
    using R = std::invoke_result_t<F, Tx&>;
    for (int attempt = 1;; ++attempt) {
        Lease lease(*this);
        soci::session& s = lease.session();
        Failure failure = Failure::Busy;
        try {
            begin(s, write);
            Tx tx{s, url_.backend};
            if constexpr (std::is_void_v<R>) {
                fn(tx);
                commit(s);
                return;
            } else {
                R result = fn(tx);
                commit(s);
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
        if (attempt >= options_.maxAttempts) throw Error::unavailable("the database is busy; try again");
        recover(s, failure, attempt);
    }
}

}  // namespace rxflow::store
