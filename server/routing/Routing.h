#pragma once
// Routing a stored prescription to a store (API.md §6), inside the caller's transaction.
#include <Poco/JSON/Object.h>

#include "server/routing/StoreChoice.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"
#include "server/store/PrescriptionRepo.h"

namespace rxflow::routing {

// Chooses a store for `fulfillment` (mode, pharmacy?, address?, near?). On success sets
// rx.store and rx.fulfillment; on failure leaves rx as it was and says why.
RouteDecision routePrescription(store::Tx& tx, const store::DataCipher& cipher, store::PrescriptionRecord& rx,
                                const Poco::JSON::Object::Ptr& fulfillment);

}  // namespace rxflow::routing
