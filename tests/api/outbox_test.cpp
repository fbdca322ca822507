// What each store is told and when (workflow/Notifications), the FHIR chain end to end, dead
// letters and the admin endpoints of the outbox (API.md §2 adapters; openapi.yaml /v1/admin/outbox).
#include <doctest/doctest.h>

#include "tests/support/AdapterFixtures.h"
#include "tests/support/Simulator.h"

using namespace rxtest;

namespace {

// (type, target id) of every outbox message, oldest first.
std::vector<std::pair<std::string, std::string>> told(const TestServer& s) {
    std::vector<std::pair<std::string, std::string>> out;
    auto messages = outbox(s);
    for (std::size_t i = 0; i < messages->size(); ++i) {
        auto m = messages->getObject(static_cast<unsigned>(i));
        out.emplace_back(m->getValue<std::string>("type"), m->getObject("target")->getValue<std::string>("id"));
    }
    return out;
}

using Told = std::vector<std::pair<std::string, std::string>>;

// Nothing listens at this URL; with no workers nothing is even tried.
const std::string kNowhere = "http://127.0.0.1:9/erp";

}  // namespace

TEST_CASE("stores are told of routing, re-routing and cancellation in the same transaction, pull stores never") {
    TestServer s({{{"RXFLOW_OUTBOX_WORKERS", "0"}}, {}, nullptr});
    addPushStore(s, "SW1", "CHW", "webhook", kNowhere);
    addPushStore(s, "SF1", "CHF", "fhir", kNowhere);
    addPushStore(s, "SP1", "CHP", "pull");
    Prescriber doctor(s);
    auto a = issue(doctor, 1, pickupAt("SW1"), "A")[0];
    CHECK(told(s) == Told{{"prescription.routed", "SW1"}});
    Reply moved = s.post("/v1/prescriptions/" + a.id + "/route", doctor.clinicToken, pickupAt("SF1"));
    REQUIRE_MESSAGE(moved.status == 200, moved.body);
    CHECK(told(s) == Told{{"prescription.routed", "SW1"}, {"prescription.withdrawn", "SW1"},
                          {"prescription.routed", "SF1"}});
    REQUIRE(s.post("/v1/prescriptions/" + a.id + "/cancel", doctor.clinicToken, "{\"reason\":\"患者改约\"}").status == 200);
    CHECK(told(s).back() == std::make_pair(std::string("prescription.cancelled"), std::string("SF1")));
    const std::size_t before = told(s).size();
    auto b = issue(doctor, 1, pickupAt("SP1"), "B")[0];
    const std::string pull = s.token("pharmacy", "CHP");
    REQUIRE(s.post("/v1/prescriptions/" + b.id + "/accept", pull, "").status == 200);
    REQUIRE(s.post("/v1/prescriptions/" + b.id + "/cancel", doctor.clinicToken, "{\"reason\":\"x\"}").status == 200);
    CHECK(told(s).size() == before);  // the pull store polls; it is told nothing
    auto messages = outbox(s);
    for (std::size_t i = 0; i < messages->size(); ++i) {
        auto m = messages->getObject(static_cast<unsigned>(i));
        CHECK(m->getValue<std::string>("status") == "pending");
        CHECK(m->getValue<std::string>("adapter") == (m->getObject("target")->getValue<std::string>("id") == "SW1" ? "webhook" : "fhir"));
    }
    CHECK(metric(s, "rxflow_outbox_messages{status=\"pending\"}") == static_cast<double>(messages->size()));
}

TEST_CASE("a store that lets the accept time run out is told the prescription is withdrawn") {
    TestServer s({{{"RXFLOW_OUTBOX_WORKERS", "0"}, {"RXFLOW_ACCEPT_TIMEOUT", "1"}, {"RXFLOW_SWEEP_INTERVAL", "1"}},
                  {},
                  nullptr});
    addPushStore(s, "SW1", "CHW", "webhook", kNowhere);
    Prescriber doctor(s);
    auto a = issue(doctor, 1, pickupAt("SW1"), "T")[0];
    CHECK(waitUntil([&] { return told(s).size() == 2; }, 30));
    CHECK(told(s) == Told{{"prescription.routed", "SW1"}, {"prescription.withdrawn", "SW1"}});
    CHECK(statusOf(s, a.id) == "active");  // no other store holds the drug
}

TEST_CASE("FHIR chain: routed prescriptions arrive as transaction Bundles, dispensing comes back as MedicationDispense") {
    TestServer s({fastOutbox(), {}, nullptr});
    Simulator erp(s);
    addPushStore(s, "SF1", "CHF", "fhir", erp.url("/fhir"));
    erp.options().token = s.token("pharmacy", "CHF");
    erp.options().chain = "CHF";
    erp.start();
    Prescriber doctor(s);
    const auto rxs = issue(doctor, 2, pickupAt("SF1"), "FHIR");
    for (const Sent& rx : rxs) erp.patient(rx.id, rx.code);
    CHECK_MESSAGE(waitUntil([&] { return allIn(s, rxs, "dispensed"); }), erp.log());
    CHECK(erp.status()->getObject("eventTypes")->optValue<int>("Bundle", 0) == 2);
    for (const Sent& rx : rxs) CHECK(applied(s, rx.id, "dispense") == 1);
    auto delivered = outbox(s, "?status=delivered");
    REQUIRE(delivered->size() == 2);
    CHECK(delivered->getObject(0)->getValue<std::string>("adapter") == "fhir");
}

TEST_CASE("FHIR MedicationDispense refusals: wrong media type, role, unmappable resource, wrong pickup code") {
    TestServer s({{{"RXFLOW_OUTBOX_WORKERS", "0"}}, {}, nullptr});
    addPushStore(s, "SF1", "CHF", "fhir", kNowhere);
    Prescriber doctor(s);
    auto rx = issue(doctor, 1, pickupAt("SF1"), "R")[0];
    const std::string chain = s.token("pharmacy", "CHF");
    const std::string base = "/v1/prescriptions/" + rx.id;
    REQUIRE(s.post(base + "/accept", chain, "").status == 200);
    REQUIRE(s.post(base + "/review", chain, "{\"decision\":\"approve\",\"pharmacist\":{\"name\":\"王\",\"license\":\"YS-CHF\"}}").status == 200);
    REQUIRE(s.post(base + "/payments", chain,
                   "{\"kind\":\"self_pay\",\"settlementId\":\"S-1\",\"payOrderId\":\"P-1\",\"total\":100,\"fund\":0,"
                   "\"account\":0,\"cash\":100,\"paidAt\":\"2026-11-22T10:30:00+08:00\"}").status == 200);
    auto report = [&](const std::string& code) {
        return "{\"resourceType\":\"MedicationDispense\",\"status\":\"completed\","
               "\"contained\":[{\"resourceType\":\"Medication\",\"id\":\"m\",\"code\":{\"coding\":[{\"system\":"
               "\"urn:rxflow:drug-code\",\"code\":\"XC08CAA001\"}]},\"batch\":{\"lotNumber\":\"B1\","
               "\"expirationDate\":\"2028-12-31\"}}],\"medicationReference\":{\"reference\":\"#m\"},"
               "\"authorizingPrescription\":[{\"identifier\":{\"system\":\"urn:rxflow:prescription\",\"value\":\"" + rx.id +
               "\"}}],\"performer\":[{\"actor\":{\"display\":\"王药师\",\"identifier\":{\"value\":\"YS-CHF\"}}}],"
               "\"extension\":[{\"url\":\"urn:rxflow:fhir:pickup-code\",\"valueString\":\"" + code + "\"}],"
               "\"quantity\":{\"value\":2}}";
    };
    const TestServer::Headers fhir = {{"Content-Type", "application/fhir+json"}};
    CHECK_PROBLEM(s.post("/v1/fhir/MedicationDispense", chain, report(rx.code), {{"Content-Type", "text/plain"}}), 415,
                  "unsupported_media_type");
    CHECK_PROBLEM(s.post("/v1/fhir/MedicationDispense", doctor.clinicToken, report(rx.code), fhir), 403, "forbidden");
    Reply unmappable = s.post("/v1/fhir/MedicationDispense", chain, "{\"resourceType\":\"MedicationDispense\",\"status\":\"stopped\"}", fhir);
    CHECK_PROBLEM(unmappable, 400, "invalid_request");
    CHECK(unmappable.body.find("/status") != std::string::npos);
    CHECK(unmappable.body.find("/authorizingPrescription") != std::string::npos);
    std::string noBatch = report(rx.code);
    noBatch.replace(noBatch.find("\"batch\""), 7, "\"other\"");
    Reply batchless = s.post("/v1/fhir/MedicationDispense", chain, noBatch, fhir);
    CHECK_PROBLEM(batchless, 400, "invalid_request");
    CHECK(batchless.body.find("/contained") != std::string::npos);
    const std::string wrong = rx.code == "000000" ? "111111" : "000000";
    CHECK_PROBLEM(s.post("/v1/fhir/MedicationDispense", chain, report(wrong), fhir), 403, "pickup_code_mismatch");
    CHECK(statusOf(s, rx.id) == "approved");
    Reply done = s.post("/v1/fhir/MedicationDispense", chain, report(rx.code), fhir);
    CHECK_MESSAGE(done.status == 200, done.body);
    CHECK(done.str("status") == "dispensed");
    CHECK_PROBLEM(s.post("/v1/fhir/MedicationDispense", chain, report(rx.code), fhir), 409, "invalid_state");
}

TEST_CASE("dead letters: after the configured attempts a message is dead, listed, counted, and retried into delivery") {
    TestServer s({fastOutbox({{"RXFLOW_OUTBOX_MAX_ATTEMPTS", "2"}}), {}, nullptr});
    Simulator erp(s);  // not started yet: its port refuses connections
    addPushStore(s, "SW1", "CHW", "webhook", erp.url("/erp"));
    erp.options().token = s.token("pharmacy", "CHW");
    Prescriber doctor(s);
    auto rx = issue(doctor, 1, pickupAt("SW1"), "DEAD")[0];
    REQUIRE(waitUntil([&] { return outbox(s, "?status=dead")->size() == 1; }, 30));
    auto dead = outbox(s, "?status=dead")->getObject(0);
    CHECK(dead->getValue<int>("attempts") == 2);
    CHECK(dead->getValue<std::string>("lastError").find("refused") != std::string::npos);
    CHECK(dead->isNull("nextAttemptAt"));
    CHECK(metric(s, "rxflow_outbox_messages{status=\"dead\"}") == 1);
    CHECK(metric(s, "rxflow_outbox_attempts_total{result=\"dead\"}") == 1);
    CHECK(metric(s, "rxflow_outbox_attempts_total{result=\"failed\"}") == 1);
    const std::string id = dead->getValue<std::string>("id");
    Reply one = s.get("/v1/admin/outbox/" + id, s.admin);
    CHECK(one.status == 200);
    CHECK(one.str("status") == "dead");

    erp.start();
    erp.patient(rx.id, rx.code);
    Reply retried = s.post("/v1/admin/outbox/" + id + "/retry", s.admin, "");
    CHECK_MESSAGE(retried.status == 200, retried.body);
    CHECK(retried.str("status") == "pending");
    CHECK(retried.json()->getValue<int>("attempts") == 0);
    CHECK_MESSAGE(waitUntil([&] { return statusOf(s, rx.id) == "dispensed"; }), erp.log());
    CHECK(s.get("/v1/admin/outbox/" + id, s.admin).str("status") == "delivered");
    CHECK_PROBLEM(s.post("/v1/admin/outbox/" + id + "/retry", s.admin, ""), 409, "invalid_state");
    // The retry is on the registry's audit chain.
    CHECK(s.get("/v1/audit?limit=200", s.admin).body.find("outbox.retry") != std::string::npos);
}

TEST_CASE("outbox admin refusals: only admin, known statuses and cursors, unknown ids are 404") {
    TestServer s({{{"RXFLOW_OUTBOX_WORKERS", "0"}}, {}, nullptr});
    addPushStore(s, "SW1", "CHW", "webhook", kNowhere);
    const std::string chain = s.token("pharmacy", "CHW");
    CHECK_PROBLEM(s.get("/v1/admin/outbox", chain), 403, "forbidden");
    CHECK_PROBLEM(s.post("/v1/admin/outbox/1/retry", chain, ""), 403, "forbidden");
    CHECK_PROBLEM(s.get("/v1/admin/outbox?status=lost", s.admin), 400, "invalid_request");
    CHECK_PROBLEM(s.get("/v1/admin/outbox?cursor=%21%21", s.admin), 400, "invalid_request");
    CHECK_PROBLEM(s.get("/v1/admin/outbox/999", s.admin), 404, "not_found");
    CHECK_PROBLEM(s.get("/v1/admin/outbox/abc", s.admin), 404, "not_found");
    CHECK_PROBLEM(s.post("/v1/admin/outbox/999/retry", s.admin, ""), 404, "not_found");
    CHECK_PROBLEM(s.get("/v1/admin/outbox", ""), 401, "unauthenticated");
    // Paging by cursor.
    Prescriber doctor(s);
    issue(doctor, 3, pickupAt("SW1"), "P");
    Reply page = s.get("/v1/admin/outbox?limit=2", s.admin);
    REQUIRE(page.json()->getArray("messages")->size() == 2);
    Reply rest = s.get("/v1/admin/outbox?limit=2&cursor=" + page.str("nextCursor"), s.admin);
    CHECK(rest.json()->getArray("messages")->size() == 1);
    CHECK(rest.json()->isNull("nextCursor"));
}

TEST_CASE("courier webhooks in the registry: URL and secret checked, the secret never shown again") {
    TestServer s;
    CHECK_PROBLEM(s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\",\"name\":\"x\",\"webhook\":{\"url\":\"ftp://x\",\"secret\":\"0123456789abcdef\"}}"),
                  400, "invalid_request");
    CHECK_PROBLEM(s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\",\"name\":\"x\",\"webhook\":{\"url\":\"http://127.0.0.1:1/c\",\"secret\":\"short\"}}"),
                  400, "invalid_request");
    CHECK_PROBLEM(s.post("/v1/admin/couriers", s.admin, "{\"id\":\"SF\",\"name\":\"x\",\"webhook\":{\"url\":\"http://127.0.0.1:1/c\"}}"),
                  400, "invalid_request");
    CHECK(s.get("/v1/admin/couriers/SF", s.admin).status == 404);  // nothing was stored
    addWebhookCourier(s, "SF", "http://127.0.0.1:1/c");
    Reply shown = s.get("/v1/admin/couriers/SF", s.admin);
    CHECK(shown.json()->getObject("webhook")->getValue<std::string>("url") == "http://127.0.0.1:1/c");
    CHECK(shown.json()->getObject("webhook")->getValue<bool>("secretSet"));
    CHECK(shown.body.find(kSecret) == std::string::npos);
}
