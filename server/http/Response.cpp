#include "server/http/Response.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPResponse.h>

#include <sstream>

namespace rxflow::http {

Poco::JSON::Object::Ptr object(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> fields) {
    auto o = object();
    for (const auto& [name, value] : fields) o->set(name, value);
    return o;
}

std::string toJson(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
}

Response Response::json(int status, const Poco::Dynamic::Var& value) {
    return Response{status, "application/json", toJson(value), {}};
}

Response Response::text(int status, std::string contentType, std::string body) {
    return Response{status, std::move(contentType), std::move(body), {}};
}

Response problem(const Error& e) {
    auto p = object();
    p->set("type", "about:blank");
    // With type about:blank, the title is the status's standard reason phrase (RFC 9457).
    p->set("title", Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(e.status())));
    p->set("status", e.status());
    p->set("code", e.code());
    p->set("detail", e.detail());
    for (const auto& [name, value] : e.numbers()) p->set(name, value);
    if (e.status() == 400 || e.status() == 422 || !e.errors().empty()) {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        std::vector<FieldError> errors = e.errors();
        // Every 400/422 names at least one failure; one not tied to a part is about the body.
        if (errors.empty()) errors.push_back({"", e.detail(), e.code() == "invalid_request" ? "" : e.code(), {}});
        for (const FieldError& f : errors) {
            auto item = object();
            item->set("path", f.path);
            if (f.line) item->set("line", *f.line);
            item->set("message", f.message);
            if (!f.code.empty()) item->set("code", f.code);
            list->add(item);
        }
        p->set("errors", list);
    }
    Response r = Response::json(e.status(), p);
    r.contentType = "application/problem+json";
    if (e.retryAfter()) r.headers.emplace_back("Retry-After", std::to_string(*e.retryAfter()));
    return r;
}

}  // namespace rxflow::http
