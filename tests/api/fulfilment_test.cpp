// API.md §4 after review: payment, dispensing with the pickup code, hand-over and delivery.
#include <doctest/doctest.h>

#include <thread>

#include "tests/support/Prescriptions.h"

using namespace rxtest;

namespace {

struct Approved {
    std::string id, chain, pickupCode, path;
};

// A prescription routed to S1 (chain CH1), accepted and approved, in the given mode.
Approved approved(const TestServer& s, const Prescriber& doctor, const std::string& mode, const std::string& rxNo = "RX-1") {
    if (s.get("/v1/admin/pharmacies/S1", s.admin).status == 404) {
        REQUIRE(s.post("/v1/admin/pharmacies", s.admin,
                       "{\"id\":\"S1\",\"chain\":\"CH1\",\"name\":\"药房\",\"region\":\"330200\",\"district\":\"330203\","
                       "\"lat\":\"29.8684\",\"lon\":\"121.5440\",\"delivery\":true}").status == 201);
        s.addTestPharmacist("S1", "CH1");
        REQUIRE(s.put("/v1/pharmacies/S1/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":10}]}")
                    .status == 200);
        s.addCourier("SF");
    }
    const std::string fulfillment =
        mode == "pickup" ? "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}"
                         : "{\"mode\":\"delivery\",\"pharmacy\":\"S1\",\"address\":{\"region\":\"330200\",\"district\":"
                           "\"330203\",\"line\":\"中山东路1号\",\"lat\":\"29.87\",\"lon\":\"121.55\"}}";
    RxSpec spec;
    spec.rxNo = rxNo;
    Reply issued = doctor.issue(spec, fulfillment);
    REQUIRE_MESSAGE(issued.str("status") == "routed", issued.body);
    Approved a{issued.str("id"), s.token("pharmacy", "CH1"), issued.str("pickupCode"), "/v1/prescriptions/" + issued.str("id")};
    REQUIRE(s.post(a.path + "/accept", a.chain, "").status == 200);
    REQUIRE(s.post(a.path + "/review", a.chain,
                   "{\"decision\":\"approve\",\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"}}").status == 200);
    return a;
}

std::string payment(const std::string& settlementId, long long total = 5700, long long fund = 3990,
                    long long account = 1000, long long cash = 710) {
    return "{\"kind\":\"insurance\",\"settlementId\":\"" + settlementId + "\",\"payOrderId\":\"PO-" + settlementId +
           "\",\"total\":" + std::to_string(total) + ",\"fund\":" + std::to_string(fund) + ",\"account\":" +
           std::to_string(account) + ",\"cash\":" + std::to_string(cash) + ",\"paidAt\":\"2026-11-22T10:30:00+08:00\"}";
}

std::string dispenseBody(const std::string& code,
                         const std::string& pharmacist = "{\"name\":\"王药师\",\"license\":\"YS33020001\"}") {
    return "{\"pharmacist\":" + pharmacist + ",\"pickupCode\":\"" + code +
           "\",\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2,\"batchNo\":\"B2026\",\"expiryDate\":\"2028-01-31\"}]}";
}

}  // namespace

TEST_CASE("payment: the insurer of the region records it once, the same settlementId again is a no-op 200") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "pickup");
    const std::string insurer = s.token("insurer", "330200");
    Reply paid = s.post(a.path + "/payments", insurer, payment("ST1"));
    REQUIRE_MESSAGE(paid.status == 200, paid.body);
    CHECK(paid.json()->getObject("payment")->getValue<long long>("total") == 5700);
    const std::string version = paid.header("etag");
    Reply again = s.post(a.path + "/payments", insurer, payment("ST1"));
    CHECK(again.status == 200);
    CHECK(again.header("etag") == version);
    CHECK_PROBLEM(s.post(a.path + "/payments", a.chain, payment("ST2")), 409, "already_paid");
    CHECK_PROBLEM(s.post(a.path + "/payments", s.token("insurer", "310000"), payment("ST3")), 404, "not_found");
}

TEST_CASE("payment refusals: amounts that do not add up, or zero, are 422 payment_amount_invalid, not approved is 409") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "pickup");
    CHECK_PROBLEM(s.post(a.path + "/payments", a.chain, payment("ST1", 5700, 3990, 1000, 700)), 422,
                  "payment_amount_invalid");
    CHECK_PROBLEM(s.post(a.path + "/payments", a.chain, payment("ST1", 0, 0, 0, 0)), 422, "payment_amount_invalid");
    RxSpec other;
    other.rxNo = "RX-2";
    Reply routed = doctor.issue(other, "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}");
    CHECK_PROBLEM(s.post("/v1/prescriptions/" + routed.str("id") + "/payments", a.chain, payment("ST9")), 409,
                  "invalid_state");
}

TEST_CASE("payment amounts past 10^12 fen, or integers past 2^53 anywhere in the body, are 400 and nothing is stored") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "pickup");
    auto body = [](const std::string& fund, const std::string& total) {
        return "{\"kind\":\"insurance\",\"settlementId\":\"ST1\",\"payOrderId\":\"PO-ST1\",\"total\":" + total +
               ",\"fund\":" + fund + ",\"account\":0,\"cash\":0,\"paidAt\":\"2026-11-22T10:30:00+08:00\"}";
    };
    // 2^64 was read as 0, and 2^64 + 5700 as 5700: a payment whose fund was stored as 0.
    const std::string version = s.get(a.path, a.chain).header("etag");
    CHECK_PROBLEM(s.post(a.path + "/payments", a.chain, body("18446744073709551616", "5700")), 400, "invalid_request");
    CHECK_PROBLEM(s.post(a.path + "/payments", a.chain, body("18446744073709557316", "5700")), 400, "invalid_request");
    CHECK_PROBLEM(s.post(a.path + "/payments", a.chain, body("9007199254740993", "9007199254740993")), 400,
                  "invalid_request");
    CHECK_PROBLEM(s.post(a.path + "/payments", a.chain, body("1000000000001", "1000000000001")), 400,
                  "invalid_request");
    CHECK_PROBLEM(s.post(a.path + "/payments", a.chain, body("-18446744073709551616", "5700")), 400, "invalid_request");
    Reply rx = s.get(a.path, a.chain);
    CHECK(rx.header("etag") == version);
    CHECK(rx.json()->has("payment") == false);
    CHECK(s.get("/v1/settlements?date=2026-11-22&region=330200", s.admin).body.find("ST1") == std::string::npos);
    // The limit itself is an amount.
    Reply max = s.post(a.path + "/payments", a.chain, body("1000000000000", "1000000000000"));
    CHECK_MESSAGE(max.status == 200, max.body);
}

TEST_CASE("dispense: payment first, then the right pickup code, stock leaves the store") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "pickup");
    CHECK_PROBLEM(s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode)), 409, "payment_required");
    REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST1")).status == 200);
    Reply r = s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.str("status") == "dispensed");
    auto stock = s.get("/v1/pharmacies/S1/stock", a.chain).json()->getArray("items")->getObject(0);
    CHECK(stock->getValue<long long>("quantity") == 8);
    CHECK(stock->getValue<long long>("reserved") == 0);
    CHECK_PROBLEM(s.post(a.path + "/cancel", doctor.clinicToken, "{\"reason\":\"x\"}"), 409, "invalid_state");
}

TEST_CASE("dispense: the pharmacist is the object of review, name and license, and the audit records both") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "pickup");
    REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST1")).status == 200);
    CHECK_PROBLEM(s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode, "\"王药师\"")), 400, "invalid_request");
    CHECK_PROBLEM(s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode, "{\"name\":\"王药师\"}")), 400,
                  "invalid_request");
    CHECK(s.get(a.path, a.chain).str("status") == "approved");
    REQUIRE(s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode)).status == 200);
    Reply audit = s.get(a.path + "/audit", doctor.clinicToken);
    REQUIRE(audit.status == 200);
    auto events = audit.json()->getArray("events");
    std::string detail;
    for (std::size_t i = 0; i < events->size(); ++i)
        if (events->getObject(static_cast<unsigned>(i))->getValue<std::string>("action") == "dispense")
            detail = events->getObject(static_cast<unsigned>(i))->optValue<std::string>("detail", "");
    CHECK_MESSAGE(detail.find("王药师") != std::string::npos, detail);
    CHECK_MESSAGE(detail.find("YS33020001") != std::string::npos, detail);
}

TEST_CASE("dispense: each of 5 wrong codes is 403 pickup_code_mismatch, after them even the right one is 423") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "pickup");
    REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST1")).status == 200);
    const std::string wrong = a.pickupCode == "000000" ? "000001" : "000000";
    for (int i = 0; i < 5; ++i) {
        Reply r = s.post(a.path + "/dispense", a.chain, dispenseBody(wrong));
        CHECK_PROBLEM(r, 403, "pickup_code_mismatch");
        CHECK(r.json()->optValue<long long>("attemptsLeft", -1) == 4 - i);  // API.md §4: an integer in the problem
    }
    CHECK_PROBLEM(s.post(a.path + "/dispense", a.chain, dispenseBody(wrong)), 423, "locked");
    CHECK_PROBLEM(s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode)), 423, "locked");
    CHECK(s.get(a.path, a.chain).str("status") == "approved");
}

TEST_CASE("delivery: hand-over to a courier, events forward only, delivered with the pickup code as proof") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "delivery");
    const std::string handover = "{\"courier\":\"SF\",\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"},\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2,"
                                 "\"batchNo\":\"B2026\",\"expiryDate\":\"2028-01-31\"}]}";
    CHECK_PROBLEM(s.post(a.path + "/handover", a.chain, handover), 409, "payment_required");
    CHECK_PROBLEM(s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode)), 409, "invalid_state");
    REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST1")).status == 200);
    Reply h = s.post(a.path + "/handover", a.chain, handover);
    REQUIRE_MESSAGE(h.status == 200, h.body);
    CHECK(h.str("status") == "in_delivery");
    const std::string delivery = "/v1/deliveries/" + h.json()->getObject("delivery")->getValue<std::string>("id") + "/events";
    const std::string courier = s.token("courier", "SF");
    auto ev = [&](const std::string& type, const std::string& extra = "") {
        return s.post(delivery, courier, "{\"type\":\"" + type + "\",\"at\":\"2026-11-22T11:00:00+08:00\"" + extra + "}");
    };
    auto mine = s.get("/v1/courier/deliveries?status=handed_over", courier).json()->getArray("deliveries");
    REQUIRE(mine->size() == 1);
    CHECK(mine->getObject(0)->getValue<std::string>("prescription") == a.id);
    CHECK(ev("picked_up").status == 200);
    CHECK(ev("picked_up").status == 200);  // the same event twice: no-op
    CHECK(s.get("/v1/courier/deliveries?status=handed_over", courier).json()->getArray("deliveries")->size() == 0);
    CHECK(ev("in_transit").status == 200);
    CHECK_PROBLEM(ev("picked_up"), 409, "invalid_state");
    const std::string wrong = a.pickupCode == "000000" ? "000001" : "000000";
    CHECK_PROBLEM(ev("delivered", ",\"proofCode\":\"" + wrong + "\""), 403, "proof_code_mismatch");
    Reply done = ev("delivered", ",\"proofCode\":\"" + a.pickupCode + "\"");
    CHECK(done.str("status") == "delivered");
    CHECK_PROBLEM(s.post(delivery, s.token("courier", "SF"), "{\"type\":\"picked_up\",\"at\":\"2026-11-22T11:00:00+08:00\"}"),
                  409, "invalid_state");
    s.addCourier("JD");
    CHECK_PROBLEM(s.post(delivery, s.token("courier", "JD"), "{\"type\":\"failed\",\"at\":\"2026-11-22T11:00:00+08:00\"}"),
                  404, "not_found");
}

// An approved delivery-mode prescription, paid and handed over to SF: its delivery's events path.
static std::string handedOverToSf(const TestServer& s, const Approved& a) {
    REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST1")).status == 200);
    Reply h = s.post(a.path + "/handover", a.chain,
                     "{\"courier\":\"SF\",\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"},\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2,"
                     "\"batchNo\":\"B2026\",\"expiryDate\":\"2028-01-31\"}]}");
    REQUIRE_MESSAGE(h.status == 200, h.body);
    return "/v1/deliveries/" + h.json()->getObject("delivery")->getValue<std::string>("id") + "/events";
}

TEST_CASE("delivery: wrong proof codes count with the pickup codes, and after 5 even the right one is 423") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "delivery");
    const std::string delivery = handedOverToSf(s, a);
    const std::string courier = s.token("courier", "SF");
    auto delivered = [&](const std::string& code) {
        return s.post(delivery, courier,
                      "{\"type\":\"delivered\",\"at\":\"2026-11-22T11:00:00+08:00\",\"proofCode\":\"" + code + "\"}");
    };
    const std::string wrong = a.pickupCode == "000000" ? "000001" : "000000";
    for (int i = 0; i < 5; ++i) {
        Reply r = delivered(wrong);
        CHECK_PROBLEM(r, 403, "proof_code_mismatch");
        CHECK(r.json()->optValue<long long>("attemptsLeft", -1) == 4 - i);
    }
    CHECK_PROBLEM(delivered(a.pickupCode), 423, "locked");
    CHECK(s.get(a.path, a.chain).str("status") == "in_delivery");
    // Each wrong guess is on the record, refused; none moved the state.
    auto events = s.get(a.path + "/audit", doctor.clinicToken).json()->getArray("events");
    int refused = 0;
    for (std::size_t i = 0; i < events->size(); ++i) {
        auto e = events->getObject(static_cast<unsigned>(i));
        if (e->getValue<std::string>("action") == "delivery_delivered" && e->getValue<std::string>("outcome") == "refused")
            ++refused;
    }
    CHECK(refused == 6);
}

TEST_CASE("delivery failure: delivery_failed, then a new hand-over") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "delivery");
    REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST1")).status == 200);
    const std::string handover = "{\"courier\":\"SF\",\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"},\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2,"
                                 "\"batchNo\":\"B2026\",\"expiryDate\":\"2028-01-31\"}]}";
    Reply h = s.post(a.path + "/handover", a.chain, handover);
    const std::string delivery = "/v1/deliveries/" + h.json()->getObject("delivery")->getValue<std::string>("id") + "/events";
    Reply failed = s.post(delivery, s.token("courier", "SF"), "{\"type\":\"failed\",\"at\":\"2026-11-22T11:00:00+08:00\"}");
    CHECK(failed.str("status") == "delivery_failed");
    Reply again = s.post(a.path + "/handover", a.chain, handover);
    CHECK(again.str("status") == "in_delivery");
    auto stock = s.get("/v1/pharmacies/S1/stock", a.chain).json()->getArray("items")->getObject(0);
    CHECK(stock->getValue<long long>("quantity") == 8);  // taken once, at the first hand-over
}

TEST_CASE("the courier's view is masked and holds no id number, the insurer sees payment and prices, others 404") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "delivery");
    const std::string courier = s.token("courier", "SF");
    CHECK_PROBLEM(s.get(a.path, courier), 404, "not_found");  // not handed to it yet
    REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST1")).status == 200);
    REQUIRE(s.post(a.path + "/handover", a.chain, "{\"courier\":\"SF\",\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"},\"items\":[{\"drugCode\":\"XC08CAA001\","
                                                   "\"quantity\":2,\"batchNo\":\"B1\",\"expiryDate\":\"2028-01-31\"}]}")
                .status == 200);
    Reply seen = s.get(a.path, courier);
    REQUIRE(seen.status == 200);
    auto v = seen.json();
    CHECK(v->getObject("patient")->getValue<std::string>("name") == "朱*勇");
    CHECK(v->getObject("patient")->getValue<std::string>("phone") == "138****0000");
    CHECK(v->getObject("address")->getValue<std::string>("line") == "中山东路1号");
    CHECK(v->getArray("items")->getObject(0)->getValue<int>("quantity") == 2);
    CHECK(seen.body.find("330203196001011232") == std::string::npos);
    CHECK(seen.body.find("朱明勇") == std::string::npos);
    CHECK(seen.body.find("13800000000") == std::string::npos);
    CHECK_FALSE(v->has("prescription"));

    Reply insurer = s.get(a.path, s.token("insurer", "330200"));
    REQUIRE(insurer.status == 200);
    auto iv = insurer.json();
    CHECK(iv->getObject("payment")->getValue<long long>("fund") == 3990);
    CHECK(iv->getArray("items")->getObject(0)->getValue<long long>("price") > 0);
    CHECK(insurer.body.find("朱明勇") == std::string::npos);
    // Neither of them gets the whole document or its audit: those carry the patient's id number.
    CHECK_PROBLEM(s.get(a.path + "/signed", s.token("insurer", "330200")), 404, "not_found");
    CHECK_PROBLEM(s.get(a.path + "/audit", s.token("insurer", "330200")), 404, "not_found");
    CHECK_PROBLEM(s.get(a.path + "/signed", courier), 404, "not_found");
    CHECK_PROBLEM(s.get(a.path + "/audit", courier), 404, "not_found");
    s.addCourier("JD");
    CHECK_PROBLEM(s.get(a.path, s.token("courier", "JD")), 404, "not_found");
}

TEST_CASE("a cancel racing a dispense: exactly one wins, and state and history agree") {
    TestServer s;
    Prescriber doctor(s);
    for (int round = 0; round < 5; ++round) {
        Approved a = approved(s, doctor, "pickup", "RX-race-" + std::to_string(round));
        REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST-" + std::to_string(round))).status == 200);
        Reply cancel, dispense;
        std::thread t1([&] { cancel = s.post(a.path + "/cancel", doctor.clinicToken, "{\"reason\":\"患者取消\"}"); });
        std::thread t2([&] { dispense = s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode)); });
        t1.join();
        t2.join();
        CHECK((cancel.status == 200) != (dispense.status == 200));
        const std::string winner = cancel.status == 200 ? "cancelled" : "dispensed";
        auto view = s.get(a.path, doctor.clinicToken).json();
        CHECK(view->getValue<std::string>("status") == winner);
        auto history = view->getArray("history");
        CHECK(history->getObject(history->size() - 1)->getValue<std::string>("status") == winner);
        int finals = 0;
        for (std::size_t i = 0; i < history->size(); ++i) {
            const std::string st = history->getObject(static_cast<unsigned>(i))->getValue<std::string>("status");
            finals += st == "cancelled" || st == "dispensed";
        }
        CHECK(finals == 1);
    }
}

TEST_CASE("reversal (冲正): the posting chain before dispense, the insurer also after, a new payment may follow") {
    TestServer s;
    Prescriber doctor(s);
    Approved a = approved(s, doctor, "pickup");
    REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST1")).status == 200);
    const std::string body = "{\"reason\":\"患者退款\",\"at\":\"2026-11-22T10:40:00+08:00\"}";
    s.addStore("T1", "CH2");
    CHECK_PROBLEM(s.post("/v1/payments/ST1/reverse", s.token("pharmacy", "CH2"), body), 404, "not_found");
    Reply reversed = s.post("/v1/payments/ST1/reverse", a.chain, body);
    REQUIRE_MESSAGE(reversed.status == 200, reversed.body);
    CHECK_FALSE(reversed.json()->has("payment"));  // no settled payment any more
    CHECK(s.post("/v1/payments/ST1/reverse", a.chain, body).status == 200);  // again: no-op
    CHECK_PROBLEM(s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode)), 409, "payment_required");
    REQUIRE(s.post(a.path + "/payments", a.chain, payment("ST2")).status == 200);
    REQUIRE(s.post(a.path + "/dispense", a.chain, dispenseBody(a.pickupCode)).status == 200);
    CHECK_PROBLEM(s.post("/v1/payments/ST2/reverse", a.chain, body), 409, "invalid_state");
    CHECK(s.post("/v1/payments/ST2/reverse", s.token("insurer", "330200"), body).status == 200);
    CHECK_PROBLEM(s.post("/v1/payments/NOPE/reverse", s.token("insurer", "330200"), body), 404, "not_found");
}
