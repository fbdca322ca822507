#pragma once
// Who may see a prescription and work on it (API.md §5); everyone else is told it does not exist.
#include <string>

#include "server/domain/Principal.h"
#include "server/store/PrescriptionRepo.h"

namespace rxflow::workflow {

// Who may see the prescription at all (404 for everyone else): the issuing clinic, admin, the
// chain (or the bound store) of the store it is routed to, and for payments the insurer of
// the patient's region.
bool mayWork(const Principal& p, const store::PrescriptionRecord& rx, const std::string& storeChain);
// Who may read the whole prescription, /signed and its audit (API.md §5): the clinic, the
// routed store's chain and admin. The insurer works payments but never sees the whole.
bool mayReadWhole(const Principal& p, const store::PrescriptionRecord& rx, const std::string& storeChain);
// The chain of the store the prescription is routed to ("" when none), read as one column.
std::string storeChainOf(store::Tx& tx, const store::PrescriptionRecord& rx);

}  // namespace rxflow::workflow
