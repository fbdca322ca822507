#include "server/store/CourierRepo.h"

namespace rxflow::store {

bool CourierRepo::insert(Tx& tx, const Courier& c, long long nowMs) {
    return insertUnlessExists([&] {
        tx.sql << "INSERT INTO couriers (id, name, created_at) VALUES (:id, :n, :c)", soci::use(c.id),
            soci::use(c.name), soci::use(nowMs);
    });
}

std::optional<Courier> CourierRepo::find(Tx& tx, const std::string& id) {
    Courier c;
    tx.sql << "SELECT id, name FROM couriers WHERE id = :id", soci::use(id), soci::into(c.id), soci::into(c.name);
    if (!tx.sql.got_data()) return std::nullopt;
    return c;
}

}  // namespace rxflow::store
