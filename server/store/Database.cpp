#include "server/store/Database.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <Poco/Random.h>

#include <algorithm>

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
