#pragma once
// Writing key material to disk: mode 0600 from creation (never readable by others, not even for
// a moment), synced, then renamed into place so a reader never sees half a key.
#include <string>

namespace rxsign {

// Throws std::runtime_error naming the path when it cannot be written.
void writeSecretFile(const std::string& path, const std::string& text);

}  // namespace rxsign
