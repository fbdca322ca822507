// Durability: clients issue and advance prescriptions while rxflow is killed with SIGKILL several
// times and started again on the same database; every answer that was 2xx must be found there
// afterwards. Clients retry what got no answer with the same Idempotency-Key, as they should.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

#include "tests/support/AdapterFixtures.h"
#include "tests/support/ChildProcess.h"
#include "tests/support/TestEnv.h"

using namespace rxtest;

namespace {

struct Ack {
    std::string id, step;
    long long version = 0;  // from the ETag of the 2xx answer
};

class Clients {
public:
    Clients(const Prescriber& doctor, std::string chain) : doctor_(doctor), chain_(std::move(chain)) {}

    void run(int threads) {
        for (int t = 0; t < threads; ++t) workers_.emplace_back([this, t] { work(t); });
    }
    void finish() {
        stop_ = true;
        for (auto& w : workers_) w.join();
    }
    void moveTo(int port) { port_ = port; }
    std::vector<Ack> acks() {
        std::lock_guard<std::mutex> lock(mutex_);
        return acks_;
    }
    int unanswered() const { return unanswered_; }

private:
    // One call, again and again with the same key until rxflow answers (it may be down).
    Reply until(const std::string& method, const std::string& path, const std::string& token, const std::string& body,
                const std::string& key) {
        for (;;) {
            try {
                Reply r = httpCall(port_, method, path, token, body, {{"Idempotency-Key", key}});
                if (r.status != 503) return r;
            } catch (const std::exception&) {
                ++unanswered_;
            }
            if (stop_) return Reply{};  // the test is over; this one stays unknown
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    void record(const Reply& r, const std::string& id, const std::string& step) {
        if (r.status < 200 || r.status >= 300) return;
        const std::string etag = r.header("etag");
        std::lock_guard<std::mutex> lock(mutex_);
        acks_.push_back({id, step, etag.size() > 2 ? std::stoll(etag.substr(1, etag.size() - 2)) : 0});
    }

    void work(int t) {
        const std::string review = "{\"decision\":\"approve\",\"pharmacist\":{\"name\":\"王\",\"license\":\"YS33020001\"}}";
        for (int i = 0; !stop_; ++i) {
            const std::string tag = std::to_string(t) + "-" + std::to_string(i);
            RxSpec spec;
            spec.rxNo = "CRASH-" + tag;
            Reply issued = until("POST", "/v1/prescriptions", doctor_.clinicToken,
                                 doctor_.body(prescriptionJson(spec), pickupAt("SP1")), "issue-" + tag);
            if (issued.status != 201) continue;
            const std::string id = issued.str("id"), code = issued.str("pickupCode");
            record(issued, id, "issue");
            const std::string base = "/v1/prescriptions/" + id;
            const std::vector<std::tuple<std::string, std::string, std::string>> steps = {
                {"accept", base + "/accept", ""},
                {"approve", base + "/review", review},
                {"pay", base + "/payments",
                 "{\"kind\":\"self_pay\",\"settlementId\":\"SP-" + tag + "\",\"payOrderId\":\"PO-" + tag +
                     "\",\"total\":100,\"fund\":0,\"account\":0,\"cash\":100,\"paidAt\":\"2026-11-22T10:30:00+08:00\"}"},
                {"dispense", base + "/dispense",
                 "{\"pharmacist\":{\"name\":\"王\",\"license\":\"YS33020001\"},\"pickupCode\":\"" + code +
                     "\",\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2,\"batchNo\":\"B1\",\"expiryDate\":\"2028-01-31\"}]}"}};
            for (const auto& [step, path, body] : steps) {
                Reply r = until("POST", path, chain_, body, step + "-" + tag);
                if (r.status < 200 || r.status >= 300) break;
                record(r, id, step);
            }
        }
    }

    const Prescriber& doctor_;
    const std::string chain_;
    std::atomic<int> port_{0};
    std::atomic<bool> stop_{false};
    std::atomic<int> unanswered_{0};
    std::mutex mutex_;
    std::vector<Ack> acks_;
    std::vector<std::thread> workers_;
};

}  // namespace

TEST_CASE("crash: rxflow killed with SIGKILL three times under load, every 2xx answer is in the database") {
    ServerOptions options;
    // Four clients on two tokens as fast as they go, then the read-back of every acknowledged
    // prescription: far beyond the default rate limit (API.md §13), which is not tested here.
    options.env = {{"RXFLOW_DATA_KEY", randomHex(32)}, {"RXFLOW_LOG_LEVEL", "warning"}, {"RXFLOW_LIMITS_RATE", "100000"}};
    std::vector<std::unique_ptr<TestServer>> servers;
    servers.push_back(std::make_unique<TestServer>(options));
    options.database = servers.front()->sharedDb();
    const TestServer& first = *servers.front();
    Prescriber doctor(first);
    addPushStore(first, "SP1", "CHP", "pull");
    REQUIRE(first.put("/v1/pharmacies/SP1/stock", first.admin,
                      "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":1000000}]}").status == 200);
    Clients clients(doctor, first.token("pharmacy", "CHP"));
    clients.moveTo(first.port());
    clients.run(4);
    for (int kill = 0; kill < 3; ++kill) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        CHECK(servers.back()->stop(SIGKILL) == 128 + SIGKILL);
        servers.push_back(std::make_unique<TestServer>(options));
        clients.moveTo(servers.back()->port());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    clients.finish();

    const TestServer& last = *servers.back();
    const std::vector<Ack> acks = clients.acks();
    CHECK(clients.unanswered() > 0);  // the kills did land in the middle of requests
    std::map<std::string, std::vector<Ack>> byPrescription;
    for (const Ack& a : acks) byPrescription[a.id].push_back(a);
    REQUIRE(byPrescription.size() >= 4);
    for (const auto& [id, list] : byPrescription) {
        CAPTURE(id);
        Reply now = last.get("/v1/prescriptions/" + id, last.admin);
        REQUIRE(now.status == 200);
        const long long version = std::stoll(now.header("etag").substr(1));
        const auto actions = okActions(last, id);
        for (const Ack& a : list) {
            CAPTURE(a.step);
            CHECK(version >= a.version);
            auto it = actions.find(a.step);  // the steps are named as their audit actions
            CHECK((it != actions.end() && it->second == 1));  // there, and once: retries acted once
        }
    }
    MESSAGE(acks.size() << " acknowledged writes on " << byPrescription.size() << " prescriptions, "
                        << clients.unanswered() << " calls unanswered during the kills");
}
