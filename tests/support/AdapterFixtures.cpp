#include "tests/support/AdapterFixtures.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

namespace rxtest {

const std::string kSecret = "sim-secret-0123456789";

std::map<std::string, std::string> fastOutbox(std::map<std::string, std::string> more) {
    std::map<std::string, std::string> env = {
        {"RXFLOW_OUTBOX_BACKOFF_MS", "50"}, {"RXFLOW_OUTBOX_BACKOFF_MAX_MS", "200"},
        {"RXFLOW_OUTBOX_POLL_MS", "50"},    {"RXFLOW_OUTBOX_TIMEOUT_MS", "3000"},
        {"RXFLOW_OUTBOX_LEASE_MS", "15000"}};
    for (auto& [k, v] : more) env[k] = v;
    return env;
}

std::map<std::string, std::string> hangingReceiverOutbox() {
    return fastOutbox({{"RXFLOW_OUTBOX_TIMEOUT_MS", "1000"}, {"RXFLOW_OUTBOX_LEASE_MS", "5000"}});
}

void addPushStore(const TestServer& s, const std::string& id, const std::string& chain, const std::string& type,
              const std::string& url) {
    std::string adapter = "{\"type\":\"" + type + "\"";
    if (!url.empty()) adapter += ",\"url\":\"" + url + "\",\"secret\":\"" + kSecret + "\"";
    Reply r = s.post("/v1/admin/pharmacies", s.admin,
                     "{\"id\":\"" + id + "\",\"chain\":\"" + chain +
                         "\",\"name\":\"药房\",\"region\":\"330200\",\"district\":\"330203\",\"lat\":\"29.8684\","
                         "\"lon\":\"121.5440\",\"delivery\":true,\"adapter\":" + adapter + "}}");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    s.addTestPharmacist(id, chain);
    REQUIRE(s.put("/v1/pharmacies/" + id + "/stock", s.admin,
                  "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":1000}]}").status == 200);
}

void addWebhookCourier(const TestServer& s, const std::string& id, const std::string& url) {
    Reply r = s.post("/v1/admin/couriers", s.admin,
                     "{\"id\":\"" + id + "\",\"name\":\"快递\",\"webhook\":{\"url\":\"" + url + "\",\"secret\":\"" +
                         kSecret + "\"}}");
    REQUIRE_MESSAGE(r.status == 201, r.body);
}

std::string pickupAt(const std::string& store) { return "{\"mode\":\"pickup\",\"pharmacy\":\"" + store + "\"}"; }

std::string deliveryFrom(const std::string& store) {
    return "{\"mode\":\"delivery\",\"pharmacy\":\"" + store +
           "\",\"address\":{\"region\":\"330200\",\"district\":\"330203\",\"line\":\"中山东路1号\",\"lat\":\"29.87\","
           "\"lon\":\"121.55\"}}";
}

std::vector<Sent> issue(const Prescriber& doctor, int n, const std::string& fulfillment, const std::string& tag) {
    std::vector<Sent> out;
    for (int i = 0; i < n; ++i) {
        RxSpec spec;
        spec.rxNo = tag + "-" + std::to_string(i);
        Reply r = doctor.issue(spec, fulfillment);
        REQUIRE_MESSAGE(r.status == 201, r.body);
        REQUIRE_MESSAGE(r.str("status") == "routed", r.body);
        out.push_back({r.str("id"), r.str("pickupCode")});
    }
    return out;
}

bool waitUntil(const std::function<bool()>& done, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
}

std::string statusOf(const TestServer& s, const std::string& id) {
    return s.get("/v1/prescriptions/" + id, s.admin).str("status");
}

bool allIn(const TestServer& s, const std::vector<Sent>& rxs, const std::string& status) {
    for (const Sent& rx : rxs)
        if (statusOf(s, rx.id) != status) return false;
    return true;
}

std::map<std::string, int> okActions(const TestServer& s, const std::string& id) {
    std::map<std::string, int> out;
    std::string cursor;
    do {
        auto page = s.get("/v1/prescriptions/" + id + "/audit?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor),
                          s.admin)
                        .json();
        auto events = page->getArray("events");
        for (std::size_t i = 0; i < events->size(); ++i) {
            auto e = events->getObject(static_cast<unsigned>(i));
            if (e->getValue<std::string>("outcome") == "ok") ++out[e->getValue<std::string>("action")];
        }
        cursor = page->isNull("nextCursor") ? "" : page->getValue<std::string>("nextCursor");
    } while (!cursor.empty());
    return out;
}

int applied(const TestServer& s, const std::string& id, const std::string& action) {
    const auto actions = okActions(s, id);
    auto it = actions.find(action);
    return it == actions.end() ? 0 : it->second;
}

double metric(const TestServer& s, const std::string& series) {
    const std::string text = s.get("/metrics", "").body;
    const auto at = text.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 2));
}

Poco::JSON::Array::Ptr outbox(const TestServer& s, const std::string& query) {
    Reply r = s.get("/v1/admin/outbox" + query, s.admin);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json()->getArray("messages");
}

int counted(const Poco::JSON::Object::Ptr& simStatus, const std::string& key) {
    return simStatus->getObject("deliveries")->optValue<int>(key, 0);
}

}  // namespace rxtest
