// rxflow verify on a /signed document that carries reviews (API.md §11): each signed review is
// checked offline like the prescriber's signature, with rxsign-tool's pharmacist certificate and
// sign-review output. The document is built here as the server serves it; the platform's
// countersignature does not cover reviews, so appending them leaves it valid.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "server/domain/Clock.h"
#include "server/workflow/ReviewSigning.h"
#include "server/workflow/Signing.h"
#include "signing/json.h"
#include "signing/keys.h"
#include "tests/support/Prescriptions.h"
#include "tests/support/TestEnv.h"

using rxsign::Json;

namespace {

const std::string kLicense = "YS33020001";
const std::string kId = "rx_01KBM3ZQ8RJ5D2XG7WQ4T9HN6C";

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// Exit status of a shell command, its stdout and stderr in `output`.
int run(const std::string& command, const std::string& dir, std::string& output) {
    const int status = std::system((command + " > '" + dir + "/out.txt' 2>&1").c_str());
    output = slurp(dir + "/out.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A PKI made by rxsign-tool (pki, then pharmacist), and the /signed document of one prescription
// signed by its doctor and countersigned by a fresh platform key.
struct Signed {
    std::string dir = rxtest::makeTempDir("verify-reviews");
    std::string pki = dir + "/pki";
    Json document;

    Signed() {
        std::string out;
        REQUIRE_MESSAGE(tool("pki '" + pki + "'", out) == 0, out);
        REQUIRE_MESSAGE(tool("pharmacist '" + pki + "' --license " + kLicense, out) == 0, out);
        const Json prescription = rxsign::parseJson(rxtest::prescriptionJson(rxtest::RxSpec{}));
        const auto doctor = rxsign::PrivateKey::fromPem(slurp(pki + "/doctor-es256.key"));
        const std::string value = rxsign::base64Encode(doctor.sign(rxsign::canonicalize(prescription)));
        const auto platform = rxsign::PrivateKey::generate(rxsign::Alg::ES256);
        write(dir + "/platform.pem", platform.publicKey().pem());
        using namespace std::chrono;
        const std::string signedAt =
            rxflow::formatTime(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
        const std::string countersignature = rxsign::base64Encode(
            platform.sign(rxflow::platformSignedBytes(kId, prescription, value, signedAt)));
        document = Json::object(
            {{"id", Json::string(kId)},
             {"prescription", prescription},
             {"prescriberSignature",
              Json::object({{"alg", Json::string("ES256")},
                            {"certificate", Json::string(slurp(pki + "/doctor-es256.pem"))},
                            {"chain", Json::array({Json::string(slurp(pki + "/chain.pem"))})},
                            {"value", Json::string(value)}})},
             {"platformSignature", Json::object({{"alg", Json::string("ES256")},
                                                 {"keyId", Json::string(platform.publicKey().keyId())},
                                                 {"signedAt", Json::string(signedAt)},
                                                 {"value", Json::string(countersignature)}})}});
    }
    ~Signed() { std::filesystem::remove_all(dir); }

    int tool(const std::string& args, std::string& output) const {
        return run(std::string(RXSIGN_TOOL_BIN) + " " + args, dir, output);
    }

    // A review as the server lists it, unsigned.
    static Json review(const std::string& decision, const std::string& reasonCode,
                       const std::string& license = kLicense) {
        Json r = Json::object({{"decision", Json::string(decision)}});
        if (!reasonCode.empty()) r.set("reasonCode", Json::string(reasonCode));
        r.set("pharmacist",
              Json::object({{"name", Json::string("王药师")}, {"license", Json::string(license)}}));
        return r;
    }

    // The same, signed with rxsign-tool sign-review by the pharmacist of `pkiDir`.
    Json signedReview(const std::string& decision, const std::string& reasonCode,
                      const std::string& extra = "", const std::string& pkiDir = "") const {
        const std::string from = pkiDir.empty() ? pki : pkiDir;
        const std::string base = "'" + from + "/pharmacist-" + kLicense;
        std::string out;
        const int status = tool("sign-review --key " + base + ".key' --cert " + base + ".pem' --chain '" +
                                    from + "/chain.pem' --prescription " + kId + " --version 1 --decision " +
                                    decision + (reasonCode.empty() ? "" : " --reason-code " + reasonCode) +
                                    " --license " + kLicense + " " + extra,
                                out);
        REQUIRE_MESSAGE(status == 0, out);
        const Json signature = rxsign::parseJson(out);
        Json r = review(decision, reasonCode);
        r.set("version", *signature.find("version"));
        r.set("reviewedAt", *signature.find("reviewedAt"));
        r.set("signature", *signature.find("signature"));
        return r;
    }

    std::string with(std::vector<Json> reviews) const {
        Json d = document;
        d.set("reviews", Json::array(std::move(reviews)));
        return rxsign::canonicalize(d);
    }

    // Exit status of `rxflow verify` on this text of the document, its output in `output`.
    int verify(const std::string& text, std::string& output) const {
        write(dir + "/signed.json", text);
        return run(std::string(RXFLOW_BIN) + " verify '" + dir + "/signed.json' --platform-key '" + dir +
                       "/platform.pem' --trust-ca '" + pki + "/root-ca.pem'",
                   dir, output);
    }
};

// The document with one byte changed at `offset` past the first `marker` inside its reviews; a
// letter stays a letter and a digit a digit, so base64 and times stay well-formed.
std::string changedAfter(std::string text, const std::string& marker, std::size_t offset) {
    const std::size_t at = text.find(marker, text.find("\"reviews\":")) + marker.size() + offset;
    char& c = text[at];
    c = c == '9'   ? '8'
        : c == 'z' ? 'y'
        : c == 'Z' ? 'Y'
        : c == '+' ? '/'
        : c == '/' ? '+'
                   : static_cast<char>(c + 1);
    return text;
}

bool has(const std::string& output, const std::string& part) {
    return output.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("rxflow verify checks a review signed with rxsign-tool and prints the pharmacist's license") {
    Signed s;
    std::string out;
    CHECK_MESSAGE(s.verify(s.with({s.signedReview("approve", "")}), out) == 0, out);
    CHECK_MESSAGE(out.rfind("OK " + kId, 0) == 0, out);
    CHECK_MESSAGE(
        has(out, "\nreview 1: approve by pharmacist YS33020001 (王药师), ES256 signature verifies\n"), out);
}

TEST_CASE(
    "rxflow verify fails a signed review after a one-byte change in its decision, version, "
    "reviewedAt or signature value") {
    Signed s;
    const std::string text = s.with({s.signedReview("reject", "out_of_stock")});
    std::string out;
    REQUIRE_MESSAGE(s.verify(text, out) == 0, out);
    for (const auto& [marker, offset] : std::vector<std::pair<std::string, std::size_t>>{
             {"\"decision\":\"", 2}, {"\"version\":", 0}, {"\"reviewedAt\":\"", 18}, {"\"value\":\"", 20}}) {
        CAPTURE(marker);
        CHECK(s.verify(changedAfter(text, marker, offset), out) == 1);
        CHECK_MESSAGE(has(out, "FAILED: review 1: signature does not verify"), out);
    }
}

TEST_CASE(
    "rxflow verify fails a signed review whose certificate names another license, chains to no "
    "trust anchor or was not valid at reviewedAt") {
    Signed s;
    std::string out;
    // Signed over the bytes with the other license, so only the certificate can tell.
    Json other = Signed::review("approve", "", "YS33020002");
    const std::string at = "2026-12-04T09:02:03+08:00";
    other.set("version", Json::integer(1));
    other.set("reviewedAt", Json::string(at));
    const auto key = rxsign::PrivateKey::fromPem(slurp(s.pki + "/pharmacist-" + kLicense + ".key"));
    other.set("signature",
              Json::object({{"alg", Json::string("ES256")},
                            {"certificate", Json::string(slurp(s.pki + "/pharmacist-" + kLicense + ".pem"))},
                            {"chain", Json::array({Json::string(slurp(s.pki + "/chain.pem"))})},
                            {"value", Json::string(rxsign::base64Encode(key.sign(rxflow::reviewSignedBytes(
                                          kId, 1, "approve", "", "YS33020002", at))))}}));
    CHECK(s.verify(s.with({other}), out) == 1);
    CHECK_MESSAGE(has(out, "review 1: pharmacist certificate's serialNumber is not"), out);

    const std::string elsewhere = s.dir + "/other-pki";
    REQUIRE(s.tool("pki '" + elsewhere + "'", out) == 0);
    REQUIRE(s.tool("pharmacist '" + elsewhere + "' --license " + kLicense, out) == 0);
    CHECK(s.verify(s.with({s.signedReview("approve", "", "", elsewhere)}), out) == 1);
    CHECK_MESSAGE(has(out, "review 1: pharmacist certificate: does not chain to the trust anchors"), out);

    // The second review fails: the first is not enough to pass the document.
    CHECK(s.verify(s.with({s.signedReview("approve", ""),
                           s.signedReview("approve", "", "--reviewed-at 2020-01-01T00:00:00+08:00")}),
                   out) == 1);
    CHECK_MESSAGE(has(out, "review 2: pharmacist certificate: not valid at reviewedAt"), out);
}

TEST_CASE(
    "rxflow verify reports an unsigned review without failing, and a document without reviews as before") {
    Signed s;
    std::string out;
    CHECK_MESSAGE(
        s.verify(s.with({Signed::review("reject", "out_of_stock"), s.signedReview("approve", "")}), out) == 0,
        out);
    CHECK_MESSAGE(has(out, "\nreview 1: reject (out_of_stock) by pharmacist YS33020001 (王药师), unsigned\n"),
                  out);
    CHECK_MESSAGE(
        has(out, "\nreview 2: approve by pharmacist YS33020001 (王药师), ES256 signature verifies\n"), out);

    CHECK_MESSAGE(s.verify(rxsign::canonicalize(s.document), out) == 0, out);
    CHECK_MESSAGE(out.rfind("OK " + kId, 0) == 0, out);
    CHECK_MESSAGE(out.find('\n') == out.size() - 1, out);
}

TEST_CASE("rxsign-tool sign-review refuses another license's certificate, a foreign key and a bad decision") {
    Signed s;
    const std::string cert = " --cert '" + s.pki + "/pharmacist-" + kLicense + ".pem'";
    const std::string rest = " --prescription " + kId + " --version 1";
    std::string out;
    CHECK(s.tool("sign-review --key '" + s.pki + "/pharmacist-" + kLicense + ".key'" + cert + rest +
                     " --decision approve --license YS33020002",
                 out) == 1);
    CHECK_MESSAGE(has(out, "serialNumber is \"YS33020001\", not --license YS33020002"), out);
    CHECK(s.tool("sign-review --key '" + s.pki + "/doctor-es256.key'" + cert + rest +
                     " --decision approve --license " + kLicense,
                 out) == 1);
    CHECK_MESSAGE(has(out, "--key is not the key of the certificate"), out);
    CHECK(s.tool("sign-review --key '" + s.pki + "/pharmacist-" + kLicense + ".key'" + cert + rest +
                     " --decision maybe --license " + kLicense,
                 out) == 2);
}
