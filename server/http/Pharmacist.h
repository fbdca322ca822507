#pragma once
// Who reviews and who dispenses (API.md §11): the `pharmacist` a review, dispense or handover
// body names, and who is recorded for it.
#include <optional>
#include <string>

#include "server/http/BodyReader.h"
#include "server/workflow/Workflow.h"

namespace rxflow::http {

struct PharmacistInput {
    std::string name;
    std::string license;
    std::optional<BodyReader> signature;  // a review's pharmacist.signature, if sent
};

// The body's "pharmacist" {name, license}, if sent; its name may be left out with a session.
std::optional<PharmacistInput> readPharmacist(BodyReader& in, const Principal& caller);

// Names the pharmacist of record on `r`: a pharmacist's session is its own (a license sent
// must be the session's, else 422 pharmacist_not_registered); a clerk's session may name a
// pharmacist, who must be registered for the store; an organisation's token must name one
// (422 pharmacist_not_registered when it does not), who is then recorded as the actor.
void namePharmacist(const Principal& caller, const std::optional<PharmacistInput>& sent, workflow::Request& r);

// 422 pharmacist_not_registered at /pharmacist/license.
Error pharmacistNotRegistered(const std::string& detail);

}  // namespace rxflow::http
