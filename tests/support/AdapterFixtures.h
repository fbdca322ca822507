#pragma once
// What the adapter and outbox tests share: stores and couriers that are pushed to, waiting for
// asynchronous delivery, and reading the outcome from the audit trail, /metrics and the outbox.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/support/Prescriptions.h"

namespace rxtest {

extern const std::string kSecret;  // the webhook secret of the stores and couriers below

// Quick retries, so a test sees several attempts in a second or two; `more` overrides. The
// attempt timeout (3 s) leaves room for a loaded machine: counts of attempts stay exact.
std::map<std::string, std::string> hangingReceiverOutbox();  // 1 s timeout, 5 s leases
std::map<std::string, std::string> fastOutbox(std::map<std::string, std::string> more = {});
// A store (stocked with XC08CAA001) with this adapter; `url` for webhook and fhir.
void addPushStore(const TestServer& s, const std::string& id, const std::string& chain, const std::string& type,
              const std::string& url = "");
void addWebhookCourier(const TestServer& s, const std::string& id, const std::string& url);
std::string pickupAt(const std::string& store);
std::string deliveryFrom(const std::string& store);

struct Sent {
    std::string id, code;
};
// `n` prescriptions routed by `fulfillment`; rxNo tag-0, tag-1, ...
std::vector<Sent> issue(const Prescriber& doctor, int n, const std::string& fulfillment, const std::string& tag);

bool waitUntil(const std::function<bool()>& done, int seconds = 60);
std::string statusOf(const TestServer& s, const std::string& id);
bool allIn(const TestServer& s, const std::vector<Sent>& rxs, const std::string& status);
// Events of the prescription's audit chain with this action and outcome "ok" (all pages: the
// tests' own polling reads are audited too).
int applied(const TestServer& s, const std::string& id, const std::string& action);
// The same for every action at once: action -> events with outcome "ok".
std::map<std::string, int> okActions(const TestServer& s, const std::string& id);
// A sample value from /metrics by its series name with labels; -1 when absent.
double metric(const TestServer& s, const std::string& series);
// GET /v1/admin/outbox with this query.
Poco::JSON::Array::Ptr outbox(const TestServer& s, const std::string& query = "");
// A count from the simulator's /sim/status "deliveries".
int counted(const Poco::JSON::Object::Ptr& simStatus, const std::string& key);

}  // namespace rxtest
