#pragma once
#include <set>
#include <string>
#include <vector>

#include "server/domain/StoreChoice.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct RoutingRepo {
    // `namedStore` alone when one is named (active or not, wherever it is), else the active
    // stores of `region`; with whether their available stock (quantity - reserved) covers
    // `items`, and (unnamed only) their open orders.
    static std::vector<routing::Candidate> candidates(Tx& tx, const DataCipher& cipher, const std::string& region,
                                                      const std::string& namedStore, const std::vector<RxItem>& items);
    static std::set<std::string> excluded(Tx& tx, const std::string& prescriptionId);
    static void exclude(Tx& tx, const std::string& prescriptionId, const std::string& store, const std::string& reason);
    // Reserves every item at the store; false when stock no longer covers one of them (the
    // caller then refuses, and the rollback undoes what was reserved before it).
    static bool reserve(Tx& tx, const std::string& store, const std::vector<RxItem>& items);
    // The items leave the store: quantity and reservation both go down.
    static void consume(Tx& tx, const std::string& store, const std::vector<RxItem>& items);
    static void release(Tx& tx, const std::string& store, const std::vector<RxItem>& items);
};

}  // namespace rxflow::store
