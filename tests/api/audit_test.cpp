// API.md §7: the audit trail, its listings, and verification that notices stored events being
// changed, deleted, inserted or swapped behind the server's back.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "server/audit/AuditEvent.h"

#include "tests/support/Prescriptions.h"

using namespace rxtest;

namespace {

// An issued, routed and accepted prescription: its chain has issue, route, accept (and reads).
std::string busyPrescription(const TestServer& s, const Prescriber& doctor) {
    s.addStore("S1", "CH1");
    REQUIRE(s.put("/v1/pharmacies/S1/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":5}]}").status == 200);
    Reply issued = doctor.issue(RxSpec{}, "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}");
    REQUIRE(issued.str("status") == "routed");
    REQUIRE(s.post("/v1/prescriptions/" + issued.str("id") + "/accept", s.token("pharmacy", "CH1"), "").status == 200);
    return issued.str("id");
}

long long seqAt(soci::session& db, const std::string& chain, int position) {
    long long seq = 0;
    db << "SELECT seq FROM audit_events WHERE chain = :c AND chain_seq = :p", soci::use(chain), soci::use(position),
        soci::into(seq);
    return seq;
}

// POST /v1/audit/verify and `rxflow audit verify --db` must both fail, naming `expectedSeq`.
void expectBroken(const TestServer& s, long long expectedSeq) {
    Reply r = s.post("/v1/audit/verify", s.admin, "");
    REQUIRE(r.status == 200);
    auto v = r.json();
    CHECK_FALSE(v->getValue<bool>("ok"));
    CHECK_MESSAGE(v->getValue<long long>("firstBadSeq") == expectedSeq, r.body);
    const std::string out = s.dataDir() + "/verify.txt";
    const std::string cmd = std::string(RXFLOW_BIN) + " audit verify --db \"" + s.db().url() + "\" > " + out + " 2>&1";
    const int status = std::system(cmd.c_str());
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    CHECK_MESSAGE(text.str().find("event " + std::to_string(expectedSeq)) != std::string::npos, text.str());
}

}  // namespace

TEST_CASE("a prescription's audit lists its changes and a read by each role that may read it") {
    TestServer s;
    Prescriber doctor(s);
    const std::string id = busyPrescription(s, doctor);
    const std::string chain = s.token("pharmacy", "CH1");
    for (const std::string& reader : {doctor.clinicToken, chain, s.admin})
        REQUIRE(s.get("/v1/prescriptions/" + id, reader).status == 200);
    Reply r = s.get("/v1/prescriptions/" + id + "/audit", doctor.clinicToken);
    REQUIRE(r.status == 200);
    auto events = r.json()->getArray("events");
    std::vector<std::string> actions, readers;
    for (std::size_t i = 0; i < events->size(); ++i) {
        auto e = events->getObject(static_cast<unsigned>(i));
        actions.push_back(e->getValue<std::string>("action"));
        if (e->getValue<std::string>("action") == "read")
            readers.push_back(e->getObject("actor")->getValue<std::string>("role"));
        CHECK(e->getValue<std::string>("prevHash") ==
              (i == 0 ? std::string(64, '0') : events->getObject(static_cast<unsigned>(i - 1))->getValue<std::string>("hash")));
    }
    CHECK(std::vector<std::string>(actions.begin(), actions.begin() + 3) == std::vector<std::string>{"issue", "route", "accept"});
    CHECK(readers == std::vector<std::string>{"clinic", "pharmacy", "admin"});
    CHECK(r.body.find("朱明勇") == std::string::npos);
    CHECK_PROBLEM(s.get("/v1/prescriptions/" + id + "/audit", s.token("clinic", "C002")), 404, "not_found");
}

TEST_CASE("whole reads racing the store's changes are each recorded between the changes whose version they showed") {
    TestServer s;
    Prescriber doctor(s);
    s.addStore("S1", "CH1");
    REQUIRE(s.put("/v1/pharmacies/S1/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":5}]}").status == 200);
    Reply issued = doctor.issue(RxSpec{}, "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}");
    REQUIRE(issued.header("etag") == "\"1\"");
    const std::string path = "/v1/prescriptions/" + issued.str("id"), chain = s.token("pharmacy", "CH1");
    const std::vector<std::pair<std::string, std::string>> changes = {
        {"/accept", ""},
        {"/review", "{\"decision\":\"approve\",\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"}}"},
        {"/payments", "{\"kind\":\"self_pay\",\"settlementId\":\"ST1\",\"payOrderId\":\"PO1\",\"total\":5700,\"fund\":0,"
                      "\"account\":0,\"cash\":5700,\"paidAt\":\"2026-11-22T10:30:00+08:00\"}"},
        {"/dispense", "{\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"},\"pickupCode\":\"" + issued.str("pickupCode") +
                          "\",\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2,\"batchNo\":\"B1\","
                          "\"expiryDate\":\"2028-01-31\"}]}"}};
    std::atomic<bool> changing{true};
    std::vector<std::multiset<long long>> shown(3);
    std::vector<std::thread> readers;
    for (std::size_t r = 0; r < shown.size(); ++r)
        readers.emplace_back([&, r] {
            for (int n = 0; changing || n < 5; ++n) {
                Reply read = s.get(path, doctor.clinicToken);
                CHECK(read.status == 200);
                if (read.status != 200) continue;
                const std::string etag = read.header("etag");
                const long long v = std::stoll(etag.substr(1, etag.size() - 2));
                CHECK(read.json()->getValue<long long>("version") == v);
                shown[r].insert(v);
            }
        });
    for (std::size_t i = 0; i < changes.size(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        Reply changed = s.post(path + changes[i].first, chain, changes[i].second);
        REQUIRE_MESSAGE(changed.status == 200, changed.body);
        CHECK(changed.header("etag") == "\"" + std::to_string(i + 2) + "\"");
    }
    changing = false;
    for (auto& t : readers) t.join();
    std::multiset<long long> expected, recorded;
    for (const auto& one : shown) expected.insert(one.begin(), one.end());
    // Walking the chain: each change by the store moves the version on by one; each read event
    // must carry the version its reader was shown.
    long long version = 1;
    std::string cursor;
    for (int pages = 0; pages < 1000; ++pages) {
        Reply page = s.get(path + "/audit?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor), doctor.clinicToken);
        REQUIRE(page.status == 200);
        auto events = page.json()->getArray("events");
        for (std::size_t i = 0; i < events->size(); ++i) {
            auto e = events->getObject(static_cast<unsigned>(i));
            if (e->getObject("actor")->getValue<std::string>("role") == "pharmacy" &&
                e->getValue<std::string>("outcome") == "ok" && !e->get("toStatus").isEmpty())
                ++version;
            if (e->getValue<std::string>("action") == "read") recorded.insert(version);
        }
        if (page.json()->get("nextCursor").isEmpty()) break;
        cursor = page.json()->get("nextCursor").toString();
    }
    CHECK(version == 5);
    CHECK(expected.count(1) > 0);
    CHECK(expected.count(5) > 0);
    CHECK(recorded == expected);
}

TEST_CASE("admin pages through every event in writing order, and registry changes have their own chain") {
    TestServer s;
    Prescriber doctor(s);
    busyPrescription(s, doctor);
    std::set<long long> seen;
    long long last = 0;
    std::string cursor;
    bool registry = false;
    for (int pages = 0; pages < 100; ++pages) {
        Reply r = s.get("/v1/audit?limit=4" + (cursor.empty() ? "" : "&cursor=" + cursor), s.admin);
        REQUIRE(r.status == 200);
        auto events = r.json()->getArray("events");
        for (std::size_t i = 0; i < events->size(); ++i) {
            auto e = events->getObject(static_cast<unsigned>(i));
            const long long seq = e->getValue<long long>("seq");
            CHECK(seq > last);
            last = seq;
            CHECK(seen.insert(seq).second);
            registry = registry || e->getValue<std::string>("chain") == "registry";
        }
        auto next = r.json()->get("nextCursor");
        if (next.isEmpty()) break;
        cursor = next.toString();
    }
    CHECK(seen.size() > 10);
    CHECK(registry);
    CHECK_PROBLEM(s.get("/v1/audit", doctor.clinicToken), 403, "forbidden");
    Reply ok = s.post("/v1/audit/verify", s.admin, "");
    CHECK(ok.json()->getValue<bool>("ok"));
    CHECK(ok.json()->getValue<long long>("events") == static_cast<long long>(seen.size()));
}

TEST_CASE("verification notices a changed field") {
    TestServer s;
    Prescriber doctor(s);
    const std::string id = busyPrescription(s, doctor);
    auto db = s.db().connect();
    const long long seq = seqAt(*db, id, 2);
    *db << "UPDATE audit_events SET detail = 'store=S9' WHERE seq = :s", soci::use(seq);
    expectBroken(s, seq);
}

TEST_CASE("verification notices a deleted event") {
    TestServer s;
    Prescriber doctor(s);
    const std::string id = busyPrescription(s, doctor);
    auto db = s.db().connect();
    const long long deleted = seqAt(*db, id, 2), next = seqAt(*db, id, 3);
    *db << "DELETE FROM audit_events WHERE seq = :s", soci::use(deleted);
    expectBroken(s, next);
}

TEST_CASE("verification notices an inserted, forged event") {
    TestServer s;
    Prescriber doctor(s);
    const std::string id = busyPrescription(s, doctor);
    auto db = s.db().connect();
    // Make room at position 2 and put a forged "cancel" there.
    *db << "UPDATE audit_events SET chain_seq = chain_seq + 100 WHERE chain = :c AND chain_seq >= 2", soci::use(id);
    *db << "UPDATE audit_events SET chain_seq = chain_seq - 99 WHERE chain = :c AND chain_seq >= 100", soci::use(id);
    const std::string forgedHash(64, 'f');
    *db << "INSERT INTO audit_events (chain, chain_seq, at, actor_role, actor_org, actor_principal, action, prescription, "
           "from_status, to_status, outcome, detail, prev_hash, hash) VALUES (:c, 2, 0, 'clinic', 'C001', 'x', 'cancel', "
           ":p, 'active', 'cancelled', 'ok', '', :ph, :h)",
        soci::use(id, "c"), soci::use(id, "p"), soci::use(forgedHash, "ph"), soci::use(forgedHash, "h");
    long long forged = 0;
    *db << "SELECT MAX(seq) FROM audit_events", soci::into(forged);
    expectBroken(s, std::min(forged, seqAt(*db, id, 3)));
}

TEST_CASE("verification notices two swapped events") {
    TestServer s;
    Prescriber doctor(s);
    const std::string id = busyPrescription(s, doctor);
    auto db = s.db().connect();
    const long long second = seqAt(*db, id, 2), third = seqAt(*db, id, 3);
    *db << "UPDATE audit_events SET chain_seq = 99 WHERE seq = :s", soci::use(second);
    *db << "UPDATE audit_events SET chain_seq = 2 WHERE seq = :s", soci::use(third);
    *db << "UPDATE audit_events SET chain_seq = 3 WHERE seq = :s", soci::use(second);
    expectBroken(s, std::min(second, third));
}

namespace {

// A server whose sweep writes a checkpoint every second; waits until one covers `id`'s chain.
void awaitCheckpoint(const TestServer& s) {
    for (int i = 0; i < 80; ++i) {
        auto v = s.post("/v1/audit/verify", s.admin, "").json();
        if (v->getValue<long long>("checkpoints") >= 1) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("no checkpoint was written");
}

void expectCheckpointBroken(const TestServer& s) {
    auto v = s.post("/v1/audit/verify", s.admin, "").json();
    CHECK_FALSE(v->getValue<bool>("ok"));
    CHECK(v->has("firstBadCheckpoint"));
    const std::string cmd = std::string(RXFLOW_BIN) + " audit verify --db \"" + s.db().url() + "\" > /dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    CHECK(WEXITSTATUS(status) == 1);
}

const ServerOptions kFastSweep{{{"RXFLOW_SWEEP_INTERVAL", "1"}}, {}, nullptr};

}  // namespace

TEST_CASE("signed checkpoints: an intact trail verifies, events and checkpoints counted") {
    TestServer s(kFastSweep);
    Prescriber doctor(s);
    busyPrescription(s, doctor);
    awaitCheckpoint(s);
    Reply verified = s.post("/v1/audit/verify", s.admin, "");
    auto v = verified.json();
    CHECK_MESSAGE(v->getValue<bool>("ok"), verified.body);
    const std::string cmd = std::string(RXFLOW_BIN) + " audit verify --db \"" + s.db().url() + "\" > /dev/null 2>&1";
    CHECK(WEXITSTATUS(std::system(cmd.c_str())) == 0);
}

TEST_CASE("a checkpoint notices a whole chain dropped, which the links alone cannot") {
    TestServer s(kFastSweep);
    Prescriber doctor(s);
    const std::string id = busyPrescription(s, doctor);
    awaitCheckpoint(s);
    auto db = s.db().connect();
    *db << "DELETE FROM audit_events WHERE chain = :c", soci::use(id);
    expectCheckpointBroken(s);
}

TEST_CASE("a checkpoint notices a tail rewritten with freshly computed hashes") {
    TestServer s(kFastSweep);
    Prescriber doctor(s);
    const std::string id = busyPrescription(s, doctor);
    awaitCheckpoint(s);
    auto db = s.db().connect();
    // Rewrite the chain's last event as someone who knows the hash rule would.
    rxflow::audit::AuditEvent last;
    int position = 0;
    *db << "SELECT MAX(chain_seq) FROM audit_events WHERE chain = :c", soci::use(id), soci::into(position);
    std::string detail, prev;
    *db << "SELECT at, actor_role, actor_org, actor_principal, action, from_status, to_status, outcome, detail, prev_hash "
           "FROM audit_events WHERE chain = :c AND chain_seq = :p",
        soci::use(id, "c"), soci::use(position, "p"), soci::into(last.at), soci::into(last.actorRole),
        soci::into(last.actorOrg), soci::into(last.actorPrincipal), soci::into(last.action), soci::into(last.fromStatus),
        soci::into(last.toStatus), soci::into(last.outcome), soci::into(detail), soci::into(prev);
    last.chain = last.prescription = id;
    last.chainSeq = position;
    last.detail = "store=S9";
    last.prevHash = prev;
    const std::string forged = rxflow::audit::eventHash(last);
    *db << "UPDATE audit_events SET detail = :d, hash = :h WHERE chain = :c AND chain_seq = :p", soci::use(last.detail, "d"),
        soci::use(forged, "h"), soci::use(id, "c"), soci::use(position, "p");
    expectCheckpointBroken(s);
}

TEST_CASE("verification notices a changed checkpoint") {
    TestServer s(kFastSweep);
    Prescriber doctor(s);
    busyPrescription(s, doctor);
    awaitCheckpoint(s);
    auto db = s.db().connect();
    *db << "UPDATE audit_checkpoints SET at = at + 1";
    expectCheckpointBroken(s);
}
