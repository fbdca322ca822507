#pragma once
// reviews: each 审方 of a prescription (API.md §11), with the pharmacist's signature exactly as
// sent, for the whole view and /signed.
#include <string>
#include <vector>

#include "server/store/Tx.h"

namespace rxflow::store {

struct ReviewRecord {
    std::string decision;    // approve | reject
    std::string reasonCode;  // a rejection's
    std::string reason;
    long long version = 0;   // the prescription's version reviewed
    std::string reviewedAt;  // RFC 3339, as signed (or the server's time of an unsigned review)
    std::string pharmacistName;
    std::string license;
    std::string signature;   // the JSON text of pharmacist.signature as sent, or empty
};

struct ReviewRepo {
    static void insert(Tx& tx, const std::string& prescriptionId, const ReviewRecord& r, long long nowMs);
    static std::vector<ReviewRecord> forPrescription(Tx& tx, const std::string& prescriptionId);  // oldest first
};

}  // namespace rxflow::store
