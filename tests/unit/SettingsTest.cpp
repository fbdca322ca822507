#include <Poco/AutoPtr.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server/app/Settings.h"

using Poco::AutoPtr;
using Poco::Util::LayeredConfiguration;
using Poco::Util::MapConfiguration;

TEST_CASE(
    "Settings defaults to 127.0.0.1:8080, SQLite under the data dir, accept timeout 900 s, sweep 30 s") {
    AutoPtr<MapConfiguration> empty(new MapConfiguration);
    const rxflow::Settings s = rxflow::Settings::from(*empty);
    CHECK(s.host == "127.0.0.1");
    CHECK(s.port == 8080);
    CHECK(s.dataDir == "rxflow-data");
    CHECK(s.dbUrl == "sqlite3://db=rxflow-data/rxflow.db");
    CHECK(s.acceptTimeoutSeconds == 900);
    CHECK(s.sweepIntervalSeconds == 30);
    CHECK(s.clockOffsetSeconds == 0);
    CHECK(s.adminToken.empty());
    CHECK(s.dataKeyHex.empty());
    CHECK(s.pool.size == rxflow::store::PoolOptions{}.size);
    CHECK(s.pool.leaseTimeoutMs == rxflow::store::PoolOptions{}.leaseTimeoutMs);

    // Configured keys are read, and the default database follows a configured data dir.
    AutoPtr<MapConfiguration> c(new MapConfiguration);
    c->setString("rxflow.data_dir", "/srv/rxflow");
    c->setString("rxflow.port", "9443");
    c->setString("rxflow.routing.accept_timeout", "60");
    c->setString("rxflow.sweep_interval", "5");
    c->setString("rxflow.clock_offset", "-86400");
    c->setString("rxflow.db.pool_size", "3");
    c->setString("rxflow.db.lease_timeout_ms", "250");
    const rxflow::Settings t = rxflow::Settings::from(*c);
    CHECK(t.dataDir == "/srv/rxflow");
    CHECK(t.dbUrl == "sqlite3://db=/srv/rxflow/rxflow.db");
    CHECK(t.port == 9443);
    CHECK(t.acceptTimeoutSeconds == 60);
    CHECK(t.sweepIntervalSeconds == 5);
    CHECK(t.clockOffsetSeconds == -86400);
    CHECK(t.pool.size == 3);
    CHECK(t.pool.leaseTimeoutMs == 250);
}

TEST_CASE("in a layered configuration the priority -200 layer (command line) beats -150 (environment)") {
    AutoPtr<MapConfiguration> commandLine(new MapConfiguration);
    AutoPtr<MapConfiguration> environment(new MapConfiguration);
    AutoPtr<MapConfiguration> file(new MapConfiguration);
    commandLine->setString("rxflow.port", "9001");
    environment->setString("rxflow.port", "9002");
    environment->setString("rxflow.db", "sqlite3://db=/env/rx.db");
    environment->setString("rxflow.sweep_interval", "7");
    file->setString("rxflow.sweep_interval", "99");
    file->setString("rxflow.host", "0.0.0.0");
    file->setString("rxflow.insecure_http", "true");  // plain HTTP off loopback only so

    AutoPtr<LayeredConfiguration> layered(new LayeredConfiguration);
    // Added weakest first, so insertion order cannot be what decides.
    layered->add(file, 0, true);
    layered->add(environment, -150, true);
    layered->add(commandLine, -200, true);
    const rxflow::Settings s = rxflow::Settings::from(*layered);
    CHECK(s.port == 9001);
    CHECK(s.dbUrl == "sqlite3://db=/env/rx.db");
    CHECK(s.sweepIntervalSeconds == 7);
    CHECK(s.host == "0.0.0.0");
}

TEST_CASE(
    "Settings: SQLite commits are durable, grouped (GROUP) unless FULL or NORMAL is chosen, anything else is "
    "refused") {
    AutoPtr<MapConfiguration> c(new MapConfiguration);
    CHECK(rxflow::Settings::from(*c).pool.sqliteSynchronous == "GROUP");
    c->setString("rxflow.db.sqlite_synchronous", "FULL");
    CHECK(rxflow::Settings::from(*c).pool.sqliteSynchronous == "FULL");
    c->setString("rxflow.db.sqlite_synchronous", "NORMAL");
    CHECK(rxflow::Settings::from(*c).pool.sqliteSynchronous == "NORMAL");
    c->setString("rxflow.db.sqlite_synchronous", "OFF");
    CHECK_THROWS_WITH_AS(rxflow::Settings::from(*c), doctest::Contains("sqlite_synchronous"),
                         std::invalid_argument);
}

TEST_CASE("plain HTTP off loopback refuses to start unless rxflow.insecure_http, or with TLS") {
    AutoPtr<MapConfiguration> c(new MapConfiguration);
    c->setString("rxflow.bind", "0.0.0.0");
    CHECK_THROWS_WITH_AS(rxflow::Settings::from(*c), doctest::Contains("not a loopback address"),
                         std::invalid_argument);
    c->setString("rxflow.insecure_http", "true");
    CHECK(rxflow::Settings::from(*c).host == "0.0.0.0");
    c->setString("rxflow.insecure_http", "false");
    c->setString("rxflow.tls.cert_file", "/some/cert.pem");
    CHECK_NOTHROW(rxflow::Settings::from(*c));
    for (const char* loopback : {"127.0.0.1", "127.0.0.9", "::1", "localhost"}) {
        c->setString("rxflow.tls.cert_file", "");
        c->setString("rxflow.bind", loopback);
        CHECK_NOTHROW(rxflow::Settings::from(*c));
    }
    c->setString("rxflow.tls.key_file", "/k.pem");
    CHECK_THROWS_AS(rxflow::Settings::from(*c), std::invalid_argument);  // a key without a certificate
}

TEST_CASE("Settings: rate limits default to 200 per second, bursts of 400, 20 auth failures a minute") {
    AutoPtr<MapConfiguration> c(new MapConfiguration);
    const rxflow::Settings s = rxflow::Settings::from(*c);
    CHECK(s.limits.rate == 200);
    CHECK(s.limits.burst == 400);
    CHECK(s.limits.authFailures == 20);
    c->setString("rxflow.limits.rate", "0.5");
    c->setString("rxflow.limits.burst", "3");
    c->setString("rxflow.limits.auth_failures", "0");
    const rxflow::Settings t = rxflow::Settings::from(*c);
    CHECK(t.limits.rate == 0.5);
    CHECK(t.limits.burst == 3);
    CHECK(t.limits.authFailures == 0);
    c->setString("rxflow.limits.rate", "0");
    CHECK(rxflow::Settings::from(*c).limits.rate == 0);  // 0: no limit
}

TEST_CASE("Settings: a negative rate limit, or a burst below 1, refuses to start and names the key") {
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"rxflow.limits.rate", "-1"},
                                                          {"rxflow.limits.burst", "-5"},
                                                          {"rxflow.limits.burst", "0"},
                                                          {"rxflow.limits.auth_failures", "-1"}}) {
        AutoPtr<MapConfiguration> c(new MapConfiguration);
        c->setString(key, value);
        CHECK_THROWS_WITH_AS(rxflow::Settings::from(*c), doctest::Contains(key.c_str()),
                             std::invalid_argument);
    }
    AutoPtr<MapConfiguration> c(new MapConfiguration);
    c->setString("rxflow.limits.rate", "fast");
    CHECK_THROWS(rxflow::Settings::from(*c));  // not a number: Poco's syntax error, as for every key
}

TEST_CASE("Settings: RXFLOW_LIMITS_RATE, _BURST and _AUTH_FAILURES set the rxflow.limits keys") {
    std::map<std::string, std::string> bound;
    for (std::size_t i = 0; i < rxflow::kEnvBindingCount; ++i)
        bound[rxflow::kEnvBindings[i].variable] = rxflow::kEnvBindings[i].key;
    CHECK(bound["RXFLOW_LIMITS_RATE"] == "rxflow.limits.rate");
    CHECK(bound["RXFLOW_LIMITS_BURST"] == "rxflow.limits.burst");
    CHECK(bound["RXFLOW_LIMITS_AUTH_FAILURES"] == "rxflow.limits.auth_failures");
}
