#include "server/domain/Status.h"

namespace rxflow {

const char* statusName(Status s) {
    switch (s) {
        case Status::Active: return "active";
        case Status::Routed: return "routed";
        case Status::Accepted: return "accepted";
        case Status::Approved: return "approved";
        case Status::Dispensed: return "dispensed";
        case Status::InDelivery: return "in_delivery";
        case Status::Delivered: return "delivered";
        case Status::DeliveryFailed: return "delivery_failed";
        case Status::Rejected: return "rejected";
        case Status::Cancelled: return "cancelled";
        case Status::Expired: return "expired";
    }
    return "unknown";
}

std::optional<Status> parseStatus(std::string_view text) {
    for (Status s : kAllStatuses)
        if (text == statusName(s)) return s;
    return std::nullopt;
}

bool isOpen(Status s) { return s == Status::Routed || s == Status::Accepted || s == Status::Approved; }

bool isGone(Status s) { return s == Status::Cancelled || s == Status::Expired; }

bool mayExpire(Status s) { return s == Status::Active || isOpen(s); }

bool isHandedOut(Status s) {
    return s == Status::Dispensed || s == Status::InDelivery || s == Status::Delivered || s == Status::DeliveryFailed;
}

}  // namespace rxflow
