// POST /v1/prescriptions/{id}/review: 审方, the accepting store's pharmacist's review (API.md §4,
// §11). A rejection for stock or capacity sends the prescription on to another store (never
// back to this one); a clinical one ends it. The review may carry the pharmacist's own
// signature, checked here, before the transaction, as the doctor's is at issue.
#include <algorithm>

#include "server/domain/Clock.h"
#include "server/domain/Limits.h"
#include "server/domain/Prescription.h"
#include "server/http/BodyReader.h"
#include "server/http/Change.h"
#include "server/http/Pharmacist.h"
#include "server/http/handlers/Routes.h"
#include "server/workflow/ReviewSigning.h"
#include "server/workflow/Signing.h"
#include "signing/json.h"

namespace rxflow::http {
namespace {

constexpr long long kReviewedAtSkewMs = 5 * 60 * 1000;

struct SignedReview {
    PrescriberSignature signature;
    std::string reviewedAt;
    long long reviewedAtMs = 0;
    long long version = 0;
};

PrescriberSignature readSignature(BodyReader& sig) {
    PrescriberSignature s;
    s.alg = sig.str("alg", 8);
    if (!s.alg.empty() && s.alg != "ES256" && s.alg != "SM2") sig.fail("alg", "must be ES256 or SM2");
    s.certificate = sig.str("certificate", 16384);
    s.value = sig.str("value", 1024);
    if (sig.has("chain"))
        if (auto chain = sig.array("chain", 0, 5))
            for (std::size_t i = 0; i < chain->size(); ++i) {
                if (!chain->get(i).isString()) {
                    sig.fail("chain", "must be an array of PEM certificates");
                    break;
                }
                s.chain.push_back(chain->getElement<std::string>(i));
            }
    return s;
}

// The signature object as sent, canonical (RFC 8785), for the views and /signed.
std::string signatureText(const std::string& body) {
    const auto doc = rxsign::parseJson(body);
    return rxsign::canonicalize(*doc.find("pharmacist")->find("signature"));
}

// 422 with every failure found, in the order of API.md §3's table.
void checkReviewSignature(Services& s, const std::string& bytes, const SignedReview& in, const std::string& license) {
    const long long now = s.clock.nowMs();
    std::vector<FieldError> failures;
    if (in.reviewedAtMs < now - kReviewedAtSkewMs || in.reviewedAtMs > now + kReviewedAtSkewMs)
        failures.push_back({"/reviewedAt", "reviewedAt must be within 5 minutes of now", "invalid_reviewed_at", {}});
    const SignatureFindings f = s.prescriberVerifier.check(bytes, in.signature, now, now);
    const std::string at = "/pharmacist/signature";
    if (!f.signatureValid)
        failures.push_back({at + "/value", "the signature does not verify over the review's canonical bytes",
                            "signature_invalid", {}});
    if (f.chain == SignatureFindings::Chain::Untrusted)
        failures.push_back({at + "/certificate", "the certificate does not chain to a trust anchor: " + f.chainDetail,
                            "certificate_untrusted", {}});
    if (f.chain == SignatureFindings::Chain::Expired)
        failures.push_back({at + "/certificate", "the certificate is not valid now: " + f.chainDetail,
                            "certificate_expired", {}});
    if (f.certificateLicense != license)
        failures.push_back({at + "/certificate", "the certificate's serialNumber is not the pharmacist's license",
                            "certificate_license_mismatch", {}});
    if (failures.empty()) return;
    // invalid_reviewed_at is not one of §3's signature codes: it comes after them.
    std::stable_partition(failures.begin(), failures.end(),
                          [](const FieldError& e) { return e.code != "invalid_reviewed_at"; });
    throw Error(422, failures.front().code, failures.front().message, failures);
}

Response review(RequestContext& ctx) {
    const Principal& caller = ctx.principal();
    if (caller.staff && caller.staff->kind != StaffKind::Pharmacist)
        throw Error(403, "pharmacist_required",
                    std::string("only a pharmacist reviews a prescription (审方); a ") +
                        staffKindName(caller.staff->kind) + " may not");
    ctx.require({Role::Pharmacy});
    BodyReader in(ctx.json());
    const std::string decision = in.str("decision", 16);
    std::optional<PharmacistInput> pharmacist = readPharmacist(in, caller);
    const std::string reasonCode = in.optStr("reasonCode", 32).value_or("");
    const std::string reason = in.optStr("reason", 500).value_or("");
    if (!decision.empty() && decision != "approve" && decision != "reject")
        in.fail("decision", "must be approve or reject");
    if (decision == "reject" && reasonCode != "out_of_stock" && reasonCode != "cannot_fulfil" &&
        reasonCode != "clinical")
        in.fail("reasonCode", "a rejection needs reasonCode out_of_stock, cannot_fulfil or clinical");
    const bool isSigned = pharmacist && pharmacist->signature;
    std::optional<SignedReview> signedReview;
    long long version = 0;
    if (isSigned || in.has("version")) version = in.integer("version", 1, kMaxJsonInteger);
    std::string reviewedAt;
    if (isSigned || in.has("reviewedAt")) reviewedAt = in.str("reviewedAt", 40);
    if (isSigned) {
        signedReview = SignedReview{readSignature(*pharmacist->signature), reviewedAt, 0, version};
        if (auto at = parseTimestampMs(reviewedAt))
            signedReview->reviewedAtMs = *at;
        else if (!reviewedAt.empty())
            in.fail("reviewedAt", "must be RFC 3339 with an offset");
    }
    in.done();

    const Action action = decision == "approve"      ? Action::Approve
                          : reasonCode == "clinical" ? Action::RejectClinical
                                                     : Action::RejectReroute;
    workflow::Request r{caller, {workflow::Target::Kind::Prescription, ctx.param("id")}, Command::lifecycle(action),
                        ctx.ifMatch()};
    r.reasonCode = reasonCode;
    namePharmacist(caller, pharmacist, r);
    const std::string license = caller.staff ? caller.staff->license : pharmacist->license;
    store::ReviewRecord record{decision, reasonCode, reason, 0, "", pharmacist ? pharmacist->name : "", license, ""};
    if (signedReview) {
        checkReviewSignature(
            ctx.services, reviewSignedBytes(ctx.param("id"), version, decision, reasonCode, license, reviewedAt),
            *signedReview, license);
        record.reviewedAt = reviewedAt;
        record.signature = signatureText(ctx.body());
    } else if (ctx.services.staff.requireReviewSignature) {
        throw Error(422, "signature_required", "this server accepts signed reviews only (pharmacist.signature)",
                    {{"/pharmacist/signature", "a signed review is required", "signature_required", {}}});
    }
    r.review = record;
    r.reviewedVersion = version;
    return change(ctx, r);
}

}  // namespace

void addReviewRoutes(Router& r) { r.add("POST", "/v1/prescriptions/{id}/review", review); }

}  // namespace rxflow::http
