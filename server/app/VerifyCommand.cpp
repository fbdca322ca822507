#include "server/app/VerifyCommand.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "server/audit/Verifier.h"
#include "server/domain/Prescription.h"
#include "server/domain/TrustAnchors.h"
#include "server/store/AuditVerification.h"
#include "server/workflow/ReviewSigning.h"
#include "server/workflow/Signing.h"
#include "signing/chain.h"
#include "signing/json.h"
#include "signing/keys.h"

namespace rxflow {
namespace {

struct Failure {
    std::string what;
};

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::ios_base::failure("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const rxsign::Json& member(const rxsign::Json& obj, const char* key, const std::string& where) {
    const rxsign::Json* v = obj.find(key);
    if (!v) throw Failure{where + " has no " + key};
    return *v;
}

const std::string& text(const rxsign::Json& obj, const char* key, const std::string& where) {
    const rxsign::Json& v = member(obj, key, where);
    if (!v.isString()) throw Failure{where + "." + key + " is not a string"};
    return v.asString();
}

long long timeOf(const std::string& value, const std::string& what) {
    auto ms = parseTimestampMs(value);
    if (!ms) throw Failure{what + " is not an RFC 3339 time"};
    return *ms;
}

// A signature object {"alg","certificate","chain"?,"value"} that verified over its bytes.
struct Signed {
    std::string certificate;
    std::vector<std::string> chain;
    std::string value;  // base64, as sent: the platform countersigns the doctor's text
    rxsign::Alg alg;
};

// `field` names the object in the document, `label` the signature in the failures.
Signed checkSignature(const rxsign::Json& sig, const std::string& field, const std::string& label,
                      const std::string& bytes, const std::string& over) {
    Signed s{text(sig, "certificate", field), {}, text(sig, "value", field), rxsign::Alg::ES256};
    std::optional<rxsign::PublicKey> key;
    try {
        key = rxsign::PublicKey::fromCertificatePem(s.certificate);
    } catch (const std::exception& e) {
        throw Failure{label + ": certificate: " + e.what()};
    }
    const auto alg = rxsign::parseAlg(text(sig, "alg", field));
    if (!alg || *alg != key->alg()) throw Failure{label + ": alg does not match the certificate's key"};
    s.alg = *alg;
    std::string der;
    try {
        der = rxsign::base64Decode(s.value);
    } catch (const std::exception&) {
        throw Failure{label + ": value is not base64"};
    }
    if (!key->verify(bytes, der)) throw Failure{label + " does not verify over " + over};
    if (const rxsign::Json* c = sig.find("chain"); c && c->isArray())
        for (const rxsign::Json& pem : c->items()) s.chain.push_back(pem.asString());
    return s;
}

// The signer's certificate chains to the anchors, is valid at every instant, and names `license`
// in its subject serialNumber: the same test for the doctor and for each pharmacist.
void checkPath(const rxsign::TrustStore& anchors, const Signed& s, const std::vector<long long>& atSeconds,
               const std::string& label, const std::string& when, const std::string& license,
               const std::string& whose) {
    const rxsign::ChainResult path = anchors.verify(s.certificate, s.chain, atSeconds);
    if (path.status != rxsign::ChainResult::Status::Ok)
        throw Failure{label + ": " +
                      (path.status == rxsign::ChainResult::Status::Expired
                           ? "not valid at " + when + ": "
                           : "does not chain to the trust anchors: ") +
                      path.detail};
    if (path.license != license) throw Failure{label + "'s serialNumber is not " + whose};
}

// API.md §11: a signed review's signature over reviewSignedBytes, its certificate's path at
// reviewedAt, and its license. One line each; an unsigned review is reported, not refused,
// since signing is optional unless the server requires it.
std::string checkReviews(const rxsign::Json& doc, const std::string& id, const rxsign::TrustStore& anchors) {
    const rxsign::Json* reviews = doc.find("reviews");
    if (!reviews) return "";
    if (!reviews->isArray()) throw Failure{"document.reviews is not an array"};
    std::string lines;
    for (std::size_t i = 0; i < reviews->items().size(); ++i) {
        const rxsign::Json& review = reviews->items()[i];
        const std::string field = "reviews[" + std::to_string(i) + "]",
                          label = "review " + std::to_string(i + 1);
        if (!review.isObject()) throw Failure{field + " is not an object"};
        const std::string& decision = text(review, "decision", field);
        const std::string reasonCode = review.find("reasonCode") ? text(review, "reasonCode", field) : "";
        const rxsign::Json& pharmacist = member(review, "pharmacist", field);
        const std::string& license = text(pharmacist, "license", field + ".pharmacist");
        std::string line = label + ": " + decision + (reasonCode.empty() ? "" : " (" + reasonCode + ")") +
                           " by pharmacist " + license;
        if (const rxsign::Json* name = pharmacist.find("name"); name && name->isString())
            line += " (" + name->asString() + ")";
        const rxsign::Json* sig = review.find("signature");
        if (!sig || sig->isNull()) {
            lines += line + ", unsigned\n";
            continue;
        }
        const rxsign::Json& version = member(review, "version", field);
        if (!version.isInteger()) throw Failure{field + ".version is not an integer"};
        const std::string& reviewedAt = text(review, "reviewedAt", field);
        const long long at = timeOf(reviewedAt, field + ".reviewedAt");
        const Signed s = checkSignature(
            *sig, field + ".signature", label + ": signature",
            reviewSignedBytes(id, version.asInteger(), decision, reasonCode, license, reviewedAt),
            "the review's signed bytes");
        checkPath(anchors, s, {at / 1000}, label + ": pharmacist certificate", "reviewedAt", license,
                  "the review's pharmacist.license " + license);
        lines += line + ", " + rxsign::algName(s.alg) + " signature verifies\n";
    }
    return lines;
}

std::string check(const rxsign::Json& doc, const rxsign::PublicKey& platformKey, const rxsign::TrustStore& anchors) {
    const std::string& id = text(doc, "id", "document");
    const rxsign::Json& prescription = member(doc, "prescription", "document");
    const rxsign::Json& platform = member(doc, "platformSignature", "document");
    const Signed doctor = checkSignature(member(doc, "prescriberSignature", "document"),
                                         "prescriberSignature", "prescriber signature",
                                         rxsign::canonicalize(prescription), "the canonical prescription");

    const std::string& signedAt = text(platform, "signedAt", "platformSignature");
    const long long issuedAt =
        timeOf(text(prescription, "issuedAt", "prescription"), "prescription.issuedAt");
    const std::string& license = text(member(prescription, "doctor", "prescription"), "license", "prescription.doctor");
    checkPath(anchors, doctor, {issuedAt / 1000, timeOf(signedAt, "platformSignature.signedAt") / 1000},
              "doctor certificate", "issuedAt or signedAt", license, "the prescription's license");

    if (text(platform, "keyId", "platformSignature") != platformKey.keyId())
        throw Failure{"platform signature was made with key " + text(platform, "keyId", "platformSignature") +
                      ", not the given key " + platformKey.keyId()};
    if (!platformKey.verify(platformSignedBytes(id, prescription, doctor.value, signedAt),
                            rxsign::base64Decode(text(platform, "value", "platformSignature"))))
        throw Failure{"platform signature does not verify"};
    // The platform's countersignature does not cover reviews: each carries its own signature.
    const std::string reviews = checkReviews(doc, id, anchors);
    return "OK " + id + " rxNo=" + text(prescription, "rxNo", "prescription") + " doctor=" + license +
           " prescriber=" + rxsign::algName(doctor.alg) + " platform=" + platformKey.keyId() +
           " signedAt=" + signedAt + "\n" + reviews;
}

}  // namespace

int verifyAuditTrail(const std::string& dbUrl, std::ostream& out, std::ostream& err) {
    audit::VerifyResult r;
    try {
        store::PoolOptions one;
        one.size = 1;
        store::Database db(store::DbUrl::parse(dbUrl), one);
        r = db.read([](store::Tx& tx) { return store::verifyStoredAudit(tx); });
    } catch (const std::exception& e) {
        err << "rxflow audit verify: cannot read the audit trail: " << e.what() << "\n";
        return 2;
    }
    if (!r.ok) {
        err << "BROKEN at " << r.detail << "\n";
        return 1;
    }
    out << "OK " << r.events << " audit events and " << r.checkpoints << " signed checkpoints, every chain intact\n";
    return 0;
}

int verifySignedDocument(const std::string& documentPath, const std::string& platformKeyPath,
                         const std::string& trustCaPath, std::ostream& out, std::ostream& err) {
    std::string document, platformPem, caText;
    try {
        document = readAll(documentPath);
        platformPem = readAll(platformKeyPath);
        caText = readAll(trustCaPath);
    } catch (const std::exception& e) {
        err << "rxflow verify: " << e.what() << "\n";
        return 2;
    }
    try {
        const rxsign::TrustStore anchors(pemCertificates(caText));
        out << check(rxsign::parseJson(document), rxsign::PublicKey::fromPem(platformPem), anchors);
        return 0;
    } catch (const Failure& f) {
        err << "FAILED: " << f.what << "\n";
    } catch (const std::exception& e) {
        err << "FAILED: " << e.what() << "\n";
    }
    return 1;
}

}  // namespace rxflow
