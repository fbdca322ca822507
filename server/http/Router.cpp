#include "server/http/Router.h"

#include <Poco/URI.h>

namespace rxflow::http {
namespace {

std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool isCapture(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

Route& Router::add(const std::string& method, const std::string& pattern, Handler handler, Access access) {
    routes_.push_back(Route{method, pattern, std::move(handler), access, "", split(pattern)});
    return routes_.back();
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    Match m;
    const std::vector<std::string> segs = split(path);
    for (const Route& r : routes_) {
        if (r.segments.size() != segs.size()) continue;
        std::map<std::string, std::string> params;
        bool same = true;
        for (std::size_t i = 0; i < segs.size() && same; ++i) {
            if (isCapture(r.segments[i])) {
                const std::string name = r.segments[i].substr(1, r.segments[i].size() - 2);
                std::string value;
                try {
                    Poco::URI::decode(segs[i], value);
                } catch (const Poco::SyntaxException&) {
                    throw Error::badRequest("the path has malformed percent-encoding",
                                            {{"path:" + name, "malformed percent-encoding", "", {}}});
                }
                same = !value.empty();
                params[name] = value;
            } else {
                same = r.segments[i] == segs[i];
            }
        }
        if (!same) continue;
        // HEAD is answered wherever GET is: the same headers, no body (Poco sends none for HEAD).
        if (r.method == method || (method == "HEAD" && r.method == "GET")) {
            m.route = &r;
            m.params = std::move(params);
            return m;
        }
        m.allowed.push_back(r.method);
        if (r.method == "GET") m.allowed.push_back("HEAD");
    }
    return m;
}

}  // namespace rxflow::http
