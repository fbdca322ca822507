#include "server/net/Wire.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/String.h>

#include <sstream>

namespace rxflow::net {

const std::string& Incoming::empty() {
    static const std::string none;
    return none;
}

const std::string& Incoming::header(const std::string& name, const std::string& fallback) const {
    for (const auto& [n, v] : headers)
        if (Poco::icompare(n, name) == 0) return v;
    return fallback;
}

bool Incoming::hasHeader(const std::string& name) const {
    for (const auto& h : headers)
        if (Poco::icompare(h.first, name) == 0) return true;
    return false;
}

std::string serialise(const Outgoing& out, bool head, bool keepAlive, const Headers& extra) {
    std::string s;
    s.reserve(256 + (head ? 0 : out.body.size()));
    s += "HTTP/1.1 ";
    s += std::to_string(out.status);
    s += ' ';
    s += Poco::Net::HTTPResponse::getReasonForStatus(
        static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
    s += "\r\nDate: ";
    s += Poco::DateTimeFormatter::format(Poco::DateTime(), Poco::DateTimeFormat::HTTP_FORMAT);
    s += "\r\n";
    for (const auto* list : {&out.headers, &extra})
        for (const auto& [name, value] : *list) {
            s += name;
            s += ": ";
            s += value;
            s += "\r\n";
        }
    if (out.status != 204) {  // a 204 has no body and says no length (RFC 9110 §8.6)
        s += "Content-Length: ";
        s += std::to_string(out.body.size());
        s += "\r\n";
    }
    s += keepAlive ? "\r\n" : "Connection: close\r\n\r\n";
    if (!head) s += out.body;
    return s;
}

Outgoing frontProblem(int status, const std::string& code, const std::string& detail, const std::string& part,
                      bool close) {
    Poco::JSON::Object p(Poco::JSON_PRESERVE_KEY_ORDER);
    p.set("type", "about:blank");
    p.set("title", Poco::Net::HTTPResponse::getReasonForStatus(
                       static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status)));
    p.set("status", status);
    p.set("code", code);
    p.set("detail", detail);
    if (status == 400) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("path", part);
        item->set("message", detail);
        Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
        errors->add(item);
        p.set("errors", errors);
    }
    std::ostringstream text;
    p.stringify(text);
    Outgoing out;
    out.status = status;
    out.headers.emplace_back("Content-Type", "application/problem+json");
    out.body = text.str();
    out.close = close;
    return out;
}

}  // namespace rxflow::net
