// GET /v1/prescriptions (clinic: its own; admin: all), GET /v1/pharmacy/orders (pharmacy: its
// stores' orders), GET /v1/courier/deliveries (courier: its deliveries). Oldest first.
#include <Poco/JSON/Array.h>

#include <algorithm>

#include "server/domain/Clock.h"
#include "server/domain/Status.h"
#include "server/domain/Prescription.h"
#include "server/http/Cursor.h"
#include "server/http/PrescriptionView.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/ListRepo.h"
#include "server/workflow/Workflow.h"

namespace rxflow::http {
namespace {

std::string statusFilter(const RequestContext& ctx) {
    const std::string status = ctx.query("status");
    if (status.empty() || parseStatus(status)) return status;
    throw Error::badRequest("unknown status", {{"query:status", "not a prescription state", "", {}}});
}

Response page(const char* member, Poco::JSON::Array::Ptr list, bool more, long long lastAt, const std::string& lastId) {
    const Poco::Dynamic::Var next = more ? Poco::Dynamic::Var(encodeTimeIdCursor(lastAt, lastId)) : Poco::Dynamic::Var();
    return Response::json(200, object({{member, list}, {"nextCursor", next}}));
}

// What the counter's queue shows of each order beyond the summary (API.md §12, WORKBENCH.md): the
// patient (the pharmacy sees the whole record), pickup or delivery, paid or not, and for a routed
// order when its accept time-out re-routes it.
void addQueueDetails(Poco::JSON::Object::Ptr& o, const store::PrescriptionSummary& p, long long acceptTimeoutMs) {
    auto patient = parseStored(p.document).extract<Poco::JSON::Object::Ptr>()->getObject("prescription")->getObject("patient");
    o->set("patient", object({{"name", patient->get("name")}, {"gender", patient->get("gender")},
                              {"birthDate", patient->get("birthDate")}}));
    std::string mode = "pickup";
    if (!p.fulfillment.empty())
        mode = parseStored(p.fulfillment).extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("mode", "pickup");
    o->set("mode", mode);
    o->set("paid", p.paid);
    if (p.status == Status::Routed) o->set("acceptBy", formatTime(p.updatedAt + acceptTimeoutMs));
}

Response listPrescriptions(RequestContext& ctx, store::ListFilter f, const char* member) {
    f.status = statusFilter(ctx);
    f.limit = listLimit(ctx) + 1;
    decodeTimeIdCursor(ctx.query("cursor"), f.afterCreatedAt, f.afterId);
    if (const std::string since = ctx.query("since"); !since.empty()) {
        auto at = parseTimestampMs(since);
        if (!at) throw Error::badRequest("since must be RFC 3339", {{"query:since", "not an RFC 3339 time", "", {}}});
        f.since = *at;
    }
    auto rows = ctx.read([&](store::Tx& tx) { return store::ListRepo::prescriptions(tx, f); });
    const bool more = rows.size() == f.limit;
    if (more) rows.pop_back();
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& p : rows) {
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const RxItem& i : p.items) items->add(object({{"drugCode", i.drugCode}, {"quantity", i.quantity}}));
        auto o = object({{"id", p.id}, {"rxNo", p.rxNo}, {"clinicId", p.clinicId}, {"status", statusName(p.status)},
                         {"version", p.version}, {"createdAt", formatTime(p.createdAt)},
                         {"expiresAt", formatTime(p.expiresAt)}, {"items", items}});
        if (!p.store.empty()) o->set("store", p.store);
        if (f.cipher) addQueueDetails(o, p, ctx.services.workflow.env().acceptTimeoutMs);
        list->add(o);
    }
    return page(member, list, more, rows.empty() ? 0 : rows.back().createdAt, rows.empty() ? "" : rows.back().id);
}

Response prescriptions(RequestContext& ctx) {
    const Principal& p = ctx.require({Role::Clinic, Role::Admin});
    store::ListFilter f;
    if (p.role == Role::Clinic) f.clinicId = p.org;
    return listPrescriptions(ctx, f, "prescriptions");
}

Response pharmacyOrders(RequestContext& ctx) {
    const Principal& p = ctx.require({Role::Pharmacy});
    store::ListFilter f;
    f.chain = p.org;
    f.store = p.store.empty() ? ctx.query("store") : p.store;
    if (!p.store.empty() && !ctx.query("store").empty() && ctx.query("store") != p.store)
        throw Error::forbidden("this token is bound to store " + p.store);
    if (p.staff && worksInStores(p.staff->kind)) {
        if (!f.store.empty() && !mayActForStore(p, f.store))
            throw Error::forbidden("store " + f.store + " is not one of this staff member's stores");
        f.staffId = p.staff->id;
    }
    f.cipher = &ctx.services.cipher;
    return listPrescriptions(ctx, f, "orders");
}

Response courierDeliveries(RequestContext& ctx) {
    const Principal& p = ctx.require({Role::Courier});
    const std::string stage = ctx.query("status");
    long long afterAt = -1;
    std::string afterId;
    decodeTimeIdCursor(ctx.query("cursor"), afterAt, afterId);
    const std::size_t limit = listLimit(ctx) + 1;
    auto rows = ctx.read([&](store::Tx& tx) { return store::ListRepo::deliveries(tx, p.org, stage, afterAt, afterId, limit); });
    const bool more = rows.size() == limit;
    if (more) rows.pop_back();
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& d : rows)
        list->add(object({{"id", d.delivery.id}, {"prescription", d.delivery.prescriptionId},
                          {"stage", d.delivery.stage}, {"status", d.prescriptionStatus},
                          {"createdAt", formatTime(d.createdAt)}}));
    return page("deliveries", list, more, rows.empty() ? 0 : rows.back().createdAt,
                rows.empty() ? "" : rows.back().delivery.id);
}

}  // namespace

void addListRoutes(Router& r) {
    r.add("GET", "/v1/prescriptions", prescriptions);
    r.add("GET", "/v1/pharmacy/orders", pharmacyOrders);
    r.add("GET", "/v1/courier/deliveries", courierDeliveries);
}

}  // namespace rxflow::http
