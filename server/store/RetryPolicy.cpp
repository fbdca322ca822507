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

Failure classifyFailure(Backend backend, const soci::soci_error& e) {
    if (backend == Backend::Sqlite) {
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

void backoffBeforeRetry(int attempt) {
    // Jittered exponential backoff so racing transactions do not collide again in lockstep.
    static thread_local Poco::Random random;
    const int base = 5 << std::min(attempt, 6);
    std::this_thread::sleep_for(std::chrono::milliseconds(base + static_cast<int>(random.next(base))));
}

}  // namespace rxflow::store
