// bench_signing: ES256 and SM2 signature verifications/s and signatures/s through rxsign
// (PublicKey::verify, PrivateKey::sign over a ~1.5 KB canonical prescription, one thread),
// next to OpenSSL's own figures from `openssl speed -seconds 2 ecdsap256` and `... sm2`.
//
// Rates are per second of CPU time of the measuring thread, as `openssl speed` reports by
// default (it divides by user CPU time), so other load on the machine skews both alike; the
// wall-clock rates are printed underneath. `openssl speed` signs a 20-byte buffer (ECDSA:
// already a digest; SM2: through EVP_DigestSign with the Z prefix), rxsign hashes the whole
// message per operation; at ~1.5 KB that is a few microseconds next to tens for the EC math.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "signing/keys.h"

namespace {

double cpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double wallSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// A canonical (RFC 8785) prescription of about 1.5 KB, as a clinic would sign it.
std::string realisticMessage() {
    std::string items;
    const char* drugs[][2] = {{"XC08CAA001", "苯磺酸氨氯地平片"},
                              {"XA10BAA001", "盐酸二甲双胍片"},
                              {"XC10AAA005", "阿托伐他汀钙片"},
                              {"XB01ACA001", "阿司匹林肠溶片"},
                              {"XC09CAA001", "氯沙坦钾片"}};
    for (int i = 0; i < 5; ++i) {
        if (i) items += ",";
        items += std::string(R"({"days":7,"dose":{"amount":"5","unit":"mg"},"drugCode":")") + drugs[i][0] +
                 R"(","frequency":"qd","name":")" + drugs[i][1] +
                 R"(","quantity":2,"route":"oral","unit":"box"})";
    }
    return std::string(R"({"clinicId":"C001","doctor":{"license":"110330200000001","name":"谢道奋"},)") +
           R"("issuedAt":"2026-11-22T10:05:00+08:00","items":[)" + items +
           R"(],"longTerm":false,"patient":{"birthDate":"1960-01-01","gender":"M","idNumber":"330203196001011232",)" +
           R"("idType":"resident_id","insurance":{"psnNo":"33020000000000000001","region":"330200"},)" +
           R"("name":"朱明勇","phone":"13800000000"},"rxNo":"R-2026-000001","validDays":1,)" +
           R"("visit":{"diagnoses":[{"code":"I10","name":"原发性高血压"},{"code":"E11.9","name":"2型糖尿病"},)" +
           R"({"code":"E78.5","name":"高脂血症"},{"code":"I25.1","name":"动脉粥样硬化性心脏病"}],)" +
           R"("initialVisit":{"date":"2026-10-02","institution":"李惠利医院"},"kind":"follow_up"}})";
}

struct Rate {
    double perCpuSecond = 0;
    double perWallSecond = 0;
    long count = 0;
};

template <class F>
Rate measure(double seconds, F&& op) {
    for (int i = 0; i < 20; ++i) op();  // warm-up: provider fetches, caches
    const double c0 = cpuSeconds();
    const double w0 = wallSeconds();
    long n = 0;
    double c = c0;
    while (c - c0 < seconds) {
        op();
        ++n;
        c = cpuSeconds();
    }
    Rate r;
    r.count = n;
    r.perCpuSecond = static_cast<double>(n) / (c - c0);
    r.perWallSecond = static_cast<double>(n) / (wallSeconds() - w0);
    return r;
}

struct SpeedResult {
    double sign = 0;
    double verify = 0;
    bool ok = false;
};

// Runs `openssl speed` and reads the sign/s and verify/s columns of the line naming `marker`.
SpeedResult opensslSpeed(const std::string& alg, const std::string& marker) {
    SpeedResult out;
    const std::string cmd = "openssl speed -seconds 2 " + alg + " 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    std::string text;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr) text += buf;
    pclose(p);
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find(marker) == std::string::npos) continue;
        std::istringstream words(line);
        std::vector<std::string> tokens;
        std::string w;
        while (words >> w) tokens.push_back(w);
        if (tokens.size() < 4) continue;
        char* end1 = nullptr;
        char* end2 = nullptr;
        const double s = std::strtod(tokens[tokens.size() - 2].c_str(), &end1);
        const double v = std::strtod(tokens.back().c_str(), &end2);
        if (*end1 != '\0' || *end2 != '\0' || s <= 0 || v <= 0) continue;
        out.sign = s;
        out.verify = v;
        out.ok = true;
    }
    return out;
}

std::string fixed(double v, int prec) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(prec) << v;
    return o.str();
}

}  // namespace

int main() {
    const std::string message = realisticMessage();
    const double seconds = 2.0;
    std::cout << "message: " << message.size() << " bytes; " << seconds
              << " s CPU per measurement, one thread\n";

    struct Row {
        std::string alg, op;
        Rate rxsign;
        double openssl = 0;
        bool haveOpenssl = false;
    };
    std::vector<Row> rows;
    bool failed = false;

    for (rxsign::Alg alg : {rxsign::Alg::ES256, rxsign::Alg::SM2}) {
        const rxsign::PrivateKey key = rxsign::PrivateKey::generate(alg);
        const rxsign::PublicKey pub = key.publicKey();
        const std::string sig = key.sign(message);
        long bad = 0;
        std::cerr << "measuring " << rxsign::algName(alg) << " through rxsign...\n";
        const Rate verify = measure(seconds, [&] {
            if (!pub.verify(message, sig)) ++bad;
        });
        std::size_t sink = 0;
        const Rate sign = measure(seconds, [&] { sink += key.sign(message).size(); });
        if (bad != 0 || sink == 0) {
            std::cerr << rxsign::algName(alg) << ": " << bad << " verifications failed\n";
            failed = true;
        }

        const bool es = alg == rxsign::Alg::ES256;
        std::cerr << "running openssl speed -seconds 2 " << (es ? "ecdsap256" : "sm2") << "...\n";
        const SpeedResult speed = es ? opensslSpeed("ecdsap256", "nistp256") : opensslSpeed("sm2", "SM2");
        rows.push_back({rxsign::algName(alg), "verify", verify, speed.verify, speed.ok});
        rows.push_back({rxsign::algName(alg), "sign", sign, speed.sign, speed.ok});
    }

    std::cout << "\n"
              << std::left << std::setw(7) << "alg" << std::setw(8) << "op" << std::right << std::setw(12)
              << "rxsign/s" << std::setw(12) << "openssl/s" << std::setw(8) << "ratio"
              << "\n";
    for (const Row& r : rows) {
        std::cout << std::left << std::setw(7) << r.alg << std::setw(8) << r.op << std::right << std::setw(12)
                  << fixed(r.rxsign.perCpuSecond, 0) << std::setw(12)
                  << (r.haveOpenssl ? fixed(r.openssl, 0) : "n/a") << std::setw(8)
                  << (r.haveOpenssl ? fixed(r.rxsign.perCpuSecond / r.openssl, 2) : "n/a") << "\n";
    }
    std::cout << "\nrxsign per wall-clock second:";
    for (const Row& r : rows)
        std::cout << " " << r.alg << " " << r.op << " " << fixed(r.rxsign.perWallSecond, 0) << ";";
    std::cout << "\n(ratio = rxsign / openssl speed; openssl speed figures are per user-CPU second)\n";
    return failed ? 1 : 0;
}
