// GET /v1/admin/outbox, GET /v1/admin/outbox/{id}, POST /v1/admin/outbox/{id}/retry: what the
// dispatcher owes stores and couriers, what it gave up on (dead letters), and a second chance.
#include <Poco/NumberParser.h>

#include "server/domain/Clock.h"
#include "server/http/Cursor.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/OutboxRepo.h"

namespace rxflow::http {
namespace {

Poco::Dynamic::Var timeOrNull(long long ms) { return ms ? Poco::Dynamic::Var(formatTime(ms)) : Poco::Dynamic::Var(); }

// The body is left out: it may name the patient (FHIR) and is the receiver's business.
Poco::JSON::Object::Ptr view(const store::OutboxMessage& m) {
    return object({{"id", std::to_string(m.id)},
                   {"eventId", m.eventId},
                   {"type", m.eventType},
                   {"target", object({{"kind", m.targetKind}, {"id", m.targetId}})},
                   {"adapter", m.adapterType},
                   {"prescription", m.prescriptionId},
                   {"status", m.status},
                   {"attempts", m.attempts},
                   {"nextAttemptAt", m.status == "pending" ? timeOrNull(m.nextAttemptAt) : Poco::Dynamic::Var()},
                   {"lastStatus", m.lastStatus ? Poco::Dynamic::Var(m.lastStatus) : Poco::Dynamic::Var()},
                   {"lastError", m.lastError.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(m.lastError)},
                   {"createdAt", formatTime(m.createdAt)},
                   {"deliveredAt", timeOrNull(m.deliveredAt)}});
}

long long messageId(const RequestContext& ctx) {
    Poco::Int64 id = 0;
    if (!Poco::NumberParser::tryParse64(ctx.param("id"), id) || id <= 0) throw Error::notFound("no such outbox message");
    return id;
}

Response listMessages(RequestContext& ctx) {
    ctx.require({Role::Admin});
    const std::string status = ctx.query("status");
    if (!status.empty() && status != "pending" && status != "delivered" && status != "dead")
        throw Error::badRequest("status must be pending, delivered or dead",
                                {{"query:status", "must be pending, delivered or dead", "", {}}});
    const long long after = decodeNumberCursor(ctx.query("cursor"));
    const std::size_t limit = listLimit(ctx);
    auto rows = ctx.read([&](store::Tx& tx) { return store::OutboxRepo::list(tx, status, after, limit + 1); });
    const bool more = rows.size() > limit;
    if (more) rows.resize(limit);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& m : rows) list->add(view(m));
    const Poco::Dynamic::Var next =
        more ? Poco::Dynamic::Var(encodeCursor(std::to_string(rows.back().id))) : Poco::Dynamic::Var();
    return Response::json(200, object({{"messages", list}, {"nextCursor", next}}));
}

Response getMessage(RequestContext& ctx) {
    ctx.require({Role::Admin});
    const long long id = messageId(ctx);
    auto m = ctx.read([&](store::Tx& tx) { return store::OutboxRepo::find(tx, id); });
    if (!m) throw Error::notFound("no such outbox message");
    return Response::json(200, view(*m));
}

Response retryMessage(RequestContext& ctx) {
    ctx.require({Role::Admin});
    const long long id = messageId(ctx);
    return ctx.write([&](store::Tx& tx) {
        const long long now = ctx.services.clock.nowMs();
        auto m = store::OutboxRepo::find(tx, id);
        if (!m) throw Error::notFound("no such outbox message");
        if (!store::OutboxRepo::retry(tx, id, now))
            throw Error::conflict("invalid_state", "only a dead message can be retried; this one is " + m->status);
        store::AuditRepo::append(tx, audit::registryEvent(ctx.principal(), "outbox.retry",
                                                          "id=" + std::to_string(id) + " event=" + m->eventId, now));
        return Response::json(200, view(*store::OutboxRepo::find(tx, id)));
    });
}

}  // namespace

void addOutboxRoutes(Router& r) {
    r.add("GET", "/v1/admin/outbox", listMessages);
    r.add("GET", "/v1/admin/outbox/{id}", getMessage);
    r.add("POST", "/v1/admin/outbox/{id}/retry", retryMessage);
}

}  // namespace rxflow::http
