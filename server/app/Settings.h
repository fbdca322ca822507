#pragma once
// Every configuration key rxflow reads, read once at start (API.md §10). Layers, strongest
// first: command line, RXFLOW_* environment variables, --config file, defaults below.
#include <Poco/Util/AbstractConfiguration.h>

#include <string>

#include "server/http/Passwords.h"
#include "server/http/RateLimit.h"
#include "server/jobs/OutboxOptions.h"
#include "server/store/Database.h"

namespace rxflow {

struct Settings {
    std::string host = "127.0.0.1";  // rxflow.bind (rxflow.host, its older name)
    bool insecureHttp = false;        // plain HTTP on an address other than loopback
    std::string tlsCertFile, tlsKeyFile, tlsClientCaFile;
    int port = 8080;
    std::string dataDir = "rxflow-data";
    std::string dbUrl;  // default sqlite3://db=DATA_DIR/rxflow.db
    std::string adminToken;
    std::string trustCaFile;
    std::string dataKeyHex;   // overrides DATA_DIR/data.key
    std::string catalogFile;  // overrides the catalog compiled in from schemas/catalog/
    std::string platformAlg = "ES256";  // for a new platform key: ES256 or SM2
    int acceptTimeoutSeconds = 900;
    int sweepIntervalSeconds = 30;
    int idempotencyKeepHours = 48;  // at least 24 (API.md §1)
    long long clockOffsetSeconds = 0;
    int maxThreads = 64;
    int maxQueued = 256;
    int keepAliveSeconds = 15;
    int drainSeconds = 30;
    // Connections (API.md §13): the head's and the body's deadlines, open connections per
    // client address and in all.
    int headerTimeoutSeconds = 10;
    int bodyTimeoutSeconds = 30;
    int connectionsPerAddress = 256;
    int maxConnections = 10000;
    store::PoolOptions pool;
    jobs::OutboxOptions outbox;  // the outbox dispatcher (server/jobs/OutboxOptions.h)
    http::RateLimitOptions limits;  // rxflow.limits.rate, .burst, .auth_failures (API.md §13)
    http::StaffOptions staff;       // rxflow.session.*, rxflow.review.*, rxflow.staff.argon2_* (API.md §11)

    // Throws std::invalid_argument naming the key when a value is out of range.
    static Settings from(const Poco::Util::AbstractConfiguration& config);
    void validate() const;
    bool loopbackOnly() const;
};

// Environment variable -> configuration key, for the overrides of API.md §10.
struct EnvBinding {
    const char* variable;
    const char* key;
};
extern const EnvBinding kEnvBindings[];
extern const std::size_t kEnvBindingCount;

}  // namespace rxflow
