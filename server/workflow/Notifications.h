#pragma once
// What the stores and courier companies concerned are told about a change of a prescription:
// messages for their adapters (pharmacy-adapters/), written to the outbox in the transaction
// of the change and delivered later by the OutboxDispatcher.
//   a store is told when a prescription is routed to it, withdrawn from it before it accepted
//   (re-routed by the clinic, not accepted in time, expired) or cancelled by the clinic;
//   a courier company with a webhook is told of each hand-over to it.
// A store is not told of what it did itself (its rejection), nor a pull store of anything.
#include <string>

#include "server/store/DataCipher.h"
#include "server/store/PrescriptionRepo.h"

namespace rxflow::workflow {

struct StoreBefore {
    std::string store;
    Status status;
};

// `reason` names why a routed prescription left its store when it was not the clinic's
// re-routing (accept_timeout); for a cancel, the clinic's reason.
void notifyChange(store::Tx& tx, const store::DataCipher& cipher, const StoreBefore& before, const store::PrescriptionRecord& after,
                  long long nowMs, const std::string& reason);

}  // namespace rxflow::workflow
