#pragma once
#include "server/app/Services.h"

namespace rxflow::jobs {

// Writes a signed checkpoint over the heads of the chains that changed since the last one
// (with a minute's overlap for transactions that committed late); none when nothing changed.
// Returns whether it wrote one.
bool writeAuditCheckpoint(Services& s);

}  // namespace rxflow::jobs
