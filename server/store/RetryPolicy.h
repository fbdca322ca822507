#pragma once
// Which database failures a transaction retries, and how long it waits before the next try.
#include <soci/soci.h>

#include <string>

#include "server/store/DbUrl.h"

namespace rxflow::store {

enum class Failure {
    Fatal,       // not retried: the caller gets the error
    Busy,        // lock contention, deadlock, write conflict: run the transaction again
    Connection,  // the connection is gone: reconnect, then run it again
    // The database cannot take writes (a full disk, a read-only or damaged database, an I/O
    // error): not retried, since a few milliseconds change nothing; 503 (API.md §13).
    Unwritable,
};

Failure classifyFailure(Backend backend, const soci::soci_error& e);
// For an Unwritable failure: what the client and /readyz are told, in words that name the
// fault but none of the database's internals (tables, paths), e.g. "the disk is full".
std::string unwritableReason(Backend backend, const soci::soci_error& e);
// Sleeps a jittered, exponentially growing time so racing transactions do not collide again.
void backoffBeforeRetry(int attempt);

// The error numbers behind a SOCI error (0 when the backend is another one).
int mysqlErrorNumber(const soci::soci_error& e);
int sqliteResult(const soci::soci_error& e);

}  // namespace rxflow::store
