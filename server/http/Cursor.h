#pragma once
// Opaque list cursors (API.md §5): base64url of the last row's sort key. Clients must not
// parse them; a cursor this server did not issue is a 400.
#include <string>

namespace rxflow::http {

std::string encodeCursor(const std::string& key);
// Empty for an empty cursor; throws 400 for one that does not decode.
std::string decodeCursor(const std::string& cursor);
// A cursor over an integer key (a sequence number): 0 for an empty cursor; 400 as above.
long long decodeNumberCursor(const std::string& cursor);

}  // namespace rxflow::http
