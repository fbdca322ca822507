#pragma once
// Files from schemas/ compiled into the binary (migrations, drug catalog), so a deployed
// rxflow carries the schema it expects. See CMakeLists.txt.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "server/store/Migrations.h"

namespace rxflow {

struct EmbeddedFile {
    const char* name;  // path below schemas/, e.g. "sql/001_init.sql"; the workbench's "web/app.js"
    const char* data;
};
extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

// The embedded file with this name, if any.
std::optional<std::string> embeddedFile(const std::string& name);
// Names of the embedded files below `prefix`, sorted.
std::vector<std::string> embeddedFilesUnder(const std::string& prefix);
// The migrations of schemas/sql/, in name order, as the store takes them.
std::vector<store::MigrationFile> embeddedMigrations();

}  // namespace rxflow
