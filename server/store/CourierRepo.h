#pragma once
#include <optional>
#include <vector>

#include "server/domain/Registry.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"

namespace rxflow::store {

// A courier company as a list shows it: its webhook secret stays sealed in the database (not
// even read), only whether one is stored.
struct CourierListing {
    Courier courier;  // webhookSecret empty
    bool secretSet = false;
};

struct CourierRepo {
    // False when a courier company with that id exists already. The webhook secret is sealed.
    static bool insert(Tx& tx, const DataCipher& cipher, const Courier& c, long long nowMs);
    static std::optional<Courier> find(Tx& tx, const DataCipher& cipher, const std::string& id);
    // By id after `afterId`, at most `limit`.
    static std::vector<CourierListing> list(Tx& tx, const std::string& afterId, std::size_t limit);
};

}  // namespace rxflow::store
