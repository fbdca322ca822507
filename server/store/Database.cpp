#include "server/store/Database.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <Poco/Path.h>
#include <Poco/Random.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <map>
#include <sstream>
#include <stdexcept>

namespace rxflow::store {
namespace {

// "k=v k=v" (SOCI's own connection-string form) into a map; values may not contain spaces.
std::map<std::string, std::string> splitParams(const std::string& params) {
    std::map<std::string, std::string> out;
    std::istringstream in(params);
    std::string word;
    while (in >> word) {
        auto eq = word.find('=');
        if (eq == std::string::npos || eq == 0) throw std::invalid_argument("expected key=value, got '" + word + "'");
        out[word.substr(0, eq)] = word.substr(eq + 1);
    }
    return out;
}

int mysqlErrorNumber(const soci::soci_error& e) {
    if (auto* m = dynamic_cast<const soci::mysql_soci_error*>(&e)) return static_cast<int>(m->err_num_);
    return 0;
}

int sqliteResult(const soci::soci_error& e) {
    if (auto* s = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) return s->result() & 0xff;
    return 0;
}

}  // namespace

DbUrl DbUrl::parse(const std::string& url) {
    DbUrl out;
    std::string rest;
    if (url.rfind("sqlite3://", 0) == 0) {
        out.backend = Backend::Sqlite;
        rest = url.substr(10);
    } else if (url.rfind("mysql://", 0) == 0) {
        out.backend = Backend::Mysql;
        rest = url.substr(8);
    } else {
        throw std::invalid_argument("database URL must start with sqlite3:// or mysql://");
    }
    auto params = splitParams(rest);
    if (params["db"].empty()) throw std::invalid_argument("database URL needs db=...");
    if (out.backend == Backend::Mysql && !params.count("charset")) params["charset"] = "utf8mb4";
    for (const auto& [k, v] : params) out.params += (out.params.empty() ? "" : " ") + k + "=" + v;
    return out;
}

std::string DbUrl::redacted() const {
    std::string shown;
    for (const auto& [k, v] : splitParams(params))
        shown += (shown.empty() ? "" : " ") + k + "=" + (k == "password" ? "***" : v);
    return (backend == Backend::Mysql ? "mysql://" : "sqlite3://") + shown;
}

bool isUniqueViolation(const soci::soci_error& e) {
    return mysqlErrorNumber(e) == 1062 || sqliteResult(e) == 19 /* SQLITE_CONSTRAINT */;
}

long long integerAt(const soci::row& r, std::size_t i) {
    switch (r.get_properties(i).get_data_type()) {
        case soci::dt_integer: return r.get<int>(i);
        case soci::dt_unsigned_long_long: return static_cast<long long>(r.get<unsigned long long>(i));
        case soci::dt_double: return static_cast<long long>(r.get<double>(i));
        case soci::dt_string: return std::stoll(r.get<std::string>(i));  // SQLite: an aggregate has no declared type
        default: return r.get<long long>(i);
    }
}

Database::Database(const DbUrl& url, PoolOptions options)
    : url_(url), options_(options), pool_(std::make_unique<soci::connection_pool>(options.size)) {
    if (url_.backend == Backend::Sqlite && options_.sqliteSynchronous == "GROUP")
        walSync_ = std::make_unique<WalSync>(splitParams(url_.params)["db"] + "-wal");
    const bool sqlite = url_.backend == Backend::Sqlite;
    for (std::size_t i = 0; i < options_.size; ++i) {
        open(pool_->at(i));
        statements_.push_back(std::make_unique<StatementCache>(pool_->at(i), sqlite));
    }
    if (sqlite) {
        writer_ = std::make_unique<soci::session>();  // combinedWrite's
        open(*writer_);
        writerStatements_ = std::make_unique<StatementCache>(*writer_, true);
    }
}

void Database::Lease::release() {
    if (!held_) return;
    held_ = false;
    db_.release(pos_);
}

namespace {

std::unique_ptr<soci::statement> prepare(soci::session& s, const std::string& sql) {
    auto st = std::make_unique<soci::statement>(s);
    st->alloc();
    st->prepare(sql);
    return st;
}

}  // namespace

soci::statement* StatementCache::find(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second.get();
    if (statements_.size() >= kMaxEntries) return nullptr;
    return statements_.emplace(sql, prepare(session_, sql)).first->second.get();
}

Prepared::Prepared(StatementCache& cache, const std::string& sql) : cache_(cache), sql_(sql), st_(cache.find(sql)) {
    if (!st_) {
        oneOff_ = prepare(cache.session(), sql);
        st_ = oneOff_.get();
    }
}

Prepared::~Prepared() {
    if (oneOff_) return;
    if (!done_) {
        cache_.drop(sql_);  // its state after a failure is not worth trusting
        return;
    }
    st_->bind_clean_up();
    // SQLite: a statement stopped on a row keeps its read snapshot until reset.
    // (static_cast: SOCI does not export the backend classes' typeinfo; the session is SQLite.)
    if (cache_.sqlite()) sqlite_api::sqlite3_reset(static_cast<soci::sqlite3_statement_backend*>(st_->get_backend())->stmt_);
}

Database::WalSync::~WalSync() {
    if (fd_ >= 0) ::close(fd_);
}

std::uint64_t Database::WalSync::committed() {
    std::lock_guard<std::mutex> lock(m_);
    return ++issued_;
}

void Database::WalSync::waitDurable(std::uint64_t ticket) {
    std::unique_lock<std::mutex> lock(m_);
    while (synced_ < ticket) {
        if (syncing_) {
            cv_.wait(lock);
            continue;
        }
        // Leader: every ticket issued so far belongs to a COMMIT that has returned, so its
        // frames are in the WAL file; one fsync makes all of them durable.
        syncing_ = true;
        const std::uint64_t target = issued_;
        lock.unlock();
        std::string failure;
        try {
            fsyncWal();
        } catch (const std::exception& e) {
            failure = e.what();
        }
        lock.lock();
        syncing_ = false;
        if (failure.empty()) synced_ = target;
        cv_.notify_all();
        // The waiters retry with their own fsync; this commit's reply says it is not known durable.
        if (!failure.empty()) throw std::runtime_error(failure);
    }
}

void Database::WalSync::fsyncWal() {
    if (fd_ < 0) {
        // The WAL exists once the first write committed (it does by now), and stays while this
        // process holds connections open. Its directory entry is made durable once.
        fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
        const std::string dir = Poco::Path(path_).makeAbsolute().parent().toString();
        const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirFd >= 0) {
            ::fsync(dirFd);
            ::close(dirFd);
        }
    }
    if (::fsync(fd_) != 0) throw std::runtime_error("fsync of " + path_ + " failed: " + std::strerror(errno));
}

void Database::combinedWrite(const std::function<void(Tx&)>& work) {
    for (int attempt = 1;; ++attempt) {
        WriteJob job(work);
        takeTurn(job);
        if (job.error) std::rethrow_exception(job.error);
        if (!job.retry) {
            if (walSync_) walSync_->waitDurable(job.ticket);
            return;
        }
        if (attempt >= options_.maxAttempts) throw Error::unavailable("the database is busy; try again");
        backoff(attempt);
    }
}

std::size_t Database::writesWaiting() {
    std::lock_guard<std::mutex> lock(writeQueueMutex_);
    return writeQueue_.size();
}

void Database::takeTurn(WriteJob& job) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.leaseTimeoutMs);
    std::unique_lock<std::mutex> lock(writeQueueMutex_);
    writeQueue_.push_back(&job);
    while (job.state != WriteJob::State::Done) {
        if (job.state == WriteJob::State::Taken) {  // in a group another thread runs
            job.cv.wait(lock);
            continue;
        }
        if (leading_) {
            if (job.cv.wait_until(lock, deadline) == std::cv_status::timeout && job.state == WriteJob::State::Queued) {
                writeQueue_.erase(std::find(writeQueue_.begin(), writeQueue_.end(), &job));
                ++leaseTimeouts_;
                throw Error::unavailable("too many writes waiting; try again");
            }
            continue;
        }
        // Lead: take the queue (this job is in it) and run it as one group.
        leading_ = true;
        const std::size_t n = std::min(writeQueue_.size(), kMaxCombined);
        std::vector<WriteJob*> group(writeQueue_.begin(), writeQueue_.begin() + static_cast<std::ptrdiff_t>(n));
        writeQueue_.erase(writeQueue_.begin(), writeQueue_.begin() + static_cast<std::ptrdiff_t>(n));
        for (WriteJob* j : group) j->state = WriteJob::State::Taken;
        lock.unlock();
        ++inUse_;
        runGroup(group);
        --inUse_;
        lock.lock();
        leading_ = false;
        for (WriteJob* j : group) {
            j->state = WriteJob::State::Done;
            j->cv.notify_one();
        }
        if (!writeQueue_.empty()) writeQueue_.front()->cv.notify_one();  // the next leader
    }
}

void Database::runGroup(std::vector<WriteJob*>& group) {
    static const std::string savepoint = "SAVEPOINT work", release = "RELEASE work", undo = "ROLLBACK TO work";
    ++writeGroups_;
    Tx tx{*writer_, Backend::Sqlite, *writerStatements_};
    // The whole transaction failed: each work not already refused gets the error when it is
    // final, or runs again.
    auto failAll = [&](const soci::soci_error& e) {
        rollbackQuietly(*writer_);
        const bool fatal = classify(e) == Failure::Fatal;
        for (WriteJob* j : group) {
            if (j->error) continue;
            j->retry = !fatal;
            if (fatal) j->error = std::current_exception();
        }
    };
    try {
        begin(tx, true);
        for (WriteJob* j : group) {
            tx.exec(savepoint);
            try {
                j->work(tx);
                tx.exec(release);
                continue;
            } catch (const RetryTransaction&) {
                j->retry = true;
            } catch (const soci::soci_error& e) {
                if (classify(e) == Failure::Fatal)
                    j->error = std::current_exception();
                else
                    j->retry = true;
            } catch (...) {
                j->error = std::current_exception();
            }
            // Undo this work's changes only; throws when SQLite ended the whole transaction.
            tx.exec(undo);
            tx.exec(release);
        }
        commit(tx);
    } catch (const soci::soci_error& e) {
        failAll(e);
        return;
    }
    const std::uint64_t ticket = walSync_ ? walSync_->committed() : 0;
    for (WriteJob* j : group) j->ticket = ticket;
}

Database::~Database() = default;

void Database::open(soci::session& s) {
    if (url_.backend == Backend::Sqlite)
        s.open(soci::sqlite3, url_.params);
    else
        s.open(soci::mysql, url_.params);
    configure(s);
}

void Database::configure(soci::session& s) {
    if (url_.backend == Backend::Sqlite) {
        std::string mode;
        s << "PRAGMA journal_mode=WAL", soci::into(mode);
        s << "PRAGMA busy_timeout=" + std::to_string(options_.busyTimeoutMs);
        s << "PRAGMA foreign_keys=ON";
        // GROUP: SQLite does not sync at COMMIT; combinedWrite does, once per group of commits.
        const std::string sync = options_.sqliteSynchronous == "GROUP" ? "NORMAL" : options_.sqliteSynchronous;
        s << "PRAGMA synchronous=" + sync;  // FULL or NORMAL (Settings checks)
        // No memory map (mmap_size stays 0): a reader whose snapshot is older than the last
        // commit unmaps and maps the file again at its next BEGIN, which cost more than the
        // reads it saves under constant writes.
    } else {
        s << "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
        s << "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'";
        s << "SET SESSION innodb_lock_wait_timeout=" + std::to_string((options_.busyTimeoutMs + 999) / 1000);
    }
}

std::size_t Database::acquire() {
    std::size_t pos = 0;
    if (!pool_->try_lease(pos, options_.leaseTimeoutMs)) {
        ++leaseTimeouts_;
        throw Error::unavailable("no database session free; try again");
    }
    ++inUse_;
    return pos;
}

void Database::release(std::size_t pos) {
    --inUse_;
    pool_->give_back(pos);
}

void Database::begin(Tx& tx, bool write) {
    static const std::string immediate = "BEGIN IMMEDIATE", deferred = "BEGIN", start = "START TRANSACTION";
    tx.exec(url_.backend == Backend::Sqlite ? (write ? immediate : deferred) : start);
}

void Database::commit(Tx& tx) {
    static const std::string commit = "COMMIT";
    tx.exec(commit);
}

void Database::rollbackQuietly(soci::session& s) {
    try {
        s << "ROLLBACK";
    } catch (...) {
        // No transaction open, or the connection is gone: nothing to undo either way.
    }
}

Database::Failure Database::classify(const soci::soci_error& e) const {
    if (url_.backend == Backend::Sqlite) {
        int rc = sqliteResult(e);
        return (rc == 5 /* BUSY */ || rc == 6 /* LOCKED */) ? Failure::Busy : Failure::Fatal;
    }
    switch (mysqlErrorNumber(e)) {
        case 1213:  // deadlock; also a Galera certification failure
        case 1205:  // lock wait timeout
        case 9007:  // TiDB write conflict
        case 8022:  // TiDB transaction retry
        case 8028:  // TiDB schema changed
            return Failure::Busy;
        case 2006:  // server has gone away
        case 2013:  // lost connection during query
        case 2055:
            return Failure::Connection;
        default:
            return e.get_error_category() == soci::soci_error::connection_error ? Failure::Connection
                                                                                  : Failure::Fatal;
    }
}

void Database::reconnect(soci::session& s, StatementCache& statements) {
    statements.clear();  // they belong to the connection being replaced
    try {
        s.reconnect();
        configure(s);
    } catch (const soci::soci_error&) {
        // The next attempt fails again and is counted; after the last one the caller gets 503.
    }
}

void Database::backoff(int attempt) {
    // Jittered exponential backoff so racing transactions do not collide again in lockstep.
    static thread_local Poco::Random random;
    const int base = 5 << std::min(attempt, 6);
    std::this_thread::sleep_for(std::chrono::milliseconds(base + static_cast<int>(random.next(base))));
}

bool Database::ping() {
    try {
        Lease lease(*this);
        soci::session& s = lease.session();
        // A real table, not SELECT 1: a dropped or unreadable database must show.
        int migrations = 0;
        try {
            s << "SELECT COUNT(*) FROM schema_migrations", soci::into(migrations);
        } catch (const soci::soci_error&) {
            reconnect(s, lease.statements());  // the server may have restarted since this session was used
            s << "SELECT COUNT(*) FROM schema_migrations", soci::into(migrations);
        }
        return migrations > 0;
    } catch (...) {
        return false;
    }
}

}  // namespace rxflow::store
