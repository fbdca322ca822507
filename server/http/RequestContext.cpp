#include "server/http/RequestContext.h"

#include <Poco/NumberParser.h>

#include "server/http/BodyReader.h"

namespace rxflow::http {

const Principal& RequestContext::principal() const {
    if (!principal_) throw Error::unauthenticated("a bearer token is required");
    return *principal_;
}

const Principal& RequestContext::require(std::initializer_list<Role> roles) const {
    const Principal& p = principal();
    for (Role r : roles)
        if (p.role == r) return p;
    throw Error::forbidden(std::string("the ") + roleName(p.role) + " role may not do this");
}

const Principal& RequestContext::require(std::initializer_list<Role> roles,
                                        std::initializer_list<StaffKind> kinds) const {
    const Principal& p = require(roles);
    if (!p.staff) return p;
    for (StaffKind k : kinds)
        if (p.staff->kind == k) return p;
    throw Error::forbidden(std::string("a ") + staffKindName(p.staff->kind) + " may not do this");
}

std::string RequestContext::query(const std::string& name, const std::string& fallback) const {
    auto it = query_.find(name);
    return it == query_.end() ? fallback : it->second;
}

Poco::JSON::Object::Ptr RequestContext::json() {
    if (!json_) json_ = parseObject(body_);
    return json_;
}

std::size_t listLimit(const RequestContext& ctx) {
    const std::string raw = ctx.query("limit", "50");
    int limit = 0;
    if (!Poco::NumberParser::tryParse(raw, limit) || limit < 1 || limit > 200)
        throw Error::badRequest("limit must be an integer from 1 to 200", {{"query:limit", "1 to 200", "", {}}});
    return static_cast<std::size_t>(limit);
}

}  // namespace rxflow::http
