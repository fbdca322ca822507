#include "pharmacy-adapters/sim/Workflows.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>

#include <iostream>

#include "pharmacy-adapters/FhirAdapter.h"
#include "pharmacy-adapters/Json.h"

namespace rxsim {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr int kMaxRetries = 240;  // x 500 ms: rxflow may be away for two minutes
constexpr int kRetryMs = 500;

using rxflow::adapters::obj;
std::string json(const Poco::Dynamic::Var& v) { return rxflow::adapters::condensed(v); }

// Items as handed over: what was prescribed, with the simulator's batch.
Array::Ptr handedItems(const Object::Ptr& view) {
    Array::Ptr out = new Array;
    auto rx = view ? view->getObject("prescription") : nullptr;
    auto items = rx ? rx->getArray("items") : nullptr;
    for (std::size_t i = 0; items && i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        const std::string code = item->optValue<std::string>("drugCode", "");
        out->add(obj({{"drugCode", code},
                      {"quantity", item->optValue<long long>("quantity", 1)},
                      {"batchNo", "SIM-" + code},
                      {"expiryDate", "2028-12-31"}}));
    }
    return out;
}

// The FHIR chain's report of the same hand-over (FhirAdapter.h, inbound).
Object::Ptr medicationDispense(const std::string& id, const Object& native, bool atCounter) {
    Array::Ptr entries = new Array;
    auto items = native.getArray("items");
    for (std::size_t i = 0; items && i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        Array::Ptr extensions = new Array;
        if (atCounter)
            extensions->add(obj({{"url", rxflow::adapters::kPickupCodeExtension},
                                 {"valueString", native.optValue<std::string>("pickupCode", "")}}));
        else
            extensions->add(obj({{"url", rxflow::adapters::kCourierExtension},
                                 {"valueString", native.optValue<std::string>("courier", "")}}));
        Array::Ptr coding = new Array;
        coding->add(obj({{"system", rxflow::adapters::kDrugCodeSystem},
                         {"code", item->optValue<std::string>("drugCode", "")}}));
        Array::Ptr contained = new Array;
        contained->add(obj({{"resourceType", "Medication"},
                            {"id", "med"},
                            {"code", obj({{"coding", coding}})},
                            {"batch", obj({{"lotNumber", item->optValue<std::string>("batchNo", "")},
                                           {"expirationDate", item->optValue<std::string>("expiryDate", "")}})}}));
        Array::Ptr authorizing = new Array;
        authorizing->add(obj({{"identifier", obj({{"system", rxflow::adapters::kPrescriptionSystem}, {"value", id}})}}));
        Array::Ptr performer = new Array;
        Object::Ptr who = native.getObject("pharmacist");
        performer->add(obj({{"actor", obj({{"display", who ? who->optValue<std::string>("name", "") : ""},
                                            {"identifier", obj({{"value", who ? who->optValue<std::string>("license", "") : ""}})}})}}));
        entries->add(obj({{"resource", obj({{"resourceType", "MedicationDispense"},
                                             {"status", atCounter ? "completed" : "in-progress"},
                                             {"contained", contained},
                                             {"medicationReference", obj({{"reference", "#med"}})},
                                             {"authorizingPrescription", authorizing},
                                             {"performer", performer},
                                             {"extension", extensions},
                                             {"quantity", obj({{"value", item->get("quantity")}})}})}}));
    }
    return obj({{"resourceType", "Bundle"}, {"type", "collection"}, {"entry", entries}});
}

}  // namespace

// --- shared bookkeeping ---------------------------------------------------------------------

void Workflow::schedule(const std::string& id, int delayMs) {
    scheduler_.after(delayMs, [this, id] {
        try {
            step(id);
        } catch (const Poco::Exception& e) {
            retryLater(id, e.displayText());
        }
    });
}

void Workflow::retryLater(const std::string& id, const std::string& why) {
    bool again = false;
    update(id, [&](Order& o) {
        again = ++o.retries <= kMaxRetries;
        if (!again) o.stage = "failed";
    });
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++stepErrors_;
    }
    if (again) return schedule(id, kRetryMs);
    std::cerr << "rxflow-pharmacy-sim: giving up on " << id << ": " << why << std::endl;
}

void Workflow::duplicateOutcome(const ApiReply& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++duplicates_[std::to_string(r.status) + (r.code().empty() ? "" : " " + r.code())];
}

void Workflow::applied(const std::string& id, const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++applied_[id][what];
}

void Workflow::setStage(const std::string& id, const std::string& stage) {
    update(id, [&](Order& o) { o.stage = stage; });
}

Workflow::Order Workflow::order(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = orders_.find(id);
    return it == orders_.end() ? Order{} : it->second;
}

void Workflow::update(const std::string& id, const std::function<void(Order&)>& change) {
    std::lock_guard<std::mutex> lock(mutex_);
    change(orders_[id]);
}

bool Workflow::known(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return orders_.count(id) > 0;
}

void Workflow::patientCode(const std::string& id, const std::string& code) {
    bool waiting = false;
    update(id, [&](Order& o) {
        o.code = code;
        waiting = o.stage == "finish" || o.stage == "deliver";
    });
    if (waiting) schedule(id, options_.delayMs);
}

Poco::JSON::Object::Ptr Workflow::status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    Object::Ptr orders = new Object, applied = new Object;
    for (const auto& [id, o] : orders_) orders->set(id, obj({{"stage", o.stage}, {"mode", o.mode}}));
    for (const auto& [id, steps] : applied_) {
        Object::Ptr s = new Object;
        for (const auto& [what, n] : steps) s->set(what, n);
        applied->set(id, s);
    }
    Object::Ptr duplicates = new Object;
    for (const auto& [outcome, n] : duplicates_) duplicates->set(outcome, n);
    return obj({{"orders", orders}, {"applied", applied}, {"duplicateRuns", duplicates}, {"stepErrors", stepErrors_}});
}

// --- the chain's ERP ------------------------------------------------------------------------

void Erp::onMessage(const std::string& contentType, const Poco::JSON::Object::Ptr& message) {
    std::map<std::string, bool> routed;  // prescription -> routed (true) or taken away (false)
    const bool fhir = contentType.find("fhir") != std::string::npos;
    std::string mode = "pickup";
    if (fhir) {
        auto entries = message->getArray("entry");
        for (std::size_t i = 0; entries && i < entries->size(); ++i) {
            auto r = entries->getObject(static_cast<unsigned>(i))->getObject("resource");
            if (!r || r->optValue<std::string>("resourceType", "") != "MedicationRequest") continue;
            auto group = r->getObject("groupIdentifier");
            const std::string id = group ? group->optValue<std::string>("value", "") : "";
            routed[id] = r->optValue<std::string>("status", "") == "active";
        }
    } else {
        const std::string type = message->optValue<std::string>("type", "");
        auto rx = message->getObject("prescription");
        if (!rx) return;
        mode = rx->optValue<std::string>("mode", "pickup");
        routed[rx->optValue<std::string>("id", "")] = type == "prescription.routed";
    }
    for (const auto& [id, isRouted] : routed) {
        if (id.empty()) continue;
        bool start = false;
        update(id, [&](Order& o) {
            // An order already being worked is not started twice.
            start = isRouted && (o.stage.empty() || o.stage == "gone");
            if (start || !isRouted) o.stage = isRouted ? "accept" : "gone";
            o.fhir = fhir;
            if (!fhir) o.mode = mode;
        });
        if (start) schedule(id, options_.delayMs);
    }
}

// A naive second run of a routed message (no Idempotency-Key): rxflow must refuse it, or, if it
// came first, the regular run is refused instead. Either way one accept is applied.
void Erp::duplicate(const std::string& contentType, const Poco::JSON::Object::Ptr& message) {
    std::string id;
    if (contentType.find("fhir") == std::string::npos) {
        if (message->optValue<std::string>("type", "") != "prescription.routed" || !message->getObject("prescription"))
            return;
        id = message->getObject("prescription")->optValue<std::string>("id", "");
    } else {
        auto entries = message->getArray("entry");
        for (std::size_t i = 0; entries && i < entries->size() && id.empty(); ++i) {
            auto r = entries->getObject(static_cast<unsigned>(i))->getObject("resource");
            if (r && r->optValue<std::string>("resourceType", "") == "MedicationRequest" &&
                r->optValue<std::string>("status", "") == "active" && r->getObject("groupIdentifier"))
                id = r->getObject("groupIdentifier")->optValue<std::string>("value", "");
        }
    }
    if (id.empty()) return;
    scheduler_.after(options_.delayMs, [this, id] {
        try {
            ApiReply r = api_.call("POST", "/v1/prescriptions/" + id + "/accept");
            if (r.ok()) applied(id, "accept");
            duplicateOutcome(r);
        } catch (const Poco::Exception&) {
        }
    });
}

void Erp::step(const std::string& id) {
    const Order o = order(id);
    const std::string base = "/v1/prescriptions/" + id;
    if (o.stage == "accept") {
        ApiReply r = api_.call("POST", base + "/accept", "", "sim-accept-" + id);
        if (r.status >= 500) return retryLater(id, r.body);
        if (r.ok()) applied(id, "accept");
        if (r.ok() || r.code() == "already_accepted") {  // already_accepted: a duplicate run was first
            setStage(id, "review");
            return schedule(id, options_.delayMs);
        }
        return sync(id);
    }
    if (o.stage == "review") {
        auto body = obj({{"decision", "approve"},
                         {"pharmacist", obj({{"name", options_.pharmacistName}, {"license", options_.pharmacistLicense}})}});
        ApiReply r = api_.call("POST", base + "/review", json(body), "sim-review-" + id);
        if (r.status >= 500) return retryLater(id, r.body);
        if (!r.ok()) return sync(id);
        applied(id, "review");
        setStage(id, "pay");
        return schedule(id, options_.delayMs);
    }
    if (o.stage == "pay") return pay(id);
    if (o.stage == "finish" && (o.mode == "delivery" || !o.code.empty())) return finish(id, o);
}

// Where the order really stands, after a refusal (a duplicate run, or a change at rxflow).
void Erp::sync(const std::string& id) {
    ApiReply r = api_.call("GET", "/v1/prescriptions/" + id);
    if (r.status >= 500) return retryLater(id, r.body);
    if (r.status == 404) return setStage(id, "gone");  // no longer ours
    if (!r.ok() || !r.json) return setStage(id, "failed");
    const std::string status = r.json->optValue<std::string>("status", "");
    std::string next = "gone";
    if (status == "routed") next = "accept";
    if (status == "accepted") next = "review";
    if (status == "approved") next = r.json->has("payment") ? "finish" : "pay";
    if (status == "dispensed" || status == "in_delivery" || status == "delivered") next = "done";
    const std::string was = order(id).stage;
    setStage(id, next);
    if (next != was && next != "gone" && next != "done") schedule(id, options_.delayMs);
}

void Erp::pay(const std::string& id) {
    ApiReply view = api_.call("GET", "/v1/prescriptions/" + id);
    if (view.status >= 500) return retryLater(id, view.body);
    if (!view.ok() || !view.json) return sync(id);
    auto fulfillment = view.json->getObject("fulfillment");
    const std::string mode = fulfillment ? fulfillment->optValue<std::string>("mode", "pickup") : "pickup";
    long long total = 0;
    auto items = handedItems(view.json);
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        ApiReply drug = api_.call("GET", "/v1/drugs/" + item->getValue<std::string>("drugCode"));
        if (drug.ok() && drug.json) total += drug.json->optValue<long long>("price", 0) * item->getValue<long long>("quantity");
    }
    if (total <= 0) total = 100;
    auto body = obj({{"kind", "self_pay"}, {"settlementId", "SIM-" + id}, {"payOrderId", "SIMPO-" + id},
                     {"total", total}, {"fund", 0}, {"account", 0}, {"cash", total}, {"paidAt", nowRfc3339()}});
    ApiReply r = api_.call("POST", "/v1/prescriptions/" + id + "/payments", json(body), "sim-pay-" + id);
    if (r.status >= 500) return retryLater(id, r.body);
    if (!r.ok() && r.code() != "already_paid") return sync(id);
    if (r.ok()) applied(id, "pay");
    bool ready = false;
    update(id, [&](Order& o) {
        o.stage = "finish";
        o.mode = mode;
        ready = mode == "delivery" || !o.code.empty();
    });
    if (ready) schedule(id, options_.delayMs);  // else: when the patient comes (patientCode)
}

void Erp::finish(const std::string& id, const Order& o) {
    ApiReply view = api_.call("GET", "/v1/prescriptions/" + id);
    if (view.status >= 500) return retryLater(id, view.body);
    if (!view.ok() || !view.json) return sync(id);
    const bool atCounter = o.mode != "delivery";
    Object::Ptr native = obj();
    // The pharmacist of record (API.md §11): a chain's token names its registered pharmacist.
    native->set("pharmacist", obj({{"name", options_.pharmacistName}, {"license", options_.pharmacistLicense}}));
    if (atCounter) {
        native->set("pickupCode", o.code);
    } else {
        native->set("courier", options_.courier);
    }
    native->set("items", handedItems(view.json));
    const std::string what = atCounter ? "dispense" : "handover";
    ApiReply r = o.fhir ? api_.call("POST", "/v1/fhir/MedicationDispense", json(medicationDispense(id, *native, atCounter)),
                                    "sim-" + what + "-" + id, "application/fhir+json")
                        : api_.call("POST", "/v1/prescriptions/" + id + "/" + what, json(native),
                                    "sim-" + what + "-" + id);
    if (r.status >= 500) return retryLater(id, r.body);
    if (r.code() == "pickup_code_mismatch" || r.code() == "locked") return setStage(id, "failed");
    if (!r.ok()) return sync(id);
    applied(id, what);
    setStage(id, "done");
}

// --- the courier company --------------------------------------------------------------------

void Courier::onMessage(const std::string&, const Poco::JSON::Object::Ptr& message) {
    auto delivery = message->getObject("delivery");
    if (!delivery || message->optValue<std::string>("type", "") != "delivery.handed_over") return;
    const std::string id = delivery->optValue<std::string>("prescription", "");
    const std::string deliveryId = delivery->optValue<std::string>("id", "");
    bool start = false;
    update(id, [&](Order& o) {
        start = o.deliveryId != deliveryId;  // a new hand-over (again after a failed one)
        if (!start) return;
        o.stage = "picked_up";
        o.mode = "delivery";
        o.deliveryId = deliveryId;
    });
    if (start) schedule(id, options_.delayMs);
}

void Courier::duplicate(const std::string&, const Poco::JSON::Object::Ptr& message) {
    auto delivery = message->getObject("delivery");
    if (!delivery) return;
    const std::string deliveryId = delivery->optValue<std::string>("id", "");
    scheduler_.after(options_.delayMs, [this, deliveryId] {
        try {
            auto body = obj({{"type", "picked_up"}, {"at", nowRfc3339()}});
            duplicateOutcome(api_.call("POST", "/v1/deliveries/" + deliveryId + "/events", json(body)));
        } catch (const Poco::Exception&) {
        }
    });
}

void Courier::step(const std::string& id) {
    const Order o = order(id);
    if (o.stage != "picked_up" && o.stage != "in_transit" && !(o.stage == "deliver" && !o.code.empty())) return;
    const std::string type = o.stage == "deliver" ? "delivered" : o.stage;
    auto body = obj({{"type", type}, {"at", nowRfc3339()}});
    if (type == "delivered") body->set("proofCode", o.code);
    ApiReply r = api_.call("POST", "/v1/deliveries/" + o.deliveryId + "/events", json(body),
                           "sim-" + type + "-" + o.deliveryId);
    if (r.status >= 500) return retryLater(id, r.body);
    if (r.code() == "proof_code_mismatch") return setStage(id, "failed");
    if (r.ok()) applied(id, type);
    const std::string next = type == "picked_up" ? "in_transit" : type == "in_transit" ? "deliver" : "done";
    setStage(id, next);
    if (next != "done" && (next != "deliver" || !o.code.empty())) schedule(id, options_.delayMs);
}

}  // namespace rxsim
