// POST /v1/sessions (log in), DELETE /v1/sessions/current (log out), GET /v1/me: staff sessions
// (API.md §11). A wrong login and a wrong password get the same answer after the same work; five
// wrong passwords for one login within 15 minutes lock it for 15 minutes. Every login, failed
// login and lock is on the `staff` audit chain, never with the password.
#include "server/domain/Clock.h"
#include "server/domain/Ids.h"
#include "server/http/Auth.h"
#include "server/http/BodyReader.h"
#include "server/http/RequestContext.h"
#include "server/http/Sessions.h"
#include "server/http/StaffJson.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/SessionRepo.h"
#include "server/store/StaffRepo.h"
#include "signing/digest.h"
#include "signing/seal.h"

namespace rxflow::http {
namespace {

constexpr long long kFailureWindowMs = 15 * 60 * 1000;
constexpr long long kLockMs = 15 * 60 * 1000;
constexpr int kFailuresToLock = 5;

// A random token with a prefix: 32 bytes, base64url.
std::string randomToken(const std::string& prefix) {
    return prefix + newToken().substr(4);  // newToken is rxf_ and 43 base64url characters
}

// The event of a login attempt, on the `staff` chain. Who tried is not known until it succeeds:
// the actor is the member then, else anonymous at its address.
audit::AuditEvent loginEvent(const std::optional<Principal>& member, const std::string& address,
                             const std::string& action, const std::string& detail, long long now) {
    audit::AuditEvent e;
    if (member) {
        e = audit::registryEvent(*member, action, detail, now);
    } else {
        e = audit::registryEvent(Principal{}, action, detail, now);
        e.actorRole = "anonymous";
        e.actorOrg = "";
        e.actorPrincipal = "address:" + address;
    }
    e.chain = "staff";
    return e;
}

// What the staff chain says of a login: the member's id, or a digest of a login nobody has
// (it may be a password typed in the wrong field, so never the text).
std::string loginDetail(const std::optional<store::StaffLogin>& found, const std::string& login) {
    return found ? "staff=" + found->staff.id : "unknown_login=" + rxsign::sha256Hex(login).substr(0, 16);
}

Error lockedError(long long until) {
    return Error(423, "locked",
                 "too many wrong passwords for this login: it is locked until " + formatTime(until) +
                     "; the right password too is refused until then");
}

std::string cookie(const std::string& value, long long maxAgeSeconds, bool secure) {
    return std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
           std::to_string(maxAgeSeconds) + (secure ? "; Secure" : "");
}

Response login(RequestContext& ctx) {
    BodyReader in(ctx.json());
    const std::string login = in.str("login", 64);
    const std::string password = in.str("password", 1024);
    in.done();
    Services& s = ctx.services;
    const long long started = s.clock.nowMs();
    const auto seen = ctx.read([&](store::Tx& tx) {
        return std::make_pair(store::LoginFailureRepo::find(tx, login, false), store::StaffRepo::findLogin(tx, login));
    });
    const std::optional<store::StaffLogin>& found = seen.second;
    const std::string who = loginDetail(found, login);
    if (seen.first.lockedUntil > started) {
        s.db.write([&](store::Tx& tx) {
            auto e = loginEvent(std::nullopt, ctx.clientAddress, "staff.login", who, started);
            e.outcome = "refused";
            e.detail += " locked";
            store::AuditRepo::append(tx, e);
        });
        throw lockedError(seen.first.lockedUntil);
    }
    bool ok = false;
    if (found)
        ok = s.passwords->verify(found->passwordHash, password) && found->staff.active;
    else
        s.passwords->verifyNobody(password);  // the same work for a login nobody has

    const long long now = s.clock.nowMs();
    if (!ok) {
        s.db.write([&](store::Tx& tx) {
            store::LoginFailures f = store::LoginFailureRepo::find(tx, login, true);
            if (f.lockedUntil > now) return;  // locked meanwhile: counted already
            if (now >= f.windowStart + kFailureWindowMs) f = {now, 0, 0, f.stored};
            ++f.failures;
            auto e = loginEvent(std::nullopt, ctx.clientAddress, "staff.login", who + " invalid_credentials", now);
            e.outcome = "refused";
            store::AuditRepo::append(tx, e);
            if (f.failures >= kFailuresToLock) {
                f.lockedUntil = now + kLockMs;
                store::AuditRepo::append(tx, loginEvent(std::nullopt, ctx.clientAddress, "staff.lock",
                                                        who + " failures=" + std::to_string(f.failures), now));
            }
            store::LoginFailureRepo::put(tx, login, f);
        });
        countFailedAuthentication(ctx.clientAddress, s);  // 429 once the address has failed too often
        throw Error(401, "invalid_credentials", "the login or the password is wrong");
    }

    const store::StaffRecord& m = found->staff;
    const StaffRef member{m.id, m.kind, m.name, m.license, m.stores, ""};
    const std::string token = randomToken(kSessionPrefix);
    const std::string csrf = randomToken("");
    store::SessionRecord session;
    session.id = newId("se", now);
    session.staff = member;
    session.org = m.org;
    session.csrfHash = rxsign::sha256Hex(csrf);
    session.createdAt = session.lastSeenAt = now;
    session.expiresAt = now + s.staff.maxAgeMs;
    s.db.write([&](store::Tx& tx) {
        const store::LoginFailures f = store::LoginFailureRepo::find(tx, login, true);
        if (f.lockedUntil > now) throw lockedError(f.lockedUntil);  // locked while the hash was checked
        if (f.stored) store::LoginFailureRepo::clear(tx, login);
        store::SessionRepo::create(tx, tokenHash(token), session);
        store::AuditRepo::append(tx, loginEvent(staffPrincipal(member, found->staff.org), ctx.clientAddress,
                                                "staff.login", "staff=" + member.id + " session=" + session.id, now));
    });
    Response r = Response::json(201, object({{"token", token},
                                             {"csrfToken", csrf},
                                             {"expiresAt", formatTime(session.expiresAt)},
                                             {"staff", sessionStaffJson(member, found->staff.org)}}));
    r.headers.emplace_back("Set-Cookie", cookie(token, s.staff.maxAgeMs / 1000, ctx.secure));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

Response logout(RequestContext& ctx) {
    const Principal& p = ctx.principal();
    if (!p.staff) throw Error::notFound("this token is an organisation's, not a session");
    const long long now = ctx.services.clock.nowMs();
    ctx.services.db.write([&](store::Tx& tx) {
        store::SessionRepo::end(tx, p.staff->sessionHash, now);
        store::AuditRepo::append(tx, loginEvent(p, ctx.clientAddress, "staff.logout", "staff=" + p.staff->id, now));
    });
    Response r;
    r.status = 204;
    r.headers.emplace_back("Set-Cookie", cookie("", 0, ctx.secure));
    return r;
}

Response me(RequestContext& ctx) {
    const Principal& p = ctx.principal();
    auto o = object({{"role", roleName(p.role)}, {"org", p.org}});
    if (!p.store.empty()) o->set("store", p.store);
    o->set("principal", p.id);
    if (p.staff) o->set("staff", sessionStaffJson(*p.staff, p.org));
    return Response::json(200, o);
}

}  // namespace

void addSessionRoutes(Router& r) {
    r.add("POST", "/v1/sessions", login, Access::Public);
    r.add("DELETE", "/v1/sessions/current", logout);
    r.add("GET", "/v1/me", me);
}

}  // namespace rxflow::http
