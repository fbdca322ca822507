#pragma once
// Time-driven changes (API.md §4): expiry at expiresAt, seen on any read or change and by the
// background sweep, and the accept time-out that takes a prescription from a store that did
// not accept it in time and routes it on. All run inside the caller's transaction on a
// locked record, so a sweep in several processes never applies one twice.
#include "server/app/Services.h"
#include "server/store/PrescriptionRepo.h"

namespace rxflow::jobs {

// Whether `rx` is still expirable and its time has passed at nowMs.
bool expiryDue(const store::PrescriptionRecord& rx, long long nowMs);
// Expires `rx` if its time has passed and it is still expirable; true when it did.
bool expireIfDue(store::Tx& tx, Services& s, store::PrescriptionRecord& rx, long long nowMs);
// Withdraws `rx` from its store if routed longer than the accept time-out, then re-routes it.
bool timeOutIfDue(store::Tx& tx, Services& s, store::PrescriptionRecord& rx, long long nowMs);

// One batch of each; the number of prescriptions changed.
int sweepExpired(Services& s);
int sweepAcceptTimeouts(Services& s);

}  // namespace rxflow::jobs
