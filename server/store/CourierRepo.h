#pragma once
#include <optional>

#include "server/domain/Registry.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct CourierRepo {
    // False when a courier company with that id exists already. The webhook secret is sealed.
    static bool insert(Tx& tx, const DataCipher& cipher, const Courier& c, long long nowMs);
    static std::optional<Courier> find(Tx& tx, const DataCipher& cipher, const std::string& id);
};

}  // namespace rxflow::store
