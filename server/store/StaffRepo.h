#pragma once
// staff, staff_stores (API.md §11): the people who work the prescriptions. Password hashes are
// read only by the login (findLogin) and never leave the store layer otherwise.
#include <optional>
#include <string>
#include <vector>

#include "server/domain/Principal.h"
#include "server/store/Tx.h"

namespace rxflow::store {

struct StaffRecord {
    std::string id;
    std::string login;
    StaffKind kind = StaffKind::Clerk;
    std::string org;
    std::vector<std::string> stores;  // sorted
    std::string name;
    std::string license;
    std::string phone;
    bool active = true;
    long long createdAt = 0;
};

struct StaffLogin {
    StaffRecord staff;
    std::string passwordHash;
};

struct StaffRepo {
    // False when the login or the license is taken (a unique key).
    static bool insert(Tx& tx, const StaffRecord& s, const std::string& passwordHash, long long nowMs);
    static std::optional<StaffRecord> find(Tx& tx, const std::string& id, bool forUpdate = false);
    static std::optional<StaffLogin> findLogin(Tx& tx, const std::string& login);
    static bool loginTaken(Tx& tx, const std::string& login);
    static bool licenseTaken(Tx& tx, const std::string& license);
    // The pharmacist holding this license, active or not.
    static std::optional<StaffRecord> findPharmacist(Tx& tx, const std::string& license);
    // By id after `afterId`; an empty org: any; only these kinds (none: any).
    static std::vector<StaffRecord> list(Tx& tx, const std::string& org, const std::vector<StaffKind>& kinds,
                                         const std::string& afterId, std::size_t limit);
    static void update(Tx& tx, const StaffRecord& s, long long nowMs);
    static void setPassword(Tx& tx, const std::string& id, const std::string& passwordHash, long long nowMs);
};

}  // namespace rxflow::store
