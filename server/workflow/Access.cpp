#include "server/workflow/Access.h"

#include "server/store/PharmacyRepo.h"

namespace rxflow::workflow {

std::string storeChainOf(store::Tx& tx, const store::PrescriptionRecord& rx) {
    return rx.store.empty() ? "" : store::PharmacyRepo::chainOf(tx, rx.store);
}

bool mayWork(const Principal& p, const store::PrescriptionRecord& rx, const std::string& storeChain) {
    switch (p.role) {
        case Role::Admin:
            return true;
        case Role::Clinic:
            return p.org == rx.clinicId;
        case Role::Pharmacy:
            return !rx.store.empty() && storeChain == p.org && mayActForStore(p, rx.store);
        case Role::Insurer:
            return p.org == rx.region;
        default:
            return false;
    }
}

bool mayReadWhole(const Principal& p, const store::PrescriptionRecord& rx, const std::string& storeChain) {
    return p.role != Role::Insurer && mayWork(p, rx, storeChain);
}

}  // namespace rxflow::workflow
