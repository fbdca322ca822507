// rxsign-tool: a demo/test PKI, RFC 8785 canonical bytes and ES256/SM2 signatures from the
// command line.
//
//   rxsign-tool pki DIR [--license L] [--sm2-license L2]
//   rxsign-tool pharmacist DIR --license L
//   rxsign-tool canon FILE|-
//   rxsign-tool sign --key KEY.pem [--member NAME] FILE|-
//   rxsign-tool verify --cert CERT.pem --sig BASE64 [--member NAME] FILE|-
//   rxsign-tool sign-review --key KEY.pem --cert CERT.pem [--chain CHAIN.pem] --prescription ID
//                           --version N --decision approve|reject [--reason-code C] --license L
//                           [--reviewed-at RFC3339]
//
// The PKI written by `pki` (all keys PKCS#8 PEM, mode 0600):
//   root-ca.pem/.key             ES256 (P-256) self-signed root, CA, 10 years
//   intermediate-ca.pem/.key     ES256, issued by the root, CA with pathlen 0, 5 years
//   doctor-es256.pem/.key        ES256 end entity issued by the intermediate, 1 year,
//                                subject serialNumber = --license (110330200000001)
//   chain.pem                    the intermediate (what a clinic sends in signature.chain)
//   root-ca-sm2.pem/.key         SM2 self-signed root, CA, 10 years
//   doctor-sm2.pem/.key          SM2 end entity issued DIRECTLY by the SM2 root (no SM2
//                                intermediate, so its chain is empty), 1 year,
//                                serialNumber = --sm2-license (110330200000002)
// SM2 certificates are signed with SM3 and the distinguishing id 1234567812345678, set
// explicitly (OpenSSL 3's default id is empty). Validity starts one day in the past.
//
// `pharmacist` adds pharmacist-L.pem/.key to a DIR made by `pki`: ES256, issued by DIR's
// intermediate (so its chain is chain.pem), 1 year, subject serialNumber = L (the 执业药师
// registration number). Run it once per pharmacist.
//
// `sign-review` signs a review (审方, API.md §11) over the JCS bytes of {"prescription","version",
// "decision","reasonCode"?,"pharmacist":L,"reviewedAt"} and prints one line of JSON,
//   {"reviewedAt":T,"signature":{"alg","certificate","chain"?,"value"},"version":N}
// for a script to merge into the review body (reviewedAt default: now, as 2026-12-04T01:02:03+00:00).
//
// Exit status: 0 success, 1 error (message on stderr; for verify: does not verify), 2 usage.
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "signing/certificate.h"
#include "signing/files.h"
#include "signing/json.h"
#include "signing/keys.h"
#include "signing/review.h"
#include "signing/tool/pki.h"

namespace {

const char* kUsage =
    "usage:\n"
    "  rxsign-tool pki DIR [--license L] [--sm2-license L2]\n"
    "  rxsign-tool pharmacist DIR --license L        (DIR made by pki; writes pharmacist-L.pem/.key)\n"
    "  rxsign-tool canon FILE|-\n"
    "  rxsign-tool sign --key KEY.pem [--member NAME] FILE|-\n"
    "  rxsign-tool verify --cert CERT.pem --sig BASE64 [--member NAME] FILE|-\n"
    "  rxsign-tool sign-review --key KEY.pem --cert CERT.pem [--chain CHAIN.pem] --prescription ID\n"
    "                          --version N --decision approve|reject [--reason-code C] --license L\n"
    "                          [--reviewed-at RFC3339]\n";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct ToolError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// --- arguments -----------------------------------------------------------------------------

struct Args {
    std::map<std::string, std::string> options;
    std::vector<std::string> positional;
};

Args parseArgs(int argc, char** argv, int from, const std::vector<std::string>& allowed) {
    Args args;
    for (int i = from; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            bool known = false;
            for (const auto& name : allowed) known = known || name == a;
            if (!known) throw UsageError("unknown option " + a);
            if (i + 1 >= argc) throw UsageError(a + " needs a value");
            if (!args.options.emplace(a, argv[++i]).second) throw UsageError(a + " given twice");
        } else {
            args.positional.push_back(a);
        }
    }
    return args;
}

std::string require(const Args& args, const std::string& name) {
    auto it = args.options.find(name);
    if (it == args.options.end()) throw UsageError(name + " is required");
    return it->second;
}

std::string optional(const Args& args, const std::string& name, const std::string& fallback) {
    auto it = args.options.find(name);
    return it == args.options.end() ? fallback : it->second;
}

// --- files ---------------------------------------------------------------------------------

std::string readInput(const std::string& path) {
    if (path == "-")
        return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ToolError("cannot read " + path + ": " + std::strerror(errno));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeFile(const std::filesystem::path& path, const std::string& text, bool secret) {
    const std::string p = path.string();
    if (secret) return rxsign::writeSecretFile(p, text);
    std::FILE* f = std::fopen(p.c_str(), "wb");
    if (f == nullptr) throw ToolError("cannot write " + p + ": " + std::strerror(errno));
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !ok) throw ToolError("cannot write " + p);
}

// --- pki -----------------------------------------------------------------------------------

using rxsign::tool::certPem;
using rxsign::tool::issue;
using rxsign::tool::Party;

void writeParty(const std::filesystem::path& dir, const std::string& base, const Party& p) {
    writeFile(dir / (base + ".key"), rxsign::tool::keyPem(p), true);
    writeFile(dir / (base + ".pem"), certPem(p), false);
}

int cmdPki(const Args& args) {
    if (args.positional.size() != 1) throw UsageError("pki needs exactly one DIR");
    const std::filesystem::path dir = args.positional[0];
    const std::string license = optional(args, "--license", "110330200000001");
    const std::string sm2License = optional(args, "--sm2-license", "110330200000002");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw ToolError("cannot create " + dir.string() + ": " + ec.message());

    const Party root = issue({"rxflow Demo Root CA", "", false, true, -1, 3650}, nullptr);
    const Party intermediate = issue({"rxflow Demo Intermediate CA", "", false, true, 0, 1825}, &root);
    const Party doctor = issue({"Demo Doctor ES256", license, false, false, -1, 365}, &intermediate);
    const Party sm2Root = issue({"rxflow Demo SM2 Root CA", "", true, true, -1, 3650}, nullptr);
    const Party sm2Doctor = issue({"Demo Doctor SM2", sm2License, true, false, -1, 365}, &sm2Root);

    writeParty(dir, "root-ca", root);
    writeParty(dir, "intermediate-ca", intermediate);
    writeParty(dir, "doctor-es256", doctor);
    writeParty(dir, "root-ca-sm2", sm2Root);
    writeParty(dir, "doctor-sm2", sm2Doctor);
    writeFile(dir / "chain.pem", certPem(intermediate), false);
    std::cout << "wrote root-ca, intermediate-ca, doctor-es256 (license " << license
              << "), chain.pem, root-ca-sm2, "
              << "doctor-sm2 (license " << sm2License << ") to " << dir.string() << "\n";
    return 0;
}

// A license names files in DIR, so it may not walk out of it.
std::string fileSafeLicense(const std::string& license) {
    static const std::regex safe("[A-Za-z0-9_-]{1,64}");
    if (!std::regex_match(license, safe)) throw UsageError("--license must be 1 to 64 of A-Z a-z 0-9 _ -");
    return license;
}

int cmdPharmacist(const Args& args) {
    if (args.positional.size() != 1) throw UsageError("pharmacist needs exactly one DIR");
    const std::filesystem::path dir = args.positional[0];
    const std::string license = fileSafeLicense(require(args, "--license"));
    const std::string caKey = readInput((dir / "intermediate-ca.key").string());
    const Party ca = rxsign::tool::loadParty(caKey, readInput((dir / "intermediate-ca.pem").string()));
    const Party pharmacist = issue({"Demo Pharmacist " + license, license, false, false, -1, 365}, &ca);
    writeParty(dir, "pharmacist-" + license, pharmacist);
    std::cout << "wrote pharmacist-" << license << ".pem/.key (license " << license
              << ", issued by intermediate-ca; chain: chain.pem) to " << dir.string() << "\n";
    return 0;
}

// --- canon / sign / verify -----------------------------------------------------------------

std::string canonicalBytes(const Args& args) {
    if (args.positional.size() != 1) throw UsageError("exactly one FILE (or -) expected");
    const rxsign::Json doc = rxsign::parseJson(readInput(args.positional[0]));
    auto it = args.options.find("--member");
    if (it == args.options.end()) return rxsign::canonicalize(doc);
    if (!doc.isObject()) throw ToolError("the document is not an object; no member " + it->second);
    const rxsign::Json* member = doc.find(it->second);
    if (member == nullptr) throw ToolError("the document has no member \"" + it->second + "\"");
    return rxsign::canonicalize(*member);
}

int cmdCanon(const Args& args) {
    const std::string bytes = canonicalBytes(args);
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    return 0;
}

int cmdSign(const Args& args) {
    const rxsign::PrivateKey key = rxsign::PrivateKey::fromPem(readInput(require(args, "--key")));
    const std::string bytes = canonicalBytes(args);
    std::cout << rxsign::base64Encode(key.sign(bytes)) << "\n";
    return 0;
}

int cmdVerify(const Args& args) {
    const std::string certText = readInput(require(args, "--cert"));
    const std::string sig = rxsign::base64Decode(require(args, "--sig"));
    const std::string bytes = canonicalBytes(args);
    // A certificate, or else a bare public key.
    std::unique_ptr<rxsign::PublicKey> key;
    try {
        key = std::make_unique<rxsign::PublicKey>(rxsign::PublicKey::fromCertificatePem(certText));
    } catch (const rxsign::KeyError&) {
        key = std::make_unique<rxsign::PublicKey>(rxsign::PublicKey::fromPem(certText));
    }
    if (!key->verify(bytes, sig)) {
        std::cerr << "rxsign-tool: " << rxsign::algName(key->alg()) << " signature does not verify\n";
        return 1;
    }
    std::cout << rxsign::algName(key->alg()) << " signature ok (keyId " << key->keyId() << ")\n";
    return 0;
}

// --- sign-review ---------------------------------------------------------------------------

// Digits only, at most 2^53: the version is an integer inside signed content (API.md §1).
long long versionArg(const std::string& text) {
    const bool digits =
        !text.empty() && text.size() <= 16 && text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoll(text) > (1LL << 53))
        throw UsageError("--version must be an integer from 0 to 2^53");
    return std::stoll(text);
}

std::string nowUtc() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    return buf;
}

// Each PEM certificate of a file, so that a chain file of several becomes several members.
std::vector<std::string> pemCertificates(const std::string& text) {
    static const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
    std::vector<std::string> out;
    for (std::size_t at = text.find(begin); at != std::string::npos; at = text.find(begin, at)) {
        const std::size_t stop = text.find(end, at);
        if (stop == std::string::npos) throw ToolError("a certificate in the chain file has no END line");
        out.push_back(text.substr(at, stop + end.size() - at) + "\n");
        at = stop + end.size();
    }
    if (out.empty()) throw ToolError("the chain file holds no PEM certificate");
    return out;
}

int cmdSignReview(const Args& args) {
    if (!args.positional.empty()) throw UsageError("sign-review takes no FILE");
    const std::string id = require(args, "--prescription");
    const long long version = versionArg(require(args, "--version"));
    const std::string decision = require(args, "--decision");
    if (decision != "approve" && decision != "reject")
        throw UsageError("--decision must be approve or reject");
    const std::string license = require(args, "--license");
    const std::string reviewedAt = optional(args, "--reviewed-at", nowUtc());
    // The server's form (server/domain: parseTimestampMs); a signature over another is wasted.
    static const std::regex rfc3339(
        R"(\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d))");
    if (!std::regex_match(reviewedAt, rfc3339))
        throw UsageError("--reviewed-at must be RFC 3339 with an offset");
    if (id.empty() || license.empty()) throw UsageError("--prescription and --license may not be empty");

    const rxsign::PrivateKey key = rxsign::PrivateKey::fromPem(readInput(require(args, "--key")));
    const std::string certificate = readInput(require(args, "--cert"));
    // What the server would refuse with 422 certificate_license_mismatch, said before signing.
    const std::string certLicense = rxsign::parseCertificatePem(certificate).serialNumberAttr;
    if (certLicense != license)
        throw ToolError("the certificate's serialNumber is \"" + certLicense + "\", not --license " +
                        license);
    const std::string bytes = rxsign::reviewSignedBytes(
        id, version, decision, optional(args, "--reason-code", ""), license, reviewedAt);
    const std::string sig = key.sign(bytes);
    if (!rxsign::PublicKey::fromCertificatePem(certificate).verify(bytes, sig))
        throw ToolError("--key is not the key of the certificate --cert");

    rxsign::Json signature = rxsign::Json::object({{"alg", rxsign::Json::string(rxsign::algName(key.alg()))},
                                                   {"certificate", rxsign::Json::string(certificate)}});
    if (auto chain = args.options.find("--chain"); chain != args.options.end()) {
        rxsign::Json pems = rxsign::Json::array();
        for (const std::string& pem : pemCertificates(readInput(chain->second)))
            pems.push(rxsign::Json::string(pem));
        signature.set("chain", pems);
    }
    signature.set("value", rxsign::Json::string(rxsign::base64Encode(sig)));
    std::cout << rxsign::canonicalize(rxsign::Json::object({{"reviewedAt", rxsign::Json::string(reviewedAt)},
                                                            {"signature", signature},
                                                            {"version", rxsign::Json::integer(version)}}))
              << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc < 2) throw UsageError("no command");
        const std::string cmd = argv[1];
        if (cmd == "pki") return cmdPki(parseArgs(argc, argv, 2, {"--license", "--sm2-license"}));
        if (cmd == "pharmacist") return cmdPharmacist(parseArgs(argc, argv, 2, {"--license"}));
        if (cmd == "sign-review")
            return cmdSignReview(parseArgs(argc, argv, 2,
                                           {"--key", "--cert", "--chain", "--prescription", "--version",
                                            "--decision", "--reason-code", "--license", "--reviewed-at"}));
        if (cmd == "canon") return cmdCanon(parseArgs(argc, argv, 2, {}));
        if (cmd == "sign") return cmdSign(parseArgs(argc, argv, 2, {"--key", "--member"}));
        if (cmd == "verify") return cmdVerify(parseArgs(argc, argv, 2, {"--cert", "--sig", "--member"}));
        if (cmd == "-h" || cmd == "--help" || cmd == "help") {
            std::cout << kUsage;
            return 0;
        }
        throw UsageError("unknown command " + cmd);
    } catch (const UsageError& e) {
        std::cerr << "rxsign-tool: " << e.what() << "\n" << kUsage;
        return 2;
    } catch (const rxsign::JsonError& e) {
        std::cerr << "rxsign-tool: invalid JSON: " << e.what();
        if (!e.pointer().empty()) std::cerr << " at " << e.pointer();
        std::cerr << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "rxsign-tool: " << e.what() << "\n";
        return 1;
    }
}
