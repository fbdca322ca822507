#include "server/jobs/OutboxDispatcher.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Runnable.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <ctime>

#include "pharmacy-adapters/WebhookSignature.h"
#include "server/domain/Ids.h"
#include "server/store/CourierRepo.h"
#include "server/store/PharmacyRepo.h"

namespace rxflow::jobs {
namespace {

struct Destination {
    std::string url;
    std::string secret;
};

// Read at delivery time, so a changed URL or secret applies to messages already waiting.
Destination destinationOf(store::Tx& tx, const store::DataCipher& cipher, const store::OutboxMessage& m) {
    if (m.targetKind == "courier") {
        auto c = store::CourierRepo::find(tx, cipher, m.targetId);
        return c ? Destination{c->webhookUrl, c->webhookSecret} : Destination{};
    }
    auto p = store::PharmacyRepo::find(tx, cipher, m.targetId);
    return p ? Destination{p->adapter.url, p->adapter.secret} : Destination{};
}

std::unique_ptr<Poco::Net::HTTPClientSession> sessionFor(const Poco::URI& uri) {
    if (uri.getScheme() != "https")
        return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    static const Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9,
                               true);
    return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
}

}  // namespace

long long backoffDelayMs(int attempt, long long baseMs, long long maxMs, double random01) {
    long long delay = baseMs;
    for (int i = 1; i < attempt && delay < maxMs; ++i) delay *= 2;
    delay = std::min(delay, maxMs);
    const long long half = delay / 2;
    return delay - half + static_cast<long long>(random01 * static_cast<double>(half));
}

DeliveryOutcome deliverMessage(const store::OutboxMessage& m, const std::string& url, const std::string& secret,
                               int timeoutMs) {
    if (url.empty()) return {0, "the " + m.targetKind + " " + m.targetId + " has no URL to deliver to"};
    try {
        const Poco::URI uri(url);
        auto session = sessionFor(uri);
        session->setTimeout(Poco::Timespan(static_cast<long>(timeoutMs) * 1000));
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        req.setContentType(m.contentType);
        req.setContentLength64(static_cast<Poco::Int64>(m.body.size()));
        const std::string timestamp = std::to_string(static_cast<long long>(std::time(nullptr)));
        req.set(adapters::kEventIdHeader, m.eventId);
        req.set(adapters::kTimestampHeader, timestamp);
        req.set("X-Rxflow-Event-Type", m.eventType);
        if (!secret.empty()) req.set(adapters::kSignatureHeader, adapters::webhookSignature(secret, timestamp, m.body));
        session->sendRequest(req) << m.body;
        Poco::Net::HTTPResponse res;
        std::istream& in = session->receiveResponse(res);
        std::string answer;
        Poco::StreamCopier::copyToString(in, answer);
        const int status = static_cast<int>(res.getStatus());
        if (status >= 200 && status < 300) return {status, ""};
        return {status, "answered " + std::to_string(status) + ": " + answer.substr(0, 200)};
    } catch (const Poco::Exception& e) {
        return {0, e.displayText()};
    } catch (const std::exception& e) {
        return {0, e.what()};
    }
}

class OutboxDispatcher::Worker : public Poco::Runnable {
public:
    Worker(OutboxDispatcher& d, std::string owner) : d_(d), owner_(std::move(owner)), random_(std::random_device{}()) {}
    void start() { thread_.start(*this); }
    void stop() {
        stopping_ = true;
        wake_.set();
        thread_.join();
    }
    void run() override {
        while (!stopping_) {
            int handled = 0;
            try {
                handled = d_.dispatchOnce(owner_, random_);
            } catch (const std::exception& e) {
                d_.log_.warning("outbox: %s, will retry", std::string(e.what()));
            }
            if (handled == 0) wake_.tryWait(d_.deps_.options.pollMs);
        }
    }

private:
    OutboxDispatcher& d_;
    std::string owner_;
    std::mt19937_64 random_;
    Poco::Thread thread_;
    Poco::Event wake_;
    std::atomic<bool> stopping_{false};
};

OutboxDispatcher::OutboxDispatcher(OutboxDeps deps, Poco::Logger& log)
    : deps_(deps), log_(log), ownerPrefix_(newId("dsp", deps.clock.nowMs())) {}

OutboxDispatcher::~OutboxDispatcher() { stop(); }

void OutboxDispatcher::start() {
    for (int i = 0; i < deps_.options.workers; ++i) {
        workers_.push_back(std::make_unique<Worker>(*this, ownerPrefix_ + "-" + std::to_string(i)));
        workers_.back()->start();
    }
}

void OutboxDispatcher::stop() {
    for (auto& w : workers_) w->stop();
    workers_.clear();
}

int OutboxDispatcher::dispatchOnce(const std::string& owner, std::mt19937_64& random) {
    const OutboxOptions& cfg = deps_.options;
    if (!deps_.db.read([&](store::Tx& tx) { return store::OutboxRepo::anyDue(tx, deps_.clock.nowMs()); }))
        return 0;
    // Claimed together with where each one goes, in one transaction.
    const auto claimed = deps_.db.write([&](store::Tx& tx) {
        const long long now = deps_.clock.nowMs();
        std::vector<std::pair<store::OutboxMessage, Destination>> out;
        for (auto& m : store::OutboxRepo::claim(tx, deps_.cipher, owner, now, now + cfg.leaseMs, cfg.batch)) {
            Destination to = destinationOf(tx, deps_.cipher, m);
            out.emplace_back(std::move(m), std::move(to));
        }
        return out;
    });
    for (const auto& [m, to] : claimed) record(m, owner, deliverMessage(m, to.url, to.secret, cfg.timeoutMs), random);
    return static_cast<int>(claimed.size());
}

void OutboxDispatcher::record(const store::OutboxMessage& m, const std::string& owner, const DeliveryOutcome& outcome,
                              std::mt19937_64& random) {
    const OutboxOptions& cfg = deps_.options;
    const int attempt = m.attempts + 1;
    const bool dead = !outcome.delivered() && attempt >= cfg.maxAttempts;
    const bool kept = deps_.db.write([&](store::Tx& tx) {
        const long long now = deps_.clock.nowMs();
        if (outcome.delivered()) return store::OutboxRepo::markDelivered(tx, m.id, owner, outcome.httpStatus, now);
        const double jitter = std::uniform_real_distribution<double>(0, 1)(random);
        const long long next = now + backoffDelayMs(attempt, cfg.backoffMs, cfg.backoffMaxMs, jitter);
        return store::OutboxRepo::markFailed(tx, m.id, owner, outcome.httpStatus, outcome.error, next, dead, now);
    });
    deps_.metrics.countOutboxAttempt(outcome.delivered() ? "delivered" : dead ? "dead" : "failed");
    if (!kept)
        log_.warning("outbox: message %s: our claim ran out before the outcome was recorded; it will be sent again",
                     std::to_string(m.id));
    else if (dead)
        log_.error("outbox: message %s (%s to %s %s) is dead after %s attempts: %s", std::to_string(m.id), m.eventType,
                   m.targetKind, m.targetId, std::to_string(attempt), outcome.error);
    else if (!outcome.delivered())
        log_.information("outbox: message %s attempt %s failed: %s", std::to_string(m.id), std::to_string(attempt),
                         outcome.error);
}

}  // namespace rxflow::jobs
