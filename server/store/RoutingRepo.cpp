#include "server/store/RoutingRepo.h"

#include <map>

#include "server/store/PharmacyRepo.h"
#include "server/store/PrescriptionRepo.h"

namespace rxflow::store {

std::vector<routing::Candidate> RoutingRepo::candidates(Tx& tx, const DataCipher& cipher, const std::string& region,
                                                        const std::string& namedStore,
                                                        const std::vector<RxItem>& items) {
    // A named store is the only candidate (routing::chooseStore takes it or refuses); the
    // region's stores compete otherwise, their open orders breaking ties of distance.
    std::vector<std::string> ids;
    if (!namedStore.empty()) {
        ids.push_back(namedStore);
    } else {
        tx.each("SELECT id FROM pharmacies WHERE region = :r AND active = 1 ORDER BY id",
                [&](const soci::row& r) { ids.push_back(r.get<std::string>(0)); }, soci::use(region));
    }
    std::vector<routing::Candidate> out;
    for (const std::string& id : ids) {
        routing::Candidate c;
        auto store = PharmacyRepo::find(tx, cipher, id);
        if (!store) continue;
        c.store = std::move(*store);
        std::map<std::string, long long> available;
        for (const StockItem& s : PharmacyRepo::stock(tx, id)) available[s.drugCode] = s.quantity - s.reserved;
        c.holdsAllItems = true;
        for (const RxItem& item : items) c.holdsAllItems = c.holdsAllItems && available[item.drugCode] >= item.quantity;
        static const std::string openOrders = "SELECT COUNT(*) FROM prescriptions WHERE store = :s AND " + statusIn(isOpen);
        if (namedStore.empty()) tx.exec(openOrders, soci::use(id), soci::into(c.openOrders));
        out.push_back(std::move(c));
    }
    return out;
}

std::set<std::string> RoutingRepo::excluded(Tx& tx, const std::string& prescriptionId) {
    std::set<std::string> out;
    tx.each("SELECT store FROM route_exclusions WHERE prescription_id = :p",
            [&](const soci::row& r) { out.insert(r.get<std::string>(0)); }, soci::use(prescriptionId));
    return out;
}

void RoutingRepo::exclude(Tx& tx, const std::string& prescriptionId, const std::string& store,
                          const std::string& reason) {
    insertUnlessExists([&] {
        tx.change("INSERT INTO route_exclusions (prescription_id, store, reason) VALUES (:p, :s, :r)",
                  soci::use(prescriptionId), soci::use(store), soci::use(reason));
    });
}

bool RoutingRepo::reserve(Tx& tx, const std::string& store, const std::vector<RxItem>& items) {
    for (const RxItem& item : items) {
        if (tx.change("UPDATE pharmacy_stock SET reserved = reserved + :q WHERE store = :s AND drug_code = :d "
                      "AND quantity - reserved >= :q2",
                      soci::use(item.quantity), soci::use(store), soci::use(item.drugCode), soci::use(item.quantity)) != 1)
            return false;  // the caller's refusal rolls back what was reserved
    }
    return true;
}

void RoutingRepo::consume(Tx& tx, const std::string& store, const std::vector<RxItem>& items) {
    for (const RxItem& item : items)
        tx.change("UPDATE pharmacy_stock SET quantity = CASE WHEN quantity >= :q THEN quantity - :q2 ELSE 0 END, "
                  "reserved = CASE WHEN reserved >= :q3 THEN reserved - :q4 ELSE 0 END WHERE store = :s AND drug_code = :d",
                  soci::use(item.quantity), soci::use(item.quantity), soci::use(item.quantity), soci::use(item.quantity),
                  soci::use(store), soci::use(item.drugCode));
}

void RoutingRepo::release(Tx& tx, const std::string& store, const std::vector<RxItem>& items) {
    for (const RxItem& item : items)
        tx.change("UPDATE pharmacy_stock SET reserved = CASE WHEN reserved >= :q THEN reserved - :q2 ELSE 0 END "
                  "WHERE store = :s AND drug_code = :d",
                  soci::use(item.quantity), soci::use(item.quantity), soci::use(store), soci::use(item.drugCode));
}

}  // namespace rxflow::store
