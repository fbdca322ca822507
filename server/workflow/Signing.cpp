#include "server/workflow/Signing.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>

#include "server/store/PlatformKeyRepo.h"
#include "server/store/TrustAnchorRepo.h"
#include "signing/digest.h"
#include "signing/files.h"

namespace rxflow {

std::string platformSignedBytes(const std::string& id, const rxsign::Json& prescription,
                                const std::string& prescriberSignature, const std::string& signedAt) {
    return rxsign::canonicalize(rxsign::Json::object({{"id", rxsign::Json::string(id)},
                                                      {"prescription", prescription},
                                                      {"prescriberSignature", rxsign::Json::string(prescriberSignature)},
                                                      {"signedAt", rxsign::Json::string(signedAt)}}));
}

PlatformSigner::PlatformSigner(rxsign::PrivateKey key)
    : key_(std::move(key)), keyId_(key_.publicKey().keyId()), publicPem_(key_.publicKey().pem()) {}

PlatformSigner PlatformSigner::loadOrCreate(const std::string& dataDir, rxsign::Alg alg) {
    Poco::File(dataDir).createDirectories();
    const std::string path = Poco::Path(dataDir, "platform-key.pem").toString();
    if (Poco::File(path).exists()) {
        Poco::FileInputStream in(path);
        std::string pem;
        Poco::StreamCopier::copyToString(in, pem);
        return PlatformSigner(rxsign::PrivateKey::fromPem(pem));
    }
    rxsign::PrivateKey key = rxsign::PrivateKey::generate(alg);
    rxsign::writeSecretFile(path, key.pem());
    return PlatformSigner(std::move(key));
}

std::string PlatformSigner::sign(const std::string& bytes) const { return rxsign::base64Encode(key_.sign(bytes)); }

PrescriberVerifier::Anchors PrescriberVerifier::anchors() {
    const std::string current =
        db_.readStatement([](store::Tx& tx) { return store::TrustAnchorFingerprints::current(tx); });
    std::lock_guard<std::mutex> lock(mutex_);
    if (!store_ || current != fingerprints_) {
        std::vector<std::string> pems;
        for (const TrustAnchor& a : db_.read([](store::Tx& tx) { return store::TrustAnchorRepo::all(tx); }))
            pems.push_back(a.pem);
        store_ = std::make_shared<const rxsign::TrustStore>(pems);
        fingerprints_ = current;
    }
    return {store_, fingerprints_};
}

SignatureFindings PrescriberVerifier::check(const std::string& canonical, const PrescriberSignature& sig,
                                            long long issuedAtMs, long long nowMs) {
    SignatureFindings f;
    const Anchors anchors = this->anchors();
    std::string path = anchors.fingerprints + '\0' + sig.certificate;
    for (const std::string& c : sig.chain) path += '\0' + c;
    const std::string pathKey = rxsign::sha256Hex(path);
    const long long from = std::min(issuedAtMs, nowMs) / 1000, until = std::max(issuedAtMs, nowMs) / 1000;
    std::optional<rxsign::PublicKey> leafKey;
    auto known = knownPaths_.get(pathKey);
    if (known && known->validFrom <= from && until <= known->validUntil) {
        f.chain = SignatureFindings::Chain::Ok;
        f.certificateLicense = known->license;
        leafKey = known->key;
    } else {
        const rxsign::ChainResult chain = anchors.store->verify(sig.certificate, sig.chain, {issuedAtMs / 1000, nowMs / 1000});
        f.chain = chain.status == rxsign::ChainResult::Status::Ok        ? SignatureFindings::Chain::Ok
                  : chain.status == rxsign::ChainResult::Status::Expired ? SignatureFindings::Chain::Expired
                                                                          : SignatureFindings::Chain::Untrusted;
        f.chainDetail = chain.detail;
        f.certificateLicense = chain.license;
        if (chain.status == rxsign::ChainResult::Status::Ok && chain.pathValidFrom <= chain.pathValidUntil) {
            try {
                leafKey = rxsign::PublicKey::fromCertificatePem(sig.certificate);
                knownPaths_.add(pathKey, KnownPath{chain.pathValidFrom, chain.pathValidUntil, chain.license, *leafKey});
            } catch (const std::exception&) {
                // no key in the certificate: the signature check below says so
            }
        }
    }
    try {
        const rxsign::PublicKey key = leafKey ? *leafKey : rxsign::PublicKey::fromCertificatePem(sig.certificate);
        const auto alg = rxsign::parseAlg(sig.alg);
        f.signatureValid = alg && *alg == key.alg() && key.verify(canonical, rxsign::base64Decode(sig.value));
    } catch (const std::exception&) {
        f.signatureValid = false;  // no key in the certificate, or the value is not base64
    }
    return f;
}

}  // namespace rxflow
