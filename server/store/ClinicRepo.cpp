#include "server/store/ClinicRepo.h"

namespace rxflow::store {

bool ClinicRepo::insert(Tx& tx, const Clinic& c, long long nowMs) {
    return insertUnlessExists([&] {
        tx.change("INSERT INTO clinics (id, name, region, created_at) VALUES (:id, :n, :r, :c)", soci::use(c.id),
                  soci::use(c.name), soci::use(c.region), soci::use(nowMs));
    });
}

std::optional<Clinic> ClinicRepo::find(Tx& tx, const std::string& id) {
    Clinic c;
    if (!tx.exec("SELECT id, name, region FROM clinics WHERE id = :id", soci::use(id), soci::into(c.id),
                 soci::into(c.name), soci::into(c.region)))
        return std::nullopt;
    return c;
}

}  // namespace rxflow::store
