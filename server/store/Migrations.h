#pragma once
#include "server/store/Database.h"

namespace rxflow::store {

// Applies the migrations compiled in from schemas/sql/ that this database has not seen yet,
// in name order, and records each in schema_migrations. Safe to run from several processes at
// once: SQLite serialises on BEGIN IMMEDIATE, MySQL on a named lock. Returns how many it applied.
int migrate(Database& db);

// The statements of one migration file for a backend, its {{...}} markers filled in.
std::vector<std::string> migrationStatements(const std::string& sql, Backend backend);

}  // namespace rxflow::store
