#pragma once
// Who is calling (API.md §2): a role within an organisation.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace rxflow {

enum class Role { Admin, Clinic, Pharmacy, Courier, Insurer };

std::optional<Role> parseRole(const std::string& s);
const char* roleName(Role r);

// The kinds of staff member (API.md §11); each acts with one organisation role.
enum class StaffKind { Pharmacist, Clerk, Doctor, Rider, Bureau, Operator };

std::optional<StaffKind> parseStaffKind(const std::string& s);
const char* staffKindName(StaffKind k);
Role roleOfKind(StaffKind k);
// Pharmacists and clerks work for named stores of their chain.
inline bool worksInStores(StaffKind k) { return k == StaffKind::Pharmacist || k == StaffKind::Clerk; }

// The person behind a request made with a session.
struct StaffRef {
    std::string id;
    StaffKind kind = StaffKind::Clerk;
    std::string name;
    std::string license;              // a pharmacist's 执业药师 number, a doctor's license; or empty
    std::vector<std::string> stores;  // pharmacist, clerk
    std::string sessionHash;          // SHA-256 of the session token the request came with
};

struct Principal {
    std::string id;
    Role role = Role::Admin;
    std::string org;    // platform, clinic id, chain id, courier company id, or region code
    std::string store;  // a pharmacy principal limited to one store; empty otherwise
    std::string name;
    // Bound to a client certificate (API.md §13): lower-case hex SHA-256 of its DER, or empty.
    std::string clientCertSha256;
    // Set when a staff member's session made the request: they act with the organisation's
    // role, limited by their kind and stores.
    std::optional<StaffRef> staff;

    bool isStaff(StaffKind k) const { return staff && staff->kind == k; }
};

// Whether the caller may act for `store` of its own chain: a store-bound token for that store
// only, a pharmacist or clerk for its stores only, a chain-wide token for all.
inline bool mayActForStore(const Principal& p, const std::string& store) {
    if (p.staff && worksInStores(p.staff->kind))
        return std::find(p.staff->stores.begin(), p.staff->stores.end(), store) != p.staff->stores.end();
    return p.store.empty() || p.store == store;
}

// The organisation every admin belongs to.
inline constexpr const char* kPlatformOrg = "platform";

}  // namespace rxflow
