// What a pharmacy or a regulator can check without asking rxflow (rxflow verify), and what an
// attacker with the database files cannot read (patient data sealed at rest).
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/support/Prescriptions.h"
#include "tests/support/TestEnv.h"

using namespace rxtest;

namespace {

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Exit status of `rxflow verify`, its output in `output`.
int verify(const std::string& dir, const std::string& file, std::string& output) {
    const std::string cmd = std::string(RXFLOW_BIN) + " verify " + file + " --platform-key " + dir +
                            "/platform.pem --trust-ca " + dir + "/ca.pem > " + dir + "/out.txt 2>&1";
    const int status = std::system(cmd.c_str());
    output = slurp(dir + "/out.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("rxflow verify passes on a saved /signed document and fails after a one-byte change") {
    TestServer s;
    Prescriber doctor(s);
    Reply issued = doctor.issue(RxSpec{});
    REQUIRE(issued.status == 201);
    const std::string dir = makeTempDir("verify");
    const std::string document = s.get("/v1/prescriptions/" + issued.str("id") + "/signed", doctor.clinicToken).body;
    write(dir + "/signed.json", document);
    write(dir + "/ca.pem", doctor.ca.certPem);
    auto keys = s.get("/v1/platform/keys", doctor.clinicToken).json()->getArray("keys");
    write(dir + "/platform.pem", keys->getObject(0)->getValue<std::string>("pem"));

    std::string out;
    CHECK_MESSAGE(verify(dir, dir + "/signed.json", out) == 0, out);
    CHECK(out.rfind("OK " + issued.str("id"), 0) == 0);

    // One byte changed in the prescription (a digit of the phone number): the doctor's signature fails.
    std::string tampered = document;
    tampered[tampered.find("13800000000") + 10] = '1';
    write(dir + "/tampered.json", tampered);
    CHECK(verify(dir, dir + "/tampered.json", out) == 1);
    CHECK(out.find("prescriber signature does not verify") != std::string::npos);
    // One byte changed in signedAt: the platform's countersignature fails.
    std::string lateStamp = document;
    const auto at = lateStamp.find("\"signedAt\":\"") + 12 + 3;
    lateStamp[at] = lateStamp[at] == '9' ? '8' : static_cast<char>(lateStamp[at] + 1);
    write(dir + "/late.json", lateStamp);
    CHECK(verify(dir, dir + "/late.json", out) != 0);
    // Another CA as the trust anchor: the certificate path fails.
    write(dir + "/ca.pem", issue({"another CA", "", -1, 365, true}).certPem);
    CHECK(verify(dir, dir + "/signed.json", out) == 1);
    CHECK(out.find("does not chain") != std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("no patient name, id number or phone is stored in plain text") {
    TestServer s;
    Prescriber doctor(s);
    const std::string body = doctor.body(prescriptionJson(RxSpec{}));
    REQUIRE(s.post("/v1/prescriptions", doctor.clinicToken, body, {{"Idempotency-Key", "k1"}}).status == 201);
    RxSpec second;
    second.rxNo = "RX-0002";
    REQUIRE(doctor.issue(second).status == 201);
    std::string everything;
    if (onMysql()) {
        // Every text column of every table, read back over a separate connection.
        auto db = s.db().connect();
        std::vector<std::string> tables = {"prescriptions", "prescription_items", "audit_events", "idempotency_keys",
                                           "principals"};
        for (const std::string& t : tables) {
            soci::rowset<soci::row> rows = (db->prepare << "SELECT * FROM " + t);
            for (const soci::row& r : rows)
                for (std::size_t i = 0; i < r.size(); ++i)
                    if (r.get_indicator(i) == soci::i_ok && r.get_properties(i).get_data_type() == soci::dt_string)
                        everything += r.get<std::string>(i) + "\n";
        }
    } else {
        everything = slurp(s.db().name()) + slurp(s.db().name() + "-wal");
    }
    CHECK(everything.size() > 1000);
    for (const char* secret : {"朱明勇", "330203196001011232", "13800000000", "33020000000000000001"})
        CHECK_MESSAGE(everything.find(secret) == std::string::npos, secret);
    CHECK(s.log().find("朱明勇") == std::string::npos);
}
