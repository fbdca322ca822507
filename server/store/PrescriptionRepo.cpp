#include "server/store/PrescriptionRepo.h"

#include <stdexcept>

#include <Poco/JSON/Parser.h>

#include "signing/digest.h"

namespace rxflow::store {
namespace {
const char* kDocumentAad = "prescriptions.document";
const char* kFulfillmentAad = "prescriptions.fulfillment";
}  // namespace

std::string pickupCodeHash(const DataCipher& cipher, const std::string& prescriptionId, const std::string& code) {
    return cipher.keyedHash(code, "pickup:" + prescriptionId);
}

bool pickupCodeMatches(const DataCipher& cipher, const PrescriptionRecord& p, const std::string& code) {
    return rxsign::equalConstantTime(pickupCodeHash(cipher, p.id, code), p.pickupCodeHash);
}

std::string unsealDocument(const DataCipher& cipher, const std::string& id, const std::string& sealed) {
    return cipher.unseal(sealed, kDocumentAad + id);
}

std::string unsealFulfillment(const DataCipher& cipher, const std::string& id, const std::string& sealed) {
    return cipher.unseal(sealed, kFulfillmentAad + id);
}

FulfillmentMode fulfillmentMode(const PrescriptionRecord& p) {
    if (p.fulfillment.empty()) return FulfillmentMode::Pickup;
    auto f = Poco::JSON::Parser().parse(p.fulfillment).extract<Poco::JSON::Object::Ptr>();
    return f->optValue<std::string>("mode", "pickup") == "delivery" ? FulfillmentMode::Delivery : FulfillmentMode::Pickup;
}

void PrescriptionRepo::insert(Tx& tx, const DataCipher& cipher, const PrescriptionRecord& p) {
    const std::string document = cipher.seal(p.document, kDocumentAad + p.id);
    const std::string fulfillment = p.fulfillment.empty() ? "" : cipher.seal(p.fulfillment, kFulfillmentAad + p.id);
    soci::indicator storeInd = p.store.empty() ? soci::i_null : soci::i_ok;
    soci::indicator fulfillmentInd = fulfillment.empty() ? soci::i_null : soci::i_ok;
    const std::string status = statusName(p.status);
    const bool inserted = insertUnlessExists([&] {
        tx.change("INSERT INTO prescriptions (id, clinic_id, rx_no, status, version, doctor_license, region, "
                  "patient_key, issued_at, expires_at, created_at, updated_at, pickup_code_hash, store, document, "
                  "fulfillment) VALUES (:id, :cl, :rx, :st, :v, :dl, :rg, :pk, :ia, :ea, :ca, :ua, :pc, :so, :doc, :fu)",
                  soci::use(p.id), soci::use(p.clinicId), soci::use(p.rxNo), soci::use(status), soci::use(p.version),
                  soci::use(p.doctorLicense), soci::use(p.region), soci::use(p.patientKey), soci::use(p.issuedAt),
                  soci::use(p.expiresAt), soci::use(p.createdAt), soci::use(p.updatedAt), soci::use(p.pickupCodeHash),
                  soci::use(p.store, storeInd), soci::use(document), soci::use(fulfillment, fulfillmentInd));
    });
    if (!inserted)
        throw Error::conflict("duplicate_rx_no", "this clinic has issued a prescription with rxNo " + p.rxNo + " already");
    for (std::size_t i = 0; i < p.items.size(); ++i) {
        const int line = static_cast<int>(i);
        tx.change("INSERT INTO prescription_items (prescription_id, line, drug_code, quantity) VALUES (:p, :l, :d, :q)",
                  soci::use(p.id), soci::use(line), soci::use(p.items[i].drugCode), soci::use(p.items[i].quantity));
    }
}

Status statusFromColumn(const std::string& text) {
    if (auto s = parseStatus(text)) return *s;
    throw std::runtime_error("prescriptions.status holds an unknown state: " + text.substr(0, 32));
}

std::string statusIn(bool (*which)(Status)) {
    std::string list;
    for (Status s : kAllStatuses)
        if (which(s)) list += (list.empty() ? "'" : ", '") + std::string(statusName(s)) + "'";
    return "status IN (" + list + ")";
}

void PrescriptionRepo::update(Tx& tx, const DataCipher& cipher, PrescriptionRecord& p, long long nowMs) {
    soci::indicator storeInd = p.store.empty() ? soci::i_null : soci::i_ok;
    const long long read = p.version, next = p.version + 1;
    const std::string status = statusName(p.status);
    long long changed = 0;
    if (p.fulfillment == p.fulfillmentLoaded) {
        changed = tx.change("UPDATE prescriptions SET status = :st, version = :nv, store = :so, updated_at = :ua "
                            "WHERE id = :id AND version = :ov",
                            soci::use(status), soci::use(next), soci::use(p.store, storeInd), soci::use(nowMs),
                            soci::use(p.id), soci::use(read));
    } else {
        const std::string fulfillment = p.fulfillment.empty() ? "" : cipher.seal(p.fulfillment, kFulfillmentAad + p.id);
        soci::indicator fulfillmentInd = fulfillment.empty() ? soci::i_null : soci::i_ok;
        changed = tx.change("UPDATE prescriptions SET status = :st, version = :nv, store = :so, fulfillment = :fu, "
                            "updated_at = :ua WHERE id = :id AND version = :ov",
                            soci::use(status), soci::use(next), soci::use(p.store, storeInd),
                            soci::use(fulfillment, fulfillmentInd), soci::use(nowMs), soci::use(p.id), soci::use(read));
    }
    if (changed != 1) throw RetryTransaction{};
    p.version = next;
    p.updatedAt = nowMs;
    p.fulfillmentLoaded = p.fulfillment;  // what the row holds now
}

int PrescriptionRepo::countPickupFailure(Tx& tx, const std::string& id) {
    tx.change("UPDATE prescriptions SET pickup_failures = pickup_failures + 1 WHERE id = :id", soci::use(id));
    int failures = 0;
    tx.exec("SELECT pickup_failures FROM prescriptions WHERE id = :id", soci::use(id), soci::into(failures));
    return failures;
}

std::optional<long long> PrescriptionRepo::lockedVersion(Tx& tx, const std::string& id) {
    long long version = 0;
    const bool found = tx.exec(std::string("SELECT version FROM prescriptions WHERE id = :id") + tx.forUpdate(),
                               soci::use(id), soci::into(version));
    if (!found) return std::nullopt;
    return version;
}

std::optional<PrescriptionRecord> PrescriptionRepo::find(Tx& tx, const DataCipher& cipher, const std::string& id,
                                                         bool forUpdate) {
    PrescriptionRecord p;
    std::string document, fulfillment, store, status;
    soci::indicator storeInd = soci::i_null, fulfillmentInd = soci::i_null;
    static const std::string select =
        "SELECT id, clinic_id, rx_no, status, version, doctor_license, region, patient_key, issued_at, expires_at, "
        "created_at, updated_at, pickup_code_hash, pickup_failures, store, document, fulfillment FROM prescriptions "
        "WHERE id = :id";
    static const std::string selectForUpdate = select + " FOR UPDATE";
    const bool found = tx.exec(
        forUpdate && tx.mysql() ? selectForUpdate : select, soci::use(id), soci::into(p.id), soci::into(p.clinicId),
        soci::into(p.rxNo), soci::into(status), soci::into(p.version), soci::into(p.doctorLicense),
        soci::into(p.region), soci::into(p.patientKey), soci::into(p.issuedAt), soci::into(p.expiresAt),
        soci::into(p.createdAt), soci::into(p.updatedAt), soci::into(p.pickupCodeHash), soci::into(p.pickupFailures),
        soci::into(store, storeInd), soci::into(document), soci::into(fulfillment, fulfillmentInd));
    if (!found) return std::nullopt;
    p.status = statusFromColumn(status);
    if (storeInd == soci::i_ok) p.store = store;
    p.document = unsealDocument(cipher, p.id, document);
    if (fulfillmentInd == soci::i_ok) p.fulfillment = unsealFulfillment(cipher, p.id, fulfillment);
    p.fulfillmentLoaded = p.fulfillment;
    tx.each("SELECT drug_code, quantity FROM prescription_items WHERE prescription_id = :p ORDER BY line",
            [&](const soci::row& r) { p.items.push_back({r.get<std::string>(0), integerAt(r, 1), 0}); }, soci::use(id));
    return p;
}

namespace {

bool isRouted(Status s) { return s == Status::Routed; }

std::vector<std::string> claim(Tx& tx, const std::string& where, long long bound, int limit) {
    std::vector<std::string> ids;
    tx.each("SELECT id FROM prescriptions WHERE " + where + " ORDER BY id LIMIT " + std::to_string(limit) +
                (tx.mysql() ? " FOR UPDATE SKIP LOCKED" : ""),
            [&](const soci::row& r) { ids.push_back(r.get<std::string>(0)); }, soci::use(bound));
    return ids;
}

}  // namespace

std::vector<std::string> PrescriptionRepo::claimExpiring(Tx& tx, long long nowMs, int limit) {
    static const std::string due = statusIn(mayExpire) + " AND expires_at < :b";
    return claim(tx, due, nowMs, limit);
}

std::vector<std::string> PrescriptionRepo::claimRoutedBefore(Tx& tx, long long bound, int limit) {
    static const std::string due = statusIn(isRouted) + " AND updated_at < :b";
    return claim(tx, due, bound, limit);
}

}  // namespace rxflow::store
