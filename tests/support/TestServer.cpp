#include "tests/support/TestServer.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "server/http/Response.h"
#include "tests/support/TestEnv.h"

namespace rxtest {

std::string q(const std::string& s) { return rxflow::http::toJson(s); }

std::string Reply::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
}

Poco::JSON::Object::Ptr Reply::json() const {
    try {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        FAIL("response is not a JSON object: " << body);
    }
    return nullptr;
}

std::string Reply::code() const { return str("code"); }

std::string Reply::str(const std::string& key) const {
    auto o = json();
    return o->has(key) ? o->get(key).toString() : "";
}

TestServer::TestServer(ServerOptions options) : admin("adm_" + randomHex(16)), dir_(makeTempDir("srv")) {
    db_ = options.database ? options.database : std::make_shared<TestDatabase>();
    std::vector<std::string> args = {RXFLOW_BIN, "serve", "--port", "0", "--data-dir", dir_, "--db", db_->url()};
    args.insert(args.end(), options.args.begin(), options.args.end());
    options.env.emplace("RXFLOW_ADMIN_TOKEN", admin);
    const std::string logPath = dir_ + "/server.log";

    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // a test process that dies takes its server with it
        int fd = open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        for (const auto& [k, v] : options.env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    const std::string portFile = dir_ + "/rxflow.port";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (Poco::File(portFile).exists()) {
            Poco::FileInputStream in(portFile);
            in >> port_;
            if (port_ > 0) return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            FAIL("rxflow serve exited at start:\n" << log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("rxflow serve did not start within 30 s:\n" << log());
}

TestServer::~TestServer() {
    if (pid_ > 0) stop(SIGKILL);
    db_.reset();
    try {
        Poco::File(dir_).remove(true);
    } catch (...) {
    }
}

int TestServer::stop(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string TestServer::log() const {
    try {
        Poco::FileInputStream in(dir_ + "/server.log");
        std::string text;
        Poco::StreamCopier::copyToString(in, text);
        return text;
    } catch (...) {
        return "(no log)";
    }
}

Reply TestServer::call(const std::string& method, const std::string& path, const std::string& token,
                       const std::string& body, Headers headers) const {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
    session.setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    if (!body.empty() || method == "POST" || method == "PUT") {
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    for (const auto& [k, v] : headers) {
        if (Poco::icompare(k, "Content-Type") == 0)
            req.setContentType(v);
        else
            req.set(k, v);
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    Reply r;
    r.status = resp.getStatus();
    Poco::StreamCopier::copyToString(in, r.body);
    for (const auto& [k, v] : resp) r.headers[Poco::toLower(k)] = v;
    return r;
}

void TestServer::addClinic(const std::string& id, const std::string& region) const {
    Reply r = post("/v1/admin/clinics", admin, "{\"id\":" + q(id) + ",\"name\":\"测试诊所\",\"region\":" + q(region) + "}");
    REQUIRE_MESSAGE(r.status == 201, r.body);
}

void TestServer::addStore(const std::string& id, const std::string& chain, const std::string& region) const {
    Reply r = post("/v1/admin/pharmacies", admin,
                   "{\"id\":" + q(id) + ",\"chain\":" + q(chain) + ",\"name\":\"测试药房\",\"region\":" + q(region) +
                       ",\"district\":\"330203\",\"lat\":\"29.8683\",\"lon\":\"121.5440\",\"delivery\":true,"
                       "\"adapter\":{\"type\":\"pull\"}}");
    REQUIRE_MESSAGE(r.status == 201, r.body);
}

void TestServer::addCourier(const std::string& id) const {
    Reply r = post("/v1/admin/couriers", admin, "{\"id\":" + q(id) + ",\"name\":\"测试快递\"}");
    REQUIRE_MESSAGE(r.status == 201, r.body);
}

std::string TestServer::token(const std::string& role, const std::string& org, const std::string& store) const {
    std::string body = "{\"role\":" + q(role) + ",\"org\":" + q(org) + ",\"name\":\"t\"";
    if (!store.empty()) body += ",\"store\":" + q(store);
    Reply r = post("/v1/admin/principals", admin, body + "}");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.str("token");
}

}  // namespace rxtest
