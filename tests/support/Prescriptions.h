#pragma once
// Valid prescriptions for tests, signed by a doctor whose certificate chains to a CA the
// server trusts, and the knobs to break exactly one rule at a time.
#include <string>
#include <vector>

#include "signing/json.h"
#include "tests/support/TestPki.h"
#include "tests/support/TestServer.h"

namespace rxtest {

struct ItemSpec {
    std::string drugCode = "XC08CAA001";
    long long quantity = 2;
    long long days = 7;
};

struct RxSpec {
    std::string rxNo = "RX-0001";
    std::string clinicId = "C001";
    std::string license = "110330200000001";
    long long issuedAtOffsetSeconds = -60;  // relative to now
    long long validDays = 1;
    std::string visitKind = "follow_up";
    std::string birthDate = "1960-01-01";
    std::string idNumber = "330203196001011232";
    bool guardian = false;
    bool longTerm = false;
    std::string longTermReason;
    std::vector<ItemSpec> items = {ItemSpec{}};
    std::string extraPrescriptionMembers;  // raw JSON members appended, e.g. ",\"guardian\":{...}"
    std::string extraPatientMembers;
};

// The prescription JSON text of a spec (patient 朱明勇, phone 13800000000).
std::string prescriptionJson(const RxSpec& spec);

class Prescriber {
public:
    // Registers (as admin) a CA as trust anchor, clinic C001 (and C002), the doctor for C001,
    // and a clinic token. keyType "EC" (ES256) or "SM2".
    explicit Prescriber(const TestServer& server, const std::string& keyType = "EC",
                        const std::string& license = "110330200000001");

    // A request body: the prescription as given, signed over its canonical bytes.
    std::string body(const std::string& prescription, const std::string& fulfillment = "") const;
    // The same with a signature made over `signedText` but `sentText` sent instead.
    std::string tamperedBody(const std::string& signedText, const std::string& sentText) const;
    Reply issue(const RxSpec& spec, const std::string& fulfillment = "") const;
    std::string signature(const std::string& prescription) const;  // base64; ECDSA: a new one each call
    std::string bodyWith(const std::string& prescription, const std::string& sig, const std::string& fulfillment = "") const;

    const TestServer& server;
    std::string clinicToken;
    Issued ca;
    Issued doctor;
    std::string alg;
};

}  // namespace rxtest
