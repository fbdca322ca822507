#include "server/store/PharmacyRepo.h"

#include <set>

namespace rxflow::store {
namespace {
const char* kSecretAad = "pharmacies.adapter_secret";
}

bool PharmacyRepo::insert(Tx& tx, const DataCipher& cipher, const Pharmacy& p, long long nowMs) {
    int delivery = p.delivery ? 1 : 0, active = p.active ? 1 : 0;
    std::string sealed = p.adapter.secret.empty() ? std::string() : cipher.seal(p.adapter.secret, kSecretAad);
    soci::indicator urlInd = p.adapter.url.empty() ? soci::i_null : soci::i_ok;
    soci::indicator secretInd = sealed.empty() ? soci::i_null : soci::i_ok;
    return insertUnlessExists([&] {
        tx.change("INSERT INTO pharmacies (id, chain, name, region, district, lat, lon, delivery, active, "
                  "adapter_type, adapter_url, adapter_secret, created_at) "
                  "VALUES (:id, :ch, :n, :r, :d, :la, :lo, :dl, :ac, :at, :au, :as, :c)",
                  soci::use(p.id), soci::use(p.chain), soci::use(p.name), soci::use(p.region), soci::use(p.district),
                  soci::use(p.lat), soci::use(p.lon), soci::use(delivery), soci::use(active),
                  soci::use(p.adapter.type), soci::use(p.adapter.url, urlInd), soci::use(sealed, secretInd),
                  soci::use(nowMs));
    });
}

std::string PharmacyRepo::chainOf(Tx& tx, const std::string& id) {
    std::string chain;
    return tx.exec("SELECT chain FROM pharmacies WHERE id = :id", soci::use(id), soci::into(chain)) ? chain : "";
}

std::optional<Pharmacy> PharmacyRepo::find(Tx& tx, const DataCipher& cipher, const std::string& id) {
    Pharmacy p;
    int delivery = 0, active = 0;
    std::string url, secret;
    long long stockAt = 0;
    soci::indicator urlInd = soci::i_null, secretInd = soci::i_null, stockInd = soci::i_null;
    const bool found = tx.exec(
        "SELECT id, chain, name, region, district, lat, lon, delivery, active, adapter_type, adapter_url, "
        "adapter_secret, stock_updated_at FROM pharmacies WHERE id = :id",
        soci::use(id), soci::into(p.id), soci::into(p.chain), soci::into(p.name), soci::into(p.region),
        soci::into(p.district), soci::into(p.lat), soci::into(p.lon), soci::into(delivery),
        soci::into(active), soci::into(p.adapter.type), soci::into(url, urlInd),
        soci::into(secret, secretInd), soci::into(stockAt, stockInd));
    if (!found) return std::nullopt;
    p.delivery = delivery != 0;
    p.active = active != 0;
    if (urlInd == soci::i_ok) p.adapter.url = url;
    if (secretInd == soci::i_ok) p.adapter.secret = cipher.unseal(secret, kSecretAad);
    if (stockInd == soci::i_ok) p.stockUpdatedAt = stockAt;
    return p;
}

std::vector<PharmacyListing> PharmacyRepo::list(Tx& tx, const std::string& chain, const std::string& afterId,
                                                std::size_t limit) {
    std::vector<PharmacyListing> out;
    PharmacyListing row;
    Pharmacy& p = row.pharmacy;
    int delivery = 0, active = 0, secretSet = 0;
    std::string url;
    long long stockAt = 0;
    soci::indicator urlInd = soci::i_null, stockInd = soci::i_null;
    const auto onRow = [&] {
        p.delivery = delivery != 0;
        p.active = active != 0;
        p.adapter.url = urlInd == soci::i_ok ? url : "";
        p.stockUpdatedAt = stockInd == soci::i_ok ? stockAt : 0;
        row.secretSet = secretSet != 0;
        out.push_back(row);
    };
    tx.eachInto(
        "SELECT id, chain, name, region, district, lat, lon, delivery, active, adapter_type, adapter_url, "
        "CASE WHEN adapter_secret IS NULL OR adapter_secret = '' THEN 0 ELSE 1 END, stock_updated_at "
        "FROM pharmacies WHERE (:c1 = '' OR chain = :c2) AND id > :a ORDER BY id LIMIT " +
            std::to_string(limit),
        onRow, soci::use(chain, "c1"), soci::use(chain, "c2"), soci::use(afterId, "a"), soci::into(p.id),
        soci::into(p.chain), soci::into(p.name), soci::into(p.region), soci::into(p.district),
        soci::into(p.lat), soci::into(p.lon), soci::into(delivery), soci::into(active),
        soci::into(p.adapter.type), soci::into(url, urlInd), soci::into(secretSet),
        soci::into(stockAt, stockInd));
    return out;
}

int PharmacyRepo::storesInChain(Tx& tx, const std::string& chain) {
    int stores = 0;
    tx.exec("SELECT COUNT(*) FROM pharmacies WHERE chain = :c", soci::use(chain), soci::into(stores));
    return stores;
}

void PharmacyRepo::replaceStock(Tx& tx, const std::string& store, const std::vector<StockItem>& items,
                                long long nowMs) {
    tx.change("UPDATE pharmacies SET stock_updated_at = :u WHERE id = :s", soci::use(nowMs),
              soci::use(store));
    std::set<std::string> listed;
    for (const StockItem& item : items) {
        listed.insert(item.drugCode);
        if (tx.change("UPDATE pharmacy_stock SET quantity = :q WHERE store = :s AND drug_code = :d",
                      soci::use(item.quantity), soci::use(store), soci::use(item.drugCode)) == 0)
            tx.change("INSERT INTO pharmacy_stock (store, drug_code, quantity, reserved) VALUES (:s, :d, :q, 0)",
                      soci::use(store), soci::use(item.drugCode), soci::use(item.quantity));
    }
    for (const StockItem& old : stock(tx, store)) {
        if (listed.count(old.drugCode)) continue;
        if (old.reserved == 0)
            tx.change("DELETE FROM pharmacy_stock WHERE store = :s AND drug_code = :d", soci::use(store),
                      soci::use(old.drugCode));
        else
            tx.change("UPDATE pharmacy_stock SET quantity = 0 WHERE store = :s AND drug_code = :d", soci::use(store),
                      soci::use(old.drugCode));
    }
}

std::vector<StockItem> PharmacyRepo::stock(Tx& tx, const std::string& store) {
    std::vector<StockItem> out;
    tx.each("SELECT drug_code, quantity, reserved FROM pharmacy_stock WHERE store = :s ORDER BY drug_code",
            [&](const soci::row& r) { out.push_back({r.get<std::string>(0), integerAt(r, 1), integerAt(r, 2)}); },
            soci::use(store));
    return out;
}

}  // namespace rxflow::store
