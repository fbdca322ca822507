#include "tests/support/TestServer.h"

#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <doctest/doctest.h>


#include "server/http/Response.h"
#include "tests/support/ChildProcess.h"
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

bool Reply::errorsWellFormed() const {
    auto o = json();
    if (!o->has("errors")) return status != 400 && status != 422;
    auto list = o->getArray("errors");
    if (!list || ((status == 400 || status == 422) && list->size() == 0)) return false;
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto e = list->getObject(static_cast<unsigned>(i));
        if (!e || !e->has("path") || !e->get("path").isString() || !e->has("message") || !e->get("message").isString() ||
            e->getValue<std::string>("message").empty())
            return false;
    }
    return true;
}

std::vector<std::string> Reply::errorPaths() const {
    std::vector<std::string> out;
    auto o = json();
    if (auto list = o->getArray("errors"))
        for (std::size_t i = 0; i < list->size(); ++i) out.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("path"));
    return out;
}

std::string Reply::str(const std::string& key) const {
    auto o = json();
    return o->has(key) ? o->get(key).toString() : "";
}

TestServer::TestServer(ServerOptions options)
    : admin("adm_" + randomHex(16)), dir_(makeTempDir("srv")), process_(std::make_unique<ChildProcess>()) {
    db_ = options.database ? options.database : std::make_shared<TestDatabase>();
    std::vector<std::string> args = {RXFLOW_BIN, "serve", "--port", "0", "--data-dir", dir_, "--db", db_->url()};
    args.insert(args.end(), options.args.begin(), options.args.end());
    options.env.emplace("RXFLOW_ADMIN_TOKEN", admin);
    port_ = process_->start(args, options.env, dir_ + "/server.log", dir_ + "/rxflow.port");
}

TestServer::~TestServer() {
    process_.reset();  // killed if still running
    db_.reset();
    try {
        Poco::File(dir_).remove(true);
    } catch (...) {
    }
}

int TestServer::stop(int signal) { return process_->stop(signal); }
bool TestServer::running() const { return process_->running(); }
int TestServer::pid() const { return process_->pid(); }
std::string TestServer::log() const { return process_->log(); }

Reply TestServer::call(const std::string& method, const std::string& path, const std::string& token,
                       const std::string& body, Headers headers) const {
    return httpCall(port_, method, path, token, body, headers);
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
    addTestPharmacist(id, chain);
}

std::string testPharmacistLicense(const std::string& chain) {
    return chain == "CH1" ? "YS33020001" : "YS-" + chain;
}

std::string testPharmacistJson(const std::string& chain) {
    return "{\"name\":\"王药师\",\"license\":" + q(testPharmacistLicense(chain)) + "}";
}

void TestServer::addTestPharmacist(const std::string& store, const std::string& chain) const {
    const TestServer& s = *this;
    const std::string license = testPharmacistLicense(chain);
    Reply list = s.get("/v1/admin/staff?kind=pharmacist&org=" + chain + "&limit=200", s.admin);
    REQUIRE_MESSAGE(list.status == 200, list.body);
    auto members = list.json()->getArray("staff");
    for (std::size_t i = 0; i < members->size(); ++i) {
        auto m = members->getObject(static_cast<unsigned>(i));
        if (m->optValue<std::string>("license", "") != license) continue;
        std::string stores = "[" + q(store);
        auto had = m->getArray("stores");
        for (std::size_t j = 0; j < had->size(); ++j) stores += "," + q(had->getElement<std::string>(static_cast<unsigned>(j)));
        Reply put = s.put("/v1/admin/staff/" + m->getValue<std::string>("id"), s.admin,
                          "{\"name\":\"王药师\",\"stores\":" + stores + "],\"active\":true}");
        REQUIRE_MESSAGE(put.status == 200, put.body);
        return;
    }
    Reply created = s.post("/v1/admin/staff", s.admin,
                           "{\"kind\":\"pharmacist\",\"org\":" + q(chain) + ",\"stores\":[" + q(store) +
                               "],\"name\":\"王药师\",\"login\":" + q("ys-" + chain) +
                               ",\"password\":\"correct horse battery staple\",\"license\":" + q(license) + "}");
    REQUIRE_MESSAGE(created.status == 201, created.body);
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

std::vector<std::string> pageAll(const TestServer& s, const std::string& path, const std::string& token,
                                 const char* member, const char* key, int limit) {
    std::vector<std::string> keys;
    std::string cursor;
    for (int pages = 0; pages < 50; ++pages) {
        const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
        Reply r = s.get(path + sep + "limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor), token);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        auto list = r.json()->getArray(member);
        REQUIRE(list);
        CHECK(static_cast<int>(list->size()) <= limit);
        for (std::size_t i = 0; i < list->size(); ++i)
            keys.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::string>(key));
        auto next = r.json()->get("nextCursor");
        if (next.isEmpty()) break;
        CHECK(static_cast<int>(list->size()) == limit);
        cursor = next.toString();
    }
    return keys;
}

}  // namespace rxtest
