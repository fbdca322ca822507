// POST/GET /v1/admin/staff, PUT /v1/admin/staff/{id}, POST /v1/admin/staff/{id}/password: the
// staff accounts of API.md §11. Admin manages every kind; an organisation's own system (its
// principal, not a person) manages its own people: a chain-wide pharmacy token its pharmacists
// and clerks, a clinic its doctors, a courier company its riders.
#include <Poco/JSON/Array.h>
#include <Poco/UTF8String.h>

#include <algorithm>
#include <set>

#include "server/domain/Ids.h"
#include "server/http/BodyReader.h"
#include "server/http/KeyedPage.h"
#include "server/http/RequestContext.h"
#include "server/http/StaffJson.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/ClinicRepo.h"
#include "server/store/CourierRepo.h"
#include "server/store/DoctorRepo.h"
#include "server/store/PharmacyRepo.h"
#include "server/store/SessionRepo.h"
#include "server/store/StaffRepo.h"

namespace rxflow::http {
namespace {

// The kinds the caller may manage; none: 403.
std::vector<StaffKind> managedKinds(const Principal& p) {
    if (p.role == Role::Admin) return {StaffKind::Pharmacist, StaffKind::Clerk, StaffKind::Doctor,
                                       StaffKind::Rider,      StaffKind::Bureau, StaffKind::Operator};
    if (p.staff) return {};  // people do not manage people; their organisation's system does
    if (p.role == Role::Pharmacy && p.store.empty()) return {StaffKind::Pharmacist, StaffKind::Clerk};
    if (p.role == Role::Clinic) return {StaffKind::Doctor};
    if (p.role == Role::Courier) return {StaffKind::Rider};
    return {};
}

// The kinds the caller may list, of its own organisation (admin: all): an organisation's system
// sees its own people, a store's token included.
std::vector<StaffKind> listedKinds(const Principal& p) {
    if (p.role == Role::Admin) return managedKinds(p);
    if (p.staff) return {};
    switch (p.role) {
        case Role::Pharmacy: return {StaffKind::Pharmacist, StaffKind::Clerk};
        case Role::Clinic: return {StaffKind::Doctor};
        case Role::Courier: return {StaffKind::Rider};
        case Role::Insurer: return {StaffKind::Bureau};
        default: return {};
    }
}

const Principal& requireManager(RequestContext& ctx) {
    const Principal& p = ctx.principal();
    if (managedKinds(p).empty())
        throw Error::forbidden("staff are managed by admin, or by their organisation's own system token (a chain-wide "
                               "pharmacy token, a clinic's, a courier company's)");
    return p;
}

bool manages(const Principal& p, StaffKind kind, const std::string& org) {
    const auto kinds = managedKinds(p);
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end() && (p.role == Role::Admin || org == p.org);
}

// A member the caller manages, locked for the change; 404 for anyone else's (never revealed).
store::StaffRecord managedMember(store::Tx& tx, const Principal& p, const std::string& id) {
    auto s = store::StaffRepo::find(tx, id, true);
    if (!s || !manages(p, s->kind, s->org)) throw Error::notFound("no such staff member");
    return *s;
}

std::vector<std::string> readStores(BodyReader& in, StaffKind kind, bool required) {
    std::vector<std::string> stores;
    if (!worksInStores(kind)) {
        if (in.has("stores")) in.array("stores", 0, 0);  // only pharmacists and clerks have stores: [] at most
        return stores;
    }
    if (!required && !in.has("stores")) return stores;
    if (auto arr = in.array("stores", 1, 200))
        for (std::size_t i = 0; i < arr->size(); ++i) {
            if (!arr->get(i).isString() || !isIdentifier(arr->get(i).toString())) {
                in.fail("stores", "must be an array of store ids");
                break;
            }
            stores.push_back(arr->get(i).toString());
        }
    // In the order sent (so /stores/N of a refusal is the element sent), each store once.
    std::set<std::string> seen;
    for (std::size_t i = 0; i < stores.size(); ++i)
        if (!seen.insert(stores[i]).second) in.fail("stores", "names store " + stores[i] + " twice");
    return stores;
}

// 422 unknown_store for a store that is not of the member's chain.
void requireStoresOf(store::Tx& tx, const std::vector<std::string>& stores, const std::string& chain) {
    std::vector<FieldError> unknown;
    for (std::size_t i = 0; i < stores.size(); ++i)
        if (store::PharmacyRepo::chainOf(tx, stores[i]) != chain)
            unknown.push_back({"/stores/" + std::to_string(i), "no store " + stores[i] + " of chain " + chain,
                               "unknown_store", {}});
    if (!unknown.empty()) throw Error(422, "unknown_store", unknown.front().message, unknown);
}

void requireOrganisation(store::Tx& tx, const Services& s, const store::StaffRecord& m) {
    auto unknown = [](const std::string& what) {
        return Error(422, "unknown_organisation", what, {{"/org", what, "unknown_organisation", {}}});
    };
    switch (m.kind) {
        case StaffKind::Pharmacist:
        case StaffKind::Clerk:
            requireStoresOf(tx, m.stores, m.org);  // at least one: a chain nobody registered has none
            break;
        case StaffKind::Doctor: {
            if (!store::ClinicRepo::find(tx, m.org)) throw unknown("no clinic " + m.org + " is registered");
            auto d = store::DoctorRepo::find(tx, m.license);
            if (!d || !d->active || std::find(d->clinics.begin(), d->clinics.end(), m.org) == d->clinics.end())
                throw Error(422, "doctor_not_registered", "license must name an active doctor registered for " + m.org,
                            {{"/license", "not an active doctor of this clinic", "doctor_not_registered", {}}});
            break;
        }
        case StaffKind::Rider:
            if (!store::CourierRepo::find(tx, s.cipher, m.org))
                throw unknown("no courier company " + m.org + " is registered");
            break;
        case StaffKind::Bureau:
        case StaffKind::Operator:
            break;  // a region code, or the platform: checked as the body was read
    }
}

std::size_t characters(const std::string& utf8) {
    return static_cast<std::size_t>(
        std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// At least 12 characters, not containing the login (API.md §11); 422 weak_password.
void requireStrongPassword(const std::string& password, const std::string& login) {
    const std::string detail = "a password has at least 12 characters and does not contain the login";
    const bool containsLogin =
        !login.empty() && Poco::UTF8::toLower(password).find(Poco::UTF8::toLower(login)) != std::string::npos;
    if (characters(password) < 12 || containsLogin)
        throw Error(422, "weak_password", detail, {{"/password", detail, "weak_password", {}}});
}

bool isLogin(const std::string& s) {
    return !s.empty() && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@'; });
}

void staffEvent(store::Tx& tx, const Principal& actor, const std::string& action, const store::StaffRecord& m,
                long long now) {
    audit::AuditEvent e = audit::registryEvent(
        actor, action, "staff=" + m.id + " kind=" + staffKindName(m.kind) + " org=" + m.org, now);
    e.chain = "staff";
    store::AuditRepo::append(tx, e);
}

Response createStaff(RequestContext& ctx) {
    const Principal& caller = requireManager(ctx);
    BodyReader in(ctx.json());
    store::StaffRecord m;
    const std::string kind = in.str("kind", 16);
    m.org = in.str("org", 64);
    m.name = in.str("name", 100);
    m.login = in.str("login", 64);
    const std::string password = in.str("password", 1024);
    m.license = in.optStr("license", 32).value_or("");
    m.phone = in.optStr("phone", 32).value_or("");
    const auto parsed = parseStaffKind(kind);
    if (!kind.empty() && !parsed) in.fail("kind", "must be pharmacist, clerk, doctor, rider, bureau or operator");
    if (parsed) m.kind = *parsed;
    if (parsed) m.stores = readStores(in, m.kind, true);
    if (!m.login.empty() && !isLogin(m.login)) in.fail("login", "must be 1-64 of A-Z a-z 0-9 . _ - @");
    if (!m.org.empty() && !isIdentifier(m.org)) in.fail("org", "must be 1-64 of A-Z a-z 0-9 . _ -");
    if (parsed == StaffKind::Operator && !m.org.empty() && m.org != kPlatformOrg)
        in.fail("org", "an operator's org is platform");
    if (parsed == StaffKind::Bureau && !m.org.empty() && !isRegionCode(m.org))
        in.fail("org", "a bureau clerk's org is a 6-digit region code");
    if ((parsed == StaffKind::Pharmacist || parsed == StaffKind::Doctor) && m.license.empty())
        in.fail("license", std::string("a ") + kind + " needs a license");
    in.done();
    if (!manages(caller, m.kind, m.org))
        throw Error::forbidden(std::string("this caller may not manage ") + kind + "s of " + m.org);
    requireStrongPassword(password, m.login);
    const std::string hash = ctx.services.passwords->hash(password);  // outside the transaction: it takes a while
    return ctx.write([&](store::Tx& tx) {
        requireOrganisation(tx, ctx.services, m);
        if (store::StaffRepo::loginTaken(tx, m.login))
            throw Error(409, "already_exists", "login " + m.login + " is taken",
                        {{"/login", "is taken", "already_exists", {}}});
        if (!m.license.empty() && store::StaffRepo::licenseTaken(tx, m.license))
            throw Error(409, "already_exists", "a staff member with license " + m.license + " exists",
                        {{"/license", "is taken", "already_exists", {}}});
        const long long now = ctx.services.clock.nowMs();
        m.id = newId("st", now);
        m.createdAt = now;
        if (!store::StaffRepo::insert(tx, m, hash, now)) throw store::RetryTransaction{};  // taken meanwhile
        staffEvent(tx, ctx.principal(), "staff.create", m, now);
        return Response::json(201, staffJson(m));
    });
}

Response listStaff(RequestContext& ctx) {
    const Principal& caller = ctx.principal();
    if (listedKinds(caller).empty())
        throw Error::forbidden("staff are listed for admin and for their organisation's own system token");
    std::string org = ctx.query("org");
    if (caller.role != Role::Admin) {
        if (!org.empty() && org != caller.org) throw Error::forbidden("an organisation sees its own staff only");
        org = caller.org;
    }
    std::vector<StaffKind> kinds = listedKinds(caller);
    if (const std::string kind = ctx.query("kind"); !kind.empty()) {
        const auto k = parseStaffKind(kind);
        if (!k) throw Error::badRequest("kind must be a staff kind", {{"query:kind", "unknown kind", "", {}}});
        if (std::find(kinds.begin(), kinds.end(), *k) == kinds.end()) kinds.clear();
        kinds = kinds.empty() ? std::vector<StaffKind>{} : std::vector<StaffKind>{*k};
        if (kinds.empty()) {  // a kind this caller has none of
            Poco::JSON::Array::Ptr none = new Poco::JSON::Array;
            return Response::json(200, object({{"staff", none}, {"nextCursor", Poco::Dynamic::Var()}}));
        }
    }
    return keyedPage(
        ctx, "staff",
        [&](store::Tx& tx, const std::string& after, std::size_t n) { return store::StaffRepo::list(tx, org, kinds, after, n); },
        [](const store::StaffRecord& m) { return m.id; }, staffJson);
}

Response updateStaff(RequestContext& ctx) {
    const Principal& caller = requireManager(ctx);
    BodyReader in(ctx.json());
    const std::string name = in.str("name", 100);
    const bool active = in.boolean("active");
    const std::optional<std::string> phone = in.optStr("phone", 32);
    const auto body = in.object();
    return ctx.write([&](store::Tx& tx) {
        store::StaffRecord m = managedMember(tx, caller, ctx.param("id"));
        BodyReader stores(body);
        m.stores = readStores(stores, m.kind, true);
        in.done();
        stores.done();
        requireStoresOf(tx, m.stores, m.org);
        const bool deactivated = m.active && !active;
        m.name = name;
        m.active = active;
        m.phone = phone.value_or("");
        const long long now = ctx.services.clock.nowMs();
        store::StaffRepo::update(tx, m, now);
        if (!active)
            store::SessionRepo::endAllOf(tx, m.id, now);  // at once, in every process
        else
            store::SessionRepo::refreshMember(tx, m.id, m.name, m.stores);
        staffEvent(tx, ctx.principal(), deactivated ? "staff.deactivate" : "staff.update", m, now);
        return Response::json(200, staffJson(m));
    });
}

Response setPassword(RequestContext& ctx) {
    const Principal& caller = requireManager(ctx);
    BodyReader in(ctx.json());
    const std::string password = in.str("password", 1024);
    in.done();
    const auto member = ctx.read([&](store::Tx& tx) { return store::StaffRepo::find(tx, ctx.param("id")); });
    if (!member || !manages(caller, member->kind, member->org)) throw Error::notFound("no such staff member");
    requireStrongPassword(password, member->login);
    const std::string hash = ctx.services.passwords->hash(password);
    return ctx.write([&](store::Tx& tx) {
        store::StaffRecord m = managedMember(tx, caller, ctx.param("id"));
        const long long now = ctx.services.clock.nowMs();
        store::StaffRepo::setPassword(tx, m.id, hash, now);
        store::SessionRepo::endAllOf(tx, m.id, now);
        staffEvent(tx, ctx.principal(), "staff.password", m, now);
        return Response::json(200, staffJson(m));
    });
}

}  // namespace

void addStaffRoutes(Router& r) {
    r.add("POST", "/v1/admin/staff", createStaff);
    r.add("GET", "/v1/admin/staff", listStaff);
    r.add("PUT", "/v1/admin/staff/{id}", updateStaff);
    r.add("POST", "/v1/admin/staff/{id}/password", setPassword);
}

}  // namespace rxflow::http
