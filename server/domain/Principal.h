#pragma once
// Who is calling (API.md §2): a role within an organisation.
#include <optional>
#include <string>

namespace rxflow {

enum class Role { Admin, Clinic, Pharmacy, Courier, Insurer };

std::optional<Role> parseRole(const std::string& s);
const char* roleName(Role r);

struct Principal {
    std::string id;
    Role role = Role::Admin;
    std::string org;    // platform, clinic id, chain id, courier company id, or region code
    std::string store;  // a pharmacy principal limited to one store; empty otherwise
    std::string name;
    // Bound to a client certificate (API.md §13): lower-case hex SHA-256 of its DER, or empty.
    std::string clientCertSha256;
};

// The organisation every admin belongs to.
inline constexpr const char* kPlatformOrg = "platform";

}  // namespace rxflow
