#include "server/store/StaffRepo.h"

#include <algorithm>

namespace rxflow::store {
namespace {

const char* kColumns = "id, login, kind, org, name, license, phone, active, created_at";

std::string optional(const soci::row& r, std::size_t i) {
    return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

StaffRecord fromRow(const soci::row& r) {
    StaffRecord s;
    s.id = r.get<std::string>(0);
    s.login = r.get<std::string>(1);
    s.kind = parseStaffKind(r.get<std::string>(2)).value_or(StaffKind::Clerk);
    s.org = r.get<std::string>(3);
    s.name = r.get<std::string>(4);
    s.license = optional(r, 5);
    s.phone = optional(r, 6);
    s.active = integerAt(r, 7) != 0;
    s.createdAt = integerAt(r, 8);
    return s;
}

std::vector<std::string> storesOf(Tx& tx, const std::string& id) {
    std::vector<std::string> out;
    tx.each("SELECT store FROM staff_stores WHERE staff_id = :i ORDER BY store",
            [&](const soci::row& r) { out.push_back(r.get<std::string>(0)); }, soci::use(id));
    return out;
}

void writeStores(Tx& tx, const StaffRecord& s) {
    tx.change("DELETE FROM staff_stores WHERE staff_id = :i", soci::use(s.id));
    std::string store;
    tx.repeat(
        "INSERT INTO staff_stores (staff_id, store) VALUES (:i, :s)",
        [&](auto execute) {
            for (const std::string& each : s.stores) {
                store = each;
                execute();
            }
        },
        soci::use(s.id), soci::use(store));
}

std::optional<StaffRecord> one(Tx& tx, const std::string& where, const std::string& value) {
    std::optional<StaffRecord> out;
    tx.each(std::string("SELECT ") + kColumns + " FROM staff WHERE " + where,
            [&](const soci::row& r) { out = fromRow(r); }, soci::use(value));
    if (out) out->stores = storesOf(tx, out->id);
    return out;
}

}  // namespace

bool StaffRepo::insert(Tx& tx, const StaffRecord& s, const std::string& passwordHash, long long nowMs) {
    const std::string kind = staffKindName(s.kind);
    const int active = s.active ? 1 : 0;
    soci::indicator licenseInd = s.license.empty() ? soci::i_null : soci::i_ok;
    soci::indicator phoneInd = s.phone.empty() ? soci::i_null : soci::i_ok;
    const bool inserted = insertUnlessExists([&] {
        tx.change("INSERT INTO staff (id, login, kind, org, name, license, phone, password_hash, active, created_at, "
                  "updated_at) VALUES (:id, :lg, :k, :o, :n, :li, :ph, :pw, :a, :c, :u)",
                  soci::use(s.id), soci::use(s.login), soci::use(kind), soci::use(s.org), soci::use(s.name),
                  soci::use(s.license, licenseInd), soci::use(s.phone, phoneInd), soci::use(passwordHash),
                  soci::use(active), soci::use(nowMs), soci::use(nowMs));
    });
    if (inserted) writeStores(tx, s);
    return inserted;
}

std::optional<StaffRecord> StaffRepo::find(Tx& tx, const std::string& id, bool forUpdate) {
    return one(tx, std::string("id = :i") + (forUpdate ? tx.forUpdate() : ""), id);
}

std::optional<StaffLogin> StaffRepo::findLogin(Tx& tx, const std::string& login) {
    std::optional<StaffLogin> out;
    tx.each(std::string("SELECT ") + kColumns + ", password_hash FROM staff WHERE login = :l",
            [&](const soci::row& r) { out = StaffLogin{fromRow(r), r.get<std::string>(9)}; }, soci::use(login));
    if (out) out->staff.stores = storesOf(tx, out->staff.id);
    return out;
}

bool StaffRepo::loginTaken(Tx& tx, const std::string& login) {
    std::string id;
    return tx.exec("SELECT id FROM staff WHERE login = :l", soci::use(login), soci::into(id));
}

bool StaffRepo::licenseTaken(Tx& tx, const std::string& license) {
    std::string id;
    return tx.exec("SELECT id FROM staff WHERE license = :l", soci::use(license), soci::into(id));
}

std::optional<StaffRecord> StaffRepo::findPharmacist(Tx& tx, const std::string& license) {
    return one(tx, "license = :l AND kind = 'pharmacist'", license);
}

std::vector<StaffRecord> StaffRepo::list(Tx& tx, const std::string& org, const std::vector<StaffKind>& kinds,
                                         const std::string& afterId, std::size_t limit) {
    std::vector<StaffRecord> out;
    std::string kindIn;  // the kinds' own names, never the caller's text
    for (StaffKind k : kinds) kindIn += std::string(kindIn.empty() ? "" : ", ") + "'" + staffKindName(k) + "'";
    tx.each(std::string("SELECT ") + kColumns + " FROM staff WHERE (:o1 = '' OR org = :o2) AND " +
                (kindIn.empty() ? "" : "kind IN (" + kindIn + ") AND ") + "id > :a ORDER BY id LIMIT " +
                std::to_string(limit),
            [&](const soci::row& r) { out.push_back(fromRow(r)); }, soci::use(org, "o1"), soci::use(org, "o2"),
            soci::use(afterId, "a"));
    for (StaffRecord& s : out) s.stores = storesOf(tx, s.id);
    return out;
}

void StaffRepo::update(Tx& tx, const StaffRecord& s, long long nowMs) {
    const int active = s.active ? 1 : 0;
    soci::indicator phoneInd = s.phone.empty() ? soci::i_null : soci::i_ok;
    tx.change("UPDATE staff SET name = :n, phone = :ph, active = :a, updated_at = :u WHERE id = :i",
              soci::use(s.name), soci::use(s.phone, phoneInd), soci::use(active), soci::use(nowMs), soci::use(s.id));
    writeStores(tx, s);
}

void StaffRepo::setPassword(Tx& tx, const std::string& id, const std::string& passwordHash, long long nowMs) {
    tx.change("UPDATE staff SET password_hash = :p, updated_at = :u WHERE id = :i", soci::use(passwordHash),
              soci::use(nowMs), soci::use(id));
}

}  // namespace rxflow::store
