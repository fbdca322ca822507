// Storage faults (API.md §13): a database that cannot be written answers 503 `unavailable`,
// never 500, and /readyz is 503 until a write succeeds again; database files replaced or removed
// under a running server stop it acknowledging writes, and nothing acknowledged before is lost.
// On SQLite the faults are made on the files of rxflow's own process; on MariaDB the server is
// made read-only for a user without READ_ONLY ADMIN.
#include <Poco/File.h>
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <memory>
#include <regex>
#include <thread>

#include "tests/support/AdapterFixtures.h"
#include "tests/support/TestEnv.h"

using namespace rxtest;

namespace {

struct Rows {
    int prescriptions = 0, events = 0;
    bool operator==(const Rows& o) const { return prescriptions == o.prescriptions && events == o.events; }
};

// Counted behind the server's back, on a connection of the test's own.
Rows rows(const TestServer& s) {
    auto c = s.db().connect();
    Rows r;
    *c << "SELECT COUNT(*) FROM prescriptions", soci::into(r.prescriptions);
    *c << "SELECT COUNT(*) FROM audit_events", soci::into(r.events);
    return r;
}

// The largest size any file of the process may reach (RLIMIT_FSIZE, set from outside with
// prlimit): a write beyond it fails with EFBIG, as on a full disk (rxflow ignores SIGXFSZ).
// Only the soft limit moves, so no privilege is needed to lift it again (RLIM_INFINITY: up to
// the hard limit).
void limitFileSize(int pid, rlim_t bytes) {
    struct rlimit limit {};
    REQUIRE(prlimit(pid, RLIMIT_FSIZE, nullptr, &limit) == 0);
    limit.rlim_cur = std::min(bytes, limit.rlim_max);
    REQUIRE(prlimit(pid, RLIMIT_FSIZE, &limit, nullptr) == 0);
}

long long sizeOf(const std::string& path) {
    return Poco::File(path).exists() ? static_cast<long long>(Poco::File(path).getSize()) : 0;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The body of POST /v1/audit/verify, which must be ok.
long long verifiedEvents(const TestServer& s) {
    Reply r = s.post("/v1/audit/verify", s.admin, "");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK_MESSAGE(r.json()->getValue<bool>("ok"), r.body);
    return r.json()->getValue<long long>("events");
}

// Issues prescriptions RX-<tag>-0.. at store SP1; their ids.
std::vector<std::string> issueSome(const Prescriber& doctor, int n, const std::string& tag) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
        RxSpec spec;
        spec.rxNo = "RX-" + tag + "-" + std::to_string(i);
        Reply r = doctor.issue(spec, pickupAt("SP1"));
        REQUIRE_MESSAGE(r.status == 201, r.body);
        ids.push_back(r.str("id"));
    }
    return ids;
}

int readyzWithin(const TestServer& s, int tenthsOfSeconds) {
    int status = 0;
    for (int i = 0; i < tenthsOfSeconds && status != 200; ++i) {
        status = s.get("/readyz", "").status;
        if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status;
}

ServerOptions quietServer() {
    ServerOptions options;
    options.env = {{"RXFLOW_DATA_KEY", randomHex(32)}, {"RXFLOW_SWEEP_INTERVAL", "3600"}};
    return options;
}

}  // namespace

TEST_CASE(
    "storage: a database that cannot grow answers writes and audited reads 503 unavailable, /readyz 503, "
    "and both recover once it can") {
    if (onMysql()) return;  // a limit on rxflow's own files
    TestServer s(quietServer());
    Prescriber doctor(s);
    addPushStore(s, "SP1", "CHP", "pull");
    const std::string id = issueSome(doctor, 1, "A").front();
    const Rows before = rows(s);

    // Every file may keep the size it has: the WAL, where the next commit would append, is full.
    const std::string db = s.db().name();
    const long long limit = std::max(sizeOf(db + "-wal"), sizeOf(db));
    REQUIRE(sizeOf(s.dataDir() + "/server.log") < limit / 2);  // the log still has room
    limitFileSize(s.pid(), static_cast<rlim_t>(limit));

    RxSpec next;
    next.rxNo = "RX-A-full";
    Reply refused = doctor.issue(next, pickupAt("SP1"));
    CHECK_PROBLEM(refused, 503, "unavailable");
    CHECK_MESSAGE(contains(refused.str("detail"), "cannot be written"), refused.body);
    // A whole read is audited: it writes too.
    CHECK_PROBLEM(s.get("/v1/prescriptions/" + id, s.admin), 503, "unavailable");
    Reply ready = s.get("/readyz", "");
    CHECK_PROBLEM(ready, 503, "unavailable");
    CHECK_MESSAGE(contains(ready.str("detail"), "takes no writes"), ready.body);
    CHECK(s.get("/healthz", "").status == 200);
    CHECK(rows(s) == before);  // nothing of the refused requests was written
    CHECK(s.running());

    limitFileSize(s.pid(), RLIM_INFINITY);
    // /readyz writes a probe of its own (at most once a second): ready again without traffic.
    CHECK(readyzWithin(s, 50) == 200);
    Reply issued = doctor.issue(next, pickupAt("SP1"));
    CHECK_MESSAGE(issued.status == 201, issued.body);
    CHECK(s.get("/v1/prescriptions/" + id, s.admin).status == 200);
    CHECK(rows(s).prescriptions == before.prescriptions + 1);
    CHECK(verifiedEvents(s) == rows(s).events);
}

TEST_CASE(
    "storage: rxflow.db-wal removed under a running server: the next write is 503 and logged, /readyz "
    "stays 503, and after a crash a restart finds every write acknowledged before") {
    if (onMysql()) return;
    ServerOptions options = quietServer();
    auto first = std::make_unique<TestServer>(options);
    std::vector<std::string> ids;
    {
        Prescriber doctor(*first);
        addPushStore(*first, "SP1", "CHP", "pull");
        ids = issueSome(doctor, 3, "W");
        REQUIRE(first->post("/v1/prescriptions/" + ids[0] + "/accept", first->token("pharmacy", "CHP"), "")
                    .status == 200);
        const long long events = verifiedEvents(*first);
        REQUIRE(events > 0);

        Poco::File(first->db().name() + "-wal").remove();
        RxSpec next;
        next.rxNo = "RX-W-after";
        CHECK_PROBLEM(doctor.issue(next, pickupAt("SP1")), 503, "unavailable");
        CHECK_PROBLEM(first->get("/v1/prescriptions/" + ids[1], first->admin), 503, "unavailable");
        CHECK_PROBLEM(first->get("/readyz", ""), 503, "unavailable");
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past the probe's interval
        CHECK_PROBLEM(first->get("/readyz", ""), 503, "unavailable");
        CHECK_MESSAGE(contains(first->log(), "rxflow.db-wal was removed"), first->log());
        CHECK(verifiedEvents(*first) == events);  // reads still work
        CHECK(first->stop(SIGKILL) == 128 + SIGKILL);

        options.database = first->sharedDb();
        TestServer second(options);
        CHECK(verifiedEvents(second) == events);
        CHECK(second.get("/v1/admin/clinics/C001", second.admin).status == 200);
        for (const std::string& id : ids)
            CHECK(second.get("/v1/prescriptions/" + id, second.admin).status == 200);
        CHECK(second.get("/v1/prescriptions/" + ids[0], second.admin).str("status") == "accepted");
        CHECK(second.get("/readyz", "").status == 200);
    }
}

TEST_CASE(
    "storage: rxflow.db replaced by a copy under a running server: the next write is 503 and logged, "
    "/readyz stays 503, and a restart finds every write acknowledged before") {
    if (onMysql()) return;
    ServerOptions options = quietServer();
    TestServer first(options);
    Prescriber doctor(first);
    addPushStore(first, "SP1", "CHP", "pull");
    const std::vector<std::string> ids = issueSome(doctor, 3, "R");
    const long long events = verifiedEvents(first);

    const std::string db = first.db().name();
    Poco::File(db).copyTo(db + ".copy");
    Poco::File(db + ".copy").renameTo(db);
    RxSpec next;
    next.rxNo = "RX-R-after";
    CHECK_PROBLEM(doctor.issue(next, pickupAt("SP1")), 503, "unavailable");
    CHECK_PROBLEM(first.get("/readyz", ""), 503, "unavailable");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK_PROBLEM(first.get("/readyz", ""), 503, "unavailable");
    CHECK_MESSAGE(contains(first.log(), "rxflow.db was replaced"), first.log());
    CHECK(first.stop() == 0);

    options.database = first.sharedDb();
    TestServer second(options);
    CHECK(verifiedEvents(second) == events);
    for (const std::string& id : ids)
        CHECK(second.get("/v1/prescriptions/" + id, second.admin).status == 200);
    CHECK(second.get("/readyz", "").status == 200);
}

TEST_CASE(
    "storage: a MariaDB server made read-only answers writes 503 unavailable, /readyz 503, and both "
    "recover when it takes writes again") {
    if (!onMysql()) return;
    // Every other test connects as the suite's user, whose ALL PRIVILEGES include READ_ONLY
    // ADMIN: read_only=1 stops this server's user alone, not the tests running beside it.
    auto db = std::make_shared<TestDatabase>();
    auto root = db->connect();
    const std::string user = "rxt_w" + randomHex(4), password = randomHex(12);
    *root << "CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + password + "'";
    *root << "GRANT ALL PRIVILEGES ON `" + db->name() + "`.* TO '" + user + "'@'127.0.0.1'";
    struct Cleanup {
        soci::session& s;
        std::string user;
        ~Cleanup() {
            try {
                s << "SET GLOBAL read_only = 0";
                s << "DROP USER '" + user + "'@'127.0.0.1'";
            } catch (...) {
            }
        }
    } cleanup{*root, user};
    db->setUrl(std::regex_replace(std::regex_replace(db->url(), std::regex("user=[^ ]+"), "user=" + user),
                                  std::regex("password=[^ ]+"), "password=" + password));
    ServerOptions options = quietServer();
    options.database = db;
    TestServer s(options);
    REQUIRE(s.post("/v1/admin/couriers", s.admin, "{\"id\":\"K1\",\"name\":\"闪送\"}").status == 201);

    *root << "SET GLOBAL read_only = 1";
    Reply refused = s.post("/v1/admin/couriers", s.admin, "{\"id\":\"K2\",\"name\":\"闪送\"}");
    CHECK_PROBLEM(refused, 503, "unavailable");
    CHECK_MESSAGE(contains(refused.str("detail"), "read-only"), refused.body);
    Reply ready = s.get("/readyz", "");
    CHECK_PROBLEM(ready, 503, "unavailable");
    CHECK_MESSAGE(contains(ready.str("detail"), "read-only"), ready.body);
    CHECK(s.get("/v1/admin/couriers/K2", s.admin).status == 404);  // nothing was written

    *root << "SET GLOBAL read_only = 0";
    CHECK(readyzWithin(s, 50) == 200);
    CHECK(s.post("/v1/admin/couriers", s.admin, "{\"id\":\"K2\",\"name\":\"闪送\"}").status == 201);
}
