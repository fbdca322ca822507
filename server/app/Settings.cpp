#include "server/app/Settings.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/Path.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rxflow {

const EnvBinding kEnvBindings[] = {
    {"RXFLOW_PORT", "rxflow.port"},
    {"RXFLOW_DB", "rxflow.db"},
    {"RXFLOW_DATA_DIR", "rxflow.data_dir"},
    {"RXFLOW_ADMIN_TOKEN", "rxflow.admin_token"},
    {"RXFLOW_TRUST_CA", "rxflow.trust.ca_file"},
    {"RXFLOW_ACCEPT_TIMEOUT", "rxflow.routing.accept_timeout"},
    {"RXFLOW_SWEEP_INTERVAL", "rxflow.sweep_interval"},
    {"RXFLOW_CLOCK_OFFSET", "rxflow.clock_offset"},
    {"RXFLOW_DATA_KEY", "rxflow.data_key"},
    {"RXFLOW_DB_POOL_SIZE", "rxflow.db.pool_size"},
    {"RXFLOW_DB_LEASE_TIMEOUT_MS", "rxflow.db.lease_timeout_ms"},
    {"RXFLOW_DB_BUSY_TIMEOUT_MS", "rxflow.db.busy_timeout_ms"},
    {"RXFLOW_MAX_THREADS", "rxflow.http.max_threads"},
    {"RXFLOW_PLATFORM_ALG", "rxflow.platform.alg"},
    {"RXFLOW_LOG_LEVEL", "rxflow.log_level"},
    {"RXFLOW_DB_SQLITE_SYNCHRONOUS", "rxflow.db.sqlite_synchronous"},
    {"RXFLOW_OUTBOX_WORKERS", "rxflow.outbox.workers"},
    {"RXFLOW_OUTBOX_MAX_ATTEMPTS", "rxflow.outbox.max_attempts"},
    {"RXFLOW_OUTBOX_BACKOFF_MS", "rxflow.outbox.backoff_ms"},
    {"RXFLOW_OUTBOX_BACKOFF_MAX_MS", "rxflow.outbox.backoff_max_ms"},
    {"RXFLOW_OUTBOX_POLL_MS", "rxflow.outbox.poll_ms"},
    {"RXFLOW_OUTBOX_TIMEOUT_MS", "rxflow.outbox.timeout_ms"},
    {"RXFLOW_OUTBOX_LEASE_MS", "rxflow.outbox.lease_ms"},
    {"RXFLOW_LIMITS_RATE", "rxflow.limits.rate"},
    {"RXFLOW_LIMITS_BURST", "rxflow.limits.burst"},
    {"RXFLOW_LIMITS_AUTH_FAILURES", "rxflow.limits.auth_failures"},
};
const std::size_t kEnvBindingCount = sizeof(kEnvBindings) / sizeof(kEnvBindings[0]);

Settings Settings::from(const Poco::Util::AbstractConfiguration& c) {
    Settings s;
    s.host = c.getString("rxflow.bind", c.getString("rxflow.host", s.host));
    s.insecureHttp = c.getBool("rxflow.insecure_http", false);
    s.tlsCertFile = c.getString("rxflow.tls.cert_file", "");
    s.tlsKeyFile = c.getString("rxflow.tls.key_file", "");
    s.tlsClientCaFile = c.getString("rxflow.tls.client_ca_file", "");
    s.headerTimeoutSeconds = c.getInt("rxflow.limits.header_timeout", s.headerTimeoutSeconds);
    s.bodyTimeoutSeconds = c.getInt("rxflow.limits.body_timeout", s.bodyTimeoutSeconds);
    s.connectionsPerAddress = c.getInt("rxflow.limits.connections_per_address", s.connectionsPerAddress);
    s.maxConnections = c.getInt("rxflow.limits.connections", s.maxConnections);
    s.port = c.getInt("rxflow.port", s.port);
    s.staff.idleTimeoutMs = c.getInt64("rxflow.session.idle_timeout", s.staff.idleTimeoutMs / 1000) * 1000;
    s.staff.maxAgeMs = c.getInt64("rxflow.session.max_age", s.staff.maxAgeMs / 1000) * 1000;
    s.staff.requireReviewSignature = c.getBool("rxflow.review.require_signature", false);
    s.staff.passwords.memoryKib =
        static_cast<std::uint32_t>(c.getUInt("rxflow.staff.argon2_memory_kib", s.staff.passwords.memoryKib));
    s.staff.passwords.iterations =
        static_cast<std::uint32_t>(c.getUInt("rxflow.staff.argon2_iterations", s.staff.passwords.iterations));
    s.staff.passwords.parallelism =
        static_cast<std::uint32_t>(c.getUInt("rxflow.staff.argon2_parallelism", s.staff.passwords.parallelism));
    s.staff.passwords.concurrent = c.getInt("rxflow.staff.argon2_concurrent", s.staff.passwords.concurrent);
    s.dataDir = c.getString("rxflow.data_dir", s.dataDir);
    s.dbUrl = c.getString("rxflow.db", "sqlite3://db=" + Poco::Path(s.dataDir, "rxflow.db").toString());
    s.adminToken = c.getString("rxflow.admin_token", "");
    s.trustCaFile = c.getString("rxflow.trust.ca_file", "");
    s.dataKeyHex = c.getString("rxflow.data_key", "");
    s.catalogFile = c.getString("rxflow.catalog_file", "");
    s.platformAlg = c.getString("rxflow.platform.alg", s.platformAlg);
    s.acceptTimeoutSeconds = c.getInt("rxflow.routing.accept_timeout", s.acceptTimeoutSeconds);
    s.sweepIntervalSeconds = c.getInt("rxflow.sweep_interval", s.sweepIntervalSeconds);
    s.idempotencyKeepHours = std::max(24, c.getInt("rxflow.idempotency.keep_hours", s.idempotencyKeepHours));
    s.clockOffsetSeconds = c.getInt64("rxflow.clock_offset", s.clockOffsetSeconds);
    s.maxThreads = c.getInt("rxflow.http.max_threads", s.maxThreads);
    s.maxQueued = c.getInt("rxflow.http.max_queued", s.maxQueued);
    s.keepAliveSeconds = c.getInt("rxflow.http.keep_alive_seconds", s.keepAliveSeconds);
    s.drainSeconds = c.getInt("rxflow.http.drain_seconds", s.drainSeconds);
    s.pool.size = static_cast<std::size_t>(c.getInt("rxflow.db.pool_size", static_cast<int>(s.pool.size)));
    s.pool.leaseTimeoutMs = c.getInt("rxflow.db.lease_timeout_ms", s.pool.leaseTimeoutMs);
    s.pool.busyTimeoutMs = c.getInt("rxflow.db.busy_timeout_ms", s.pool.busyTimeoutMs);
    s.pool.maxAttempts = c.getInt("rxflow.db.max_attempts", s.pool.maxAttempts);
    s.pool.sqliteSynchronous = c.getString("rxflow.db.sqlite_synchronous", s.pool.sqliteSynchronous);
    s.outbox.workers = c.getInt("rxflow.outbox.workers", s.outbox.workers);
    s.outbox.maxAttempts = c.getInt("rxflow.outbox.max_attempts", s.outbox.maxAttempts);
    s.outbox.backoffMs = c.getInt("rxflow.outbox.backoff_ms", s.outbox.backoffMs);
    s.outbox.backoffMaxMs = c.getInt("rxflow.outbox.backoff_max_ms", s.outbox.backoffMaxMs);
    s.outbox.pollMs = c.getInt("rxflow.outbox.poll_ms", s.outbox.pollMs);
    s.outbox.timeoutMs = c.getInt("rxflow.outbox.timeout_ms", s.outbox.timeoutMs);
    s.outbox.leaseMs = c.getInt("rxflow.outbox.lease_ms", s.outbox.leaseMs);
    s.outbox.batch = c.getInt("rxflow.outbox.batch", s.outbox.batch);
    s.limits.rate = c.getDouble("rxflow.limits.rate", s.limits.rate);
    s.limits.burst = c.getInt("rxflow.limits.burst", s.limits.burst);
    s.limits.authFailures = c.getInt("rxflow.limits.auth_failures", s.limits.authFailures);
    s.validate();
    return s;
}

void Settings::validate() const {
    auto require = [](bool ok, const std::string& what) {
        if (!ok) throw std::invalid_argument("configuration: " + what);
    };
    require(port >= 0 && port <= 65535, "rxflow.port must be 0..65535");
    require(pool.size >= 1 && pool.size <= 1000, "rxflow.db.pool_size must be 1..1000");
    require(pool.leaseTimeoutMs >= 1, "rxflow.db.lease_timeout_ms must be positive");
    require(pool.busyTimeoutMs >= 1, "rxflow.db.busy_timeout_ms must be positive");
    require(pool.maxAttempts >= 1, "rxflow.db.max_attempts must be positive");
    require(pool.sqliteSynchronous == "GROUP" || pool.sqliteSynchronous == "FULL" ||
                pool.sqliteSynchronous == "NORMAL",
            "rxflow.db.sqlite_synchronous must be GROUP, FULL or NORMAL");
    require(maxThreads >= 2, "rxflow.http.max_threads must be at least 2");
    require(acceptTimeoutSeconds >= 1, "rxflow.routing.accept_timeout must be positive");
    require(sweepIntervalSeconds >= 1, "rxflow.sweep_interval must be positive");
    require(outbox.workers >= 0 && outbox.workers <= 64,
            "rxflow.outbox.workers must be 0..64 (0: this process does not dispatch)");
    require(outbox.maxAttempts >= 1, "rxflow.outbox.max_attempts must be positive");
    require(outbox.backoffMs >= 1 && outbox.backoffMaxMs >= outbox.backoffMs,
            "rxflow.outbox.backoff_ms must be positive and at most rxflow.outbox.backoff_max_ms");
    require(outbox.pollMs >= 1 && outbox.timeoutMs >= 1 && outbox.batch >= 1,
            "rxflow.outbox.poll_ms, timeout_ms and batch must be positive");
    require(
        outbox.leaseMs > static_cast<long long>(outbox.timeoutMs) * outbox.batch,
        "rxflow.outbox.lease_ms must exceed timeout_ms times batch (a claim must outlive its deliveries)");
    require(platformAlg == "ES256" || platformAlg == "SM2", "rxflow.platform.alg must be ES256 or SM2");
    require(limits.rate >= 0 && std::isfinite(limits.rate),
            "rxflow.limits.rate must be 0 (no limit) or more requests per second");
    require(limits.burst >= 1, "rxflow.limits.burst must be at least 1");
    require(staff.idleTimeoutMs >= 1000, "rxflow.session.idle_timeout must be at least 1 second");
    require(staff.maxAgeMs >= 1000, "rxflow.session.max_age must be at least 1 second");
    require(staff.passwords.memoryKib >= 8 * staff.passwords.parallelism && staff.passwords.memoryKib <= 4194304,
            "rxflow.staff.argon2_memory_kib must be 8 x parallelism .. 4194304 (4 GiB)");
    require(staff.passwords.iterations >= 1 && staff.passwords.iterations <= 100,
            "rxflow.staff.argon2_iterations must be 1..100");
    require(staff.passwords.parallelism >= 1 && staff.passwords.parallelism <= 16,
            "rxflow.staff.argon2_parallelism must be 1..16");
    require(staff.passwords.concurrent >= 1 && staff.passwords.concurrent <= 64,
            "rxflow.staff.argon2_concurrent must be 1..64");
    require(limits.authFailures >= 0, "rxflow.limits.auth_failures must be 0 (no limit) or more per minute");
    require(
        headerTimeoutSeconds >= 1 && bodyTimeoutSeconds >= 1 && keepAliveSeconds >= 1,
        "rxflow.limits.header_timeout, rxflow.limits.body_timeout and rxflow.http.keep_alive_seconds must be "
        "positive");
    require(connectionsPerAddress >= 1 && maxConnections >= connectionsPerAddress,
            "rxflow.limits.connections_per_address must be positive and at most rxflow.limits.connections");
    require(maxQueued >= 1, "rxflow.http.max_queued must be positive");
    require(tlsKeyFile.empty() || !tlsCertFile.empty(), "rxflow.tls.key_file needs rxflow.tls.cert_file");
    require(tlsClientCaFile.empty() || !tlsCertFile.empty(),
            "rxflow.tls.client_ca_file needs TLS (rxflow.tls.cert_file)");
    require(!tlsCertFile.empty() || insecureHttp || loopbackOnly(),
            "rxflow.bind " + host +
                " is not a loopback address: plain HTTP is served on loopback only; give --tls-cert and "
                "--tls-key, or "
                "set rxflow.insecure_http=true");
}

bool Settings::loopbackOnly() const {
    if (host == "localhost") return true;
    Poco::Net::IPAddress address;
    return Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback();
}

}  // namespace rxflow
