#include "server/store/Database.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace rxflow::store {

Database::Database(const DbUrl& url, PoolOptions options)
    : url_(url), options_(options), pool_(std::make_unique<soci::connection_pool>(options.size)) {
    if (url_.backend == Backend::Sqlite && options_.sqliteSynchronous == "GROUP")
        walSync_ = std::make_unique<WalSync>(url_.value("db") + "-wal");
    const bool sqlite = url_.backend == Backend::Sqlite;
    for (std::size_t i = 0; i < options_.size; ++i) {
        open(pool_->at(i));
        statements_.push_back(std::make_unique<StatementCache>(pool_->at(i), sqlite));
    }
    if (sqlite) {
        writer_ = std::make_unique<soci::session>();  // combinedWrite's
        open(*writer_);
        writerStatements_ = std::make_unique<StatementCache>(*writer_, true);
        files_ = std::make_unique<SqliteFiles>(*writer_);  // the sessions are open: so is the WAL
        if (files_->inMemory()) files_.reset();
    }
}

void Database::Lease::release() {
    if (!held_) return;
    held_ = false;
    db_.release(pos_);
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

void Database::reconnect(soci::session& s, StatementCache& statements) {
    statements.clear();  // they belong to the connection being replaced
    try {
        s.reconnect();
        configure(s);
    } catch (const soci::soci_error&) {
        // The next attempt fails again and is counted; after the last one the caller gets 503.
    }
}

Error Database::storageFault(bool write, const soci::soci_error& e, int osError) {
    std::string reason = unwritableReason(url_.backend, e);
    // SQLite reports most failed writes as an I/O error: the errno says which fault it was.
    if (osError == ENOSPC) reason = "the disk is full";
    if (osError == EFBIG) reason = "the database file reached the file size limit";
    if (osError == EROFS) reason = "the file system is read-only";
    // The backend's message alone: what() adds the statement and its bound values.
    if (write)
        health_.failed(reason,
                       e.get_error_message() + (osError ? std::string(": ") + std::strerror(osError) : ""));
    return Error::unavailable("the database cannot be written: " + reason + "; try again later");
}

void Database::halt(const SqliteFiles::Change& change) {
    std::string logged = change.what +
                         " under the running server: writes are refused (503) until it is "
                         "restarted, rather than written to files no one reads again";
    if (!change.databaseMoved) {
        // The connections still hold the WAL they opened, and the database file is the right
        // one: a checkpoint copies every acknowledged write from that WAL into it, so a crash or
        // a restart after this loses none of them (without it they live in an unlinked inode).
        try {
            int busy = -1, frames = -1, copied = -1;
            *writer_ << "PRAGMA wal_checkpoint(FULL)", soci::into(busy), soci::into(frames),
                soci::into(copied);
            logged += "; the old WAL was checkpointed into " + files_->databasePath() + " (" +
                      std::to_string(copied) + " of " + std::to_string(frames) + " frames" +
                      (busy ? ", blocked by a reader: not all of them" : "") + ")";
        } catch (const soci::soci_error& e) {
            logged += "; checkpointing the old WAL into the database file failed: " + e.get_error_message();
        }
    } else {
        logged +=
            "; the -wal file beside it holds the old file's last writes, which a restart applies to the "
            "file now at the path";
    }
    health_.halted("the database files were replaced or removed under the server; it must be restarted",
                   logged);
}

std::optional<std::string> Database::writeProblem() {
    if (health_.state() == StoreHealth::State::Failing) {
        using namespace std::chrono;
        const long long now = duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
        long long last = lastProbeMs_.load();
        if (now - last >= 1000 && lastProbeMs_.compare_exchange_strong(last, now)) {
            try {
                write([&](Tx& tx) {
                    static const std::string probe =
                        "UPDATE store_probe SET writes = writes + 1, at = :at WHERE id = 1";
                    tx.change(probe, soci::use(now));
                });
            } catch (const std::exception&) {
                // Still failing: health_ says why.
            }
        }
    }
    return health_.problem();
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
