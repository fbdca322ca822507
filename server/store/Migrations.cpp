#include "server/store/Migrations.h"

#include <Poco/String.h>

#include <chrono>
#include <sstream>


namespace rxflow::store {
namespace {

std::string fill(std::string sql, Backend backend) {
    const bool mysql = backend == Backend::Mysql;
    Poco::replaceInPlace(sql, std::string("{{TABLE_OPTIONS}}"),
                         std::string(mysql ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : ""));
    Poco::replaceInPlace(sql, std::string("{{LONGTEXT}}"), std::string(mysql ? "LONGTEXT" : "TEXT"));
    Poco::replaceInPlace(sql, std::string("{{AUTOINC_PK}}"),
                         std::string(mysql ? "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"
                                           : "INTEGER PRIMARY KEY AUTOINCREMENT"));
    return sql;
}

long long nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Applies what is missing on a session that already holds the migration lock.
int applyPending(soci::session& s, Backend backend, const std::vector<MigrationFile>& files) {
    s << "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR(200) NOT NULL PRIMARY KEY, "
         "applied_at BIGINT NOT NULL)" +
             fill("{{TABLE_OPTIONS}}", backend);
    int applied = 0;
    for (const MigrationFile& file : files) {
        int seen = 0;
        s << "SELECT COUNT(*) FROM schema_migrations WHERE name = :n", soci::use(file.name), soci::into(seen);
        if (seen) continue;
        for (const std::string& stmt : migrationStatements(file.sql, backend)) s << stmt;
        long long at = nowMs();
        s << "INSERT INTO schema_migrations (name, applied_at) VALUES (:n, :a)", soci::use(file.name), soci::use(at);
        ++applied;
    }
    return applied;
}

}  // namespace

std::vector<std::string> migrationStatements(const std::string& sql, Backend backend) {
    std::vector<std::string> out;
    std::istringstream in(fill(sql, backend));
    std::string line, current;
    while (std::getline(in, line)) {
        std::string trimmed = Poco::trim(line);
        if (trimmed.empty() || trimmed.rfind("--", 0) == 0) continue;
        current += line + "\n";
        if (trimmed.back() == ';') {
            current.erase(current.find_last_of(';'));
            out.push_back(current);
            current.clear();
        }
    }
    if (!Poco::trim(current).empty()) out.push_back(current);
    return out;
}

int migrate(Database& db, const std::vector<MigrationFile>& files) {
    const Backend backend = db.backend();
    return db.withSession([backend, &files](soci::session& s) {
        if (backend == Backend::Sqlite) {
            // SQLite's DDL is transactional: all or nothing, one process at a time.
            s << "BEGIN IMMEDIATE";
            try {
                int n = applyPending(s, backend, files);
                s << "COMMIT";
                return n;
            } catch (...) {
                s << "ROLLBACK";
                throw;
            }
        }
        // MySQL commits each DDL statement by itself; a named lock keeps processes apart.
        int locked = 0;
        s << "SELECT GET_LOCK('rxflow_migrations', 120)", soci::into(locked);
        if (locked != 1) throw std::runtime_error("could not take the migration lock within 120 s");
        try {
            int n = applyPending(s, backend, files);
            s << "DO RELEASE_LOCK('rxflow_migrations')";
            return n;
        } catch (...) {
            s << "DO RELEASE_LOCK('rxflow_migrations')";
            throw;
        }
    });
}

}  // namespace rxflow::store
