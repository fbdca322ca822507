#pragma once
// Wiring only: settings -> database (migrated) -> catalog, keys -> services -> HTTP server.
#include <Poco/Logger.h>

#include <memory>

#include "server/app/Settings.h"
#include "server/http/ApiHandler.h"
#include "server/http/Router.h"
#include "server/http/Services.h"
#include "server/jobs/OutboxDispatcher.h"
#include "server/jobs/Sweeper.h"
#include "server/net/Front.h"

namespace rxflow {

class Server {
public:
    Server(const Settings& settings, Poco::Logger& log);
    ~Server();

    // Binds host:port (port 0: any free port) and starts serving; writes the bound port to
    // DATA_DIR/rxflow.port so scripts and tests started with port 0 can find it. SIGHUP then
    // re-reads the TLS certificate and key.
    void start();
    int port() const { return port_; }
    // Stops accepting, lets requests in flight finish (up to drainSeconds), then returns.
    void stop();

private:
    void loadTrustAnchorsFile();

    Settings settings_;
    Poco::Logger& log_;
    Clock clock_;
    std::unique_ptr<store::Database> db_;
    Catalog catalog_;
    store::DataCipher cipher_;
    http::Metrics metrics_;
    PlatformSigner platform_;
    std::unique_ptr<PrescriberVerifier> prescriberVerifier_;
    std::unique_ptr<workflow::Workflow> workflow_;
    std::unique_ptr<http::Services> services_;
    http::Router router_;
    std::unique_ptr<http::ApiHandler> api_;
    std::unique_ptr<net::Front> front_;
    std::unique_ptr<jobs::Sweeper> sweeper_;
    std::unique_ptr<jobs::OutboxDispatcher> dispatcher_;
    int port_ = 0;
};

}  // namespace rxflow
