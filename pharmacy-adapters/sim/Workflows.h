#pragma once
// What the simulated back offices do with what rxflow tells them, through rxflow's API:
//   Erp      a chain's ERP: accept, review (审方, approve), take a self-pay payment, then
//            dispense when the patient shows the pickup code at the counter (or hand over to
//            the configured courier company for delivery). FHIR chains report the dispense as
//            a MedicationDispense on rxflow's FHIR endpoint.
//   Courier  a courier company: picked_up, in_transit, then delivered with the code the
//            patient gives at the door.
// Every call carries an Idempotency-Key, so a step retried after a lost answer or an rxflow
// restart acts once; a 409 means someone (a duplicate run) did it already, and the order is
// re-read. What each prescription went through is counted for /sim/status.
#include <Poco/JSON/Object.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "pharmacy-adapters/sim/RxflowClient.h"
#include "pharmacy-adapters/sim/Scheduler.h"

namespace rxsim {

struct WorkflowOptions {
    int delayMs = 0;  // between steps
    std::string pharmacistName = "模拟药师";
    std::string pharmacistLicense = "PH-SIM-0001";
    std::string courier;  // the courier company for delivery orders
};

class Workflow {
public:
    Workflow(const RxflowClient& api, Scheduler& scheduler, WorkflowOptions options)
        : api_(api), scheduler_(scheduler), options_(std::move(options)) {}
    virtual ~Workflow() = default;
    // A verified message from rxflow (webhook JSON or FHIR bundle), for the first time.
    virtual void onMessage(const std::string& contentType, const Poco::JSON::Object::Ptr& message) = 0;
    // The fault "duplicate processing": the message acted on once more, naively.
    virtual void duplicate(const std::string& contentType, const Poco::JSON::Object::Ptr& message) = 0;
    // The patient hands over the pickup code (at the counter, or at the door).
    void patientCode(const std::string& prescriptionId, const std::string& code);
    Poco::JSON::Object::Ptr status() const;

protected:
    struct Order {
        std::string stage;  // the next step, or done / gone / failed
        std::string mode = "pickup";
        std::string code;
        std::string deliveryId;
        bool fhir = false;
        int retries = 0;
    };
    virtual void step(const std::string& id) = 0;
    void schedule(const std::string& id, int delayMs);
    // rxflow unreachable or overloaded: the same step again shortly (about two minutes at most).
    void retryLater(const std::string& id, const std::string& why);
    void applied(const std::string& id, const std::string& what);
    void duplicateOutcome(const ApiReply& r);
    void setStage(const std::string& id, const std::string& stage);
    Order order(const std::string& id) const;
    void update(const std::string& id, const std::function<void(Order&)>& change);
    bool known(const std::string& id) const;

    const RxflowClient& api_;
    Scheduler& scheduler_;
    WorkflowOptions options_;

private:
    mutable std::mutex mutex_;
    std::map<std::string, Order> orders_;
    std::map<std::string, std::map<std::string, int>> applied_;
    std::map<std::string, int> duplicates_;  // outcome of naive second runs: "409 already_accepted"
    int stepErrors_ = 0;
};

class Erp final : public Workflow {
public:
    using Workflow::Workflow;
    void onMessage(const std::string& contentType, const Poco::JSON::Object::Ptr& message) override;
    void duplicate(const std::string& contentType, const Poco::JSON::Object::Ptr& message) override;

private:
    void step(const std::string& id) override;
    void sync(const std::string& id);
    void pay(const std::string& id);
    void finish(const std::string& id, const Order& o);
};

class Courier final : public Workflow {
public:
    using Workflow::Workflow;
    void onMessage(const std::string& contentType, const Poco::JSON::Object::Ptr& message) override;
    void duplicate(const std::string& contentType, const Poco::JSON::Object::Ptr& message) override;

private:
    void step(const std::string& id) override;
};

}  // namespace rxsim
