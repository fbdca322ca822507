#pragma once
// Which database the suite runs against (--backend=sqlite|mysql) and scratch space.
#include <string>

namespace rxtest {

enum class Backend { Sqlite, Mysql };

Backend backend();
void setBackend(const std::string& name);
bool onMysql();
// RXFLOW_TEST_MYSQL_URL, as printed by scripts/mysql.sh url; fails the test when unset.
std::string mysqlBaseUrl();
// A fresh directory under $TMPDIR, removed by the caller (TestServer does).
std::string makeTempDir(const std::string& tag);
std::string randomHex(std::size_t bytes);

}  // namespace rxtest
