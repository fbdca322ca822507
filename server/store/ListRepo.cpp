#include "server/store/ListRepo.h"

#include "server/store/PrescriptionRepo.h"

namespace rxflow::store {

std::vector<PrescriptionSummary> ListRepo::prescriptions(Tx& tx, const ListFilter& f) {
    std::vector<PrescriptionSummary> out;
    const std::string details =
        f.cipher ? ", document, fulfillment, updated_at, (SELECT COUNT(*) FROM payments y WHERE y.prescription_id = "
                   "prescriptions.id AND y.status = 'settled')"
                 : "";
    const std::string sql =
        "SELECT id, clinic_id, rx_no, status, store, version, created_at, expires_at" + details +
        " FROM prescriptions WHERE "
        "(:c1 = '' OR clinic_id = :c2) AND (:s1 = '' OR status = :s2) AND (:st1 = '' OR store = :st2) AND "
        "(:ch1 = '' OR store IN (SELECT id FROM pharmacies WHERE chain = :ch2)) AND "
        "(:sf1 = '' OR store IN (SELECT store FROM staff_stores WHERE staff_id = :sf2)) AND created_at >= :since AND "
        "(created_at > :a1 OR (created_at = :a2 AND id > :aid)) ORDER BY created_at, id LIMIT " +
        std::to_string(f.limit);
    const auto onRow = [&](const soci::row& r) {
        PrescriptionSummary p;
        p.id = r.get<std::string>(0);
        p.clinicId = r.get<std::string>(1);
        p.rxNo = r.get<std::string>(2);
        p.status = statusFromColumn(r.get<std::string>(3));
        p.store = r.get_indicator(4) == soci::i_null ? "" : r.get<std::string>(4);
        p.version = integerAt(r, 5);
        p.createdAt = integerAt(r, 6);
        p.expiresAt = integerAt(r, 7);
        if (f.cipher) {
            p.document = unsealDocument(*f.cipher, p.id, r.get<std::string>(8));
            if (r.get_indicator(9) == soci::i_ok) p.fulfillment = unsealFulfillment(*f.cipher, p.id, r.get<std::string>(9));
            p.updatedAt = integerAt(r, 10);
            p.paid = integerAt(r, 11) > 0;
        }
        out.push_back(std::move(p));
    };
    tx.each(sql, onRow, soci::use(f.clinicId, "c1"), soci::use(f.clinicId, "c2"), soci::use(f.status, "s1"),
            soci::use(f.status, "s2"), soci::use(f.store, "st1"), soci::use(f.store, "st2"), soci::use(f.chain, "ch1"),
            soci::use(f.chain, "ch2"), soci::use(f.staffId, "sf1"), soci::use(f.staffId, "sf2"),
            soci::use(f.since, "since"), soci::use(f.afterCreatedAt, "a1"),
            soci::use(f.afterCreatedAt, "a2"), soci::use(f.afterId, "aid"));
    static const std::string items =
        "SELECT drug_code, quantity FROM prescription_items WHERE prescription_id = :p ORDER BY line";
    for (PrescriptionSummary& p : out) {
        tx.each(items, [&](const soci::row& r) { p.items.push_back({r.get<std::string>(0), integerAt(r, 1), 0}); },
                soci::use(p.id));
    }
    return out;
}

std::vector<DeliverySummary> ListRepo::deliveries(Tx& tx, const std::string& courier, const std::string& stage,
                                                  long long afterCreatedAt, const std::string& afterId,
                                                  std::size_t limit) {
    std::vector<DeliverySummary> out;
    const std::string sql =
        "SELECT d.id, d.prescription_id, d.courier, d.stage, d.created_at, p.status FROM deliveries d JOIN "
        "prescriptions p ON p.id = d.prescription_id WHERE d.courier = :c AND (:s1 = '' OR d.stage = :s2) AND "
        "(d.created_at > :a1 OR (d.created_at = :a2 AND d.id > :aid)) ORDER BY d.created_at, d.id LIMIT " +
        std::to_string(limit);
    const auto onRow = [&](const soci::row& r) {
        out.push_back({{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)},
                       integerAt(r, 4),
                       r.get<std::string>(5)});
    };
    tx.each(sql, onRow, soci::use(courier, "c"), soci::use(stage, "s1"), soci::use(stage, "s2"),
            soci::use(afterCreatedAt, "a1"), soci::use(afterCreatedAt, "a2"), soci::use(afterId, "aid"));
    return out;
}

std::map<std::string, long long> ListRepo::countByStatus(Tx& tx) {
    std::map<std::string, long long> out;
    tx.each("SELECT status, COUNT(*) FROM prescriptions GROUP BY status",
            [&](const soci::row& r) { out[r.get<std::string>(0)] = integerAt(r, 1); });
    return out;
}

}  // namespace rxflow::store
