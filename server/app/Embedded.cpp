#include "server/app/Embedded.h"

#include <algorithm>

namespace rxflow {

std::optional<std::string> embeddedFile(const std::string& name) {
    for (std::size_t i = 0; i < kEmbeddedFileCount; ++i)
        if (name == kEmbeddedFiles[i].name) return std::string(kEmbeddedFiles[i].data);
    return std::nullopt;
}

std::vector<std::string> embeddedFilesUnder(const std::string& prefix) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
        std::string name = kEmbeddedFiles[i].name;
        if (name.rfind(prefix, 0) == 0) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<store::MigrationFile> embeddedMigrations() {
    std::vector<store::MigrationFile> out;
    for (const std::string& name : embeddedFilesUnder("sql/")) out.push_back({name, *embeddedFile(name)});
    return out;
}

}  // namespace rxflow
