#include "server/store/RetryPolicy.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <Poco/Random.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace rxflow::store {

int mysqlErrorNumber(const soci::soci_error& e) {
    if (auto* m = dynamic_cast<const soci::mysql_soci_error*>(&e)) return static_cast<int>(m->err_num_);
    return 0;
}

int sqliteResult(const soci::soci_error& e) {
    if (auto* s = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) return s->result() & 0xff;
    return 0;
}

namespace {

// SQLite's primary result codes (extended codes are masked off by sqliteResult) for a database
// that cannot be written. SQLITE_CORRUPT and
// SQLITE_NOTADB are among them: a damaged file takes no more writes safely, and what a client
// can do about it is the same as for a full disk (try later, elsewhere), not a 500.
const char* sqliteUnwritable(int rc) {
    switch (rc) {
        case SQLITE_PERM:
            return "permission to write the database file was denied";
        case SQLITE_READONLY:
            return "the database is read-only";
        case SQLITE_IOERR:
            return "the database reported an I/O error";
        case SQLITE_CORRUPT:
            return "the database file is damaged";
        case SQLITE_FULL:
            return "the disk is full";
        case SQLITE_CANTOPEN:
            return "the database file cannot be opened";
        case SQLITE_NOTADB:
            return "the database file is not a database";
        default:
            return nullptr;
    }
}

// MariaDB / MySQL error numbers for the same.
const char* mysqlUnwritable(int code) {
    switch (code) {
        case 1004:  // ER_CANT_CREATE_FILE
        case 1016:  // ER_CANT_OPEN_FILE
        case 1026:  // ER_ERROR_ON_WRITE
        case 1030:  // ER_GET_ERRNO: "Got error 28 from storage engine" (no space) and the like
        case 1180:  // ER_ERROR_DURING_COMMIT
            return "the database reported a storage error";
        case 1021:  // ER_DISK_FULL
        case 1114:  // ER_RECORD_FILE_FULL: "The table ... is full"
            return "the disk is full";
        case 1036:  // ER_OPEN_AS_READONLY
        case 1290:  // ER_OPTION_PREVENTS_STATEMENT: --read-only (or super_read_only)
        case 1792:  // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
        case 1836:  // ER_READ_ONLY_MODE (InnoDB innodb_read_only, force_recovery)
            return "the database is read-only";
        default:
            return nullptr;
    }
}

}  // namespace

Failure classifyFailure(Backend backend, const soci::soci_error& e) {
    if (backend == Backend::Sqlite) {
        int rc = sqliteResult(e);
        if (rc == 5 /* BUSY */ || rc == 6 /* LOCKED */) return Failure::Busy;
        return sqliteUnwritable(rc) ? Failure::Unwritable : Failure::Fatal;
    }
    if (mysqlUnwritable(mysqlErrorNumber(e))) return Failure::Unwritable;
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

std::string unwritableReason(Backend backend, const soci::soci_error& e) {
    const char* reason =
        backend == Backend::Sqlite ? sqliteUnwritable(sqliteResult(e)) : mysqlUnwritable(mysqlErrorNumber(e));
    return reason ? reason : "the database refused the write";
}

void backoffBeforeRetry(int attempt) {
    // Jittered exponential backoff so racing transactions do not collide again in lockstep.
    static thread_local Poco::Random random;
    const int base = 5 << std::min(attempt, 6);
    std::this_thread::sleep_for(std::chrono::milliseconds(base + static_cast<int>(random.next(base))));
}

}  // namespace rxflow::store
