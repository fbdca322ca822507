#include "server/store/Database.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <Poco/Random.h>

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
    for (std::size_t i = 0; i < options_.size; ++i) open(pool_->at(i));
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
        s << "PRAGMA synchronous=" + options_.sqliteSynchronous;  // FULL or NORMAL (Settings checks)
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

void Database::begin(soci::session& s, bool write) {
    if (url_.backend == Backend::Sqlite)
        s << (write ? "BEGIN IMMEDIATE" : "BEGIN");
    else
        s << "START TRANSACTION";
}

void Database::commit(soci::session& s) { s << "COMMIT"; }

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

void Database::recover(soci::session& s, Failure f, int attempt) {
    if (f == Failure::Connection) {
        try {
            s.reconnect();
            configure(s);
        } catch (const soci::soci_error&) {
            // The next attempt fails again and is counted; after the last one the caller gets 503.
        }
    }
    // Jittered exponential backoff so racing transactions do not collide again in lockstep.
    static thread_local Poco::Random random;
    const int base = 5 << std::min(attempt, 6);
    std::this_thread::sleep_for(std::chrono::milliseconds(base + static_cast<int>(random.next(base))));
}

bool Database::ping() {
    try {
        return withSession([this](soci::session& s) {
            // A real table, not SELECT 1: a dropped or unreadable database must show.
            int migrations = 0;
            try {
                s << "SELECT COUNT(*) FROM schema_migrations", soci::into(migrations);
            } catch (const soci::soci_error&) {
                s.reconnect();  // the server may have restarted since this session was used
                configure(s);
                s << "SELECT COUNT(*) FROM schema_migrations", soci::into(migrations);
            }
            return migrations > 0;
        });
    } catch (...) {
        return false;
    }
}

}  // namespace rxflow::store
