// Who reviews and who dispenses (API.md §11): the pharmacist of record, staff limited by kind and
// store, and reviews signed by the pharmacist, checked by the server and by `rxflow verify`.
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "signing/json.h"
#include "signing/keys.h"
#include "signing/review.h"
#include "signing/seal.h"
#include "tests/support/AdapterFixtures.h"
#include "tests/support/Prescriptions.h"
#include "tests/support/TestEnv.h"
#include "tests/support/TestPki.h"

using namespace rxtest;

namespace {

const std::string kPassword = "correct horse battery staple";

// Stores S001 and S002 of CH1 and T001 of CH2, and their people: pharmacists YS-P1 (S001), YS-P2
// (S002) and YS-P3 (S001, deactivated), a clerk of S001. Logins are the licenses in lower case.
struct Counter {
    explicit Counter(const TestServer& server) : s(server), doctor(server) {
        addPushStore(s, "S001", "CH1", "pull");
        addPushStore(s, "S002", "CH1", "pull");
        addPushStore(s, "T001", "CH2", "pull");
        member("pharmacist", "ys-p1", "S001", "YS-P1");
        p2 = member("pharmacist", "ys-p2", "S002", "YS-P2");
        const std::string p3 = member("pharmacist", "ys-p3", "S001", "YS-P3");
        REQUIRE(s.put("/v1/admin/staff/" + p3, s.admin, "{\"name\":\"离职药师\",\"stores\":[\"S001\"],\"active\":false}")
                    .status == 200);
        member("clerk", "clerk1", "S001", "");
        chain = s.token("pharmacy", "CH1");
    }
    std::string member(const std::string& kind, const std::string& login, const std::string& store,
                       const std::string& license) {
        Reply r = s.post("/v1/admin/staff", s.admin,
                         "{\"kind\":" + q(kind) + ",\"org\":\"CH1\",\"stores\":[" + q(store) + "],\"name\":" +
                             q(kind == "clerk" ? "店员小李" : "药师" + license) + ",\"login\":" + q(login) +
                             ",\"password\":" + q(kPassword) + (license.empty() ? "" : ",\"license\":" + q(license)) + "}");
        REQUIRE_MESSAGE(r.status == 201, r.body);
        return r.str("id");
    }
    std::string session(const std::string& login) const {
        Reply r = s.post("/v1/sessions", "", "{\"login\":" + q(login) + ",\"password\":" + q(kPassword) + "}");
        REQUIRE_MESSAGE(r.status == 201, r.body);
        return r.str("token");
    }
    // A prescription routed to S001 and accepted by the chain: its path.
    std::string accepted(const std::string& tag) const {
        const Sent rx = issue(doctor, 1, pickupAt("S001"), tag)[0];
        REQUIRE(s.post("/v1/prescriptions/" + rx.id + "/accept", chain, "").status == 200);
        return "/v1/prescriptions/" + rx.id;
    }
    const TestServer& s;
    Prescriber doctor;
    std::string chain;
    std::string p2;  // the staff id of YS-P2
};

std::string approve(const std::string& license) {
    return "{\"decision\":\"approve\",\"pharmacist\":{\"name\":\"药师\",\"license\":" + q(license) + "}}";
}

std::string rfc3339(long long secondsFromNow) {
    Poco::DateTime at;
    at += Poco::Timespan(secondsFromNow, 0);
    return Poco::DateTimeFormatter::format(at, "%Y-%m-%dT%H:%M:%S+00:00");
}

// A review body signed by `signer` over §11's bytes; `signedVersion` and `license` as signed.
std::string signedReview(const Issued& signer, const std::string& id, long long version, const std::string& license,
                         const std::string& reviewedAt) {
    const std::string bytes = rxsign::reviewSignedBytes(id, version, "approve", "", license, reviewedAt);
    const std::string value = rxsign::base64Encode(rxsign::PrivateKey::fromPem(signer.keyPem).sign(bytes));
    return "{\"decision\":\"approve\",\"version\":" + std::to_string(version) + ",\"reviewedAt\":" + q(reviewedAt) +
           ",\"pharmacist\":{\"name\":\"药师\",\"license\":" + q(license) +
           ",\"signature\":{\"alg\":\"ES256\",\"certificate\":" + q(signer.certPem) + ",\"value\":" + q(value) + "}}}";
}

long long versionOf(const TestServer& s, const std::string& path, const std::string& token) {
    return s.get(path, token).json()->getValue<long long>("version");
}

// The staff member of the last history entry of the view.
std::string lastActorStaff(const Reply& view) {
    auto history = view.json()->getArray("history");
    auto actor = history->getObject(static_cast<unsigned>(history->size() - 1))->getObject("actor");
    return actor->has("staff") ? actor->getObject("staff")->getValue<std::string>("kind") + ":" +
                                     actor->getObject("staff")->optValue<std::string>("license", "")
                               : "";
}

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

int verify(const std::string& dir, const std::string& file, std::string& output) {
    const std::string cmd = std::string(RXFLOW_BIN) + " verify " + file + " --platform-key " + dir +
                            "/platform.pem --trust-ca " + dir + "/ca.pem > " + dir + "/out.txt 2>&1";
    const int status = std::system(cmd.c_str());
    std::ifstream in(dir + "/out.txt");
    std::ostringstream text;
    text << in.rdbuf();
    output = text.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("at the counter with sessions: the clerk accepts, pays and dispenses, only the pharmacist reviews, actors named") {
    TestServer s;
    Counter c(s);
    const std::string clerk = c.session("clerk1"), pharmacist = c.session("ys-p1"), other = c.session("ys-p2");
    const Sent rx = issue(c.doctor, 1, pickupAt("S001"), "SESS")[0];
    const std::string path = "/v1/prescriptions/" + rx.id;
    CHECK_PROBLEM(s.get(path, other), 404, "not_found");  // a pharmacist of S002 does not see S001's orders
    REQUIRE(s.post(path + "/accept", clerk, "").status == 200);
    CHECK_PROBLEM(s.post(path + "/review", clerk, "{\"decision\":\"approve\"}"), 403, "pharmacist_required");
    CHECK_PROBLEM(s.post(path + "/review", other, "{\"decision\":\"approve\"}"), 404, "not_found");
    // Given S001 as well, the same session sees it at once; back to S002 only, it does not.
    const std::string p2id = c.p2;
    REQUIRE(s.put("/v1/admin/staff/" + p2id, s.admin, "{\"name\":\"药师\",\"stores\":[\"S002\",\"S001\"],\"active\":true}").status == 200);
    CHECK(s.get(path, other).status == 200);
    REQUIRE(s.put("/v1/admin/staff/" + p2id, s.admin, "{\"name\":\"药师\",\"stores\":[\"S002\"],\"active\":true}").status == 200);
    CHECK_PROBLEM(s.get(path, other), 404, "not_found");
    CHECK_PROBLEM(s.post(path + "/review", pharmacist, approve("YS-P2")), 422, "pharmacist_not_registered");
    Reply reviewed = s.post(path + "/review", pharmacist, "{\"decision\":\"approve\"}");
    REQUIRE_MESSAGE(reviewed.status == 200, reviewed.body);
    CHECK(lastActorStaff(reviewed) == "pharmacist:YS-P1");
    auto review = reviewed.json()->getArray("reviews")->getObject(0);
    CHECK(review->getObject("pharmacist")->getValue<std::string>("license") == "YS-P1");
    CHECK(review->getValue<long long>("version") == 2);

    const std::string insurance = "{\"kind\":\"insurance\",\"settlementId\":\"SI-1\",\"payOrderId\":\"PO-1\",\"total\":100,"
                                  "\"fund\":100,\"account\":0,\"cash\":0,\"paidAt\":\"2026-11-22T10:30:00+08:00\"}";
    CHECK_PROBLEM(s.post(path + "/payments", clerk, insurance), 403, "forbidden");
    REQUIRE(s.post(path + "/payments", clerk,
                   "{\"kind\":\"self_pay\",\"settlementId\":\"SP-1\",\"payOrderId\":\"PO-2\",\"total\":100,\"fund\":0,"
                   "\"account\":0,\"cash\":100,\"paidAt\":\"2026-11-22T10:30:00+08:00\"}").status == 200);
    Reply handed = s.post(path + "/dispense", clerk,
                          "{\"pickupCode\":\"" + rx.code + "\",\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2,"
                          "\"batchNo\":\"B1\",\"expiryDate\":\"2028-01-31\"}]}");
    REQUIRE_MESSAGE(handed.status == 200, handed.body);
    CHECK(lastActorStaff(handed) == "clerk:");
    // The audit listing names the person as well as the organisation.
    Reply audit = s.get(path + "/audit", c.chain);
    CHECK(audit.body.find("\"staff\":{") != std::string::npos);
    CHECK(audit.body.find("店员小李") != std::string::npos);
    // The staff fields are covered by the events' hashes, and the chains still verify.
    Reply verified = s.post("/v1/audit/verify", s.admin, "");
    CHECK_MESSAGE(verified.json()->getValue<bool>("ok"), verified.body);
}

TEST_CASE("review with the chain's token: the license must be an active pharmacist of the chain for the store") {
    TestServer s;
    Counter c(s);
    const std::string path = c.accepted("TOK");
    CHECK_PROBLEM(s.post(path + "/review", c.chain, "{\"decision\":\"approve\"}"), 422, "pharmacist_not_registered");
    CHECK_PROBLEM(s.post(path + "/review", c.chain, approve("YS-NOBODY")), 422, "pharmacist_not_registered");
    CHECK_PROBLEM(s.post(path + "/review", c.chain, approve("YS-P3")), 422, "pharmacist_not_registered");  // inactive
    CHECK_PROBLEM(s.post(path + "/review", c.chain, approve("YS-CH2")), 422, "pharmacist_not_registered");  // CH2's
    CHECK_PROBLEM(s.post(path + "/review", c.chain, approve("YS-P2")), 422, "pharmacist_not_registered");  // S002's
    CHECK(statusOf(s, path.substr(path.rfind('/') + 1)) == "accepted");
    Reply ok = s.post(path + "/review", c.chain, approve("YS-P1"));
    REQUIRE_MESSAGE(ok.status == 200, ok.body);
    CHECK(lastActorStaff(ok) == "pharmacist:YS-P1");  // the pharmacist named is on record
    // Dispensing with the token names one too.
    CHECK_PROBLEM(s.post(path + "/dispense", c.chain, "{\"pickupCode\":\"000000\",\"pharmacist\":{\"name\":\"x\",\"license\":\"YS-P3\"},"
                                                     "\"items\":[{\"drugCode\":\"XC08CAA001\",\"quantity\":2,\"batchNo\":\"B\","
                                                     "\"expiryDate\":\"2028-01-31\"}]}"),
                  422, "pharmacist_not_registered");
}

TEST_CASE("signed review: checked over §11's bytes, tampered 422, another version 412, late 422, kept and verified offline") {
    TestServer s;
    Counter c(s);
    const std::string path = c.accepted("SIG");
    const std::string id = path.substr(path.rfind('/') + 1);
    const Issued p1 = issue({"pharmacist YS-P1", "YS-P1"}, &c.doctor.ca);
    const long long v = versionOf(s, path, c.chain);
    const std::string now = rfc3339(0);

    std::string tampered = signedReview(p1, id, v, "YS-P1", now);
    const auto value = tampered.find("\"value\":\"") + 12;
    tampered[value] = tampered[value] == 'A' ? 'B' : 'A';
    CHECK_PROBLEM(s.post(path + "/review", c.chain, tampered), 422, "signature_invalid");
    CHECK_PROBLEM(s.post(path + "/review", c.chain, signedReview(p1, id, v - 1, "YS-P1", now)), 412, "version_mismatch");
    CHECK_PROBLEM(s.post(path + "/review", c.chain, signedReview(p1, id, v, "YS-P1", rfc3339(-600))), 422,
                  "invalid_reviewed_at");
    const Issued p2 = issue({"pharmacist YS-P2", "YS-P2"}, &c.doctor.ca);
    CHECK_PROBLEM(s.post(path + "/review", c.chain, signedReview(p2, id, v, "YS-P1", now)), 422,
                  "certificate_license_mismatch");
    const Issued stranger = issue({"pharmacist YS-P1", "YS-P1"}, nullptr);  // self-signed
    CHECK_PROBLEM(s.post(path + "/review", c.chain, signedReview(stranger, id, v, "YS-P1", now)), 422,
                  "certificate_untrusted");
    CHECK(statusOf(s, id) == "accepted");

    const std::string body = signedReview(p1, id, v, "YS-P1", now);
    Reply ok = s.post(path + "/review", c.session("ys-p1"), body);
    REQUIRE_MESSAGE(ok.status == 200, ok.body);
    auto kept = ok.json()->getArray("reviews")->getObject(0);
    CHECK(kept->getValue<long long>("version") == v);
    CHECK(kept->getValue<std::string>("reviewedAt") == now);
    CHECK(kept->getObject("signature")->getValue<std::string>("value") ==
          rxsign::parseJson(body).find("pharmacist")->find("signature")->find("value")->asString());

    const std::string document = s.get(path + "/signed", c.chain).body;
    REQUIRE(document.find("\"reviews\":[") != std::string::npos);
    const std::string dir = makeTempDir("review-verify");
    write(dir + "/signed.json", document);
    write(dir + "/ca.pem", c.doctor.ca.certPem);
    write(dir + "/platform.pem",
          s.get("/v1/platform/keys", c.chain).json()->getArray("keys")->getObject(0)->getValue<std::string>("pem"));
    std::string out;
    CHECK_MESSAGE(verify(dir, dir + "/signed.json", out) == 0, out);
    CHECK(out.find("YS-P1") != std::string::npos);
    std::string changed = document;
    const auto at = changed.find("\"reviewedAt\":\"") + 14 + 3;
    changed[at] = changed[at] == '9' ? '8' : static_cast<char>(changed[at] + 1);
    write(dir + "/changed.json", changed);
    CHECK(verify(dir, dir + "/changed.json", out) != 0);
    std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("rxflow.review.require_signature: an unsigned review is 422 signature_required") {
    TestServer s({{{"RXFLOW_REVIEW_REQUIRE_SIGNATURE", "true"}}, {}, nullptr});
    Counter c(s);
    const std::string path = c.accepted("REQ");
    CHECK_PROBLEM(s.post(path + "/review", c.chain, approve("YS-P1")), 422, "signature_required");
    const std::string id = path.substr(path.rfind('/') + 1);
    const Issued p1 = issue({"pharmacist YS-P1", "YS-P1"}, &c.doctor.ca);
    CHECK(s.post(path + "/review", c.chain, signedReview(p1, id, versionOf(s, path, c.chain), "YS-P1", rfc3339(0))).status == 200);
}

TEST_CASE("staff act only as their kind: a rider's and a doctor's session may not review, a doctor may not issue") {
    TestServer s;
    Counter c(s);
    s.addCourier("SF");
    REQUIRE(s.post("/v1/admin/staff", s.admin,
                   "{\"kind\":\"rider\",\"org\":\"SF\",\"name\":\"骑手\",\"login\":\"rider1\",\"password\":" + q(kPassword) + "}")
                .status == 201);
    REQUIRE(s.post("/v1/admin/staff", s.admin,
                   "{\"kind\":\"doctor\",\"org\":\"C001\",\"name\":\"谢道奋\",\"login\":\"dr1\",\"license\":\"110330200000001\","
                   "\"password\":" + q(kPassword) + "}").status == 201);
    const std::string path = c.accepted("KIND");
    CHECK_PROBLEM(s.post(path + "/review", c.session("rider1"), "{\"decision\":\"approve\"}"), 403, "pharmacist_required");
    const std::string doctor = c.session("dr1");
    CHECK_PROBLEM(s.post(path + "/review", doctor, "{\"decision\":\"approve\"}"), 403, "pharmacist_required");
    CHECK_PROBLEM(s.post("/v1/prescriptions", doctor, c.doctor.body("{}")), 403, "forbidden");
    CHECK(s.get(path, doctor).status == 200);  // the clinic's own prescription
    CHECK(s.get("/v1/prescriptions", doctor).status == 200);
}
