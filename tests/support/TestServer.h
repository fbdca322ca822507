#pragma once
// A real `rxflow serve` process on a free loopback port (--port 0), with its own data dir and
// database, spoken to over HTTP. Stopped with SIGTERM and cleaned up at the end of the test.
#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/TestDatabase.h"

namespace rxtest {

class ChildProcess;

// The license of the pharmacist TestServer::addStore registers for each store of `chain`:
// YS33020001 for CH1, YS-<chain> for the others.
std::string testPharmacistLicense(const std::string& chain);
// {"name":"王药师","license":...} of that pharmacist, for request bodies.
std::string testPharmacistJson(const std::string& chain = "CH1");

struct Reply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lowercase names
    std::string header(const std::string& lowercaseName) const;
    Poco::JSON::Object::Ptr json() const;  // fails the test when the body is not an object
    std::string code() const;              // problem+json "code"
    std::string str(const std::string& key) const;
    // API.md §1: a 400/422 lists at least one failure; every entry has a string path and message.
    bool errorsWellFormed() const;
    std::vector<std::string> errorPaths() const;  // the `path` of each errors[] entry, in order
};

struct ServerOptions {
    std::map<std::string, std::string> env;  // e.g. RXFLOW_DB_POOL_SIZE
    std::vector<std::string> args;           // extra command-line arguments
    std::shared_ptr<TestDatabase> database;  // another server's database, to share it; else a new one
};

class TestServer {
public:
    explicit TestServer(ServerOptions options = {});
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    using Headers = std::map<std::string, std::string>;
    Reply call(const std::string& method, const std::string& path, const std::string& token,
               const std::string& body = "", Headers headers = {}) const;
    Reply get(const std::string& path, const std::string& token) const { return call("GET", path, token); }
    Reply post(const std::string& path, const std::string& token, const std::string& body, Headers h = {}) const {
        return call("POST", path, token, body, std::move(h));
    }
    Reply put(const std::string& path, const std::string& token, const std::string& body, Headers h = {}) const {
        return call("PUT", path, token, body, std::move(h));
    }

    // Registers a clinic / pharmacy store / courier as admin (the test fails otherwise).
    void addClinic(const std::string& id, const std::string& region = "330200") const;
    // A store, and its chain's pharmacist (testPharmacistLicense) registered for it too, so a
    // chain's token may name them in a review or a dispense (API.md §11).
    void addStore(const std::string& id, const std::string& chain, const std::string& region = "330200") const;
    void addCourier(const std::string& id) const;
    // The chain's test pharmacist (testPharmacistLicense), registered for one more store: created
    // with the chain's first store, then given each further one (found by license, so a second
    // server on the same database adds to the same member).
    void addTestPharmacist(const std::string& store, const std::string& chain) const;
    // A new principal's token.
    std::string token(const std::string& role, const std::string& org, const std::string& store = "") const;

    // Sends a signal and waits for the exit; returns the exit status (128+N if killed by N).
    int stop(int signal = 15);
    bool running() const;
    std::string log() const;

    const std::string admin;  // the bootstrap admin token
    int port() const { return port_; }
    int pid() const;
    const std::string& dataDir() const { return dir_; }
    const TestDatabase& db() const { return *db_; }
    std::shared_ptr<TestDatabase> sharedDb() const { return db_; }

private:
    std::string dir_;
    std::shared_ptr<TestDatabase> db_;
    std::unique_ptr<ChildProcess> process_;
    int port_ = 0;
};

// A refusal as API.md §1 defines it: this status, this code, as application/problem+json.
#define CHECK_PROBLEM(reply, expectedStatus, expectedCode)                         \
    do {                                                                           \
        const ::rxtest::Reply& problem_ = (reply);                                 \
        CHECK_MESSAGE(problem_.status == (expectedStatus), problem_.body);         \
        CHECK(problem_.code() == (expectedCode));                                  \
        CHECK(problem_.header("content-type") == "application/problem+json");      \
        CHECK_MESSAGE(problem_.errorsWellFormed(), problem_.body);                 \
    } while (0)

// Pages through the list at `path` (with or without a query) `limit` rows at a time, checking each
// page (200, at most `limit` rows, every page but the last full); the `key` of each row in order.
std::vector<std::string> pageAll(const TestServer& s, const std::string& path, const std::string& token,
                                 const char* member, const char* key, int limit);

// A JSON string literal (quotes included) for building request bodies.
std::string q(const std::string& s);

}  // namespace rxtest
