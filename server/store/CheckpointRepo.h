#pragma once
#include <optional>
#include <vector>

#include "server/audit/Checkpoint.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct CheckpointRepo {
    static std::optional<audit::Checkpoint> latest(Tx& tx);
    static std::vector<audit::Checkpoint> all(Tx& tx);
    // Throws RetryTransaction when another process linked a checkpoint to the same previous one.
    static void insert(Tx& tx, const audit::Checkpoint& c);
    // The head of every chain with an event at or after `sinceMs`.
    static std::vector<audit::Head> headsChangedSince(Tx& tx, long long sinceMs);
};

}  // namespace rxflow::store
