#pragma once
// The states of a prescription (API.md §4) as a type. Their names are text only here: in the
// database, in the views and in the audit trail, through statusName and parseStatus.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace rxflow {

enum class Status {
    Active,          // signed, not at a pharmacy
    Routed,          // offered to one store
    Accepted,        // the store took it; stock reserved
    Approved,        // the pharmacist's review (审方) passed
    Dispensed,       // handed to the patient at the counter
    InDelivery,      // handed to a courier
    Delivered,       // the courier handed it to the patient
    DeliveryFailed,  // the courier could not; the store may hand it over again
    Rejected,        // refused on clinical grounds (an end)
    Cancelled,       // by the clinic (an end)
    Expired,         // its validity ran out (an end)
};

inline constexpr std::array<Status, 11> kAllStatuses = {
    Status::Active,    Status::Routed,    Status::Accepted,       Status::Approved,
    Status::Dispensed, Status::InDelivery, Status::Delivered,     Status::DeliveryFailed,
    Status::Rejected,  Status::Cancelled, Status::Expired,
};

const char* statusName(Status s);
std::optional<Status> parseStatus(std::string_view text);

// routed, accepted, approved: a store's open order (it counts for routing and is told of changes).
bool isOpen(Status s);
// cancelled, expired: any further change is 410 gone.
bool isGone(Status s);
// active or open: what expires when its validity runs out.
bool mayExpire(Status s);
// dispensed or with the courier (or back from them): the drugs have left the store.
bool isHandedOut(Status s);

}  // namespace rxflow
