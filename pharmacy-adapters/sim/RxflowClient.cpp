#include "pharmacy-adapters/sim/RxflowClient.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

namespace rxsim {

std::string ApiReply::code() const {
    return json && json->has("code") ? json->optValue<std::string>("code", "") : "";
}

std::string RxflowClient::base() const {
    if (portFile_.empty()) return baseUrl_;
    Poco::FileInputStream in(portFile_);
    int port = 0;
    in >> port;
    if (port <= 0) throw Poco::IOException("no port in " + portFile_);
    return "http://127.0.0.1:" + std::to_string(port);
}

ApiReply RxflowClient::call(const std::string& method, const std::string& path, const std::string& body,
                            const std::string& idempotencyKey, const std::string& contentType) const {
    const Poco::URI uri(base());
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + token_);
    if (!idempotencyKey.empty()) req.set("Idempotency-Key", idempotencyKey);
    if (!body.empty() || method == "POST" || method == "PUT") {
        req.setContentType(contentType);
        req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    ApiReply reply;
    reply.status = static_cast<int>(res.getStatus());
    Poco::StreamCopier::copyToString(in, reply.body);
    try {
        reply.json = Poco::JSON::Parser().parse(reply.body).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
    }
    return reply;
}

std::string nowRfc3339() {
    Poco::DateTime shanghai;
    shanghai += Poco::Timespan(8 * Poco::Timespan::HOURS);
    return Poco::DateTimeFormatter::format(shanghai, "%Y-%m-%dT%H:%M:%S") + "+08:00";
}

}  // namespace rxsim
