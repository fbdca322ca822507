#pragma once
// Delivers the outbox (schemas/sql/006_outbox.sql) to stores' and couriers' systems.
//
// Each worker thread claims a few due messages in a transaction of its own (a lease in the
// database, FOR UPDATE SKIP LOCKED on MariaDB, so processes sharing a database never take the
// same message), POSTs each with fresh signature headers (pharmacy-adapters/WebhookSignature.h)
// and records the outcome: delivered on any 2xx; otherwise the next attempt after an
// exponential backoff with jitter, and dead after rxflow.outbox.max_attempts. A process that
// dies mid-delivery leaves its claim to run out; the message is then sent again with the same
// event id, which receivers use to ignore the repeat: at least once, exactly once in effect.
#include <Poco/Event.h>
#include <Poco/Logger.h>
#include <Poco/Thread.h>

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "server/domain/Clock.h"
#include "server/domain/MetricsSink.h"
#include "server/jobs/OutboxOptions.h"
#include "server/store/DataCipher.h"
#include "server/store/Database.h"
#include "server/store/OutboxRepo.h"

namespace rxflow::jobs {

// The wait before attempt `attempt + 1` after `attempt` failed ones: base * 2^(attempt-1),
// capped, of which a random half (`random01` in [0,1)) is jitter, so receivers coming back
// from an outage are not hit by every sender at the same instant.
long long backoffDelayMs(int attempt, long long baseMs, long long maxMs, double random01);

struct DeliveryOutcome {
    int httpStatus = 0;  // 0: no answer (refused, reset, timed out)
    std::string error;   // empty when delivered
    bool delivered() const { return error.empty(); }
};

// One signed POST of a message to `url`; never throws.
DeliveryOutcome deliverMessage(const store::OutboxMessage& m, const std::string& url, const std::string& secret,
                               int timeoutMs);

// What the dispatcher works with.
struct OutboxDeps {
    store::Database& db;
    const store::DataCipher& cipher;
    const Clock& clock;
    MetricsSink& metrics;
    OutboxOptions options;
};

class OutboxDispatcher {
public:
    OutboxDispatcher(OutboxDeps deps, Poco::Logger& log);
    ~OutboxDispatcher();
    void start();
    void stop();  // finishes the attempts in flight, then returns
    // Claims and delivers what is due once (tests and the admin retry use the same path).
    int dispatchOnce(const std::string& owner, std::mt19937_64& random);

private:
    class Worker;
    void record(const store::OutboxMessage& m, const std::string& owner, const DeliveryOutcome& outcome,
                std::mt19937_64& random);

    OutboxDeps deps_;
    Poco::Logger& log_;
    std::string ownerPrefix_;
    std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace rxflow::jobs
