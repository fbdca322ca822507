// GET / and GET /web/{file}: the workbench (API.md §12), static files built into the binary. It
// uses only the public API, with the member's session; nothing is fetched from anywhere else.
#include <memory>

#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"

namespace rxflow::http {
namespace {

std::string mediaTypeOf(const std::string& name) {
    auto ends = [&](const std::string& ext) {
        return name.size() >= ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
    };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".js")) return "text/javascript; charset=utf-8";
    if (ends(".css")) return "text/css; charset=utf-8";
    if (ends(".svg")) return "image/svg+xml";
    return "application/octet-stream";
}

// API.md §12: no inline script or style, no framing, no sniffing, no referrer.
Response page(const std::string& name, const std::string& body) {
    Response r = Response::text(200, mediaTypeOf(name), body);
    r.headers = {{"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"},
                 {"Cache-Control", "no-cache"}};
    return r;
}

}  // namespace

void addWebRoutes(Router& r, const std::map<std::string, std::string>& files) {
    auto pages = std::make_shared<const std::map<std::string, std::string>>(files);
    r.add(
        "GET", "/",
        [pages](RequestContext&) {
            auto it = pages->find("index.html");
            if (it == pages->end()) throw Error::notFound("this build has no workbench");
            return page(it->first, it->second);
        },
        Access::Public);
    r.add(
        "GET", "/web/{file}",
        [pages](RequestContext& ctx) {
            auto it = pages->find(ctx.param("file"));
            if (it == pages->end()) throw Error::notFound("no such file of the workbench");
            return page(it->first, it->second);
        },
        Access::Public);
}

}  // namespace rxflow::http
