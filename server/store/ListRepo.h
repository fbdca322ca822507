#pragma once
// Lists for clinics, admins, pharmacies and couriers (API.md §5): oldest first by
// (created_at, id), which never change, so keyset cursors stay stable while rows change.
#include <map>
#include <string>
#include <vector>

#include "server/domain/Prescription.h"
#include "server/domain/Status.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"
#include "server/store/PaymentRepo.h"

namespace rxflow::store {

struct PrescriptionSummary {
    std::string id, clinicId, rxNo, store;
    Status status = Status::Active;
    long long version = 0, createdAt = 0, expiresAt = 0;
    std::vector<RxItem> items;
    // With ListFilter::cipher only (the pharmacy's queue): the unsealed document and
    // fulfillment, when the row last changed, and whether a settled payment exists.
    std::string document, fulfillment;
    long long updatedAt = 0;
    bool paid = false;
};

struct ListFilter {
    std::string clinicId;  // "" for any
    std::string chain;     // stores of this chain only ("" for any)
    std::string store;     // this store only ("" for any)
    std::string staffId;   // the stores of this pharmacist or clerk only ("" for any)
    std::string status;    // "" for any
    long long since = 0;   // created at or after (epoch ms)
    long long afterCreatedAt = -1;  // keyset cursor: rows after (afterCreatedAt, afterId)
    std::string afterId;
    std::size_t limit = 50;
    const DataCipher* cipher = nullptr;  // set: the rows carry the PrescriptionSummary details
};

struct DeliverySummary {
    Delivery delivery;
    long long createdAt = 0;
    std::string prescriptionStatus;
};

struct ListRepo {
    // Prescriptions by status, for /metrics.
    static std::map<std::string, long long> countByStatus(Tx& tx);
    static std::vector<PrescriptionSummary> prescriptions(Tx& tx, const ListFilter& f);
    static std::vector<DeliverySummary> deliveries(Tx& tx, const std::string& courier, const std::string& stage,
                                                   long long afterCreatedAt, const std::string& afterId,
                                                   std::size_t limit);
};

}  // namespace rxflow::store
