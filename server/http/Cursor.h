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
// A cursor over a (time, id) key, "createdAt id": lists whose order is by creation, then id.
std::string encodeTimeIdCursor(long long at, const std::string& id);
// False for an empty cursor (at and id untouched); 400 as above for one of another shape.
bool decodeTimeIdCursor(const std::string& cursor, long long& at, std::string& id);

}  // namespace rxflow::http
