#include "tests/support/TestDatabase.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <Poco/File.h>

#include <regex>

#include "tests/support/TestEnv.h"

namespace rxtest {

std::string sociParams(const std::string& url) { return url.substr(url.find("://") + 3); }

TestDatabase::TestDatabase() {
    if (!onMysql()) {
        dir_ = makeTempDir("db");  // its own, so servers sharing it may come and go
        name_ = dir_ + "/rxflow.db";
        url_ = "sqlite3://db=" + name_;
        return;
    }
    adminUrl_ = mysqlBaseUrl();
    name_ = "rxt_" + randomHex(6);
    soci::session admin(soci::mysql, sociParams(adminUrl_));
    admin << "CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    url_ = std::regex_replace(adminUrl_, std::regex("db=[^ ]+"), "db=" + name_);
}

TestDatabase::~TestDatabase() {
    if (!dir_.empty()) {
        try {
            Poco::File(dir_).remove(true);
        } catch (...) {
        }
    }
    if (adminUrl_.empty()) return;
    try {
        soci::session admin(soci::mysql, sociParams(adminUrl_));
        admin << "DROP DATABASE IF EXISTS " + name_;
    } catch (...) {
        // Left behind for inspection; scripts/mysql.sh stop removes the whole server.
    }
}

std::unique_ptr<soci::session> TestDatabase::connect() const {
    if (onMysql()) return std::make_unique<soci::session>(soci::mysql, sociParams(url_));
    auto s = std::make_unique<soci::session>(soci::sqlite3, sociParams(url_));
    *s << "PRAGMA busy_timeout=5000";
    return s;
}

}  // namespace rxtest
