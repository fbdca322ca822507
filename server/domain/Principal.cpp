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

std::optional<StaffKind> parseStaffKind(const std::string& s) {
    if (s == "pharmacist") return StaffKind::Pharmacist;
    if (s == "clerk") return StaffKind::Clerk;
    if (s == "doctor") return StaffKind::Doctor;
    if (s == "rider") return StaffKind::Rider;
    if (s == "bureau") return StaffKind::Bureau;
    if (s == "operator") return StaffKind::Operator;
    return std::nullopt;
}

const char* staffKindName(StaffKind k) {
    switch (k) {
        case StaffKind::Pharmacist: return "pharmacist";
        case StaffKind::Clerk: return "clerk";
        case StaffKind::Doctor: return "doctor";
        case StaffKind::Rider: return "rider";
        case StaffKind::Bureau: return "bureau";
        case StaffKind::Operator: return "operator";
    }
    return "unknown";
}

Role roleOfKind(StaffKind k) {
    switch (k) {
        case StaffKind::Pharmacist:
        case StaffKind::Clerk: return Role::Pharmacy;
        case StaffKind::Doctor: return Role::Clinic;
        case StaffKind::Rider: return Role::Courier;
        case StaffKind::Bureau: return Role::Insurer;
        case StaffKind::Operator: return Role::Admin;
    }
    return Role::Admin;
}

}  // namespace rxflow
