// The dispatcher's pure parts: backoff with jitter, and its configuration limits.
#include <doctest/doctest.h>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include "server/app/Settings.h"
#include "server/jobs/OutboxDispatcher.h"

using rxflow::jobs::backoffDelayMs;

TEST_CASE("outbox backoff doubles per failed attempt up to the cap, and half of each wait is jitter") {
    CHECK(backoffDelayMs(1, 1000, 300000, 0.0) == 500);
    CHECK(backoffDelayMs(1, 1000, 300000, 0.999) == 999);
    CHECK(backoffDelayMs(2, 1000, 300000, 0.0) == 1000);
    CHECK(backoffDelayMs(3, 1000, 300000, 0.0) == 2000);
    CHECK(backoffDelayMs(5, 1000, 300000, 0.0) == 8000);
    CHECK(backoffDelayMs(30, 1000, 300000, 0.0) == 150000);
    CHECK(backoffDelayMs(30, 1000, 300000, 0.999) < 300000);
    CHECK(backoffDelayMs(1000, 1000, 300000, 0.5) == 225000);  // no overflow however many attempts
}

TEST_CASE("outbox settings: defaults, environment names, and a lease that must outlive a claimed batch") {
    Poco::AutoPtr<Poco::Util::MapConfiguration> c(new Poco::Util::MapConfiguration);
    const rxflow::Settings defaults = rxflow::Settings::from(*c);
    CHECK(defaults.outbox.maxAttempts == 10);
    CHECK(defaults.outbox.workers == 2);
    CHECK(defaults.outbox.leaseMs > defaults.outbox.timeoutMs * defaults.outbox.batch);
    bool named = false;
    for (std::size_t i = 0; i < rxflow::kEnvBindingCount; ++i)
        named = named || std::string(rxflow::kEnvBindings[i].variable) == "RXFLOW_OUTBOX_MAX_ATTEMPTS";
    CHECK(named);
    c->setInt("rxflow.outbox.timeout_ms", 20000);
    CHECK_THROWS_WITH_AS(rxflow::Settings::from(*c), doctest::Contains("lease_ms"), std::invalid_argument);
    c->setInt("rxflow.outbox.timeout_ms", 1000);
    c->setInt("rxflow.outbox.max_attempts", 0);
    CHECK_THROWS_AS(rxflow::Settings::from(*c), std::invalid_argument);
}
