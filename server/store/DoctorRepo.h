#pragma once
#include <optional>

#include "server/domain/Registry.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct DoctorRepo {
    // False when the license is registered already. The clinics must exist.
    static bool insert(Tx& tx, const Doctor& d, long long nowMs);
    // Replaces name, active flag and clinic list; false when the license is unknown.
    static bool replace(Tx& tx, const Doctor& d, long long nowMs);
    static std::optional<Doctor> find(Tx& tx, const std::string& license);
};

}  // namespace rxflow::store
