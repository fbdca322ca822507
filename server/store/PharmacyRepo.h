#pragma once
#include <optional>

#include "server/domain/Registry.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"

namespace rxflow::store {

// A store as a list shows it: its adapter's secret stays sealed in the database (not even
// read), only whether one is stored.
struct PharmacyListing {
    Pharmacy pharmacy;  // adapter.secret empty
    bool secretSet = false;
};

struct PharmacyRepo {
    // False when a store with that id exists already. The adapter secret is sealed at rest.
    static bool insert(Tx& tx, const DataCipher& cipher, const Pharmacy& p, long long nowMs);
    static std::optional<Pharmacy> find(Tx& tx, const DataCipher& cipher, const std::string& id);
    // By id after `afterId`, at most `limit`; an empty chain: any.
    static std::vector<PharmacyListing> list(Tx& tx, const std::string& chain, const std::string& afterId,
                                             std::size_t limit);
    // The store's chain ("" for no such store): one column, nothing unsealed (find decrypts
    // the adapter's secret).
    static std::string chainOf(Tx& tx, const std::string& id);
    static int storesInChain(Tx& tx, const std::string& chain);

    // Replaces the store's snapshot: listed drugs get the new quantity; unlisted ones go to zero
    // (rows that still hold reservations are kept so the reservations are not lost). The
    // store's stockUpdatedAt becomes `nowMs`.
    static void replaceStock(Tx& tx, const std::string& store, const std::vector<StockItem>& items,
                             long long nowMs);
    static std::vector<StockItem> stock(Tx& tx, const std::string& store);
};

}  // namespace rxflow::store
