#include "pharmacy-adapters/sim/Receiver.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>

#include <ctime>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "pharmacy-adapters/Json.h"
#include "pharmacy-adapters/WebhookSignature.h"

namespace rxsim {
namespace {

using Poco::JSON::Object;

// Thrown out of a handler, it makes Poco close the connection without an answer.
struct DropConnection : std::runtime_error {
    DropConnection() : std::runtime_error("fault injected: connection dropped") {}
};

std::string message(const std::string& text) {
    Object::Ptr o = new Object;
    o->set("message", text);
    return rxflow::adapters::condensed(o);
}

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(Receiver& r) : receiver_(r) {}

    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
        std::string body;
        Poco::StreamCopier::copyToString(req.stream(), body);
        std::pair<int, std::string> answer{404, message("no such resource")};
        int hangMs = 0;
        const std::string& path = req.getURI();
        if (path == "/sim/status" && req.getMethod() == "GET") {
            answer = {200, rxflow::adapters::condensed(receiver_.status())};
        } else if (path == "/sim/patients" && req.getMethod() == "POST") {
            answer = patient(body);
        } else if (req.getMethod() == "POST") {
            answer = receiver_.deliver(req.get(rxflow::adapters::kEventIdHeader, ""),
                                       req.get(rxflow::adapters::kTimestampHeader, ""),
                                       req.get(rxflow::adapters::kSignatureHeader, ""), req.getContentType(), body,
                                       &hangMs);
            if (answer.first == 0) throw DropConnection();
        }
        if (hangMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(hangMs));
        res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.first));
        res.setContentType("application/json");
        res.setContentLength64(static_cast<Poco::Int64>(answer.second.size()));
        res.send() << answer.second;
    }

private:
    std::pair<int, std::string> patient(const std::string& body) {
        try {
            auto o = Poco::JSON::Parser().parse(body).extract<Object::Ptr>();
            const std::string id = o->getValue<std::string>("prescription");
            receiver_.workflow().patientCode(id, o->getValue<std::string>("code"));
            return {200, message("the patient of " + id + " has shown the code")};
        } catch (const std::exception&) {
            return {400, message("send {\"prescription\",\"code\"}")};
        }
    }
    Receiver& receiver_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(Receiver& r) : receiver_(r) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(receiver_);
    }

private:
    Receiver& receiver_;
};

}  // namespace

Receiver::Receiver(ReceiverOptions options, Workflow& workflow)
    : options_(std::move(options)), workflow_(workflow), random_(options_.faults.seed) {
    if (options_.stateFile.empty()) return;
    std::ifstream in(options_.stateFile);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) seen_.insert(line);
}

Poco::Net::HTTPRequestHandlerFactory* Receiver::factory() { return new Factory(*this); }

void Receiver::remember(const std::string& eventId) {
    seen_.insert(eventId);
    if (options_.stateFile.empty()) return;
    std::ofstream out(options_.stateFile, std::ios::app);
    out << eventId << "\n";
}

std::pair<int, std::string> Receiver::deliver(const std::string& eventId, const std::string& timestamp,
                                              const std::string& signature, const std::string& contentType,
                                              const std::string& body, int* hangMs) {
    std::unique_lock<std::mutex> lock(mutex_);
    ++counts_["received"];
    const auto check = rxflow::adapters::verifyWebhook(options_.secret, timestamp, signature, body,
                                                      static_cast<long long>(std::time(nullptr)),
                                                      options_.toleranceSeconds);
    if (!check.ok) {
        ++counts_["refused"];
        return {401, message(check.reason)};
    }
    Object::Ptr parsed;
    try {
        parsed = Poco::JSON::Parser().parse(body).extract<Object::Ptr>();
    } catch (const std::exception&) {
        ++counts_["refused"];
        return {400, message("the body is not a JSON object")};
    }
    // A JSON event carries the event id as its id; a FHIR Bundle (whose id must be a FHIR id)
    // in its identifier.
    auto bundleIdentifier = parsed->getObject("identifier");
    const std::string bodyId = bundleIdentifier ? bundleIdentifier->optValue<std::string>("value", "")
                                                : parsed->optValue<std::string>("id", "");
    if (eventId.empty() || bodyId != eventId) {
        ++counts_["refused"];
        return {400, message("the event id header is missing or differs from the body's id")};
    }
    if (seen_.count(eventId)) {
        ++counts_["duplicatesIgnored"];
        return {200, message("already processed " + eventId)};
    }
    const FaultOptions& f = options_.faults;
    if (++attempts_[eventId] <= f.failFirst) {
        ++counts_["fault:failFirst"];
        return {500, message("fault injected: failing the first deliveries")};
    }
    const double roll = std::uniform_real_distribution<double>(0, 1)(random_);
    if (roll < f.failRate) {
        ++counts_["fault:fail"];
        return {500, message("fault injected: 500")};
    }
    if (roll < f.failRate + f.dropRate) {
        ++counts_["fault:drop"];
        return {0, ""};
    }
    if (roll < f.failRate + f.dropRate + f.hangRate) {
        ++counts_["fault:hang"];
        *hangMs = f.hangMs;
    }
    const bool twice = std::uniform_real_distribution<double>(0, 1)(random_) < f.duplicateRate;
    remember(eventId);
    ++counts_["accepted"];
    ++types_[parsed->has("resourceType") ? parsed->optValue<std::string>("resourceType", "?")
                                         : parsed->optValue<std::string>("type", "?")];
    lock.unlock();
    workflow_.onMessage(contentType, parsed);
    if (twice) {
        std::lock_guard<std::mutex> again(mutex_);
        ++counts_["fault:duplicate"];
    }
    if (twice) workflow_.duplicate(contentType, parsed);
    return {200, message("accepted " + eventId)};
}

Poco::JSON::Object::Ptr Receiver::status() const {
    Object::Ptr out = workflow_.status();
    std::lock_guard<std::mutex> lock(mutex_);
    Object::Ptr counts = new Object, types = new Object;
    for (const char* k : {"received", "accepted", "duplicatesIgnored", "refused"}) counts->set(k, 0);
    for (const auto& [k, n] : counts_) counts->set(k, n);
    for (const auto& [k, n] : types_) types->set(k, n);
    out->set("deliveries", counts);
    out->set("eventTypes", types);
    return out;
}

}  // namespace rxsim
