// MariaDB only: what the server committed, read back with MySQL Connector/C++ (not SOCI),
// and what several server processes sharing one database do.
#include <cppconn/driver.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <doctest/doctest.h>
#include <mysql_driver.h>

#include <cstdio>
#include <memory>
#include <regex>
#include <algorithm>
#include <thread>
#include <vector>

#include "signing/digest.h"
#include "tests/support/Prescriptions.h"
#include "tests/support/TestEnv.h"
#include "tests/support/TestServer.h"

using namespace rxtest;

namespace {

// An independent connection to the test's database, from its SOCI-style URL.
std::unique_ptr<sql::Connection> reader(const TestDatabase& db) {
    auto field = [&](const std::string& k) {
        std::smatch m;
        std::string url = db.url();
        REQUIRE(std::regex_search(url, m, std::regex(k + "=([^ ]+)")));
        return m[1].str();
    };
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    std::unique_ptr<sql::Connection> c(
        driver->connect("tcp://" + field("host") + ":" + field("port"), field("user"), field("password")));
    c->setSchema(field("db"));
    return c;
}

std::unique_ptr<sql::ResultSet> query(sql::Connection& c, const std::string& q) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    return std::unique_ptr<sql::ResultSet>(st->executeQuery(q));
}

}  // namespace

TEST_CASE("registry writes are committed in MariaDB as the API reported them") {
    TestServer s;
    s.addClinic("C001", "330200");
    REQUIRE(s.post("/v1/admin/doctors", s.admin,
                   "{\"license\":\"110330200000001\",\"name\":\"谢道奋\",\"clinics\":[\"C001\"],\"active\":false}")
                .status == 201);
    s.addStore("S001", "CH1");
    REQUIRE(s.put("/v1/pharmacies/S001/stock", s.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":12}]}")
                .status == 200);
    auto c = reader(s.db());
    auto clinic = query(*c, "SELECT name, region FROM clinics WHERE id = 'C001'");
    REQUIRE(clinic->next());
    CHECK(clinic->getString("region") == "330200");
    auto doctor = query(*c, "SELECT name, active FROM doctors WHERE license = '110330200000001'");
    REQUIRE(doctor->next());
    CHECK(doctor->getString("name") == "谢道奋");
    CHECK(doctor->getInt("active") == 0);
    auto links = query(*c, "SELECT clinic_id FROM doctor_clinics WHERE license = '110330200000001'");
    REQUIRE(links->next());
    CHECK(links->getString(1) == "C001");
    auto stock = query(*c, "SELECT quantity FROM pharmacy_stock WHERE store = 'S001' AND drug_code = 'XC08CAA001'");
    REQUIRE(stock->next());
    CHECK(stock->getInt64(1) == 12);
    auto engine = query(*c, "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                            "AND TABLE_NAME = 'clinics'");
    REQUIRE(engine->next());
    CHECK(engine->getString(1) == "InnoDB");
}

TEST_CASE("MariaDB holds principals' token hashes, never the tokens") {
    TestServer s;
    s.addCourier("SF");
    const std::string token = s.token("courier", "SF");
    auto c = reader(s.db());
    auto rows = query(*c, "SELECT token_hash FROM principals");
    REQUIRE(rows->next());
    CHECK(rows->getString(1) == rxsign::sha256Hex(token));
    std::unique_ptr<sql::PreparedStatement> any(c->prepareStatement(
        "SELECT COUNT(*) FROM principals WHERE CONCAT(id, token_hash, role, org, name) LIKE ?"));
    any->setString(1, "%" + token + "%");
    std::unique_ptr<sql::ResultSet> n(any->executeQuery());
    REQUIRE(n->next());
    CHECK(n->getInt(1) == 0);
}

TEST_CASE("a second server process on the same MariaDB database finds the schema applied and serves the same data") {
    // The second server gets the first's database: both run migrations against it at start.
    TestServer first;
    ServerOptions sameDb;
    sameDb.database = first.sharedDb();
    TestServer second(sameDb);
    first.addClinic("C001");
    CHECK(second.get("/v1/admin/clinics/C001", second.admin).status == 200);
    auto c = reader(first.db());
    auto applied = query(*c, "SELECT COUNT(*) FROM schema_migrations");
    REQUIRE(applied->next());
    CHECK(applied->getInt(1) >= 1);
}

TEST_CASE("readyz is 503 when the MariaDB database is gone") {
    TestServer s;
    REQUIRE(s.get("/readyz", "").status == 200);
    auto c = reader(s.db());
    query(*c, "SELECT 1");
    std::unique_ptr<sql::Statement> st(c->createStatement());
    st->execute("DROP DATABASE " + s.db().name());
    Reply r = s.get("/readyz", "");
    CHECK_PROBLEM(r, 503, "unavailable");
}

TEST_CASE("a mariadb-dump of the database holds no patient name, id number or phone in plain text") {
    TestServer s;
    Prescriber doctor(s);
    REQUIRE(doctor.issue(RxSpec{}).status == 201);
    auto field = [&](const std::string& k) {
        std::smatch m;
        const std::string url = s.db().url();
        REQUIRE(std::regex_search(url, m, std::regex(k + "=([^ ]+)")));
        return m[1].str();
    };
    const std::string cmd = "mariadb-dump --skip-extended-insert -h " + field("host") + " -P " + field("port") +
                            " -u " + field("user") + " -p" + field("password") + " " + field("db") + " 2>&1";
    std::string dump;
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buf[65536];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) dump.append(buf, n);
    CHECK(pclose(pipe) == 0);
    CHECK(dump.find("INSERT INTO `prescriptions`") != std::string::npos);
    for (const char* secret : {"朱明勇", "330203196001011232", "13800000000"})
        CHECK_MESSAGE(dump.find(secret) == std::string::npos, secret);
}

TEST_CASE("two server processes on one MariaDB: of 16 racing accepts (8 to each) exactly one succeeds") {
    // Processes sharing a database share the data key (sealed documents must open on both).
    ServerOptions one;
    one.env = {{"RXFLOW_DATA_KEY", randomHex(32)}};
    TestServer first(one);
    ServerOptions same = one;
    same.database = first.sharedDb();
    TestServer second(same);
    Prescriber doctor(first);
    first.addStore("S1", "CH1");
    REQUIRE(first.put("/v1/pharmacies/S1/stock", first.admin, "{\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":10}]}")
                .status == 200);
    Reply issued = doctor.issue(RxSpec{}, "{\"mode\":\"pickup\",\"pharmacy\":\"S1\"}");
    REQUIRE(issued.str("status") == "routed");
    const std::string chain = first.token("pharmacy", "CH1");
    const std::string path = "/v1/prescriptions/" + issued.str("id") + "/accept";
    std::vector<int> statuses(16);
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&, i] { statuses[i] = (i % 2 ? second : first).post(path, chain, "").status; });
    for (auto& t : threads) t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
    std::string all;
    for (int st : statuses) all += std::to_string(st) + " ";
    CHECK_MESSAGE(std::count(statuses.begin(), statuses.end(), 409) == 15, all);
    auto c = reader(first.db());
    auto reservedNow = query(*c, "SELECT reserved FROM pharmacy_stock WHERE store = 'S1'");
    REQUIRE(reservedNow->next());
    CHECK(reservedNow->getInt(1) == 2);
    auto accepts = query(*c, "SELECT COUNT(*) FROM audit_events WHERE action = 'accept' AND outcome = 'ok'");
    REQUIRE(accepts->next());
    CHECK(accepts->getInt(1) == 1);
}
