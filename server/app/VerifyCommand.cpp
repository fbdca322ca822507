#include "server/app/VerifyCommand.h"

#include <fstream>
#include <sstream>

#include "server/workflow/Signing.h"
#include "server/audit/Verifier.h"
#include "server/domain/Prescription.h"
#include "server/store/AuditVerification.h"
#include "server/domain/TrustAnchors.h"
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

const rxsign::Json& member(const rxsign::Json& obj, const char* key, const char* where) {
    const rxsign::Json* v = obj.find(key);
    if (!v) throw Failure{std::string(where) + " has no " + key};
    return *v;
}

const std::string& text(const rxsign::Json& obj, const char* key, const char* where) {
    const rxsign::Json& v = member(obj, key, where);
    if (!v.isString()) throw Failure{std::string(where) + "." + key + " is not a string"};
    return v.asString();
}

long long timeOf(const std::string& value, const char* what) {
    auto ms = parseTimestampMs(value);
    if (!ms) throw Failure{std::string(what) + " is not an RFC 3339 time"};
    return *ms;
}

std::string check(const rxsign::Json& doc, const rxsign::PublicKey& platformKey, const rxsign::TrustStore& anchors) {
    const std::string& id = text(doc, "id", "document");
    const rxsign::Json& prescription = member(doc, "prescription", "document");
    const rxsign::Json& prescriber = member(doc, "prescriberSignature", "document");
    const rxsign::Json& platform = member(doc, "platformSignature", "document");
    const std::string canonical = rxsign::canonicalize(prescription);

    const std::string& certificate = text(prescriber, "certificate", "prescriberSignature");
    const std::string& value = text(prescriber, "value", "prescriberSignature");
    const rxsign::PublicKey doctorKey = rxsign::PublicKey::fromCertificatePem(certificate);
    const auto alg = rxsign::parseAlg(text(prescriber, "alg", "prescriberSignature"));
    if (!alg || *alg != doctorKey.alg()) throw Failure{"prescriber signature: alg does not match the certificate's key"};
    if (!doctorKey.verify(canonical, rxsign::base64Decode(value)))
        throw Failure{"prescriber signature does not verify over the canonical prescription"};

    std::vector<std::string> chain;
    if (const rxsign::Json* c = prescriber.find("chain"); c && c->isArray())
        for (const rxsign::Json& pem : c->items()) chain.push_back(pem.asString());
    const std::string& signedAt = text(platform, "signedAt", "platformSignature");
    const long long issuedAt = timeOf(text(prescription, "issuedAt", "prescription"), "prescription.issuedAt");
    const rxsign::ChainResult path =
        anchors.verify(certificate, chain, {issuedAt / 1000, timeOf(signedAt, "platformSignature.signedAt") / 1000});
    if (path.status != rxsign::ChainResult::Status::Ok)
        throw Failure{"doctor certificate: " + std::string(path.status == rxsign::ChainResult::Status::Expired
                                                                ? "not valid at issuedAt or signedAt: "
                                                                : "does not chain to the trust anchors: ") +
                      path.detail};
    const std::string& license = text(member(prescription, "doctor", "prescription"), "license", "prescription.doctor");
    if (path.license != license) throw Failure{"doctor certificate's serialNumber is not the prescription's license"};

    if (text(platform, "keyId", "platformSignature") != platformKey.keyId())
        throw Failure{"platform signature was made with key " + text(platform, "keyId", "platformSignature") +
                      ", not the given key " + platformKey.keyId()};
    if (!platformKey.verify(platformSignedBytes(id, prescription, value, signedAt),
                            rxsign::base64Decode(text(platform, "value", "platformSignature"))))
        throw Failure{"platform signature does not verify"};
    return "OK " + id + " rxNo=" + text(prescription, "rxNo", "prescription") + " doctor=" + license + " prescriber=" +
           rxsign::algName(doctorKey.alg()) + " platform=" + platformKey.keyId() + " signedAt=" + signedAt;
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
        out << check(rxsign::parseJson(document), rxsign::PublicKey::fromPem(platformPem), anchors) << "\n";
        return 0;
    } catch (const Failure& f) {
        err << "FAILED: " << f.what << "\n";
    } catch (const std::exception& e) {
        err << "FAILED: " << e.what() << "\n";
    }
    return 1;
}

}  // namespace rxflow
