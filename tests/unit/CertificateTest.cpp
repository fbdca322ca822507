#include <doctest/doctest.h>

#include <ctime>
#include <string>

#include "signing/certificate.h"
#include "tests/support/TestPki.h"

TEST_CASE("parseCertificatePem reads CA flag, license, subject, fingerprint and validity of a CA and its doctor") {
    rxtest::CertSpec caSpec;
    caSpec.commonName = "rxflow Test Root CA";
    caSpec.ca = true;
    caSpec.notAfterDays = 3650;
    const rxtest::Issued ca = rxtest::issue(caSpec);

    rxtest::CertSpec leafSpec;
    leafSpec.commonName = "Dr Wang";
    leafSpec.serialNumber = "110330200000001";
    const rxtest::Issued leaf = rxtest::issue(leafSpec, &ca);

    const rxsign::CertificateInfo caInfo = rxsign::parseCertificatePem(ca.certPem);
    const rxsign::CertificateInfo leafInfo = rxsign::parseCertificatePem(leaf.certPem);

    CHECK(caInfo.isCa);
    CHECK_FALSE(leafInfo.isCa);
    CHECK(caInfo.serialNumberAttr.empty());
    CHECK(leafInfo.serialNumberAttr == "110330200000001");
    CHECK(caInfo.subject.find("CN=rxflow Test Root CA") != std::string::npos);
    CHECK(leafInfo.subject.find("CN=Dr Wang") != std::string::npos);
    CHECK(leafInfo.subject.find("O=rxflow tests") != std::string::npos);

    for (const auto* info : {&caInfo, &leafInfo}) {
        CHECK(info->sha256Fingerprint.size() == 64);
        CHECK(info->sha256Fingerprint.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(info->notAfter > info->notBefore);
    }
    CHECK(caInfo.sha256Fingerprint != leafInfo.sha256Fingerprint);
    CHECK(rxsign::parseCertificatePem(ca.certPem).sha256Fingerprint == caInfo.sha256Fingerprint);

    // Validity as issued: from a day ago to 365 days ahead.
    const long long now = static_cast<long long>(std::time(nullptr));
    CHECK(leafInfo.notBefore <= now - 86400 + 60);
    CHECK(leafInfo.notBefore >= now - 86400 - 60);
    CHECK(leafInfo.notAfter >= now + 365 * 86400LL - 60);
    CHECK(leafInfo.notAfter <= now + 365 * 86400LL + 60);

    // A Chinese common name survives as UTF-8, and SM2 certificates parse too.
    rxtest::CertSpec spec;
    spec.commonName = "王医生";
    spec.serialNumber = "110330200000002";
    spec.keyType = "SM2";
    const rxsign::CertificateInfo info = rxsign::parseCertificatePem(rxtest::issue(spec).certPem);
    CHECK(info.subject.find("CN=王医生") != std::string::npos);
    CHECK(info.serialNumberAttr == "110330200000002");
    CHECK_FALSE(info.isCa);
}

TEST_CASE("parseCertificatePem refuses garbage, an empty string, a private key and a damaged PEM") {
    CHECK_THROWS_AS(rxsign::parseCertificatePem("not a certificate"), rxsign::CertificateError);
    CHECK_THROWS_AS(rxsign::parseCertificatePem(""), rxsign::CertificateError);
    CHECK_THROWS_AS(rxsign::parseCertificatePem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                    rxsign::CertificateError);
    rxtest::CertSpec spec;
    spec.commonName = "x";
    const rxtest::Issued issued = rxtest::issue(spec);
    CHECK_THROWS_AS(rxsign::parseCertificatePem(issued.keyPem), rxsign::CertificateError);
    std::string damaged = issued.certPem;
    damaged.erase(damaged.size() / 2, 40);
    CHECK_THROWS_AS(rxsign::parseCertificatePem(damaged), rxsign::CertificateError);
}
