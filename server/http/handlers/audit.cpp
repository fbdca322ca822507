// GET /v1/prescriptions/{id}/audit (whoever may read the whole prescription), GET /v1/audit and
// POST /v1/audit/verify (admin): the audit trail of API.md §7.
#include <Poco/JSON/Array.h>

#include "server/audit/Verifier.h"
#include "server/domain/Clock.h"
#include "server/domain/Prescription.h"
#include "server/http/Cursor.h"
#include "server/http/PrescriptionView.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/AuditVerification.h"
#include "server/workflow/Access.h"

namespace rxflow::http {
namespace {

Poco::Dynamic::Var orNull(const std::string& s) { return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s); }

Poco::JSON::Object::Ptr view(const audit::AuditEvent& e) {
    return object({{"seq", e.seq},
                   {"at", formatTime(e.at)},
                   {"actor", actorJson(e)},
                   {"action", e.action},
                   {"prescription", orNull(e.prescription)},
                   {"fromStatus", orNull(e.fromStatus)},
                   {"toStatus", orNull(e.toStatus)},
                   {"outcome", e.outcome},
                   {"detail", e.detail},
                   {"chain", e.chain},
                   {"chainSeq", e.chainSeq},
                   {"hash", e.hash},
                   {"prevHash", e.prevHash}});
}

Response listOf(const std::vector<audit::AuditEvent>& events, bool more, long long lastKey) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& e : events) list->add(view(e));
    const Poco::Dynamic::Var next = more ? Poco::Dynamic::Var(encodeCursor(std::to_string(lastKey))) : Poco::Dynamic::Var();
    return Response::json(200, object({{"events", list}, {"nextCursor", next}}));
}

Response prescriptionAudit(RequestContext& ctx) {
    const Principal& caller = ctx.principal();
    const long long after = decodeNumberCursor(ctx.query("cursor"));
    const std::size_t limit = listLimit(ctx);
    auto events = ctx.read([&](store::Tx& tx) {
        auto rx = store::PrescriptionRepo::find(tx, ctx.services.cipher, ctx.param("id"));
        if (!rx || !workflow::mayReadWhole(caller, *rx, workflow::storeChainOf(tx, *rx)))
            throw Error::notFound("no such prescription");
        return store::AuditRepo::chain(tx, rx->id);
    });
    std::vector<audit::AuditEvent> page;
    for (const auto& e : events)
        if (e.chainSeq > after && page.size() <= limit) page.push_back(e);
    const bool more = page.size() > limit;
    if (more) page.pop_back();
    return listOf(page, more, page.empty() ? 0 : page.back().chainSeq);
}

Response allAudit(RequestContext& ctx) {
    ctx.require({Role::Admin});
    long long since = 0;
    if (const std::string s = ctx.query("since"); !s.empty()) {
        auto at = parseTimestampMs(s);
        if (!at) throw Error::badRequest("since must be RFC 3339", {{"query:since", "not an RFC 3339 time", "", {}}});
        since = *at;
    }
    const long long after = decodeNumberCursor(ctx.query("cursor"));
    const std::size_t limit = listLimit(ctx);
    auto page = ctx.read([&](store::Tx& tx) { return store::AuditRepo::page(tx, after, since, limit + 1); });
    const bool more = page.size() > limit;
    if (more) page.pop_back();
    return listOf(page, more, page.empty() ? 0 : page.back().seq);
}

Response verify(RequestContext& ctx) {
    ctx.require({Role::Admin});
    ctx.json();  // takes no fields, but a body that is sent must be JSON
    const audit::VerifyResult r = ctx.read([](store::Tx& tx) { return store::verifyStoredAudit(tx); });
    auto o = object({{"ok", r.ok}, {"events", r.events}, {"checkpoints", r.checkpoints}});
    if (r.firstBadSeq) o->set("firstBadSeq", *r.firstBadSeq);
    if (r.firstBadCheckpoint) o->set("firstBadCheckpoint", *r.firstBadCheckpoint);
    if (!r.ok) o->set("detail", r.detail);
    return Response::json(200, o);
}

}  // namespace

void addAuditRoutes(Router& r) {
    r.add("GET", "/v1/prescriptions/{id}/audit", prescriptionAudit);
    r.add("GET", "/v1/audit", allAudit);
    r.add("POST", "/v1/audit/verify", verify);
}

}  // namespace rxflow::http
