#pragma once
// Which database, and how to reach it: sqlite3:// or mysql:// URLs in SOCI's own
// "key=value key=value" form.
#include <string>

namespace rxflow::store {

enum class Backend { Sqlite, Mysql };

struct DbUrl {
    Backend backend = Backend::Sqlite;
    std::string params;  // SOCI connection parameters, e.g. "db=/x/rxflow.db"
    // sqlite3://db=PATH or mysql://db=NAME user=U password=P host=H port=N.
    // Throws std::invalid_argument naming what is wrong.
    static DbUrl parse(const std::string& url);
    std::string redacted() const;  // for logs: the password replaced by ***
    std::string value(const std::string& key) const;  // one parameter ("" when absent), e.g. "db"
};

}  // namespace rxflow::store
