// Pushing to stores and couriers (pharmacy-adapters/): the outbox written with each change, the
// dispatcher's retries and dead letters, and whole runs against rxflow-pharmacy-sim.
#include <doctest/doctest.h>

#include <csignal>
#include <ctime>
#include <fstream>
#include <functional>
#include <thread>

#include "pharmacy-adapters/WebhookSignature.h"
#include "tests/support/AdapterFixtures.h"
#include "tests/support/Prescriptions.h"
#include "tests/support/TestEnv.h"
#include "tests/support/Simulator.h"

using namespace rxtest;

namespace {

// A store CHW/SW1 on webhooks, served by an ERP simulator started with `simArgs`.
struct WebhookChain {
    WebhookChain(const TestServer& s, std::vector<std::string> simArgs, const std::string& courierUrl = "")
        : erp(s), doctor(s) {
        addPushStore(s, "SW1", "CHW", "webhook", erp.url("/erp"));
        if (!courierUrl.empty()) addWebhookCourier(s, "SF", courierUrl);
        erp.options().token = s.token("pharmacy", "CHW");
        erp.options().args = std::move(simArgs);
        if (!courierUrl.empty()) erp.options().courier = "SF";
        erp.start();
    }
    Simulator erp;
    Prescriber doctor;
};

}  // namespace

TEST_CASE("webhook store whose ERP fails the first 3 deliveries of each message: every prescription is dispensed") {
    TestServer s({fastOutbox(), {}, nullptr});
    WebhookChain chain(s, {"--fail-first", "3"});
    const auto rxs = issue(chain.doctor, 4, pickupAt("SW1"), "FF");
    for (const Sent& rx : rxs) chain.erp.patient(rx.id, rx.code);
    CHECK_MESSAGE(waitUntil([&] { return allIn(s, rxs, "dispensed"); }), chain.erp.log());
    for (const Sent& rx : rxs) {
        CHECK(applied(s, rx.id, "accept") == 1);
        CHECK(applied(s, rx.id, "dispense") == 1);
    }
    auto sim = chain.erp.status();
    CHECK(counted(sim, "fault:failFirst") == 3 * 4);
    CHECK(counted(sim, "accepted") == 4);
    // The dispatcher's attempts, in /metrics: three failures and one delivery per message.
    CHECK(metric(s, "rxflow_outbox_attempts_total{result=\"failed\"}") == 12);
    CHECK(metric(s, "rxflow_outbox_attempts_total{result=\"delivered\"}") == 4);
    CHECK(metric(s, "rxflow_outbox_messages{status=\"delivered\"}") == 4);
    CHECK(metric(s, "rxflow_outbox_messages{status=\"pending\"}") == 0);
    auto delivered = outbox(s, "?status=delivered");
    REQUIRE(delivered->size() == 4);
    auto first = delivered->getObject(0);
    CHECK(first->getValue<int>("attempts") == 4);
    CHECK(first->getValue<std::string>("type") == "prescription.routed");
    CHECK(first->getObject("target")->getValue<std::string>("id") == "SW1");
    CHECK(first->getValue<int>("lastStatus") == 200);
}

TEST_CASE("the ERP stopped for a while: messages wait, and after it restarts each is acted on once") {
    TestServer s({hangingReceiverOutbox(), {}, nullptr});
    // Each first delivery is acted on but answered late (after rxflow gave up), so rxflow sends
    // it again: the ERP must drop the repeat by its event id.
    WebhookChain chain(s, {"--hang-rate", "1", "--hang-ms", "1500"});
    chain.erp.stop();
    const auto rxs = issue(chain.doctor, 3, pickupAt("SW1"), "DOWN");
    CHECK(waitUntil([&] {
        auto waiting = outbox(s, "?status=pending");
        if (waiting->size() != 3) return false;
        for (std::size_t i = 0; i < waiting->size(); ++i)
            if (waiting->getObject(static_cast<unsigned>(i))->getValue<int>("attempts") < 2) return false;
        return true;
    }));
    CHECK(outbox(s, "?status=pending")->getObject(0)->getValue<std::string>("lastError").find("refused") !=
          std::string::npos);
    CHECK(allIn(s, rxs, "routed"));
    chain.erp.start();
    for (const Sent& rx : rxs) chain.erp.patient(rx.id, rx.code);
    CHECK_MESSAGE(waitUntil([&] { return allIn(s, rxs, "dispensed"); }), chain.erp.log());
    CHECK(waitUntil([&] { return outbox(s, "?status=delivered")->size() == 3; }));
    auto sim = chain.erp.status();
    CHECK(counted(sim, "accepted") == 3);
    CHECK(counted(sim, "duplicatesIgnored") >= 3);
    for (const Sent& rx : rxs) CHECK(applied(s, rx.id, "accept") == 1);
}

TEST_CASE("duplicate processing by the ERP, dropped connections and 500s: still one accept per prescription") {
    TestServer s({fastOutbox(), {}, nullptr});
    WebhookChain chain(s, {"--duplicate-rate", "1", "--drop-rate", "0.3", "--fail-rate", "0.3", "--seed", "7"});
    const auto rxs = issue(chain.doctor, 4, pickupAt("SW1"), "DUP");
    for (const Sent& rx : rxs) chain.erp.patient(rx.id, rx.code);
    CHECK_MESSAGE(waitUntil([&] { return allIn(s, rxs, "dispensed"); }), chain.erp.log());
    auto sim = chain.erp.status();
    CHECK(counted(sim, "fault:duplicate") == 4);
    CHECK(counted(sim, "fault:drop") + counted(sim, "fault:fail") > 0);
    for (const Sent& rx : rxs) {
        CHECK(applied(s, rx.id, "accept") == 1);
        auto steps = sim->getObject("applied")->getObject(rx.id);
        CHECK(steps->getValue<int>("accept") == 1);  // the naive second run was refused (409)
    }
}

TEST_CASE("rxflow killed with SIGKILL in the middle of a batch of deliveries: nothing lost, nothing applied twice") {
    const std::string key = randomHex(32);
    const std::string dir = makeTempDir("kill");
    const std::string rxflowPort = dir + "/rxflow.port";
    auto writePort = [&](int port) { std::ofstream(rxflowPort) << port << "\n"; };
    auto env = hangingReceiverOutbox();
    env["RXFLOW_DATA_KEY"] = key;
    auto first = std::make_unique<TestServer>(ServerOptions{env, {}, nullptr});
    writePort(first->port());
    Simulator erp(*first);
    addPushStore(*first, "SW1", "CHW", "webhook", erp.url("/erp"));
    erp.options().token = first->token("pharmacy", "CHW");
    erp.options().rxflowPortFile = rxflowPort;
    erp.options().args = {"--hang-rate", "0.5", "--hang-ms", "1500", "--seed", "3"};
    erp.start();
    std::vector<Sent> rxs;
    {
        Prescriber doctor(*first);
        rxs = issue(doctor, 8, pickupAt("SW1"), "KILL");
    }
    // Killed while deliveries are under way (some acted on, some answered late, some not sent).
    REQUIRE(waitUntil([&] { return counted(erp.status(), "received") >= 2; }, 30));
    CHECK(outbox(*first, "?status=pending")->size() > 0);
    CHECK(first->stop(SIGKILL) == 128 + SIGKILL);
    auto database = first->sharedDb();
    first.reset();
    TestServer second({env, {}, database});
    writePort(second.port());
    for (const Sent& rx : rxs) erp.patient(rx.id, rx.code);
    CHECK_MESSAGE(waitUntil([&] { return allIn(second, rxs, "dispensed"); }), erp.log());
    CHECK(waitUntil([&] { return outbox(second, "?status=delivered")->size() == rxs.size(); }));
    CHECK(outbox(second, "?status=pending")->size() == 0);
    CHECK(outbox(second, "?status=dead")->size() == 0);
    auto sim = erp.status();
    CHECK(counted(sim, "accepted") == static_cast<int>(rxs.size()));  // each event acted on once
    for (const Sent& rx : rxs) {
        CHECK(applied(second, rx.id, "accept") == 1);
        CHECK(applied(second, rx.id, "dispense") == 1);
    }
}

TEST_CASE("a bad HMAC, a stale timestamp or a missing signature is refused 401 by the simulator's verifier") {
    TestServer s;
    Simulator erp(s);
    erp.options().token = "unused";
    erp.start();
    const std::string body = "{\"id\":\"ev_1\",\"type\":\"prescription.routed\",\"prescription\":{\"id\":\"rx_none\"}}";
    const std::string now = std::to_string(static_cast<long long>(std::time(nullptr)));
    const std::string stale = std::to_string(static_cast<long long>(std::time(nullptr)) - 600);
    auto send = [&](const std::string& ts, const std::string& sig) {
        return httpCall(erp.port(), "POST", "/erp", "", body,
                        {{"X-Rxflow-Event-Id", "ev_1"}, {"X-Rxflow-Timestamp", ts}, {"X-Rxflow-Signature", sig}});
    };
    CHECK(send(now, rxflow::adapters::webhookSignature("another-secret-0123456", now, body)).status == 401);
    CHECK(send(stale, rxflow::adapters::webhookSignature(kSecret, stale, body)).status == 401);
    CHECK(send(now, "").status == 401);
    CHECK(send(now, rxflow::adapters::webhookSignature(kSecret, now, body + " ")).status == 401);
    auto sim = erp.status();
    CHECK(counted(sim, "refused") == 4);
    CHECK(counted(sim, "accepted") == 0);
    Reply good = send(now, rxflow::adapters::webhookSignature(kSecret, now, body));
    CHECK(good.status == 200);
    CHECK(counted(erp.status(), "accepted") == 1);
}

TEST_CASE("delivery: the ERP hands over, the courier company is told by a signed webhook and delivers with the code") {
    TestServer s({fastOutbox(), {}, nullptr});
    Simulator courier(s);
    WebhookChain chain(s, {}, courier.url("/courier"));
    courier.options().mode = "courier";
    courier.options().token = s.token("courier", "SF");
    courier.options().args = {"--fail-first", "1"};
    courier.start();
    const auto rxs = issue(chain.doctor, 2, deliveryFrom("SW1"), "DLV");
    for (const Sent& rx : rxs) courier.patient(rx.id, rx.code);  // the code, given at the door
    CHECK_MESSAGE(waitUntil([&] { return allIn(s, rxs, "delivered"); }), chain.erp.log() << courier.log());
    auto told = outbox(s, "?status=delivered");
    int handovers = 0;
    for (std::size_t i = 0; i < told->size(); ++i) {
        auto m = told->getObject(static_cast<unsigned>(i));
        if (m->getValue<std::string>("type") != "delivery.handed_over") continue;
        ++handovers;
        CHECK(m->getObject("target")->getValue<std::string>("kind") == "courier");
        CHECK(m->getObject("target")->getValue<std::string>("id") == "SF");
        CHECK(m->getValue<int>("attempts") == 2);
    }
    CHECK(handovers == 2);
    for (const Sent& rx : rxs) {
        CHECK(applied(s, rx.id, "handover") == 1);
        CHECK(applied(s, rx.id, "delivery_delivered") == 1);
    }
    CHECK(counted(courier.status(), "fault:failFirst") == 2);
}

TEST_CASE("two rxflow processes on one database dispatch one outbox: each message is delivered once") {
    auto env = fastOutbox({{"RXFLOW_DATA_KEY", randomHex(32)}, {"RXFLOW_OUTBOX_WORKERS", "3"}});
    TestServer one({env, {}, nullptr});
    TestServer two({env, {}, one.sharedDb()});
    WebhookChain chain(one, {});
    const auto rxs = issue(chain.doctor, 10, pickupAt("SW1"), "TWO");
    CHECK(waitUntil([&] { return outbox(one, "?status=delivered")->size() == rxs.size(); }));
    auto sim = chain.erp.status();
    CHECK(counted(sim, "received") == static_cast<int>(rxs.size()));  // no message was sent twice
    CHECK(counted(sim, "duplicatesIgnored") == 0);
    // Each process counts its own deliveries; between them, each message once. A delivery is
    // counted just after its outcome commits, so the last count may follow the outbox by a moment.
    auto deliveredCount = [&] {
        return metric(one, "rxflow_outbox_attempts_total{result=\"delivered\"}") +
               metric(two, "rxflow_outbox_attempts_total{result=\"delivered\"}");
    };
    waitUntil([&] { return deliveredCount() >= static_cast<double>(rxs.size()); });
    CHECK(deliveredCount() == static_cast<double>(rxs.size()));
    for (const Sent& rx : rxs) chain.erp.patient(rx.id, rx.code);
    CHECK_MESSAGE(waitUntil([&] { return allIn(one, rxs, "dispensed"); }), chain.erp.log());
}
