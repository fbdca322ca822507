#pragma once
// Inside the workflow: applying a decision through the repositories (Workflow.cpp decides when).
#include "server/workflow/Workflow.h"

namespace rxflow::workflow {

// The locked prescription a request works on, with the delivery or payment it names.
struct Loaded {
    store::PrescriptionRecord rx;
    std::optional<store::Payment> payment;
    std::optional<store::Delivery> delivery;
    // The registered pharmacist a token's request named (PharmacistClaim), recorded as its actor.
    std::optional<StaffRef> pharmacist;
};

// The server itself, for the changes it makes (expiry, accept time-out, re-routing).
const Principal& serverPrincipal();
audit::AuditEvent eventFor(const Principal& actor, const std::string& prescriptionId,
                           const std::string& action, long long at);
// The record's own facts for decide.
RxFacts factsOf(const store::PrescriptionRecord& rx);

// Carries `d` out on `l` (its effects, the new state and version, the audit events and the
// outbox messages); throws Error when an effect cannot be had (stock gone, no store to route to).
void applyDecision(store::Tx& tx, const Env& env, const Request& r, Loaded& l, const Decision& d,
                   long long nowMs);

}  // namespace rxflow::workflow
