#include "server/app/Server.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <signal.h>

#include <atomic>

#include "server/app/Embedded.h"
#include "server/domain/Ids.h"
#include "server/domain/TrustAnchors.h"
#include "server/http/Auth.h"
#include "server/http/handlers/Routes.h"
#include "server/store/Migrations.h"
#include "server/store/PlatformKeyRepo.h"
#include "server/store/TrustAnchorRepo.h"

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
      prescriberVerifier_(std::make_unique<PrescriberVerifier>(*db_)) {
    Poco::Net::initializeSSL();  // for https adapter URLs (jobs/OutboxDispatcher)
    const int applied = store::migrate(*db_, embeddedMigrations());
    log_.information("database %s: %d migration(s) applied", store::DbUrl::parse(settings.dbUrl).redacted(),
                     applied);
    log_.information("catalog: %z drugs", catalog_.size());
    workflow_ = std::make_unique<workflow::Workflow>(
        workflow::Env{*db_, cipher_, clock_, settings_.acceptTimeoutSeconds * 1000LL});
    services_.reset(new http::Services{*db_, catalog_, cipher_, clock_, metrics_, platform_, *prescriberVerifier_,
                                       *workflow_,
                                       settings_.adminToken.empty() ? "" : http::tokenHash(settings_.adminToken),
                                       http::RateLimits(settings_.limits)});
    services_->staff = settings_.staff;
    services_->passwords = std::make_unique<http::Passwords>(settings_.staff.passwords);
    db_->write([&](store::Tx& tx) {
        store::PlatformKeyRepo::upsert(
            tx, {platform_.keyId(), rxsign::algName(platform_.alg()), platform_.publicPem(), true},
            clock_.nowMs());
    });
    log_.information("platform key %s (%s)", platform_.keyId(),
                     std::string(rxsign::algName(platform_.alg())));
    if (settings_.adminToken.empty())
        log_.warning("no admin token configured (RXFLOW_ADMIN_TOKEN): the registries cannot be managed");
    loadTrustAnchorsFile();
    http::addAllRoutes(router_);
    std::map<std::string, std::string> pages;  // the workbench: web/<file> -> <file>
    for (const std::string& name : embeddedFilesUnder("web/")) pages[name.substr(4)] = *embeddedFile(name);
    http::addWebRoutes(router_, pages);
}

Server::~Server() {
    if (front_) stop();
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
            if (db_->write([&](store::Tx& tx) { return store::TrustAnchorRepo::insert(tx, anchor, now); }))
                ++added;
        } catch (const Error& e) {
            throw std::runtime_error(settings_.trustCaFile + ": " +
                                     e.detail());  // refuse to start on a bad anchor
        }
    }
    log_.information("trust anchors from %s: %d new", settings_.trustCaFile, added);
}

namespace {
std::atomic<net::Front*> reloadTarget{nullptr};
void onHangUp(int) {
    if (net::Front* front = reloadTarget.load()) front->reloadTls();  // a flag and a wake-up write
}
}  // namespace

void Server::start() {
    net::FrontOptions o;
    o.bind = settings_.host;
    o.port = settings_.port;
    o.workers = settings_.maxThreads;
    o.maxQueued = settings_.maxQueued;
    o.headerTimeoutMs = settings_.headerTimeoutSeconds * 1000;
    o.bodyTimeoutMs = settings_.bodyTimeoutSeconds * 1000;
    o.keepAliveMs = settings_.keepAliveSeconds * 1000;
    o.connectionsPerAddress = settings_.connectionsPerAddress;
    o.maxConnections = settings_.maxConnections;
    o.parser.maxBodyBytes = http::kMaxBodyBytes;
    o.tls = {settings_.tlsCertFile, settings_.tlsKeyFile, settings_.tlsClientCaFile};
    if (!o.tls.enabled() && !settings_.loopbackOnly())
        log_.warning(
            "SERVING PLAIN HTTP ON %s, NOT LOOPBACK (rxflow.insecure_http=true): tokens and patient data "
            "cross the network unencrypted",
            settings_.host);
    api_ = std::make_unique<http::ApiHandler>(router_, *services_, log_);
    front_ = std::make_unique<net::Front>(
        o, [this](net::Incoming& req) { return api_->handle(req); }, log_);
    front_->start();
    metrics_.watchConnections(&front_->counters());
    port_ = front_->port();
    reloadTarget = front_.get();
    struct sigaction hup {};
    hup.sa_handler = onHangUp;
    sigemptyset(&hup.sa_mask);
    hup.sa_flags = SA_RESTART;
    sigaction(SIGHUP, &hup, nullptr);
    sweeper_ = std::make_unique<jobs::Sweeper>(
        jobs::Sweeper::Options{settings_.sweepIntervalSeconds, settings_.idempotencyKeepHours}, *workflow_,
        platform_, log_);
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
    log_.information("listening on %s:%d (%s) with %d worker threads", settings_.host, port_,
                     std::string(o.tls.enabled() ? "https" : "http"), settings_.maxThreads);
}

void Server::stop() {
    if (!front_) return;
    reloadTarget = nullptr;
    metrics_.watchConnections(nullptr);
    front_->stop(settings_.drainSeconds * 1000);  // requests being read or run finish first
    front_.reset();
    sweeper_.reset();
    dispatcher_.reset();  // attempts in flight finish; their outcome is recorded
    log_.information("stopped");
}

}  // namespace rxflow
