#include "server/store/DoctorRepo.h"

namespace rxflow::store {
namespace {

void writeClinics(Tx& tx, const Doctor& d) {
    tx.change("DELETE FROM doctor_clinics WHERE license = :l", soci::use(d.license));
    for (const std::string& clinic : d.clinics)
        tx.change("INSERT INTO doctor_clinics (license, clinic_id) VALUES (:l, :c)", soci::use(d.license),
                  soci::use(clinic));
}

std::vector<std::string> clinicsOf(Tx& tx, const std::string& license) {
    std::vector<std::string> clinics;
    const auto onRow = [&](const soci::row& r) { clinics.push_back(r.get<std::string>(0)); };
    tx.each("SELECT clinic_id FROM doctor_clinics WHERE license = :l ORDER BY clinic_id", onRow,
            soci::use(license));
    return clinics;
}

}  // namespace

bool DoctorRepo::insert(Tx& tx, const Doctor& d, long long nowMs) {
    int active = d.active ? 1 : 0;
    bool inserted = insertUnlessExists([&] {
        tx.change("INSERT INTO doctors (license, name, active, updated_at) VALUES (:l, :n, :a, :u)",
                  soci::use(d.license), soci::use(d.name), soci::use(active), soci::use(nowMs));
    });
    if (inserted) writeClinics(tx, d);
    return inserted;
}

bool DoctorRepo::replace(Tx& tx, const Doctor& d, long long nowMs) {
    int active = d.active ? 1 : 0;
    if (tx.change("UPDATE doctors SET name = :n, active = :a, updated_at = :u WHERE license = :l", soci::use(d.name),
                  soci::use(active), soci::use(nowMs), soci::use(d.license)) == 0)
        return false;
    writeClinics(tx, d);
    return true;
}

std::optional<Doctor> DoctorRepo::find(Tx& tx, const std::string& license) {
    Doctor d;
    int active = 0;
    if (!tx.exec("SELECT license, name, active FROM doctors WHERE license = :l", soci::use(license),
                 soci::into(d.license), soci::into(d.name), soci::into(active)))
        return std::nullopt;
    d.active = active != 0;
    d.clinics = clinicsOf(tx, license);
    return d;
}

std::vector<Doctor> DoctorRepo::list(Tx& tx, const std::string& clinic, const std::string& afterLicense,
                                     std::size_t limit) {
    std::vector<Doctor> out;
    Doctor d;
    int active = 0;
    const auto onRow = [&] {
        d.active = active != 0;
        out.push_back(d);
    };
    tx.eachInto(
        "SELECT license, name, active FROM doctors WHERE (:c1 = '' OR license IN (SELECT license FROM "
        "doctor_clinics WHERE clinic_id = :c2)) AND license > :a ORDER BY license LIMIT " +
            std::to_string(limit),
        onRow, soci::use(clinic, "c1"), soci::use(clinic, "c2"), soci::use(afterLicense, "a"),
        soci::into(d.license), soci::into(d.name), soci::into(active));
    for (Doctor& doctor : out) doctor.clinics = clinicsOf(tx, doctor.license);
    return out;
}

}  // namespace rxflow::store
