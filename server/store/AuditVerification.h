#pragma once
#include "server/audit/Verifier.h"
#include "server/store/Database.h"

namespace rxflow::store {

// Every audit chain and every checkpoint in the database, checked (API.md §7). Used by
// POST /v1/audit/verify and by `rxflow audit verify --db URL` alike.
audit::VerifyResult verifyStoredAudit(Tx& tx);

}  // namespace rxflow::store
