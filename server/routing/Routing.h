#pragma once
// Routing a stored prescription to a store (API.md §6), inside the caller's transaction.
#include <Poco/JSON/Object.h>

#include "server/domain/StoreChoice.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"
#include "server/store/PrescriptionRepo.h"

namespace rxflow::routing {

// Chooses a store for `fulfillment` (mode, pharmacy?, address?, near?). On success sets
// rx.store and rx.fulfillment; on failure leaves rx as it was and says why.
RouteDecision routePrescription(store::Tx& tx, const store::DataCipher& cipher, store::PrescriptionRecord& rx,
                                const Poco::JSON::Object::Ptr& fulfillment);

// After `store` refused the prescription or let it time out: excludes that store for good and
// routes the prescription on with its stored fulfilment, minus the store the patient had named
// (that choice is what just failed). rx.store is cleared; set again when another store is found.
RouteDecision rerouteElsewhere(store::Tx& tx, const store::DataCipher& cipher, store::PrescriptionRecord& rx,
                               const std::string& store, const std::string& reason);

}  // namespace rxflow::routing
