#include <doctest/doctest.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "signing/certificate.h"
#include "signing/chain.h"
#include "tests/support/TestPki.h"

namespace {

using rxsign::ChainResult;
using rxsign::TrustStore;
using Status = rxsign::ChainResult::Status;

const long long kDay = 86400;

long long now() { return static_cast<long long>(std::time(nullptr)); }

rxtest::Issued makeCa(const std::string& name, const rxtest::Issued* issuer = nullptr,
                      const char* keyType = "EC") {
    rxtest::CertSpec spec;
    spec.commonName = name;
    spec.ca = true;
    spec.notBeforeDays = -1000;  // long valid, so the leaves' own validity decides the time tests
    spec.notAfterDays = 3650;
    spec.keyType = keyType;
    return rxtest::issue(spec, issuer);
}

rxtest::Issued makeLeaf(const rxtest::Issued& issuer, const std::string& license = "110330200000001",
                        const char* keyType = "EC") {
    rxtest::CertSpec spec;
    spec.commonName = "Dr Chain";
    spec.serialNumber = license;
    spec.keyType = keyType;
    return rxtest::issue(spec, &issuer);
}

rxtest::Issued makeLeafValid(const rxtest::Issued& issuer, long long notBefore, long long notAfter) {
    rxtest::CertSpec spec;
    spec.commonName = "Dr Time";
    spec.serialNumber = "110330200000009";
    spec.notBeforeEpoch = notBefore;
    spec.notAfterEpoch = notAfter;
    return rxtest::issue(spec, &issuer);
}

using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

Cert readCert(const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
    return Cert(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr), &X509_free);
}

// The same certificate with one bit of its signature flipped (the last DER byte lies in it).
std::string tamperSignature(const std::string& pem) {
    Cert cert = readCert(pem);
    REQUIRE(cert);
    unsigned char* der = nullptr;
    const int n = i2d_X509(cert.get(), &der);
    REQUIRE(n > 0);
    std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    bytes.back() = static_cast<char>(bytes.back() ^ 0x01);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    Cert tampered(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())), &X509_free);
    REQUIRE(tampered);
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_X509(out.get(), tampered.get());
    char* data = nullptr;
    const long len = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

struct Pki {
    rxtest::Issued root = makeCa("rxflow Chain Root");
    rxtest::Issued intermediate = makeCa("rxflow Chain Intermediate", &root);
    rxtest::Issued leaf = makeLeaf(intermediate);
};

}  // namespace

TEST_CASE("Chain: root -> intermediate -> leaf is Ok with the intermediate in chainPems, Untrusted without") {
    const Pki pki;
    const TrustStore store({pki.root.certPem});
    CHECK(store.size() == 1);

    const ChainResult ok = store.verify(pki.leaf.certPem, {pki.intermediate.certPem}, {now()});
    CHECK(ok.status == Status::Ok);
    CHECK(ok.license == "110330200000001");
    CHECK(ok.detail.empty());

    // Two instants (issuedAt and now), both inside the validity.
    CHECK(store.verify(pki.leaf.certPem, {pki.intermediate.certPem}, {now() - 3600, now()}).status ==
          Status::Ok);
    // No instants: checked at the current time.
    CHECK(store.verify(pki.leaf.certPem, {pki.intermediate.certPem}, {}).status == Status::Ok);
    // The root itself in chainPems changes nothing.
    CHECK(store.verify(pki.leaf.certPem, {pki.intermediate.certPem, pki.root.certPem}, {now()}).status ==
          Status::Ok);

    const ChainResult missing = store.verify(pki.leaf.certPem, {}, {now()});
    CHECK(missing.status == Status::Untrusted);
    CHECK_FALSE(missing.detail.empty());
    CHECK(missing.license == "110330200000001");

    // A certificate issued directly by the root needs no chain.
    const rxtest::Issued direct = makeLeaf(pki.root, "110330200000003");
    CHECK(store.verify(direct.certPem, {}, {now()}).status == Status::Ok);

    // An intermediate registered as an anchor ends the path by itself.
    const TrustStore intermediateOnly({pki.intermediate.certPem});
    CHECK(intermediateOnly.verify(pki.leaf.certPem, {}, {now()}).status == Status::Ok);
}

TEST_CASE("Chain: a store without anchors trusts nothing") {
    const Pki pki;
    const TrustStore empty({});
    CHECK(empty.size() == 0);
    CHECK(empty.verify(pki.leaf.certPem, {pki.intermediate.certPem}, {now()}).status == Status::Untrusted);
    // Not even a certificate whose whole path (root included) comes in the request.
    CHECK(empty.verify(pki.leaf.certPem, {pki.intermediate.certPem, pki.root.certPem}, {now()}).status ==
          Status::Untrusted);
}

TEST_CASE("Chain: a leaf from an unrelated CA is Untrusted, also with that CA's intermediate") {
    const Pki pki;
    const Pki other;
    const TrustStore store({pki.root.certPem});
    CHECK(store.verify(other.leaf.certPem, {other.intermediate.certPem}, {now()}).status ==
          Status::Untrusted);
    CHECK(
        store.verify(other.leaf.certPem, {other.intermediate.certPem, other.root.certPem}, {now()}).status ==
        Status::Untrusted);
    // An unrelated intermediate in the chain does not help either.
    CHECK(store.verify(pki.leaf.certPem, {other.intermediate.certPem}, {now()}).status == Status::Untrusted);
    // A leaf with a broken signature.
    CHECK(store.verify(tamperSignature(pki.leaf.certPem), {pki.intermediate.certPem}, {now()}).status ==
          Status::Untrusted);
    // A self-signed end-entity certificate.
    rxtest::CertSpec spec;
    spec.commonName = "Dr Self";
    spec.serialNumber = "110330200000001";
    CHECK(store.verify(rxtest::issue(spec).certPem, {}, {now()}).status == Status::Untrusted);
}

TEST_CASE("Chain: a leaf expired at one instant but valid at the other is Expired") {
    const Pki pki;
    const TrustStore store({pki.root.certPem});
    const long long t = now();
    const rxtest::Issued leaf = makeLeafValid(pki.intermediate, t - 10 * kDay, t - kDay);

    CHECK(store.verify(leaf.certPem, {pki.intermediate.certPem}, {t - 5 * kDay}).status == Status::Ok);
    const ChainResult expired = store.verify(leaf.certPem, {pki.intermediate.certPem}, {t - 5 * kDay, t});
    CHECK(expired.status == Status::Expired);
    CHECK(expired.detail.find("expired") != std::string::npos);
    CHECK(expired.license == "110330200000009");
    // Order of the instants does not matter.
    CHECK(store.verify(leaf.certPem, {pki.intermediate.certPem}, {t, t - 5 * kDay}).status ==
          Status::Expired);
    // Before its validity it is "not yet valid": also Expired.
    CHECK(store.verify(leaf.certPem, {pki.intermediate.certPem}, {t - 20 * kDay}).status == Status::Expired);
}

TEST_CASE("Chain: a not-yet-valid leaf is Expired") {
    const Pki pki;
    const TrustStore store({pki.root.certPem});
    const long long t = now();
    const rxtest::Issued leaf = makeLeafValid(pki.intermediate, t + kDay, t + 30 * kDay);
    const ChainResult r = store.verify(leaf.certPem, {pki.intermediate.certPem}, {t});
    CHECK(r.status == Status::Expired);
    CHECK(r.detail.find("not yet valid") != std::string::npos);
    CHECK(store.verify(leaf.certPem, {pki.intermediate.certPem}, {t + 2 * kDay}).status == Status::Ok);
}

TEST_CASE("Chain: an expired intermediate makes the path Expired, Untrusted wins over Expired") {
    const long long t = now();
    const rxtest::Issued root = makeCa("rxflow Chain Root");
    rxtest::CertSpec spec;
    spec.commonName = "rxflow Old Intermediate";
    spec.ca = true;
    spec.notBeforeEpoch = t - 400 * kDay;
    spec.notAfterEpoch = t - 2 * kDay;
    const rxtest::Issued oldIntermediate = rxtest::issue(spec, &root);
    const rxtest::Issued leaf = makeLeafValid(oldIntermediate, t - 300 * kDay, t + 30 * kDay);
    const TrustStore store({root.certPem});

    CHECK(store.verify(leaf.certPem, {oldIntermediate.certPem}, {t - 100 * kDay}).status == Status::Ok);
    CHECK(store.verify(leaf.certPem, {oldIntermediate.certPem}, {t - 100 * kDay, t}).status ==
          Status::Expired);
    // Expired intermediate and a broken leaf signature: Untrusted.
    CHECK(store.verify(tamperSignature(leaf.certPem), {oldIntermediate.certPem}, {t}).status ==
          Status::Untrusted);
    // Expired leaf from an unrelated CA: Untrusted.
    const Pki other;
    const rxtest::Issued otherExpired = makeLeafValid(other.intermediate, t - 10 * kDay, t - kDay);
    CHECK(store.verify(otherExpired.certPem, {other.intermediate.certPem}, {t}).status == Status::Untrusted);
}

TEST_CASE("Chain: license is the leaf subject's serialNumber, empty when absent") {
    const Pki pki;
    const TrustStore store({pki.root.certPem});
    CHECK(store
              .verify(makeLeaf(pki.intermediate, "330203198001015678").certPem, {pki.intermediate.certPem},
                      {now()})
              .license == "330203198001015678");
    const ChainResult none =
        store.verify(makeLeaf(pki.intermediate, "").certPem, {pki.intermediate.certPem}, {now()});
    CHECK(none.status == Status::Ok);
    CHECK(none.license.empty());
    // Reported for an untrusted leaf too (the caller decides what to do with it).
    CHECK(TrustStore({}).verify(pki.leaf.certPem, {}, {now()}).license == "110330200000001");
}

TEST_CASE("Chain: SM2 root -> SM2 leaf and SM2 root -> SM2 intermediate -> SM2 leaf are Ok") {
    const rxtest::Issued root = makeCa("rxflow SM2 Root", nullptr, "SM2");
    const rxtest::Issued intermediate = makeCa("rxflow SM2 Intermediate", &root, "SM2");
    const rxtest::Issued leaf = makeLeaf(root, "110330200000002", "SM2");
    const rxtest::Issued deepLeaf = makeLeaf(intermediate, "110330200000004", "SM2");
    const TrustStore store({root.certPem});

    const ChainResult r = store.verify(leaf.certPem, {}, {now()});
    CHECK(r.status == Status::Ok);
    CHECK(r.detail.empty());
    CHECK(r.license == "110330200000002");
    CHECK(store.verify(deepLeaf.certPem, {intermediate.certPem}, {now()}).status == Status::Ok);
    CHECK(store.verify(deepLeaf.certPem, {}, {now()}).status == Status::Untrusted);
    CHECK(store.verify(tamperSignature(leaf.certPem), {}, {now()}).status == Status::Untrusted);

    // Mixed: an ES256 doctor under an SM2 CA, and an SM2 doctor under an ES256 CA.
    CHECK(store.verify(makeLeaf(root, "110330200000005", "EC").certPem, {}, {now()}).status == Status::Ok);
    const Pki ec;
    CHECK(TrustStore({ec.root.certPem})
              .verify(makeLeaf(ec.intermediate, "110330200000006", "SM2").certPem, {ec.intermediate.certPem},
                      {now()})
              .status == Status::Ok);

    // Unrelated SM2 root: Untrusted.
    const rxtest::Issued otherRoot = makeCa("rxflow SM2 Root", nullptr, "SM2");
    CHECK(TrustStore({otherRoot.certPem}).verify(leaf.certPem, {}, {now()}).status == Status::Untrusted);
}

TEST_CASE("Chain: SM2 certificates are signed with the id 1234567812345678, not OpenSSL 3's empty default") {
    const rxtest::Issued root = makeCa("rxflow SM2 Root", nullptr, "SM2");
    const rxtest::Issued leaf = makeLeaf(root, "110330200000002", "SM2");
    Cert leafCert = readCert(leaf.certPem);
    Cert rootCert = readCert(root.certPem);
    REQUIRE(leafCert);
    REQUIRE(rootCert);
    CHECK(X509_get_signature_nid(leafCert.get()) == NID_SM2_with_SM3);
    EVP_PKEY* rootKey = X509_get0_pubkey(rootCert.get());
    REQUIRE(rootKey != nullptr);
    // Out of the box (no id on the certificate object) OpenSSL 3 uses the empty id and fails.
    CHECK(X509_verify(leafCert.get(), rootKey) != 1);
    ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(rxsign::kSm2DistinguishingId), 16);
    X509_set0_distinguishing_id(leafCert.get(), id);
    CHECK(X509_verify(leafCert.get(), rootKey) == 1);
    ERR_clear_error();
}

TEST_CASE("Chain: a garbage leaf or chain entry is Untrusted without throwing") {
    const Pki pki;
    const TrustStore store({pki.root.certPem});
    for (const std::string& bad :
         {std::string(), std::string("garbage"),
          std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), pki.leaf.keyPem,
          std::string(100000, 'A'), std::string("\0\x30\x82", 3)}) {
        ChainResult r;
        CHECK_NOTHROW(r = store.verify(bad, {pki.intermediate.certPem}, {now()}));
        CHECK(r.status == Status::Untrusted);
        CHECK_FALSE(r.detail.empty());
        CHECK_NOTHROW(r = store.verify(pki.leaf.certPem, {bad}, {now()}));
        CHECK(r.status == Status::Untrusted);
    }
}

TEST_CASE("Chain: a CA certificate as the leaf is Untrusted") {
    const Pki pki;
    const TrustStore store({pki.root.certPem});
    const ChainResult r = store.verify(pki.intermediate.certPem, {}, {now()});
    CHECK(r.status == Status::Untrusted);
    CHECK(store.verify(pki.root.certPem, {}, {now()}).status == Status::Untrusted);
}

TEST_CASE("Chain: TrustStore refuses a bad anchor and counts its anchors, it can be moved") {
    const Pki pki;
    CHECK_THROWS_AS(TrustStore({pki.root.certPem, "garbage"}), rxsign::CertificateError);
    CHECK_THROWS_AS(TrustStore({""}), rxsign::CertificateError);
    TrustStore two({pki.root.certPem, makeCa("rxflow Second Root").certPem});
    CHECK(two.size() == 2);
    TrustStore moved(std::move(two));
    CHECK(moved.size() == 2);
    CHECK(moved.verify(pki.leaf.certPem, {pki.intermediate.certPem}, {now()}).status == Status::Ok);
    TrustStore assigned({});
    assigned = std::move(moved);
    CHECK(assigned.verify(pki.leaf.certPem, {pki.intermediate.certPem}, {now()}).status == Status::Ok);
}

TEST_CASE("Chain: one TrustStore verifies ES256 and SM2 chains from many threads at once") {
    const Pki pki;
    const rxtest::Issued smRoot = makeCa("rxflow SM2 Root", nullptr, "SM2");
    const rxtest::Issued smLeaf = makeLeaf(smRoot, "110330200000002", "SM2");
    const TrustStore store({pki.root.certPem, smRoot.certPem});
    const long long t = now();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int th = 0; th < 4; ++th) {
        threads.emplace_back([&] {
            for (int i = 0; i < 30; ++i) {
                if (store.verify(pki.leaf.certPem, {pki.intermediate.certPem}, {t}).status != Status::Ok)
                    ++failures;
                if (store.verify(smLeaf.certPem, {}, {t}).status != Status::Ok) ++failures;
                if (store.verify(pki.leaf.certPem, {}, {t}).status != Status::Untrusted) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures.load() == 0);
}
