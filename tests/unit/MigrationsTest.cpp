#include <doctest/doctest.h>

#include <Poco/File.h>

#include <string>
#include <vector>

#include "server/app/Embedded.h"
#include "server/store/Migrations.h"
#include "tests/support/TestEnv.h"

using rxflow::store::Backend;
using rxflow::store::migrationStatements;

namespace {

const std::string kSql =
    "-- a header comment; with a semicolon at its end;\n"
    "CREATE TABLE a (\n"
    "  id   VARCHAR(40) NOT NULL PRIMARY KEY,\n"
    "  body {{LONGTEXT}} NOT NULL\n"
    "){{TABLE_OPTIONS}};\n"
    "\n"
    "   -- an indented comment\n"
    "CREATE INDEX ix_a ON a (id);\n"
    "INSERT INTO a (id, body) VALUES ('x', 'a;b');\n"
    "CREATE TABLE b (id INT){{TABLE_OPTIONS}}\n";

}  // namespace

TEST_CASE("migrationStatements splits at a line-ending semicolon, skips comments, fills the {{...}} markers per backend") {
    const std::vector<std::string> s = migrationStatements(kSql, Backend::Sqlite);
    REQUIRE(s.size() == 4);
    CHECK(s[0] ==
          "CREATE TABLE a (\n"
          "  id   VARCHAR(40) NOT NULL PRIMARY KEY,\n"
          "  body TEXT NOT NULL\n"
          ")");
    CHECK(s[1] == "CREATE INDEX ix_a ON a (id)");
    CHECK(s[2] == "INSERT INTO a (id, body) VALUES ('x', 'a;b')");  // a mid-line ';' does not split
    CHECK(s[3].find("CREATE TABLE b (id INT)") == 0);             // the unterminated last one is kept
    for (const auto& stmt : s) {
        CHECK(stmt.find("--") == std::string::npos);
        CHECK(stmt.find("{{") == std::string::npos);
        CHECK(stmt.find("ENGINE") == std::string::npos);
    }

    const std::vector<std::string> m = migrationStatements(kSql, Backend::Mysql);
    REQUIRE(m.size() == 4);
    CHECK(m[0].find("body LONGTEXT NOT NULL") != std::string::npos);
    CHECK(m[0].find(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin") != std::string::npos);
    CHECK(m[3].find("ENGINE=InnoDB") != std::string::npos);
    CHECK(m[1] == "CREATE INDEX ix_a ON a (id)");
}

TEST_CASE("the embedded migrations create the registry tables in SQLite once and then apply nothing") {
    const std::vector<std::string> files = rxflow::embeddedFilesUnder("sql/");
    REQUIRE_FALSE(files.empty());
    CHECK(files.front() == "sql/001_registry.sql");

    const std::string dir = rxtest::makeTempDir("unit-migrate");
    {
        rxflow::store::Database db(rxflow::store::DbUrl::parse("sqlite3://db=" + dir + "/t.db"),
                                   rxflow::store::PoolOptions{});
        CHECK(rxflow::store::migrate(db, rxflow::embeddedMigrations()) == static_cast<int>(files.size()));
        CHECK(rxflow::store::migrate(db, rxflow::embeddedMigrations()) == 0);

        db.read([&](rxflow::store::Tx& tx) {
            for (const char* table : {"schema_migrations", "principals", "clinics", "doctors", "doctor_clinics",
                                      "trust_anchors", "pharmacies", "pharmacy_stock", "couriers",
                                      "idempotency_keys"}) {
                int n = 0;
                std::string name = table;
                tx.exec("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :n", soci::use(name),
                        soci::into(n));
                CHECK_MESSAGE(n == 1, "table ", table, " missing");
            }
            int recorded = 0;
            tx.exec("SELECT COUNT(*) FROM schema_migrations", soci::into(recorded));
            CHECK(recorded == static_cast<int>(files.size()));
        });
    }
    {
        // A second process (a new pool on the same file) finds nothing to do either.
        rxflow::store::Database again(rxflow::store::DbUrl::parse("sqlite3://db=" + dir + "/t.db"),
                                      rxflow::store::PoolOptions{});
        CHECK(rxflow::store::migrate(again, rxflow::embeddedMigrations()) == 0);
    }
    Poco::File(dir).remove(true);
}
