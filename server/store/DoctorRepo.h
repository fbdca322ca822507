#pragma once
#include <optional>
#include <vector>

#include "server/domain/Registry.h"
#include "server/store/Database.h"

namespace rxflow::store {

struct DoctorRepo {
    // False when the license is registered already. The clinics must exist.
    static bool insert(Tx& tx, const Doctor& d, long long nowMs);
    // Replaces name, active flag and clinic list; false when the license is unknown.
    static bool replace(Tx& tx, const Doctor& d, long long nowMs);
    static std::optional<Doctor> find(Tx& tx, const std::string& license);
    // By license after `afterLicense`, at most `limit`; a clinic: only the doctors registered
    // for it ("" for any).
    static std::vector<Doctor> list(Tx& tx, const std::string& clinic, const std::string& afterLicense,
                                    std::size_t limit);
};

}  // namespace rxflow::store
