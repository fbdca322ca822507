#include "server/store/PaymentRepo.h"

namespace rxflow::store {
namespace {

const char* const kPaymentColumns =
    "settlement_id, prescription_id, region, kind, pay_order_id, total, fund, account, cash, paid_at, paid_at_text, "
    "status, posted_role, posted_org";

std::optional<Payment> onePayment(Tx& tx, const std::string& sql, const std::string& value) {
    std::optional<Payment> out;
    tx.each(sql, [&](const soci::row& r) { if (!out) out = PaymentRepo::fromRow(r); }, soci::use(value));
    return out;
}

std::optional<Delivery> oneDelivery(Tx& tx, const std::string& sql, const std::string& value) {
    std::optional<Delivery> out;
    tx.each(sql, [&](const soci::row& r) {
        if (!out) out = Delivery{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)};
    }, soci::use(value));
    return out;
}

}  // namespace

const char* const PaymentRepo::kColumns = kPaymentColumns;

Payment PaymentRepo::fromRow(const soci::row& r) {
    return Payment{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                   r.get<std::string>(4), integerAt(r, 5),        integerAt(r, 6),        integerAt(r, 7),
                   integerAt(r, 8),        integerAt(r, 9),        r.get<std::string>(10), r.get<std::string>(11),
                   r.get<std::string>(12), r.get<std::string>(13)};
}

std::optional<Payment> PaymentRepo::find(Tx& tx, const std::string& settlementId) {
    static const std::string sql = std::string("SELECT ") + kPaymentColumns + " FROM payments WHERE settlement_id = :s";
    return onePayment(tx, sql, settlementId);
}

std::optional<Payment> PaymentRepo::settledFor(Tx& tx, const std::string& prescriptionId) {
    static const std::string sql =
        std::string("SELECT ") + kPaymentColumns + " FROM payments WHERE prescription_id = :p AND status = 'settled'";
    return onePayment(tx, sql, prescriptionId);
}

bool PaymentRepo::insert(Tx& tx, const Payment& p, long long nowMs) {
    static const std::string sql =
        std::string("INSERT INTO payments (") + kPaymentColumns +
        ", created_at) VALUES (:s, :p, :r, :k, :o, :t, :f, :a, :c, :pa, :pt, :st, :ro, :og, :ca)";
    return insertUnlessExists([&] {
        tx.change(sql, soci::use(p.settlementId), soci::use(p.prescriptionId), soci::use(p.region), soci::use(p.kind),
                  soci::use(p.payOrderId), soci::use(p.total), soci::use(p.fund), soci::use(p.account),
                  soci::use(p.cash), soci::use(p.paidAt), soci::use(p.paidAtText), soci::use(p.status),
                  soci::use(p.postedRole), soci::use(p.postedOrg), soci::use(nowMs));
    });
}

void PaymentRepo::setStatus(Tx& tx, const std::string& settlementId, const std::string& status) {
    tx.change("UPDATE payments SET status = :s WHERE settlement_id = :i", soci::use(status), soci::use(settlementId));
}

std::optional<Delivery> DeliveryRepo::find(Tx& tx, const std::string& id, bool forUpdate) {
    return oneDelivery(tx,
                       std::string("SELECT id, prescription_id, courier, stage FROM deliveries WHERE id = :i") +
                           (forUpdate ? tx.forUpdate() : ""),
                       id);
}

std::optional<Delivery> DeliveryRepo::latestFor(Tx& tx, const std::string& prescriptionId) {
    return oneDelivery(tx,
                       "SELECT id, prescription_id, courier, stage FROM deliveries WHERE prescription_id = :p "
                       "ORDER BY created_at DESC, id DESC LIMIT 1",
                       prescriptionId);
}

void DeliveryRepo::insert(Tx& tx, const Delivery& d, long long nowMs) {
    tx.change("INSERT INTO deliveries (id, prescription_id, courier, stage, created_at, updated_at) "
              "VALUES (:i, :p, :c, :s, :ca, :ua)",
              soci::use(d.id), soci::use(d.prescriptionId), soci::use(d.courier), soci::use(d.stage), soci::use(nowMs),
              soci::use(nowMs));
}

void DeliveryRepo::setStage(Tx& tx, const std::string& id, const std::string& stage, long long nowMs) {
    tx.change("UPDATE deliveries SET stage = :s, updated_at = :u WHERE id = :i", soci::use(stage), soci::use(nowMs),
              soci::use(id));
}

}  // namespace rxflow::store
