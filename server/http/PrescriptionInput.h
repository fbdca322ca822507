#pragma once
// Reads POST /v1/prescriptions (API.md §3): the signed `prescription` exactly as received
// (strictly parsed: duplicate keys and non-integer numbers refused) and its canonical bytes,
// the prescriber's signature, the optional fulfilment; every schema failure at once (400).
#include <Poco/JSON/Object.h>

#include <string>

#include "server/workflow/Signing.h"
#include "server/domain/Prescription.h"
#include "signing/json.h"

namespace rxflow::http {

struct IntakeRequest {
    RxDraft draft;
    rxsign::Json prescription;  // as signed
    std::string canonical;      // its RFC 8785 bytes: what the doctor signed
    PrescriberSignature signature;
    std::string idNumber;             // for the keyed lookup hash only
    Poco::JSON::Object::Ptr fulfillment;  // null when the patient chooses later
};

IntakeRequest readIntake(const std::string& body);

// Validates a fulfilment object (API.md §3, §4 route) into `errors` under `path`.
class BodyReader;
void checkFulfillment(BodyReader& f);

}  // namespace rxflow::http
