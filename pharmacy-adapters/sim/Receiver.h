#pragma once
// The simulator's HTTP side.
//   POST /<anything else>    a delivery from rxflow: the signature is checked with the shared
//                            verifier (pharmacy-adapters/WebhookSignature.h): 401 when bad or
//                            stale; then the configured faults; then, once per event id, the
//                            back office acts on it (a repeat is answered 200 and ignored).
//   POST /sim/patients       {"prescription","code"}: the patient shows the pickup code (at the
//                            counter, or to the courier at the door)
//   GET  /sim/status         what came in, what was refused or faulted, what each order did
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "pharmacy-adapters/sim/Workflows.h"

namespace rxsim {

struct FaultOptions {
    int failFirst = 0;          // 500 to the first N deliveries of each event id
    double failRate = 0;        // then 500 at this rate
    double dropRate = 0;        // connection closed without an answer
    double hangRate = 0;        // acted on, but answered only after hangMs (the sender times out)
    int hangMs = 10000;
    double duplicateRate = 0;   // acted on twice (the second time naively)
    unsigned seed = 1;
};

struct ReceiverOptions {
    std::string secret;
    long long toleranceSeconds = 300;
    std::string stateFile;  // event ids acted on, kept across restarts
    FaultOptions faults;
};

class Receiver {
public:
    Receiver(ReceiverOptions options, Workflow& workflow);
    Poco::Net::HTTPRequestHandlerFactory* factory();  // owned by the HTTPServer

    // One delivery; returns the status to answer (0: drop the connection), and the body.
    std::pair<int, std::string> deliver(const std::string& eventId, const std::string& timestamp,
                                        const std::string& signature, const std::string& contentType,
                                        const std::string& body, int* hangMs);
    Poco::JSON::Object::Ptr status() const;
    Workflow& workflow() { return workflow_; }

private:
    void remember(const std::string& eventId);
    ReceiverOptions options_;
    Workflow& workflow_;
    mutable std::mutex mutex_;
    std::mt19937 random_;
    std::set<std::string> seen_;
    std::map<std::string, int> attempts_;  // per event id
    std::map<std::string, int> counts_;    // received, accepted, duplicatesIgnored, refused, fault:*
    std::map<std::string, int> types_;     // event type -> acted on
};

}  // namespace rxsim
