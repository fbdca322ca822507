#include "server/domain/Principal.h"

namespace rxflow {

std::optional<Role> parseRole(const std::string& s) {
    if (s == "admin") return Role::Admin;
    if (s == "clinic") return Role::Clinic;
    if (s == "pharmacy") return Role::Pharmacy;
    if (s == "courier") return Role::Courier;
    if (s == "insurer") return Role::Insurer;
    return std::nullopt;
}

const char* roleName(Role r) {
    switch (r) {
        case Role::Admin: return "admin";
        case Role::Clinic: return "clinic";
        case Role::Pharmacy: return "pharmacy";
        case Role::Courier: return "courier";
        case Role::Insurer: return "insurer";
    }
    return "unknown";
}

}  // namespace rxflow
