// DbUrl parsing and the transaction machinery of server/store/Database.h on a real SQLite file.
#include <Poco/File.h>
#include <doctest/doctest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "server/store/Database.h"
#include "tests/support/TestEnv.h"

using rxflow::store::Backend;
using rxflow::store::Database;
using rxflow::store::DbUrl;
using rxflow::store::PoolOptions;
using rxflow::store::Tx;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// A SQLite database in a fresh directory with one table t(id, v), removed at the end.
struct ScratchDb {
    std::string dir = rxtest::makeTempDir("unit-db");
    std::unique_ptr<Database> db;

    explicit ScratchDb(PoolOptions options = {}) {
        db = std::make_unique<Database>(DbUrl::parse("sqlite3://db=" + dir + "/t.db"), options);
        db->write([](Tx& tx) { tx.exec("CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, v TEXT NOT NULL)"); });
    }
    ~ScratchDb() {
        db.reset();
        Poco::File(dir).remove(true);
    }
    int rows(int id) {
        return db->read([id](Tx& tx) {
            int n = 0;
            int key = id;
            tx.exec("SELECT COUNT(*) FROM t WHERE id = :id", soci::use(key), soci::into(n));
            return n;
        });
    }
};

void insert(Tx& tx, int id, const std::string& v) {
    int key = id;
    std::string value = v;
    tx.change("INSERT INTO t (id, v) VALUES (:id, :v)", soci::use(key), soci::use(value));
}

}  // namespace

TEST_CASE("DbUrl parses sqlite3 and mysql URLs, adds charset=utf8mb4 for mysql and redacts the password") {
    const DbUrl u = DbUrl::parse("sqlite3://db=/var/lib/rxflow/rxflow.db");
    CHECK(u.backend == Backend::Sqlite);
    CHECK(u.params == "db=/var/lib/rxflow/rxflow.db");
    CHECK(u.redacted() == "sqlite3://db=/var/lib/rxflow/rxflow.db");

    const DbUrl m = DbUrl::parse("mysql://db=rxflow user=rx password=s3cr3t host=10.0.0.5 port=3306");
    CHECK(m.backend == Backend::Mysql);
    for (const char* p : {"db=rxflow", "user=rx", "password=s3cr3t", "host=10.0.0.5", "port=3306", "charset=utf8mb4"})
        CHECK_MESSAGE(contains(" " + m.params + " ", std::string(" ") + p + " "), p, " missing from ", m.params);

    const std::string shown = m.redacted();
    CHECK(shown.rfind("mysql://", 0) == 0);
    CHECK(contains(shown, "password=***"));
    CHECK_FALSE(contains(shown, "s3cr3t"));
    CHECK(contains(shown, "user=rx"));

    const DbUrl latin = DbUrl::parse("mysql://db=x charset=latin1");
    CHECK(contains(latin.params, "charset=latin1"));
    CHECK_FALSE(contains(latin.params, "utf8mb4"));
}

TEST_CASE("DbUrl rejects other schemes, a missing db= and malformed parameters") {
    CHECK_THROWS_AS(DbUrl::parse("postgresql://db=x"), std::invalid_argument);
    CHECK_THROWS_AS(DbUrl::parse("db=x"), std::invalid_argument);
    CHECK_THROWS_AS(DbUrl::parse("SQLITE3://db=x"), std::invalid_argument);
    CHECK_THROWS_AS(DbUrl::parse("sqlite3://"), std::invalid_argument);
    CHECK_THROWS_AS(DbUrl::parse("sqlite3://db="), std::invalid_argument);
    CHECK_THROWS_AS(DbUrl::parse("mysql://user=u password=p"), std::invalid_argument);
    CHECK_THROWS_AS(DbUrl::parse("mysql://db=x junk"), std::invalid_argument);
}

TEST_CASE("a write transaction commits and an exception thrown inside it rolls everything back") {
    ScratchDb s;
    const int returned = s.db->write([](Tx& tx) {
        insert(tx, 1, "kept");
        return 42;
    });
    CHECK(returned == 42);
    CHECK(s.rows(1) == 1);

    CHECK_THROWS_WITH_AS(s.db->write([](Tx& tx) {
        insert(tx, 2, "lost");
        insert(tx, 3, "lost too");
        throw std::runtime_error("refused");
    }),
                         "refused", std::runtime_error);
    CHECK(s.rows(2) == 0);
    CHECK(s.rows(3) == 0);
    CHECK(s.db->inUse() == 0);

    // A domain refusal (rxflow::Error) passes through unchanged, also rolled back.
    try {
        s.db->write([](Tx& tx) {
            insert(tx, 4, "lost");
            throw rxflow::Error::conflict("invalid_state", "no");
        });
        FAIL("expected rxflow::Error");
    } catch (const rxflow::Error& e) {
        CHECK(e.status() == 409);
        CHECK(e.code() == "invalid_state");
    }
    CHECK(s.rows(4) == 0);
}

TEST_CASE("RetryTransaction rolls back and reruns the transaction, retried every time it ends as 503") {
    ScratchDb s;
    int attempts = 0;
    const std::string result = s.db->write([&](Tx& tx) {
        ++attempts;
        insert(tx, 7, "attempt " + std::to_string(attempts));  // a leftover would collide on the retry
        if (attempts <= 2) throw rxflow::store::RetryTransaction{};
        return std::string("done");
    });
    CHECK(result == "done");
    CHECK(attempts == 3);
    const std::string v = s.db->read([](Tx& tx) {
        std::string out;
        tx.exec("SELECT v FROM t WHERE id = 7", soci::into(out));
        return out;
    });
    CHECK(v == "attempt 3");

    // Every attempt asks for a retry: after maxAttempts (3 here) the caller gets 503.
    PoolOptions options;
    options.maxAttempts = 3;
    ScratchDb bounded(options);
    attempts = 0;
    try {
        bounded.db->write([&](Tx& tx) {
            ++attempts;
            insert(tx, 9, "never");
            throw rxflow::store::RetryTransaction{};
        });
        FAIL("expected rxflow::Error");
    } catch (const rxflow::Error& e) {
        CHECK(e.status() == 503);
        CHECK(e.code() == "unavailable");
    }
    CHECK(attempts == 3);
    CHECK(bounded.rows(9) == 0);
    CHECK(bounded.db->inUse() == 0);
}

TEST_CASE("with a pool of one, a nested read inside a read times out as 503 and is counted") {
    ScratchDb s(PoolOptions{1, 100, 5000, 6});
    CHECK(s.db->poolSize() == 1);
    CHECK(s.db->leaseTimeouts() == 0);
    int inner = 0;
    try {
        s.db->read([&](Tx&) {
            CHECK(s.db->inUse() == 1);
            s.db->read([&](Tx&) { ++inner; });
        });
        FAIL("expected rxflow::Error");
    } catch (const rxflow::Error& e) {
        CHECK(e.status() == 503);
    }
    CHECK(inner == 0);
    CHECK(s.db->leaseTimeouts() == 1);
    CHECK(s.db->inUse() == 0);
}

TEST_CASE("SQLite writes run on one writer session: a nested write times out as 503, is counted and rolls back") {
    ScratchDb s(PoolOptions{1, 100, 5000, 6});
    int inner = 0;
    try {
        s.db->write([&](Tx& tx) {
            insert(tx, 5, "outer");
            CHECK(s.db->inUse() == 1);
            s.db->read([&](Tx&) { ++inner; });  // a read still finds the pooled session
            s.db->write([&](Tx&) { inner += 10; });
        });
        FAIL("expected rxflow::Error");
    } catch (const rxflow::Error& e) {
        CHECK(e.status() == 503);
    }
    CHECK(inner == 1);
    CHECK(s.db->leaseTimeouts() == 1);
    CHECK(s.db->inUse() == 0);
    CHECK(s.rows(5) == 0);  // the outer transaction was rolled back, and the writer session was let go
}

TEST_CASE("SQLite writes waiting together run as one group: each refusal undoes only its own changes") {
    ScratchDb s;
    const long long groupsBefore = s.db->writeGroups();
    std::atomic<bool> leaderIn{false}, release{false};
    std::thread leader([&] {
        s.db->write([&](Tx& tx) {
            insert(tx, 1, "leader");
            leaderIn = true;
            while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
    });
    while (!leaderIn) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // Six writes queue behind the one running: plain ones, a refused one, one failing in SQL
    // (a duplicate key) and one that asks to run again once.
    std::atomic<int> retried{0};
    std::vector<std::string> outcomes(6);
    std::vector<std::thread> writers;
    for (int k = 0; k < 6; ++k)
        writers.emplace_back([&, k] {
            try {
                s.db->write([&](Tx& tx) {
                    insert(tx, 10 + k, "w");
                    if (k == 3) throw rxflow::Error::conflict("refused", "no");
                    if (k == 4) insert(tx, 1, "duplicate");
                    if (k == 5 && retried++ == 0) throw rxflow::store::RetryTransaction{};
                });
                outcomes[k] = "ok";
            } catch (const rxflow::Error& e) {
                outcomes[k] = e.code();
            } catch (const soci::soci_error&) {
                outcomes[k] = "sql";
            }
        });
    while (s.db->writesWaiting() < 6) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    release = true;
    leader.join();
    for (auto& w : writers) w.join();
    CHECK(outcomes == std::vector<std::string>{"ok", "ok", "ok", "refused", "sql", "ok"});
    for (int id : {1, 10, 11, 12, 15}) CHECK_MESSAGE(s.rows(id) == 1, id);
    CHECK(s.rows(13) == 0);
    CHECK(s.rows(14) == 0);
    CHECK(retried == 2);
    // The leader's group, the six queued in one, and the one asked to run again.
    CHECK(s.db->writeGroups() - groupsBefore == 3);
    CHECK(s.db->inUse() == 0);
}

TEST_CASE("a statement prepared once answers each use with that use's parameters, rows and changes") {
    ScratchDb s;
    s.db->write([](Tx& tx) {
        for (int i = 1; i <= 3; ++i) {
            int id = i;
            std::string v = "v" + std::to_string(i);
            CHECK(tx.change("INSERT INTO t (id, v) VALUES (:id, :v)", soci::use(id), soci::use(v)) == 1);
        }
    });
    s.db->read([](Tx& tx) {
        for (int i : {2, 1, 3, 7}) {
            std::string v;
            const bool found = tx.exec("SELECT v FROM t WHERE id = :id", soci::use(i), soci::into(v));
            CHECK(found == (i != 7));
            CHECK(v == (i == 7 ? "" : "v" + std::to_string(i)));
        }
        std::vector<std::string> seen;
        int above = 1;
        tx.each("SELECT v FROM t WHERE id > :a ORDER BY id", [&](const soci::row& r) { seen.push_back(r.get<std::string>(0)); },
                soci::use(above));
        CHECK(seen == std::vector<std::string>{"v2", "v3"});
        above = 3;
        seen.clear();
        tx.each("SELECT v FROM t WHERE id > :a ORDER BY id", [&](const soci::row& r) { seen.push_back(r.get<std::string>(0)); },
                soci::use(above));
        CHECK(seen.empty());
    });
    // A use that fails (a duplicate key) drops the statement; the next use prepares it again.
    s.db->write([](Tx& tx) {
        int id = 2;
        std::string v = "again";
        CHECK_THROWS_AS(tx.change("INSERT INTO t (id, v) VALUES (:id, :v)", soci::use(id), soci::use(v)), soci::soci_error);
        id = 4;
        CHECK(tx.change("INSERT INTO t (id, v) VALUES (:id, :v)", soci::use(id), soci::use(v)) == 1);
        CHECK(tx.change("UPDATE t SET v = :v WHERE id > :a", soci::use(v), soci::use(id)) == 0);
    });
    CHECK(s.rows(4) == 1);
}

TEST_CASE("a statement stopped on its first row holds no snapshot after the use: later reads see later commits") {
    ScratchDb s(PoolOptions{1, 100, 5000, 6});  // one pooled session, so each read reuses its statement
    auto count = [&] {
        return s.db->read([](Tx& tx) {
            std::string v;
            int n = 0;
            tx.exec("SELECT v FROM t ORDER BY id", soci::into(v));  // two rows: stops on the first
            tx.exec("SELECT COUNT(*) FROM t", soci::into(n));
            return n;
        });
    };
    s.db->write([](Tx& tx) { insert(tx, 1, "a"); insert(tx, 2, "b"); });
    CHECK(count() == 2);
    s.db->write([](Tx& tx) { insert(tx, 3, "c"); });
    CHECK(count() == 3);
    s.db->write([](Tx& tx) { insert(tx, 4, "d"); });  // would be refused as a stale snapshot had one lingered
    CHECK(count() == 4);
}

TEST_CASE("isUniqueViolation recognises a duplicate primary key and not other SQL errors") {
    ScratchDb s;
    s.db->write([](Tx& tx) { insert(tx, 1, "first"); });
    s.db->write([](Tx& tx) {
        bool unique = false;
        try {
            insert(tx, 1, "again");
        } catch (const soci::soci_error& e) {
            unique = rxflow::store::isUniqueViolation(e);
        }
        CHECK(unique);

        bool other = true;
        try {
            tx.exec("SELECT nope FROM no_such_table");
        } catch (const soci::soci_error& e) {
            other = rxflow::store::isUniqueViolation(e);
        }
        CHECK_FALSE(other);

        CHECK_FALSE(rxflow::store::insertUnlessExists([&] { insert(tx, 1, "third"); }));
        CHECK(rxflow::store::insertUnlessExists([&] { insert(tx, 2, "new"); }));
    });
    CHECK(s.rows(1) == 1);
    CHECK(s.rows(2) == 1);
}

TEST_CASE("a full disk, a read-only or damaged database and an I/O error are storage faults, not retried") {
    using rxflow::store::classifyFailure;
    using rxflow::store::Failure;
    using rxflow::store::unwritableReason;
    for (int rc : {13 /* FULL */, 10 /* IOERR */, 8 /* READONLY */, 14 /* CANTOPEN */, 11 /* CORRUPT */}) {
        CAPTURE(rc);
        CHECK(classifyFailure(Backend::Sqlite, soci::sqlite3_soci_error("x", rc)) == Failure::Unwritable);
    }
    // Extended codes keep their primary code's class (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED).
    CHECK(classifyFailure(Backend::Sqlite, soci::sqlite3_soci_error("x", 10 | (3 << 8))) ==
          Failure::Unwritable);
    CHECK(classifyFailure(Backend::Sqlite, soci::sqlite3_soci_error("x", 8 | (4 << 8))) ==
          Failure::Unwritable);
    CHECK(unwritableReason(Backend::Sqlite, soci::sqlite3_soci_error("x", 13)) == "the disk is full");
    CHECK(classifyFailure(Backend::Sqlite, soci::sqlite3_soci_error("x", 5)) == Failure::Busy);
    CHECK(classifyFailure(Backend::Sqlite, soci::sqlite3_soci_error("x", 19 /* CONSTRAINT */)) ==
          Failure::Fatal);
    for (int code : {1021, 1114, 1290, 1836, 1792, 1030}) {
        CAPTURE(code);
        CHECK(classifyFailure(Backend::Mysql, soci::mysql_soci_error("x", code)) == Failure::Unwritable);
    }
    CHECK(unwritableReason(Backend::Mysql, soci::mysql_soci_error("x", 1290)) == "the database is read-only");
    CHECK(classifyFailure(Backend::Mysql, soci::mysql_soci_error("x", 1213)) == Failure::Busy);
    CHECK(classifyFailure(Backend::Mysql, soci::mysql_soci_error("x", 2013)) == Failure::Connection);
    CHECK(classifyFailure(Backend::Mysql, soci::mysql_soci_error("x", 1062)) == Failure::Fatal);
}

TEST_CASE("store health: a failed write holds until a write commits, files gone hold for good") {
    rxflow::store::StoreHealth h;
    using State = rxflow::store::StoreHealth::State;
    CHECK(h.state() == State::Writable);
    CHECK(!h.problem());
    h.failed("the disk is full", "database or disk is full");
    CHECK(h.state() == State::Failing);
    CHECK(h.problem() == std::optional<std::string>("the disk is full"));
    h.committed();
    CHECK(h.state() == State::Writable);
    CHECK(!h.problem());
    h.halted("the database files were replaced", "logged");
    h.committed();
    h.failed("the disk is full", "x");
    CHECK(h.state() == State::Halted);
    CHECK(h.problem() == std::optional<std::string>("the database files were replaced"));
}

TEST_CASE(
    "a SQLite WAL removed under the database refuses every later write with 503 and keeps what was written") {
    ScratchDb s;
    s.db->write([](Tx& tx) { insert(tx, 1, "before"); });
    CHECK(!s.db->writeProblem());
    Poco::File(s.dir + "/t.db-wal").remove();
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            s.db->write([](Tx& tx) { insert(tx, 2, "after"); });
            FAIL("the write was acknowledged");
        } catch (const rxflow::Error& e) {
            CHECK(e.status() == 503);
            CHECK(e.code() == "unavailable");
        }
    }
    CHECK(s.db->writeState() == rxflow::store::StoreHealth::State::Halted);
    CHECK(s.db->writeProblem());
    CHECK(s.rows(1) == 1);  // reads go on
    CHECK(s.rows(2) == 0);
    // The acknowledged row was checkpointed into t.db: a copy of the file alone has it.
    Poco::File(s.dir + "/t.db").copyTo(s.dir + "/alone.db");
    soci::session alone(soci::sqlite3, "db=" + s.dir + "/alone.db");
    int n = 0;
    alone << "SELECT COUNT(*) FROM t WHERE id = 1", soci::into(n);
    CHECK(n == 1);
}
