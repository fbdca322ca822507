// rxsign-tool: a demo/test PKI, RFC 8785 canonical bytes and ES256/SM2 signatures from the
// command line.
//
//   rxsign-tool pki DIR [--license L] [--sm2-license L2]
//   rxsign-tool canon FILE|-
//   rxsign-tool sign --key KEY.pem [--member NAME] FILE|-
//   rxsign-tool verify --cert CERT.pem --sig BASE64 [--member NAME] FILE|-
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
// Exit status: 0 success, 1 error (message on stderr; for verify: does not verify), 2 usage.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "signing/files.h"
#include "signing/json.h"
#include "signing/keys.h"
#include "signing/ossl.h"

namespace {

const char* kUsage =
    "usage:\n"
    "  rxsign-tool pki DIR [--license L] [--sm2-license L2]\n"
    "  rxsign-tool canon FILE|-\n"
    "  rxsign-tool sign --key KEY.pem [--member NAME] FILE|-\n"
    "  rxsign-tool verify --cert CERT.pem --sig BASE64 [--member NAME] FILE|-\n";

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

using rxsign::ossl::Bio;
using rxsign::ossl::Cert;
using rxsign::ossl::Key;
using rxsign::ossl::MdCtx;
using rxsign::ossl::PkeyCtx;

void check(bool ok, const std::string& what) {
    if (ok) return;
    const unsigned long e = ERR_get_error();
    char buf[256] = "";
    if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    throw ToolError("pki: " + what + (e != 0 ? std::string(": ") + buf : std::string()));
}

std::string bioText(BIO* b) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

struct Party {
    Key key;
    Cert cert;
};

struct Spec {
    std::string commonName;
    std::string serialNumber;  // subject serialNumber (license); empty: none
    bool sm2 = false;
    bool ca = false;
    int pathLen = -1;  // CA only; -1: unlimited
    long days = 365;
};

void addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    check(ext != nullptr, "extension " + value);
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok == 1, "adding extension " + value);
}

void addName(X509_NAME* name, const char* field, const std::string& value) {
    check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) == 1,
          std::string("subject ") + field);
}

// Self-signed when issuer is null.
Party issue(const Spec& spec, const Party* issuer) {
    Party out;
    out.key.reset(spec.sm2 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2")
                           : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    check(out.key != nullptr, "key generation");
    out.cert.reset(X509_new());
    X509* cert = out.cert.get();
    check(cert != nullptr && X509_set_version(cert, 2) == 1, "certificate");

    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial) == 1, "serial");
    serial[0] &= 0x7f;
    serial[0] |= 0x01;  // positive and no leading zero byte
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    check(bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr, "serial");
    BN_free(bn);
    check(X509_gmtime_adj(X509_getm_notBefore(cert), -86400L) != nullptr, "notBefore");
    check(X509_time_adj_ex(X509_getm_notAfter(cert), static_cast<int>(spec.days), 0, nullptr) != nullptr,
          "notAfter");

    X509_NAME* name = X509_get_subject_name(cert);
    addName(name, "C", "CN");
    addName(name, "O", "rxflow demo");
    addName(name, "CN", spec.commonName);
    if (!spec.serialNumber.empty()) addName(name, "serialNumber", spec.serialNumber);
    check(X509_set_pubkey(cert, out.key.get()) == 1, "public key");

    X509* signerCert = issuer ? issuer->cert.get() : cert;
    EVP_PKEY* signerKey = issuer ? issuer->key.get() : out.key.get();
    check(X509_set_issuer_name(cert, X509_get_subject_name(signerCert)) == 1, "issuer name");
    std::string bc = spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
    if (spec.ca && spec.pathLen >= 0) bc += ",pathlen:" + std::to_string(spec.pathLen);
    addExtension(cert, signerCert, NID_basic_constraints, bc);
    addExtension(cert, signerCert, NID_key_usage,
                 spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
    addExtension(cert, signerCert, NID_subject_key_identifier, "hash");
    addExtension(cert, signerCert, NID_authority_key_identifier, issuer ? "keyid:always" : "keyid");

    // A fresh EVP_PKEY_CTX with the SM2 distinguishing id; X509_sign would use the empty id.
    PkeyCtx pctx(EVP_PKEY_CTX_new_from_pkey(nullptr, signerKey, nullptr));
    MdCtx mctx(EVP_MD_CTX_new());  // declared after pctx: freed first, it only borrows pctx
    check(pctx && mctx, "signing context");
    const bool sm2Signer = EVP_PKEY_is_a(signerKey, "SM2") == 1;
    if (sm2Signer) {
        check(EVP_PKEY_CTX_set1_id(pctx.get(), rxsign::kSm2DistinguishingId,
                                   std::strlen(rxsign::kSm2DistinguishingId)) > 0,
              "SM2 distinguishing id");
    }
    EVP_MD_CTX_set_pkey_ctx(mctx.get(), pctx.get());
    check(EVP_DigestSignInit(mctx.get(), nullptr, sm2Signer ? EVP_sm3() : EVP_sha256(), nullptr, signerKey) ==
              1,
          "sign init");
    check(X509_sign_ctx(cert, mctx.get()) > 0, "signing " + spec.commonName);
    return out;
}

std::string keyPem(const Party& p) {
    Bio b(BIO_new(BIO_s_mem()));
    check(b && PEM_write_bio_PrivateKey(b.get(), p.key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "writing key");
    return bioText(b.get());
}

std::string certPem(const Party& p) {
    Bio b(BIO_new(BIO_s_mem()));
    check(b && PEM_write_bio_X509(b.get(), p.cert.get()) == 1, "writing certificate");
    return bioText(b.get());
}

void writeParty(const std::filesystem::path& dir, const std::string& base, const Party& p) {
    writeFile(dir / (base + ".key"), keyPem(p), true);
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

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc < 2) throw UsageError("no command");
        const std::string cmd = argv[1];
        if (cmd == "pki") return cmdPki(parseArgs(argc, argv, 2, {"--license", "--sm2-license"}));
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
