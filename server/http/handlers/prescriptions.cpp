// POST /v1/prescriptions (issue), GET /v1/prescriptions/{id}, GET /v1/prescriptions/{id}/signed.
#include "server/domain/Ids.h"
#include "server/domain/PrescribingRules.h"
#include "server/http/Change.h"
#include "server/http/PrescriptionInput.h"
#include "server/http/PrescriptionView.h"
#include "server/http/RequestContext.h"
#include "server/http/handlers/Routes.h"
#include "server/workflow/Access.h"
#include "server/store/AuditRepo.h"
#include "server/store/ClinicRepo.h"
#include "server/store/DoctorRepo.h"
#include "server/store/PaymentRepo.h"
#include "signing/seal.h"

namespace rxflow::http {
namespace {

std::string newPickupCode() {
    for (;;) {  // rejection sampling: every code equally likely
        const std::string r = rxsign::randomBytes(4);
        const uint32_t v = (uint32_t(uint8_t(r[0])) << 24) | (uint32_t(uint8_t(r[1])) << 16) |
                           (uint32_t(uint8_t(r[2])) << 8) | uint32_t(uint8_t(r[3]));
        if (v < 4294000000u) {
            std::string code = std::to_string(v % 1000000);
            return std::string(6 - code.size(), '0') + code;
        }
    }
}

// The document /signed returns, with the platform's countersignature (API.md §3).
rxsign::Json signedDocument(const std::string& id, const IntakeRequest& in, const PlatformSigner& platform,
                            const std::string& signedAt, std::string& platformValue) {
    platformValue = platform.sign(platformSignedBytes(id, in.prescription, in.signature.value, signedAt));
    std::vector<rxsign::Json> chain;
    for (const std::string& pem : in.signature.chain) chain.push_back(rxsign::Json::string(pem));
    return rxsign::Json::object(
        {{"id", rxsign::Json::string(id)},
         {"prescription", in.prescription},
         {"prescriberSignature",
          rxsign::Json::object({{"alg", rxsign::Json::string(in.signature.alg)},
                                {"certificate", rxsign::Json::string(in.signature.certificate)},
                                {"chain", rxsign::Json::array(chain)},
                                {"value", rxsign::Json::string(in.signature.value)}})},
         {"platformSignature",
          rxsign::Json::object({{"alg", rxsign::Json::string(rxsign::algName(platform.alg()))},
                                {"keyId", rxsign::Json::string(platform.keyId())},
                                {"signedAt", rxsign::Json::string(signedAt)},
                                {"value", rxsign::Json::string(platformValue)}})}});
}

// The record of a verified intake, countersigned by the platform (its signature's value comes
// back in `platformValue`); active, with only the pickup code's keyed hash kept.
store::PrescriptionRecord newRecord(const IntakeRequest& in, Services& s, long long now,
                                    const std::string& pickupCode, const std::string& signedAt,
                                    std::string& platformValue) {
    store::PrescriptionRecord p;
    p.id = newId("rx", now);
    p.document = rxsign::canonicalize(signedDocument(p.id, in, s.platform, signedAt, platformValue));
    p.clinicId = in.draft.clinicId;
    p.rxNo = in.draft.rxNo;
    p.status = Status::Active;  // signed and issued: the lifecycle's first state
    p.doctorLicense = in.draft.doctorLicense;
    p.patientKey = s.cipher.keyedHash(in.idNumber, "patient-id");
    p.issuedAt = in.draft.issuedAtMs;
    p.expiresAt = expiresAtMs(in.draft.issuedAtMs, in.draft.validDays);
    p.createdAt = p.updatedAt = now;
    p.pickupCodeHash = store::pickupCodeHash(s.cipher, p.id, pickupCode);
    p.items = in.draft.items;
    if (in.fulfillment) p.fulfillment = toJson(in.fulfillment);
    return p;
}

Response issuePrescription(RequestContext& ctx) {
    const Principal& clinic = ctx.require({Role::Clinic});
    if (clinic.staff)
        throw Error::forbidden("prescriptions are issued by the clinic's system, which holds the doctor's signing key");
    IntakeRequest in = readIntake(ctx.body());
    if (in.draft.clinicId != clinic.org)
        throw Error::forbidden("a clinic issues prescriptions under its own clinicId only");
    Services& s = ctx.services;
    const long long now = s.clock.nowMs();
    const SignatureFindings findings =
        s.prescriberVerifier.check(in.canonical, in.signature, in.draft.issuedAtMs, now);
    const auto doctor = ctx.read([&](store::Tx& tx) { return store::DoctorRepo::find(tx, in.draft.doctorLicense); });
    const auto failures = checkPrescribingRules({in.draft, findings, doctor, s.catalog, now});
    if (!failures.empty()) throw Error(422, failures.front().code, failures.front().message, failures);

    const std::string pickupCode = newPickupCode();
    const std::string signedAt = formatTime(now);
    std::string platformValue;
    const store::PrescriptionRecord p = newRecord(in, s, now, pickupCode, signedAt, platformValue);
    s.signedPrescriptions.add(p.id, in.canonical);  // what the view shows of it, ready before the write
    struct Issued {
        workflow::Issued issued;
        std::vector<audit::AuditEvent> history;
    };
    const auto inTx = [&](store::Tx& tx) {
        // A copy: the transaction may run again, and must start from the record as built.
        store::PrescriptionRecord rx = p;
        auto clinicRow = store::ClinicRepo::find(tx, rx.clinicId);
        if (!clinicRow) throw Error::forbidden("the caller's clinic is not registered");
        rx.region = in.draft.insuranceRegion.empty() ? clinicRow->region : in.draft.insuranceRegion;
        workflow::Issued issued = s.workflow.issue(tx, clinic, std::move(rx), in.fulfillment);
        auto history = store::AuditRepo::history(tx, issued.rx.id);
        return Issued{std::move(issued), std::move(history)};
    };
    const auto serialise = [&](const Issued& a) {
        const store::PrescriptionRecord& rx = a.issued.rx;
        auto view = wholeView(rx, a.history);
        if (!a.issued.routed.errorCode.empty())
            view->set("routingError", object({{"code", a.issued.routed.errorCode}, {"detail", a.issued.routed.detail}}));
        view->set("pickupCode", pickupCode);
        view->set("platformSignature", object({{"alg", rxsign::algName(s.platform.alg())},
                                               {"keyId", s.platform.keyId()},
                                               {"signedAt", signedAt},
                                               {"value", platformValue}}));
        Response r = wholeViewResponse(201, view, rx, s.signedPrescriptions);
        r.headers = {{"ETag", "\"1\""}, {"Location", "/v1/prescriptions/" + rx.id}};
        return r;
    };
    return ctx.write(inTx, serialise);
}

// A courier carrying it and the insurer of the patient's region see a part, masked (API.md §5).
std::optional<Response> partialView(RequestContext& ctx, const Principal& caller) {
    if (caller.role != Role::Courier && caller.role != Role::Insurer) return std::nullopt;
    return ctx.write([&](store::Tx& tx) {
        auto p = store::PrescriptionRepo::find(tx, ctx.services.cipher, ctx.param("id"), true);
        if (!p) throw Error::notFound("no such prescription");
        Poco::JSON::Object::Ptr view;
        if (caller.role == Role::Courier) {
            auto delivery = store::DeliveryRepo::latestFor(tx, p->id);
            if (!delivery || delivery->courier != caller.org) throw Error::notFound("no such prescription");
            view = courierView(*p);
        } else {
            if (p->region != caller.org) throw Error::notFound("no such prescription");
            auto pay = store::PaymentRepo::settledFor(tx, p->id);
            view = insurerView(*p, ctx.services.catalog,
                               pay ? Poco::Dynamic::Var(object({{"settlementId", pay->settlementId},
                                                                 {"payOrderId", pay->payOrderId}, {"kind", pay->kind},
                                                                 {"total", pay->total}, {"fund", pay->fund},
                                                                 {"account", pay->account}, {"cash", pay->cash},
                                                                 {"paidAt", pay->paidAtText}, {"status", pay->status}}))
                                   : Poco::Dynamic::Var());
        }
        if (ctx.services.workflow.seenBy(tx, caller, *p, "read_part")) view->set("status", statusName(p->status));
        return Response::json(200, view);
    });
}

// The whole prescription for its clinic, its store's chain and admin; everyone else is told it
// does not exist. Each such read is written to the prescription's audit chain (workflow).
Response getPrescription(RequestContext& ctx) {
    if (auto partial = partialView(ctx, ctx.principal())) return *partial;
    const workflow::View view =
        ctx.services.workflow.readWhole(ctx.principal(), ctx.param("id"), "read", workflow::readView);
    return viewResponse(view, ctx.services);
}

Response getSigned(RequestContext& ctx) {
    const auto document = ctx.services.workflow.readWhole(
        ctx.principal(), ctx.param("id"), "read_signed",
        [](store::Tx& tx, const store::PrescriptionRecord& p) {
            // The signed document, and after its last member (canonical order: "reviews" sorts
            // last) the pharmacists' reviews with their own signatures.
            std::string text = p.document;
            text.insert(text.size() - 1, ",\"reviews\":" + reviewsJson(store::ReviewRepo::forPrescription(tx, p.id)));
            return std::make_pair(std::move(text), p.version);
        });
    Response r = Response::text(200, "application/json", document.first);  // exactly as signed
    r.headers.emplace_back("ETag", "\"" + std::to_string(document.second) + "\"");
    return r;
}

}  // namespace

void addPrescriptionRoutes(Router& r) {
    r.add("POST", "/v1/prescriptions", issuePrescription);
    r.add("GET", "/v1/prescriptions/{id}", getPrescription);
    r.add("GET", "/v1/prescriptions/{id}/signed", getSigned);
}

}  // namespace rxflow::http
