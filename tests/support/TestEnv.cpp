#include "tests/support/TestEnv.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>

#include "signing/digest.h"
#include "signing/seal.h"

namespace rxtest {
namespace {
Backend g_backend = Backend::Sqlite;
}

Backend backend() { return g_backend; }
bool onMysql() { return g_backend == Backend::Mysql; }

void setBackend(const std::string& name) {
    if (name == "sqlite")
        g_backend = Backend::Sqlite;
    else if (name == "mysql")
        g_backend = Backend::Mysql;
    else
        throw std::invalid_argument("--backend must be sqlite or mysql");
}

std::string mysqlBaseUrl() {
    const char* url = std::getenv("RXFLOW_TEST_MYSQL_URL");
    if (!url || !*url)
        throw std::runtime_error("RXFLOW_TEST_MYSQL_URL is not set: start MariaDB with scripts/mysql.sh start "
                                 "and export its url (scripts/test.sh does both)");
    return url;
}

std::string makeTempDir(const std::string& tag) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/rxflow-" + tag + "-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

std::string randomHex(std::size_t bytes) { return rxsign::toHex(rxsign::randomBytes(bytes)); }

}  // namespace rxtest
