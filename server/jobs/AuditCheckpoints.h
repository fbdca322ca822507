#pragma once
#include "server/domain/Clock.h"
#include "server/store/Database.h"
#include "server/workflow/Signing.h"

namespace rxflow::jobs {

// Writes a signed checkpoint over the heads of the chains that changed since the last one
// (with a minute's overlap for transactions that committed late); none when nothing changed.
// Returns whether it wrote one.
bool writeAuditCheckpoint(store::Database& db, const PlatformSigner& platform, const Clock& clock);

}  // namespace rxflow::jobs
