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

std::vector<Clinic> ClinicRepo::list(Tx& tx, const std::string& afterId, std::size_t limit) {
    std::vector<Clinic> out;
    Clinic c;
    const auto onRow = [&] { out.push_back(c); };
    tx.eachInto(
        "SELECT id, name, region FROM clinics WHERE id > :a ORDER BY id LIMIT " + std::to_string(limit),
        onRow, soci::use(afterId), soci::into(c.id), soci::into(c.name), soci::into(c.region));
    return out;
}

}  // namespace rxflow::store
