#include "server/domain/Error.h"

namespace rxflow {

const char* defaultCodeFor(int status) {
    switch (status) {
        case 400: return "invalid_request";
        case 401: return "unauthenticated";
        case 403: return "forbidden";
        case 404: return "not_found";
        case 405: return "method_not_allowed";
        case 409: return "conflict";
        case 410: return "gone";
        case 412: return "version_mismatch";
        case 413: return "payload_too_large";
        case 415: return "unsupported_media_type";
        case 422: return "unprocessable";
        case 423: return "locked";
        case 429: return "rate_limited";
        case 503: return "unavailable";
        default: return status >= 500 ? "internal_error" : "error";
    }
}

}  // namespace rxflow
