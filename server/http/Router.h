#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and {name} captures; the
// pattern is also the route's name in metrics and logs, so ids never explode label counts.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "server/http/Response.h"

namespace rxflow::http {

class RequestContext;
using Handler = std::function<Response(RequestContext&)>;

enum class Access { Public, Token };

struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    Access access = Access::Token;
    std::string alsoAccepts;  // a body type besides application/json (text/csv statements, FHIR)
    std::vector<std::string> segments;
};

class Router {
public:
    Route& add(const std::string& method, const std::string& pattern, Handler handler,
               Access access = Access::Token);

    struct Match {
        const Route* route = nullptr;
        std::map<std::string, std::string> params;
        std::vector<std::string> allowed;  // methods of other routes on this path, for 405
    };
    Match match(const std::string& method, const std::string& path) const;

private:
    std::vector<Route> routes_;
};

}  // namespace rxflow::http
