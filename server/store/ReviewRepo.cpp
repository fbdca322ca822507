#include "server/store/ReviewRepo.h"

namespace rxflow::store {

void ReviewRepo::insert(Tx& tx, const std::string& prescriptionId, const ReviewRecord& r, long long nowMs) {
    soci::indicator codeInd = r.reasonCode.empty() ? soci::i_null : soci::i_ok;
    soci::indicator reasonInd = r.reason.empty() ? soci::i_null : soci::i_ok;
    soci::indicator sigInd = r.signature.empty() ? soci::i_null : soci::i_ok;
    tx.change("INSERT INTO reviews (prescription_id, decision, reason_code, reason, version, reviewed_at, "
              "pharmacist_name, license, signature, created_at) VALUES (:p, :d, :rc, :r, :v, :at, :n, :l, :s, :c)",
              soci::use(prescriptionId), soci::use(r.decision), soci::use(r.reasonCode, codeInd),
              soci::use(r.reason, reasonInd), soci::use(r.version), soci::use(r.reviewedAt),
              soci::use(r.pharmacistName), soci::use(r.license), soci::use(r.signature, sigInd), soci::use(nowMs));
}

std::vector<ReviewRecord> ReviewRepo::forPrescription(Tx& tx, const std::string& prescriptionId) {
    std::vector<ReviewRecord> out;
    tx.each(
        "SELECT decision, reason_code, reason, version, reviewed_at, pharmacist_name, license, signature FROM "
        "reviews WHERE prescription_id = :p ORDER BY id",
        [&](const soci::row& r) {
            ReviewRecord v;
            v.decision = r.get<std::string>(0);
            if (r.get_indicator(1) == soci::i_ok) v.reasonCode = r.get<std::string>(1);
            if (r.get_indicator(2) == soci::i_ok) v.reason = r.get<std::string>(2);
            v.version = integerAt(r, 3);
            v.reviewedAt = r.get<std::string>(4);
            v.pharmacistName = r.get<std::string>(5);
            v.license = r.get<std::string>(6);
            if (r.get_indicator(7) == soci::i_ok) v.signature = r.get<std::string>(7);
            out.push_back(std::move(v));
        },
        soci::use(prescriptionId));
    return out;
}

}  // namespace rxflow::store
