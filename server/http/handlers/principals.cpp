// POST /v1/admin/principals: a token for a clinic, pharmacy, courier, insurer or admin.
#include <cctype>

#include "server/domain/Ids.h"
#include "server/http/Auth.h"
#include "server/http/BodyReader.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/ClinicRepo.h"
#include "server/store/CourierRepo.h"
#include "server/store/PharmacyRepo.h"
#include "server/store/PrincipalRepo.h"
#include "signing/certificate.h"

namespace rxflow::http {
namespace {

// The client certificate a principal is bound to (API.md §13), as the SHA-256 of its DER: from
// "clientCertificate" (PEM) or "clientCertificateSha256" (64 hex digits, colons allowed);
// both may be given if they agree.
std::string boundCertificate(BodyReader& in) {
    std::string fromPem, fromHex;
    if (auto pem = in.optStr("clientCertificate", 16384)) {
        try {
            fromPem = rxsign::parseCertificatePem(*pem).sha256Fingerprint;
        } catch (const rxsign::CertificateError& e) {
            in.fail("clientCertificate", std::string("must be one PEM certificate: ") + e.what());
        }
    }
    if (auto hex = in.optStr("clientCertificateSha256", 95)) {
        for (char c : *hex)
            if (c != ':') fromHex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (fromHex.size() != 64 || fromHex.find_first_not_of("0123456789abcdef") != std::string::npos) {
            in.fail("clientCertificateSha256", "must be a SHA-256 fingerprint: 64 hexadecimal digits");
            fromHex.clear();
        }
    }
    if (!fromPem.empty() && !fromHex.empty() && fromPem != fromHex)
        in.fail("clientCertificateSha256", "does not match clientCertificate");
    return fromPem.empty() ? fromHex : fromPem;
}

Principal readPrincipal(RequestContext& ctx) {
    BodyReader in(ctx.json());
    Principal p;
    const std::string role = in.str("role", 16);
    p.org = in.str("org", 64);
    p.name = in.str("name", 200);
    p.store = in.optStr("store", 64).value_or("");
    auto parsed = parseRole(role);
    if (!role.empty() && !parsed) in.fail("role", "must be admin, clinic, pharmacy, courier or insurer");
    if (parsed) p.role = *parsed;
    if (!p.org.empty() && !isIdentifier(p.org)) in.fail("org", "must be 1-64 of A-Z a-z 0-9 . _ -");
    if (parsed == Role::Admin && !p.org.empty() && p.org != kPlatformOrg)
        in.fail("org", "an admin's org is platform");
    if (parsed == Role::Insurer && !p.org.empty() && !isRegionCode(p.org))
        in.fail("org", "an insurer's org is a 6-digit region code");
    if (!p.store.empty() && parsed != Role::Pharmacy)
        in.fail("store", "only a pharmacy principal has a store");
    p.clientCertSha256 = boundCertificate(in);
    in.done();
    return p;
}

// The organisation must be registered, so a token never stands for something that is not there.
void requireOrganisation(store::Tx& tx, const Services& s, const Principal& p) {
    auto unknown = [](const std::string& path, const std::string& what) {
        return Error(422, "unknown_organisation", what, {{path, what, "unknown_organisation", {}}});
    };
    if (p.role == Role::Clinic && !store::ClinicRepo::find(tx, p.org))
        throw unknown("/org", "no clinic " + p.org + " is registered");
    if (p.role == Role::Courier && !store::CourierRepo::find(tx, s.cipher, p.org))
        throw unknown("/org", "no courier company " + p.org + " is registered");
    if (p.role == Role::Pharmacy && !p.store.empty()) {
        if (store::PharmacyRepo::chainOf(tx, p.store) != p.org)
            throw unknown("/store", "no store " + p.store + " of chain " + p.org + " is registered");
    }
    if (p.role == Role::Pharmacy && p.store.empty()) {
        if (store::PharmacyRepo::storesInChain(tx, p.org) == 0)
            throw unknown("/org", "no store of chain " + p.org + " is registered");
    }
}

Response createPrincipal(RequestContext& ctx) {
    ctx.require({Role::Admin});
    Principal p = readPrincipal(ctx);
    return ctx.write([&](store::Tx& tx) {
        requireOrganisation(tx, ctx.services, p);
        const long long now = ctx.services.clock.nowMs();
        p.id = newId("pr", now);
        const std::string token = newToken();
        store::PrincipalRepo::insert(tx, p, tokenHash(token), now);
        store::AuditRepo::append(
            tx, audit::registryEvent(ctx.principal(), "principal.create",
                                     "id=" + p.id + " role=" + roleName(p.role) + " org=" + p.org +
                                         (p.clientCertSha256.empty() ? "" : " cert=" + p.clientCertSha256),
                                     now));
        auto o = object();
        o->set("id", p.id);
        o->set("token", token);
        o->set("role", roleName(p.role));
        o->set("org", p.org);
        if (!p.store.empty()) o->set("store", p.store);
        o->set("name", p.name);
        if (!p.clientCertSha256.empty()) o->set("clientCertificateSha256", p.clientCertSha256);
        return Response::json(201, o);
    });
}

}  // namespace

void addPrincipalRoutes(Router& r) { r.add("POST", "/v1/admin/principals", createPrincipal); }

}  // namespace rxflow::http
