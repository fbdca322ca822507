#pragma once
#include <string>
#include <vector>

#include "server/store/Database.h"

namespace rxflow::store {

// One migration script: its name (recorded in schema_migrations) and its SQL, with {{...}}
// markers for what differs between backends. The app hands them over (compiled in from
// schemas/sql/); the store does not know where they come from.
struct MigrationFile {
    std::string name;
    std::string sql;
};

// Applies the migrations this database has not seen yet, in the order given (name order), and
// records each in schema_migrations. Safe to run from several processes at once: SQLite
// serialises on BEGIN IMMEDIATE, MySQL on a named lock. Returns how many it applied.
int migrate(Database& db, const std::vector<MigrationFile>& files);

// The statements of one migration file for a backend, its {{...}} markers filled in.
std::vector<std::string> migrationStatements(const std::string& sql, Backend backend);

}  // namespace rxflow::store
