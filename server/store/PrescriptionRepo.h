#pragma once
#include <optional>
#include <string>
#include <vector>

#include "server/domain/Decide.h"
#include "server/domain/Prescription.h"
#include "server/domain/Status.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"

namespace rxflow::store {

// A stored prescription. `document` (the signed document, API.md §5 /signed) and
// `fulfillment` are plain JSON here and sealed in the database.
struct PrescriptionRecord {
    std::string id;
    std::string clinicId;
    std::string rxNo;
    Status status = Status::Active;
    long long version = 1;
    std::string doctorLicense;
    std::string region;
    std::string patientKey;
    long long issuedAt = 0, expiresAt = 0, createdAt = 0, updatedAt = 0;
    std::string pickupCodeHash;
    int pickupFailures = 0;
    std::string store;
    std::string document;
    std::string fulfillment;
    std::vector<RxItem> items;
    // The fulfillment as it was loaded (find): update seals and writes it again only when
    // `fulfillment` differs, since most changes leave it as it was.
    std::string fulfillmentLoaded;
};

// The patient's pickup code is kept only as a keyed hash bound to the prescription id; these
// are the one place that hash is made and compared (in constant time).
std::string pickupCodeHash(const DataCipher& cipher, const std::string& prescriptionId, const std::string& code);
bool pickupCodeMatches(const DataCipher& cipher, const PrescriptionRecord& p, const std::string& code);

// The columns `document` and `fulfillment` as stored (sealed, bound to the prescription id) in clear.
std::string unsealDocument(const DataCipher& cipher, const std::string& id, const std::string& sealed);
std::string unsealFulfillment(const DataCipher& cipher, const std::string& id, const std::string& sealed);

// The fulfilment's mode; pickup while none is chosen.
FulfillmentMode fulfillmentMode(const PrescriptionRecord& p);

// A status column's text as the type; throws std::runtime_error for text no version wrote.
Status statusFromColumn(const std::string& text);
// The SQL condition "status IN ('routed', ...)" for the states that satisfy `which`.
std::string statusIn(bool (*which)(Status));

struct PrescriptionRepo {
    // Throws Error 409 duplicate_rx_no when the clinic used this rxNo already.
    static void insert(Tx& tx, const DataCipher& cipher, const PrescriptionRecord& p);
    // Writes status, store, fulfillment and updatedAt with version + 1 (p.version is the version
    // read). Throws RetryTransaction when another writer moved the version in between.
    static void update(Tx& tx, const DataCipher& cipher, PrescriptionRecord& p, long long nowMs);
    // Counts one wrong pickup code; returns the new count.
    static int countPickupFailure(Tx& tx, const std::string& id);
    // The version stored now (locking the row on MariaDB), or nothing when there is no such row.
    static std::optional<long long> lockedVersion(Tx& tx, const std::string& id);
    // Claims up to `limit` prescriptions due for the sweep, by id: still expirable with expiresAt
    // before `nowMs`, or routed and unchanged since before `bound`. Rows other processes hold
    // are skipped on MariaDB (SKIP LOCKED); SQLite's write transaction excludes everyone else.
    static std::vector<std::string> claimExpiring(Tx& tx, long long nowMs, int limit);
    static std::vector<std::string> claimRoutedBefore(Tx& tx, long long bound, int limit);
    // forUpdate: lock the row for a state change in this transaction.
    static std::optional<PrescriptionRecord> find(Tx& tx, const DataCipher& cipher, const std::string& id,
                                                  bool forUpdate = false);
};

}  // namespace rxflow::store
