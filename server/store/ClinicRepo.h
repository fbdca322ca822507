#pragma once
#include <optional>
#include <vector>

#include "server/domain/Registry.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct ClinicRepo {
    // False when a clinic with that id exists already.
    static bool insert(Tx& tx, const Clinic& c, long long nowMs);
    static std::optional<Clinic> find(Tx& tx, const std::string& id);
    // By id after `afterId`, at most `limit`.
    static std::vector<Clinic> list(Tx& tx, const std::string& afterId, std::size_t limit);
};

}  // namespace rxflow::store
