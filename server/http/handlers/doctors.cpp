// POST and GET /v1/admin/doctors, PUT and GET /v1/admin/doctors/{license}: who may sign
// prescriptions, for which clinics; PUT with active:false suspends.
#include <Poco/JSON/Array.h>

#include <set>

#include "server/http/BodyReader.h"
#include "server/http/KeyedPage.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/store/AuditRepo.h"
#include "server/store/ClinicRepo.h"
#include "server/store/DoctorRepo.h"

namespace rxflow::http {
namespace {

bool isLicense(const std::string& s) {
    return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(c); });
}

Doctor readDoctor(RequestContext& ctx, const std::string& pathLicense) {
    BodyReader in(ctx.json());
    Doctor d;
    d.license = pathLicense.empty() ? in.str("license", 32) : in.optStr("license", 32).value_or(pathLicense);
    d.name = in.str("name", 100);
    d.active = in.boolean("active", true);
    if (!d.license.empty() && !isLicense(d.license)) in.fail("license", "must be 1-32 letters or digits");
    if (!pathLicense.empty() && d.license != pathLicense) in.fail("license", "must match the license in the path");
    std::set<std::string> seen;
    if (auto clinics = in.array("clinics", 1, 50)) {
        for (std::size_t i = 0; i < clinics->size(); ++i) {
            const std::string path = "clinics/" + std::to_string(i);
            if (!clinics->get(static_cast<unsigned>(i)).isString()) {
                in.fail(path, "must be a clinic id");
                continue;
            }
            std::string id = clinics->getElement<std::string>(static_cast<unsigned>(i));
            if (!seen.insert(id).second) in.fail(path, "is listed twice");
            d.clinics.push_back(id);
        }
    }
    in.done();
    return d;
}

void requireClinics(store::Tx& tx, const Doctor& d) {
    std::vector<FieldError> missing;
    for (std::size_t i = 0; i < d.clinics.size(); ++i)
        if (!store::ClinicRepo::find(tx, d.clinics[i]))
            missing.push_back({"/clinics/" + std::to_string(i), "no clinic " + d.clinics[i] + " is registered",
                               "unknown_clinic", {}});
    if (!missing.empty()) throw Error(422, "unknown_clinic", "a listed clinic is not registered", missing);
}

Poco::JSON::Object::Ptr view(const Doctor& d) {
    Poco::JSON::Array::Ptr clinics = new Poco::JSON::Array;
    for (const auto& c : d.clinics) clinics->add(c);
    return object({{"license", d.license}, {"name", d.name}, {"clinics", clinics}, {"active", d.active}});
}

Response createDoctor(RequestContext& ctx) {
    ctx.require({Role::Admin});
    Doctor d = readDoctor(ctx, "");
    return ctx.write([&](store::Tx& tx) {
        requireClinics(tx, d);
        if (!store::DoctorRepo::insert(tx, d, ctx.services.clock.nowMs()))
            throw Error::conflict("already_exists", "doctor " + d.license + " is registered already");
        store::AuditRepo::append(tx, audit::registryEvent(ctx.principal(), "doctor.create", "license=" + d.license, ctx.services.clock.nowMs()));
        return Response::json(201, view(d));
    });
}

Response replaceDoctor(RequestContext& ctx) {
    ctx.require({Role::Admin});
    Doctor d = readDoctor(ctx, ctx.param("license"));
    return ctx.write([&](store::Tx& tx) {
        requireClinics(tx, d);
        if (!store::DoctorRepo::replace(tx, d, ctx.services.clock.nowMs()))
            throw Error::notFound("no doctor " + d.license + " is registered; POST /v1/admin/doctors first");
        store::AuditRepo::append(tx, audit::registryEvent(ctx.principal(), "doctor.replace", "license=" + d.license + (d.active ? "" : " suspended"), ctx.services.clock.nowMs()));
        return Response::json(200, view(d));
    });
}

Response getDoctor(RequestContext& ctx) {
    ctx.require({Role::Admin});
    auto d = ctx.read([&](store::Tx& tx) { return store::DoctorRepo::find(tx, ctx.param("license")); });
    if (!d) throw Error::notFound("no such doctor");
    return Response::json(200, view(*d));
}

// By license; `clinic` keeps the doctors registered for that clinic (suspended ones too).
Response listDoctors(RequestContext& ctx) {
    ctx.require({Role::Admin});
    const std::string clinic = ctx.query("clinic");
    return keyedPage(
        ctx, "doctors",
        [&](store::Tx& tx, const std::string& after, std::size_t n) { return store::DoctorRepo::list(tx, clinic, after, n); },
        [](const Doctor& d) { return d.license; }, view);
}

}  // namespace

void addDoctorRoutes(Router& r) {
    r.add("POST", "/v1/admin/doctors", createDoctor);
    r.add("GET", "/v1/admin/doctors", listDoctors);
    r.add("PUT", "/v1/admin/doctors/{license}", replaceDoctor);
    r.add("GET", "/v1/admin/doctors/{license}", getDoctor);
}

}  // namespace rxflow::http
