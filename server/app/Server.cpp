#include "server/app/Server.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <thread>

#include "server/app/Embedded.h"
#include "server/domain/Ids.h"
#include "server/domain/TrustAnchors.h"
#include "server/http/ApiHandler.h"
#include "server/http/Auth.h"
#include "server/http/handlers/Routes.h"
#include "server/store/TrustAnchorRepo.h"
#include "server/store/Migrations.h"
#include "server/store/PlatformKeyRepo.h"

namespace rxflow {
namespace {

std::string readFile(const std::string& path) {
    Poco::FileInputStream in(path);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return text;
}

std::unique_ptr<store::Database> openDatabase(const Settings& s) {
    Poco::File(s.dataDir).createDirectories();  // the SQLite default lives in it
    return std::make_unique<store::Database>(store::DbUrl::parse(s.dbUrl), s.pool);
}

Catalog loadCatalog(const Settings& s) {
    if (!s.catalogFile.empty()) return Catalog::fromCsv(readFile(s.catalogFile));
    auto csv = embeddedFile("catalog/drugs.csv");
    if (!csv) throw std::runtime_error("no drug catalog was compiled in");
    return Catalog::fromCsv(*csv);
}

}  // namespace

Server::Server(const Settings& settings, Poco::Logger& log)
    : settings_(settings),
      log_(log),
      clock_(settings.clockOffsetSeconds),
      db_(openDatabase(settings)),
      catalog_(loadCatalog(settings)),
      cipher_(store::DataCipher::loadOrCreate(settings.dataDir, settings.dataKeyHex)),
      platform_(PlatformSigner::loadOrCreate(settings.dataDir, *rxsign::parseAlg(settings.platformAlg))),
      prescriberVerifier_(std::make_unique<PrescriberVerifier>(*db_)),
      threads_(2, std::max(2, settings.maxThreads), 60) {
    Poco::Net::initializeSSL();  // for https adapter URLs (jobs/OutboxDispatcher)
    const int applied = store::migrate(*db_, embeddedMigrations());
    log_.information("database %s: %d migration(s) applied", store::DbUrl::parse(settings.dbUrl).redacted(), applied);
    log_.information("catalog: %z drugs", catalog_.size());
    workflow_ = std::make_unique<workflow::Workflow>(
        workflow::Env{*db_, cipher_, clock_, settings_.acceptTimeoutSeconds * 1000LL});
    services_.reset(new http::Services{*db_, catalog_, cipher_, clock_, metrics_, platform_, *prescriberVerifier_,
                                       *workflow_,
                                       settings_.adminToken.empty() ? "" : http::tokenHash(settings_.adminToken),
                                       http::RateLimits(settings_.limits)});
    db_->write([&](store::Tx& tx) {
        store::PlatformKeyRepo::upsert(
            tx, {platform_.keyId(), rxsign::algName(platform_.alg()), platform_.publicPem(), true}, clock_.nowMs());
    });
    log_.information("platform key %s (%s)", platform_.keyId(), std::string(rxsign::algName(platform_.alg())));
    if (settings_.adminToken.empty())
        log_.warning("no admin token configured (RXFLOW_ADMIN_TOKEN): the registries cannot be managed");
    loadTrustAnchorsFile();
    http::addAllRoutes(router_);
}

Server::~Server() {
    if (http_) stop();
    dispatcher_.reset();
    Poco::Net::uninitializeSSL();
}

void Server::loadTrustAnchorsFile() {
    if (settings_.trustCaFile.empty()) return;
    int added = 0;
    for (const std::string& pem : pemCertificates(readFile(settings_.trustCaFile))) {
        const long long now = clock_.nowMs();
        try {
            const TrustAnchor anchor = makeTrustAnchor(pem, newId("ta", now), now);
            if (db_->write([&](store::Tx& tx) { return store::TrustAnchorRepo::insert(tx, anchor, now); })) ++added;
        } catch (const Error& e) {
            throw std::runtime_error(settings_.trustCaFile + ": " + e.detail());  // refuse to start on a bad anchor
        }
    }
    log_.information("trust anchors from %s: %d new", settings_.trustCaFile, added);
}

void Server::start() {
    // SO_REUSEADDR (a restart need not wait out TIME_WAIT) but never SO_REUSEPORT, which Poco's
    // two-argument constructor also sets: a second server on a port in use must fail here, not
    // share its traffic (API.md §13).
    const Poco::Net::SocketAddress address(settings_.host, static_cast<Poco::UInt16>(settings_.port));
    Poco::Net::ServerSocket socket;
    try {
        socket.bind(address, true, false);
    } catch (const Poco::Net::NetException& e) {
        throw std::runtime_error("cannot listen on " + address.toString() + ": " + e.displayText() +
                                 " (is the port in use by another server?)");
    }
    socket.listen(256);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(settings_.maxThreads);
    params->setMaxQueued(settings_.maxQueued);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(settings_.keepAliveSeconds, 0));
    params->setTimeout(Poco::Timespan(60, 0));
    params->setServerName("rxflow");
    http_ = std::make_unique<Poco::Net::HTTPServer>(new http::ApiHandlerFactory(router_, *services_, log_), threads_,
                                                    socket, params);
    http_->start();
    sweeper_ = std::make_unique<jobs::Sweeper>(
        jobs::Sweeper::Options{settings_.sweepIntervalSeconds, settings_.idempotencyKeepHours}, *workflow_, platform_,
        log_);
    sweeper_->start();
    dispatcher_ = std::make_unique<jobs::OutboxDispatcher>(
        jobs::OutboxDeps{*db_, cipher_, clock_, metrics_, settings_.outbox}, log_);
    dispatcher_->start();

    const std::string portFile = Poco::Path(settings_.dataDir, "rxflow.port").toString();
    {
        Poco::FileOutputStream out(portFile + ".tmp");
        out << port_ << "\n";
    }
    Poco::File(portFile + ".tmp").renameTo(portFile);
    log_.information("listening on %s:%d with up to %d threads", settings_.host, port_, settings_.maxThreads);
}

void Server::stop() {
    if (!http_) return;
    log_.information("stopping: no new connections; %d in flight", http_->currentConnections());
    http_->stopAll(false);  // idle keep-alive connections close; busy ones finish their request
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(settings_.drainSeconds);
    while (http_->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (http_->currentConnections() > 0) {
        log_.warning("drain timeout: aborting %d connection(s)", http_->currentConnections());
        http_->stopAll(true);
    }
    threads_.joinAll();
    http_.reset();
    sweeper_.reset();
    dispatcher_.reset();  // attempts in flight finish; their outcome is recorded
    log_.information("stopped");
}

}  // namespace rxflow
