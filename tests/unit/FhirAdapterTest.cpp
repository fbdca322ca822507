// pharmacy-adapters/FhirAdapter: the R4 transaction Bundle a FHIR chain receives, checked for the
// shape the chain's server needs, and MedicationDispense reports mapped back onto rxflow's calls.
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <sstream>

#include "pharmacy-adapters/FhirAdapter.h"

using namespace rxflow::adapters;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Object::Ptr parse(const std::string& json) { return Poco::JSON::Parser().parse(json).extract<Object::Ptr>(); }

AdapterEvent routedEvent(const std::string& type = "prescription.routed") {
    AdapterEvent e;
    e.eventId = "ev_01TEST";
    e.type = type;
    e.occurredAt = "2026-11-22T10:06:00+08:00";
    e.prescriptionId = "rx_01TEST";
    e.status = "routed";
    e.version = 1;
    e.mode = "pickup";
    e.expiresAt = "2026-11-22T23:59:59+08:00";
    e.store = "S001";
    e.chain = "CH1";
    e.clinicName = "云医院";
    e.prescription =
        parse(R"({"rxNo":"RX-1","clinicId":"C001","doctor":{"license":"110330200000001","name":"谢道奋"},
        "issuedAt":"2026-11-22T10:05:00+08:00","validDays":1,
        "patient":{"name":"朱明勇","idType":"resident_id","idNumber":"330203196001011232","gender":"M",
                   "birthDate":"1960-01-01","phone":"13800000000"},
        "items":[{"drugCode":"XC08CAA001","name":"苯磺酸氨氯地平片","quantity":2,"unit":"box",
                  "dose":{"amount":"5","unit":"mg"},"frequency":"qd","route":"oral","days":7},
                 {"drugCode":"XA10BA02","name":"二甲双胍片","quantity":1,"unit":"box",
                  "dose":{"amount":"0.5","unit":"g"},"frequency":"bid","route":"oral","days":7}]})");
    return e;
}

std::string text(const Object::Ptr& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(o, out);
    return out.str();
}

// Every "reference" string anywhere below `v`.
void references(const Poco::Dynamic::Var& v, std::vector<std::string>& out) {
    if (v.type() == typeid(Object::Ptr)) {
        auto o = v.extract<Object::Ptr>();
        for (const auto& [key, value] : *o) {
            if (key == "reference" && value.isString()) out.push_back(value.extract<std::string>());
            references(value, out);
        }
    } else if (v.type() == typeid(Array::Ptr)) {
        auto a = v.extract<Array::Ptr>();
        for (std::size_t i = 0; i < a->size(); ++i) references(a->get(static_cast<unsigned>(i)), out);
    }
}

struct Bundle {
    explicit Bundle(const Object::Ptr& b) : bundle(b) {
        auto entries = b->getArray("entry");
        for (std::size_t i = 0; i < entries->size(); ++i) {
            auto e = entries->getObject(static_cast<unsigned>(i));
            byUrl[e->getValue<std::string>("fullUrl")] = e->getObject("resource");
        }
    }
    std::vector<Object::Ptr> all(const std::string& type) const {
        std::vector<Object::Ptr> out;
        auto entries = bundle->getArray("entry");
        for (std::size_t i = 0; i < entries->size(); ++i) {
            auto r = entries->getObject(static_cast<unsigned>(i))->getObject("resource");
            if (r->getValue<std::string>("resourceType") == type) out.push_back(r);
        }
        return out;
    }
    std::string typeAt(const Object::Ptr& ref) const {
        auto it = byUrl.find(ref->getValue<std::string>("reference"));
        return it == byUrl.end() ? "(unresolved)" : it->second->getValue<std::string>("resourceType");
    }
    Object::Ptr bundle;
    std::map<std::string, Object::Ptr> byUrl;
};

}  // namespace

TEST_CASE("FHIR: a routed prescription is an R4 transaction Bundle whose references all resolve inside it") {
    auto message = FhirAdapter().storeMessage(routedEvent());
    REQUIRE(message);
    CHECK(message->contentType == "application/fhir+json");
    auto b = parse(message->body);
    CHECK(b->getValue<std::string>("resourceType") == "Bundle");
    CHECK(b->getValue<std::string>("type") == "transaction");
    const Bundle bundle(b);
    auto entries = b->getArray("entry");
    CHECK(bundle.byUrl.size() == entries->size());  // fullUrls are unique
    const std::set<std::string> allowed = {"Patient", "Practitioner", "Organization", "Medication",
                                           "MedicationRequest"};
    std::vector<std::string> refs;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        auto e = entries->getObject(static_cast<unsigned>(i));
        CHECK(e->getValue<std::string>("fullUrl").rfind("urn:uuid:", 0) == 0);
        const std::string type = e->getObject("resource")->getValue<std::string>("resourceType");
        CHECK(allowed.count(type) == 1);
        auto request = e->getObject("request");
        CHECK(request->getValue<std::string>("method") == "POST");
        CHECK(request->getValue<std::string>("url") == type);
        CHECK(request->getValue<std::string>("ifNoneExist").rfind("identifier=urn:rxflow:", 0) == 0);
        references(e->get("resource"), refs);
    }
    CHECK(refs.size() >= 10);
    for (const std::string& ref : refs) CHECK_MESSAGE(bundle.byUrl.count(ref) == 1, ref);
    CHECK(bundle.all("Patient").size() == 1);
    CHECK(bundle.all("Practitioner").size() == 1);
    CHECK(bundle.all("Organization").size() == 2);  // the clinic and the store
    CHECK(bundle.all("Medication").size() == 2);
    CHECK(message->body.find("330203196001011232") == std::string::npos);  // the id number stays home
}

TEST_CASE("FHIR: each item is a MedicationRequest carrying its dosage, quantity, supply and validity") {
    const Bundle bundle(prescriptionBundle(routedEvent()));
    auto requests = bundle.all("MedicationRequest");
    REQUIRE(requests.size() == 2);
    const auto& first = requests[0];
    CHECK(first->getValue<std::string>("status") == "active");
    CHECK(first->getValue<std::string>("intent") == "order");
    CHECK(first->getObject("groupIdentifier")->getValue<std::string>("value") == "rx_01TEST");
    CHECK(first->getArray("identifier")->getObject(0)->getValue<std::string>("value") == "rx_01TEST/1");
    CHECK(bundle.typeAt(first->getObject("subject")) == "Patient");
    CHECK(bundle.typeAt(first->getObject("requester")) == "Practitioner");
    CHECK(bundle.typeAt(first->getObject("medicationReference")) == "Medication");
    CHECK(first->getValue<std::string>("authoredOn") == "2026-11-22T10:05:00+08:00");
    auto dosage = first->getArray("dosageInstruction")->getObject(0);
    auto dose = dosage->getArray("doseAndRate")->getObject(0)->getObject("doseQuantity");
    CHECK(dose->getValue<int>("value") == 5);
    CHECK(dose->getValue<std::string>("unit") == "mg");
    CHECK(dosage->getObject("timing")->getObject("repeat")->getValue<int>("frequency") == 1);
    CHECK(dosage->getObject("timing")->getObject("repeat")->getValue<std::string>("periodUnit") == "d");
    CHECK(dosage->getObject("route")->getValue<std::string>("text") == "oral");
    auto dispense = first->getObject("dispenseRequest");
    CHECK(dispense->getObject("quantity")->getValue<int>("value") == 2);
    CHECK(dispense->getObject("quantity")->getValue<std::string>("unit") == "box");
    CHECK(dispense->getObject("expectedSupplyDuration")->getValue<int>("value") == 7);
    CHECK(dispense->getObject("validityPeriod")->getValue<std::string>("end") == "2026-11-22T23:59:59+08:00");
    CHECK(bundle.typeAt(dispense->getObject("performer")) == "Organization");
    auto second = requests[1]->getArray("dosageInstruction")->getObject(0);
    CHECK(
        second->getArray("doseAndRate")->getObject(0)->getObject("doseQuantity")->getValue<double>("value") ==
        0.5);
    CHECK(second->getObject("timing")->getObject("repeat")->getValue<int>("frequency") == 2);
    auto medication = bundle.all("Medication")[0]->getObject("code")->getArray("coding")->getObject(0);
    CHECK(medication->getValue<std::string>("system") == kDrugCodeSystem);
    CHECK(medication->getValue<std::string>("code") == "XC08CAA001");
}

TEST_CASE(
    "FHIR: a withdrawal or cancellation cancels the same requests by conditional update, and bundles are "
    "stable") {
    AdapterEvent cancelled = routedEvent("prescription.cancelled");
    cancelled.reason = "cancelled";
    const Bundle bundle(prescriptionBundle(cancelled));
    for (const auto& r : bundle.all("MedicationRequest")) {
        CHECK(r->getValue<std::string>("status") == "cancelled");
        CHECK(r->getObject("statusReason")->getValue<std::string>("text") == "cancelled");
    }
    auto entries = bundle.bundle->getArray("entry");
    int puts = 0;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        auto request = entries->getObject(static_cast<unsigned>(i))->getObject("request");
        if (request->getValue<std::string>("method") != "PUT") continue;
        ++puts;
        CHECK(request->getValue<std::string>("url").rfind(
                  "MedicationRequest?identifier=urn:rxflow:prescription-item|", 0) == 0);
    }
    CHECK(puts == 2);
    CHECK(text(prescriptionBundle(routedEvent())) == text(prescriptionBundle(routedEvent())));
}

namespace {

std::string dispenseResource(const std::string& status, const std::string& rx, const std::string& code,
                             const std::string& extension, const std::string& quantity = "2") {
    return R"({"resourceType":"MedicationDispense","status":")" + status + R"(",
        "contained":[{"resourceType":"Medication","id":"m","code":{"coding":[{"system":"urn:rxflow:drug-code","code":")" +
           code + R"("}]},"batch":{"lotNumber":"B1","expirationDate":"2028-12-31T00:00:00+08:00"}}],
        "medicationReference":{"reference":"#m"},
        "authorizingPrescription":[{"identifier":{"system":"urn:rxflow:prescription","value":")" +
           rx + R"("}}],
        "performer":[{"actor":{"display":"王药师","identifier":{"value":"YS33020001"}}}],
        "extension":[)" +
           extension + R"(],
        "quantity":{"value":)" +
           quantity + "}}";
}

const std::string kPickup = R"({"url":"urn:rxflow:fhir:pickup-code","valueString":"123456"})";
const std::string kCourier = R"({"url":"urn:rxflow:fhir:courier","valueString":"SF"})";

}  // namespace

TEST_CASE(
    "FHIR MedicationDispense: completed is the counter's dispense, in-progress the courier's hand-over") {
    auto bundle = parse(R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":)" +
                        dispenseResource("completed", "rx_1", "XC08CAA001", kPickup) + "},{\"resource\":" +
                        dispenseResource("completed", "rx_1", "XA10BA02", kPickup, "1") + "}]}");
    DispenseReport d = mapMedicationDispense(bundle);
    REQUIRE(d.errors.empty());
    CHECK(d.action == "dispense");
    CHECK(d.prescriptionId == "rx_1");
    CHECK(d.body->getValue<std::string>("pickupCode") == "123456");
    CHECK(d.body->getObject("pharmacist")->getValue<std::string>("name") == "王药师");
    CHECK(d.body->getObject("pharmacist")->getValue<std::string>("license") == "YS33020001");
    auto items = d.body->getArray("items");
    REQUIRE(items->size() == 2);
    CHECK(items->getObject(0)->getValue<std::string>("drugCode") == "XC08CAA001");
    CHECK(items->getObject(0)->getValue<int>("quantity") == 2);
    CHECK(items->getObject(0)->getValue<std::string>("batchNo") == "B1");
    CHECK(items->getObject(0)->getValue<std::string>("expiryDate") == "2028-12-31");

    DispenseReport h =
        mapMedicationDispense(parse(dispenseResource("in-progress", "rx_2", "XC08CAA001", kCourier)));
    REQUIRE(h.errors.empty());
    CHECK(h.action == "handover");
    CHECK(h.prescriptionId == "rx_2");
    CHECK(h.body->getValue<std::string>("courier") == "SF");
}

TEST_CASE("FHIR MedicationDispense that cannot be mapped names each problem by its path") {
    auto paths = [](const DispenseReport& r) {
        std::set<std::string> out;
        for (const auto& [path, message] : r.errors) out.insert(path);
        return out;
    };
    CHECK(paths(mapMedicationDispense(parse(R"({"resourceType":"Patient"})"))).count("/resourceType") == 1);
    CHECK(paths(mapMedicationDispense(parse(dispenseResource("cancelled", "rx_1", "X", kPickup))))
              .count("/status") == 1);
    CHECK(paths(mapMedicationDispense(parse(dispenseResource("completed", "rx_1", "X", ""))))
              .count("/extension") == 1);
    std::string noBatch = dispenseResource("completed", "rx_1", "X", kPickup);
    noBatch.replace(noBatch.find("\"batch\""), 7, "\"other\"");
    CHECK(paths(mapMedicationDispense(parse(noBatch))).count("/contained") == 1);
    CHECK(paths(mapMedicationDispense(parse(dispenseResource("completed", "rx_1", "X", kPickup, "1.5"))))
              .count("/quantity/value") == 1);
    auto mixed = parse(R"({"resourceType":"Bundle","entry":[{"resource":)" +
                       dispenseResource("completed", "rx_1", "X", kPickup) +
                       "},{\"resource\":" + dispenseResource("completed", "rx_2", "Y", kPickup) + "}]}");
    CHECK(paths(mapMedicationDispense(mixed)).count("/entry/1/resource/authorizingPrescription") == 1);
    CHECK(paths(mapMedicationDispense(parse(R"({"resourceType":"Bundle","entry":[]})"))).count("/entry") ==
          1);
    // Found by the fhir_dispense fuzz target: the first 10 bytes of any text were taken as the
    // expiry date, cutting a UTF-8 character in half in the native body.
    std::string badExpiry = dispenseResource("completed", "rx_1", "X", kPickup);
    badExpiry.replace(badExpiry.find("2028-12-31T"), 11, "2028-12-3\u00e9T");
    CHECK(paths(mapMedicationDispense(parse(badExpiry))).count("/contained") == 1);
}

namespace {

// The entry whose resource is of `type`, with its request.
Object::Ptr entryOf(const Object::Ptr& bundle, const std::string& type, std::size_t nth = 0) {
    auto entries = bundle->getArray("entry");
    for (std::size_t i = 0; i < entries->size(); ++i) {
        auto e = entries->getObject(static_cast<unsigned>(i));
        if (e->getObject("resource")->getValue<std::string>("resourceType") == type && nth-- == 0) return e;
    }
    return nullptr;
}

std::string identifierSearch(const Object::Ptr& resource) {
    auto id = resource->getArray("identifier")->getObject(0);
    return "identifier=" + id->getValue<std::string>("system") + "|" + id->getValue<std::string>("value");
}

}  // namespace

TEST_CASE(
    "FHIR: a server finds what ifNoneExist searches for, one Patient across prescriptions, the store and the "
    "clinic's reason") {
    AdapterEvent first = routedEvent();
    first.patientKey = "k3f9a0c1d2";
    first.storeName = "老百姓大药房(中山东路店)";
    AdapterEvent second = first;
    second.prescriptionId = "rx_02TEST";
    second.eventId = "ev_02TEST";
    const Object::Ptr a = prescriptionBundle(first), b = prescriptionBundle(second);
    CHECK(a->getValue<std::string>("id") == "ev-01TEST");
    for (const char* type : {"Patient", "Practitioner", "Organization", "Medication", "MedicationRequest"}) {
        auto e = entryOf(a, type);
        REQUIRE_MESSAGE(e, type);
        CHECK_MESSAGE(e->getObject("request")->getValue<std::string>("ifNoneExist") ==
                          identifierSearch(e->getObject("resource")),
                      type);
    }
    auto patient = entryOf(a, "Patient")->getObject("resource");
    CHECK(identifierSearch(patient) == std::string("identifier=") + kPatientSystem + "|k3f9a0c1d2");
    CHECK(text(patient) == text(entryOf(b, "Patient")->getObject("resource")));
    CHECK(text(a).find("330203196001011232") == std::string::npos);
    auto store = entryOf(a, "Organization", 1)->getObject("resource");
    CHECK(store->getValue<std::string>("name") == "老百姓大药房(中山东路店)");
    AdapterEvent cancelled = first;
    cancelled.type = "prescription.cancelled";
    cancelled.reason = "cancelled";
    cancelled.cancelReason = "患者改为线下就诊";
    auto request = entryOf(prescriptionBundle(cancelled), "MedicationRequest")->getObject("resource");
    CHECK(request->getObject("statusReason")->getValue<std::string>("text") == "患者改为线下就诊");
}

// The bundles of every kind and the MedicationDispense examples, through a FHIR R4 validator that
// nobody here wrote (tests/fhir_validate.js: the R4 JSON schema, from npm).
TEST_CASE(
    "FHIR: every bundle kind and the MedicationDispense examples pass an independent FHIR R4 validator") {
    const std::string dir = std::string(RXFLOW_BINARY_DIR) + "/fhir-examples";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::vector<std::pair<std::string, std::string>> files;
    AdapterEvent e = routedEvent();
    e.patientKey = "k3f9a0c1d2";
    e.storeName = "老百姓大药房(中山东路店)";
    files.push_back({"routed.json", text(prescriptionBundle(e))});
    e.type = "prescription.withdrawn";
    e.reason = "accept_timeout";
    files.push_back({"withdrawn.json", text(prescriptionBundle(e))});
    e.type = "prescription.cancelled";
    e.reason = "cancelled";
    e.cancelReason = "患者改为线下就诊";
    files.push_back({"cancelled.json", text(prescriptionBundle(e))});
    files.push_back(
        {"dispense-completed.json", dispenseResource("completed", "rx_1", "XC08CAA001", kPickup)});
    files.push_back(
        {"dispense-in-progress.json", dispenseResource("in-progress", "rx_1", "XC08CAA001", kCourier)});
    files.push_back({"dispense-bundle.json",
                     R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":)" +
                         dispenseResource("completed", "rx_1", "XC08CAA001", kPickup) + "},{\"resource\":" +
                         dispenseResource("completed", "rx_1", "XA10BA02", kPickup, "1") + "}]}"});
    std::string args;
    for (const auto& [name, body] : files) {
        std::ofstream(dir + "/" + name) << body;
        args += " '" + dir + "/" + name + "'";
    }
    const std::string command = "node '" + std::string(RXFLOW_SOURCE_DIR) + "/tests/fhir_validate.js'" +
                                args + " > '" + dir + "/validator.log' 2>&1";
    const int rc = std::system(command.c_str());
    std::ifstream log(dir + "/validator.log");
    const std::string out((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    CHECK_MESSAGE(rc == 0, out);
    CHECK_MESSAGE(out.find("dispense-bundle.json: Bundle valid") != std::string::npos, out);
}
