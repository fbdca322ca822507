#include "server/http/Cursor.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

#include <sstream>

#include "server/domain/Error.h"

namespace rxflow::http {

std::string encodeCursor(const std::string& key) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    enc << key;
    enc.close();
    return out.str();
}

std::string decodeCursor(const std::string& cursor) {
    if (cursor.empty()) return {};
    try {
        std::istringstream in(cursor);
        Poco::Base64Decoder dec(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        std::string key((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
        if (!key.empty()) return key;
    } catch (const Poco::Exception&) {
    }
    throw Error::badRequest("cursor is not one this server issued", {{"query:cursor", "unknown cursor", "", {}}});
}

long long decodeNumberCursor(const std::string& cursor) {
    const std::string key = decodeCursor(cursor);
    Poco::Int64 n = 0;
    if (key.empty()) return 0;
    if (!Poco::NumberParser::tryParse64(key, n) || n < 0)
        throw Error::badRequest("cursor is not one this server issued", {{"query:cursor", "unknown cursor", "", {}}});
    return n;
}

std::string encodeTimeIdCursor(long long at, const std::string& id) { return encodeCursor(std::to_string(at) + " " + id); }

bool decodeTimeIdCursor(const std::string& cursor, long long& at, std::string& id) {
    const std::string key = decodeCursor(cursor);
    if (key.empty()) return false;
    const auto space = key.find(' ');
    Poco::Int64 n = 0;
    if (space == std::string::npos || !Poco::NumberParser::tryParse64(key.substr(0, space), n))
        throw Error::badRequest("cursor is not one this server issued", {{"query:cursor", "unknown cursor", "", {}}});
    at = n;
    id = key.substr(space + 1);
    return true;
}

}  // namespace rxflow::http
