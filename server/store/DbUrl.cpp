#include "server/store/DbUrl.h"

#include <map>
#include <sstream>
#include <stdexcept>

namespace rxflow::store {
namespace {

// "k=v k=v" (SOCI's own connection-string form) into a map; values may not contain spaces.
std::map<std::string, std::string> splitParams(const std::string& params) {
    std::map<std::string, std::string> out;
    std::istringstream in(params);
    std::string word;
    while (in >> word) {
        auto eq = word.find('=');
        if (eq == std::string::npos || eq == 0) throw std::invalid_argument("expected key=value, got '" + word + "'");
        out[word.substr(0, eq)] = word.substr(eq + 1);
    }
    return out;
}

}  // namespace

DbUrl DbUrl::parse(const std::string& url) {
    DbUrl out;
    std::string rest;
    if (url.rfind("sqlite3://", 0) == 0) {
        out.backend = Backend::Sqlite;
        rest = url.substr(10);
    } else if (url.rfind("mysql://", 0) == 0) {
        out.backend = Backend::Mysql;
        rest = url.substr(8);
    } else {
        throw std::invalid_argument("database URL must start with sqlite3:// or mysql://");
    }
    auto params = splitParams(rest);
    if (params["db"].empty()) throw std::invalid_argument("database URL needs db=...");
    if (out.backend == Backend::Mysql && !params.count("charset")) params["charset"] = "utf8mb4";
    for (const auto& [k, v] : params) out.params += (out.params.empty() ? "" : " ") + k + "=" + v;
    return out;
}

std::string DbUrl::redacted() const {
    std::string shown;
    for (const auto& [k, v] : splitParams(params))
        shown += (shown.empty() ? "" : " ") + k + "=" + (k == "password" ? "***" : v);
    return (backend == Backend::Mysql ? "mysql://" : "sqlite3://") + shown;
}

std::string DbUrl::value(const std::string& key) const {
    auto all = splitParams(params);
    auto it = all.find(key);
    return it == all.end() ? "" : it->second;
}

}  // namespace rxflow::store
