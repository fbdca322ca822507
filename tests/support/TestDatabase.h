#pragma once
// A database of the suite's backend for one test: a SQLite file in a directory of its own, or
// a new MariaDB database (dropped again at the end).
#include <soci/soci.h>

#include <memory>
#include <string>
#include <utility>

namespace rxtest {

class TestDatabase {
public:
    TestDatabase();
    ~TestDatabase();
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& url() const { return url_; }  // for rxflow serve --db
    // Servers started from now on (and connect()) reach the same database by this URL instead,
    // e.g. as a user of the test's own.
    void setUrl(std::string url) { url_ = std::move(url); }
    const std::string& name() const { return name_; }
    // A separate connection, for tests that look at or hold the data behind the server's back.
    std::unique_ptr<soci::session> connect() const;

private:
    std::string url_;
    std::string name_;
    std::string adminUrl_;
    std::string dir_;  // SQLite only
};

// A SOCI connect string ("db=... user=...") from a rxflow URL ("mysql://db=...").
std::string sociParams(const std::string& url);

}  // namespace rxtest
