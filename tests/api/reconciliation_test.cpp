// API.md §8: settlements of a day, and reconciliation runs (对账) against the bureau's statement,
// including a known-answer run against rxflow-bureau-sim's statement and manifest.
#include <doctest/doctest.h>

#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>

#include <fstream>
#include <set>
#include <tuple>

#include "tests/support/AdapterFixtures.h"
#include "tests/support/ChildProcess.h"
#include "tests/support/TestEnv.h"

using namespace rxtest;

namespace {

const std::string kDay = "2026-11-20";

// `n` prescriptions of region 330200 at a pull store, accepted and approved: ready to be paid.
std::vector<Sent> approvedPrescriptions(const TestServer& s, const Prescriber& doctor, int n, const std::string& tag) {
    if (s.get("/v1/admin/pharmacies/SP1", s.admin).status == 404) addPushStore(s, "SP1", "CHP", "pull");
    const std::string chain = s.token("pharmacy", "CHP");
    auto rxs = issue(doctor, n, pickupAt("SP1"), tag);
    for (const Sent& rx : rxs) {
        REQUIRE(s.post("/v1/prescriptions/" + rx.id + "/accept", chain, "").status == 200);
        REQUIRE(s.post("/v1/prescriptions/" + rx.id + "/review", chain,
                       "{\"decision\":\"approve\",\"pharmacist\":" + testPharmacistJson("CHP") + "}").status == 200);
    }
    return rxs;
}

std::string payment(const std::string& sid, long long total, long long fund, long long account, long long cash,
                    const std::string& paidAt = kDay + "T10:30:00+08:00", const std::string& kind = "insurance") {
    return "{\"kind\":\"" + kind + "\",\"settlementId\":\"" + sid + "\",\"payOrderId\":\"PO-" + sid +
           "\",\"total\":" + std::to_string(total) + ",\"fund\":" + std::to_string(fund) + ",\"account\":" +
           std::to_string(account) + ",\"cash\":" + std::to_string(cash) + ",\"paidAt\":\"" + paidAt + "\"}";
}

std::string readFile(const std::string& path) {
    Poco::FileInputStream in(path);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return text;
}

using Finding = std::tuple<std::string, std::string, std::string>;  // kind, settlement id, fields

std::set<Finding> findings(const Poco::JSON::Array::Ptr& list) {
    std::set<Finding> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto d = list->getObject(static_cast<unsigned>(i));
        std::string fields;
        if (auto f = d->getArray("fields"))
            for (std::size_t j = 0; j < f->size(); ++j) fields += (j ? "," : "") + f->getElement<std::string>(static_cast<unsigned>(j));
        out.emplace(d->getValue<std::string>("kind"), d->getValue<std::string>("settlementId"), fields);
    }
    return out;
}

std::string runsPath(const std::string& region = "330200") {
    return "/v1/reconciliation/runs?date=" + kDay + "&region=" + region;
}

long long storedRuns(const TestServer& s) {
    auto conn = s.db().connect();
    long long n = 0;
    *conn << "SELECT COUNT(*) FROM reconciliation_runs", soci::into(n);
    return n;
}

// Five payments of kDay: S1..S4 settled, S5 reversed; and one self-pay the bureau never sees.
struct PaidDay {
    explicit PaidDay(const TestServer& s) : doctor(s), insurer(s.token("insurer", "330200")) {
        auto rxs = approvedPrescriptions(s, doctor, 6, "PD");
        for (int i = 0; i < 5; ++i)
            REQUIRE(s.post("/v1/prescriptions/" + rxs[i].id + "/payments", insurer,
                           payment("S" + std::to_string(i + 1), 1000, 700, 200, 100)).status == 200);
        REQUIRE(s.post("/v1/payments/S5/reverse", insurer, "{\"reason\":\"退费\",\"at\":\"" + kDay + "T11:00:00+08:00\"}")
                    .status == 200);
        REQUIRE(s.post("/v1/prescriptions/" + rxs[5].id + "/payments", s.token("pharmacy", "CHP"),
                       payment("SELF1", 500, 0, 0, 500, kDay + "T12:00:00+08:00", "self_pay")).status == 200);
        ids = rxs;
    }
    Prescriber doctor;
    std::string insurer;
    std::vector<Sent> ids;
};

const std::string kLine = ",2026-11-20T10:30:00+08:00\r\n";
std::string statementLine(const std::string& sid, const std::string& amounts, const std::string& status = "settled") {
    return sid + ",PO-" + sid + ",rx,P1," + amounts + "," + status + kLine;
}

}  // namespace

TEST_CASE("settlements of a day: the insurer's region, insurance payments only, by settlement id, paged") {
    TestServer s;
    PaidDay day(s);
    Reply all = s.get("/v1/settlements?date=" + kDay, day.insurer);
    REQUIRE_MESSAGE(all.status == 200, all.body);
    auto payments = all.json()->getArray("payments");
    REQUIRE(payments->size() == 5);
    CHECK(payments->getObject(0)->getValue<std::string>("settlementId") == "S1");
    CHECK(payments->getObject(4)->getValue<std::string>("status") == "reversed");
    CHECK(payments->getObject(0)->getValue<long long>("fund") == 700);
    CHECK(all.body.find("SELF1") == std::string::npos);
    Reply page = s.get("/v1/settlements?date=" + kDay + "&limit=2", day.insurer);
    CHECK(page.json()->getArray("payments")->size() == 2);
    Reply rest = s.get("/v1/settlements?date=" + kDay + "&limit=10&cursor=" + page.str("nextCursor"), day.insurer);
    CHECK(rest.json()->getArray("payments")->size() == 3);
    CHECK(s.get("/v1/settlements?date=2026-11-21", day.insurer).json()->getArray("payments")->size() == 0);
    CHECK(s.get("/v1/settlements?date=" + kDay + "&region=330200", s.admin).json()->getArray("payments")->size() == 5);
    CHECK_PROBLEM(s.get("/v1/settlements?date=" + kDay, s.admin), 400, "invalid_request");  // admin names the region
    CHECK_PROBLEM(s.get("/v1/settlements?date=20261120", day.insurer), 400, "invalid_request");
    CHECK_PROBLEM(s.get("/v1/settlements", day.insurer), 400, "invalid_request");
    CHECK_PROBLEM(s.get("/v1/settlements?date=" + kDay + "&region=310000", day.insurer), 403, "forbidden");
    CHECK_PROBLEM(s.get("/v1/settlements?date=" + kDay, day.doctor.clinicToken), 403, "forbidden");
}

TEST_CASE("reconciliation run from CSV: every kind of discrepancy, totals of settled lines, stored and audited") {
    TestServer s;
    PaidDay day(s);
    const std::string statement = std::string("\xEF\xBB\xBF") +
                                  "settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at\r\n" +
                                  statementLine("S1", "1000,700,200,100") +             // matched
                                  statementLine("S2", "1000,690,200,110") +             // fund, cash differ
                                  statementLine("S3", "1000,700,200,100", "reversed") + // status differs
                                  statementLine("S5", "1000,700,200,100", "reversed") + // matched (both reversed)
                                  statementLine("SX", "300,300,0,0") +                  // not at the platform
                                  statementLine("S1", "1000,700,200,100");              // a copy; S4 is missing
    Reply run = s.post(runsPath(), day.insurer, statement, {{"Content-Type", "text/csv"}});
    REQUIRE_MESSAGE(run.status == 201, run.body);
    auto report = run.json();
    CHECK(report->getValue<std::string>("date") == kDay);
    CHECK(report->getValue<std::string>("region") == "330200");
    CHECK(report->getValue<long long>("matched") == 2);
    CHECK(findings(report->getArray("discrepancies")) ==
          std::set<Finding>{{"amount_mismatch", "S2", "fund,cash"},
                            {"status_mismatch", "S3", ""},
                            {"missing_in_bureau", "S4", ""},
                            {"missing_in_platform", "SX", ""},
                            {"duplicate_in_statement", "S1", ""}});
    auto platform = report->getObject("platform");
    CHECK(platform->getValue<long long>("count") == 4);  // S1-S4 settled; S5 reversed, SELF1 self-pay
    CHECK(platform->getValue<long long>("total") == 4000);
    CHECK(platform->getValue<long long>("fund") == 2800);
    auto bureau = report->getObject("bureau");
    CHECK(bureau->getValue<long long>("count") == 3);  // S1, S2, SX settled (first occurrences)
    CHECK(bureau->getValue<long long>("total") == 2300);
    CHECK(bureau->getValue<long long>("fund") == 1690);
    auto duplicate = report->getArray("discrepancies")->getObject(0);
    CHECK(duplicate->getValue<std::string>("kind") == "duplicate_in_statement");
    CHECK(duplicate->getObject("bureau")->getValue<long long>("line") == 7);

    const std::string id = report->getValue<std::string>("id");
    Reply again = s.get("/v1/reconciliation/runs/" + id, day.insurer);
    CHECK(again.status == 200);
    CHECK(findings(again.json()->getArray("discrepancies")) == findings(report->getArray("discrepancies")));
    Reply csv = s.call("GET", "/v1/reconciliation/runs/" + id, day.insurer, "", {{"Accept", "text/csv"}});
    CHECK(csv.status == 200);
    CHECK(csv.header("content-type").find("text/csv") == 0);
    CHECK(csv.body.find("kind,settlement_id,fields,") == 0);
    CHECK(csv.body.find("amount_mismatch,\"S2\",fund cash,1000,700,200,100,settled,1000,690,200,110,settled,3") !=
          std::string::npos);
    CHECK(csv.body.find("missing_in_bureau,\"S4\",,1000,700,200,100,settled,,,,,,") != std::string::npos);
    // The run is on the reconciliation audit chain.
    Reply audit = s.get("/v1/audit?limit=200", s.admin);
    CHECK(audit.body.find("\"chain\":\"reconciliation\"") != std::string::npos);
    CHECK(audit.body.find("reconciliation.run") != std::string::npos);
    // Another region's insurer sees no such run.
    CHECK_PROBLEM(s.get("/v1/reconciliation/runs/" + id, s.token("insurer", "310000")), 404, "not_found");
    CHECK_PROBLEM(s.get("/v1/reconciliation/runs/rc_nothing", day.insurer), 404, "not_found");
}

TEST_CASE("reconciliation run from JSON lines gives the same classification") {
    TestServer s;
    PaidDay day(s);
    auto line = [](const std::string& sid, long long fund, const std::string& status) {
        return "{\"settlement_id\":\"" + sid + "\",\"pay_order_id\":\"PO\",\"prescription_id\":\"rx\",\"psn_no\":\"P\","
               "\"total\":1000,\"fund\":" + std::to_string(fund) + ",\"account\":200,\"cash\":" + std::to_string(800 - fund) +
               ",\"status\":\"" + status + "\",\"settled_at\":\"2026-11-20T10:30:00+08:00\"}";
    };
    Reply run = s.post(runsPath(), day.insurer,
                       "{\"lines\":[" + line("S1", 700, "settled") + "," + line("S2", 700, "settled") + "," +
                           line("S3", 700, "settled") + "," + line("S4", 600, "settled") + "," +
                           line("S5", 700, "reversed") + "]}");
    REQUIRE_MESSAGE(run.status == 201, run.body);
    CHECK(run.json()->getValue<long long>("matched") == 4);
    CHECK(findings(run.json()->getArray("discrepancies")) == std::set<Finding>{{"amount_mismatch", "S4", "fund,cash"}});
}

TEST_CASE("a malformed statement is 400 naming the line, and no run is stored") {
    TestServer s;
    PaidDay day(s);
    const std::string header =
        "settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at\n";
    const std::string good = statementLine("S1", "1000,700,200,100");
    const TestServer::Headers csv = {{"Content-Type", "text/csv"}};
    struct Fault {
        std::string what, body;
        long long line;
    };
    const std::vector<Fault> faults = {
        {"wrong header", "settlement,total\n" + good, 1},
        {"wrong column count", header + good + "S2,PO,rx,P,1000,700,200,settled" + kLine, 3},
        {"non-numeric amount", header + statementLine("S2", "1000,七百,200,100"), 2},
        {"decimal amount", header + good + statementLine("S2", "10.00,700,200,100"), 3},
        {"unterminated quote", header + good + "\"S2,PO,rx,P,1000,700,200,100,settled" + kLine, 3},
        {"stray quote", header + "S\"2,PO,rx,P,1000,700,200,100,settled" + kLine, 2},
        {"blank line", header + good + "\r\n" + good, 3},
        {"unknown status", header + statementLine("S2", "1000,700,200,100", "paid"), 2},
        {"empty statement", "", 1},
    };
    for (const Fault& f : faults) {
        CAPTURE(f.what);
        Reply r = s.post(runsPath(), day.insurer, f.body, csv);
        CHECK_PROBLEM(r, 400, "invalid_request");
        auto errors = r.json()->getArray("errors");
        REQUIRE(errors);
        REQUIRE(errors->size() >= 1);
        CHECK(errors->getObject(0)->getValue<long long>("line") == f.line);
    }
    Reply json = s.post(runsPath(), day.insurer, "{\"lines\":[{\"settlement_id\":\"S1\",\"total\":\"1000\"}]}");
    CHECK_PROBLEM(json, 400, "invalid_request");
    CHECK(json.json()->getArray("errors")->getObject(0)->getValue<long long>("line") == 2);
    CHECK(storedRuns(s) == 0);
    CHECK(s.get("/v1/audit?limit=200", s.admin).body.find("reconciliation.run") == std::string::npos);
}

TEST_CASE("reconciliation refusals: role, region, date, media type") {
    TestServer s;
    PaidDay day(s);
    const std::string body = "settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at\n";
    const TestServer::Headers csv = {{"Content-Type", "text/csv"}};
    CHECK_PROBLEM(s.post(runsPath(), day.doctor.clinicToken, body, csv), 403, "forbidden");
    CHECK_PROBLEM(s.post(runsPath("310000"), day.insurer, body, csv), 403, "forbidden");
    CHECK_PROBLEM(s.post("/v1/reconciliation/runs?date=2026-13-01&region=330200", day.insurer, body, csv), 400,
                  "invalid_request");
    CHECK_PROBLEM(s.post(runsPath(), day.insurer, body, {{"Content-Type", "text/plain"}}), 415, "unsupported_media_type");
    CHECK(storedRuns(s) == 0);
    // An empty statement (the header alone) is a valid run: every payment is missing in the bureau.
    Reply empty = s.post(runsPath(), day.insurer, body, csv);
    REQUIRE(empty.status == 201);
    CHECK(empty.json()->getArray("discrepancies")->size() == 5);
}

TEST_CASE("known answer: the bureau simulator's statement with every kind of discrepancy matches its manifest") {
    TestServer s;
    Prescriber doctor(s);
    auto rxs = approvedPrescriptions(s, doctor, 14, "KA");
    const std::string dir = makeTempDir("bureau");
    {
        std::ofstream ids(dir + "/ids.txt");
        for (const Sent& rx : rxs) ids << rx.id << "\n";
    }
    RunResult settled = runProgram({RXFLOW_BUREAU_SIM_BIN, "settle", "--rxflow", "http://127.0.0.1:" + std::to_string(s.port()),
                                    "--token", s.token("insurer", "330200"), "--region", "330200", "--date", kDay,
                                    "--prescriptions", dir + "/ids.txt", "--ledger", dir + "/ledger.csv",
                                    "--timeout-rate", "0.5", "--reverse-rate", "0.25", "--seed", "5"},
                                   dir + "/settle.log");
    REQUIRE_MESSAGE(settled.status == 0, settled.output);
    CHECK(settled.output.find("posted again after a lost answer") != std::string::npos);
    for (const std::string format : {"csv", "json"}) {
        CAPTURE(format);
        RunResult written = runProgram({RXFLOW_BUREAU_SIM_BIN, "statement", "--ledger", dir + "/ledger.csv", "--format",
                                        format, "--out", dir + "/statement", "--manifest", dir + "/manifest.json",
                                        "--inject",
                                        "missing_in_platform=2,missing_in_bureau=1,amount_mismatch=2,status_mismatch=1,"
                                        "duplicate_in_statement=1",
                                        "--seed", "9"},
                                       dir + "/statement.log");
        REQUIRE_MESSAGE(written.status == 0, written.output);
        auto manifest = Poco::JSON::Parser().parse(readFile(dir + "/manifest.json")).extract<Poco::JSON::Object::Ptr>();
        Reply run = s.post(runsPath(), s.token("insurer", "330200"), readFile(dir + "/statement"),
                           {{"Content-Type", format == "csv" ? "text/csv" : "application/json"}});
        REQUIRE_MESSAGE(run.status == 201, run.body);
        CHECK(findings(run.json()->getArray("discrepancies")) == findings(manifest->getArray("injected")));
        CHECK(findings(manifest->getArray("injected")).size() == 7);
        const long long ledger = manifest->getValue<long long>("ledger");
        CHECK(ledger == static_cast<long long>(rxs.size()));
        CHECK(run.json()->getValue<long long>("matched") == ledger - 4);  // missing, 2 amounts, 1 status
    }
    // Posting a settlement again after a lost answer changed nothing: one payment each.
    Reply day = s.get("/v1/settlements?date=" + kDay + "&limit=200", s.token("insurer", "330200"));
    CHECK(day.json()->getArray("payments")->size() == rxs.size());
}

TEST_CASE("the CSV report neutralises cells a spreadsheet would run as a formula, with a leading quote") {
    TestServer s;
    PaidDay day(s);
    const std::string statement =
        "settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at\r\n" +
        statementLine("=HYPERLINK(1)", "300,300,0,0") + statementLine("+SUM(A1)", "300,300,0,0") +
        statementLine("-2+3", "300,300,0,0") + statementLine("@cmd", "300,300,0,0") +
        statementLine("\tTAB", "300,300,0,0") + statementLine("S1", "1000,700,200,100");
    Reply run = s.post(runsPath(), day.insurer, statement, {{"Content-Type", "text/csv"}});
    REQUIRE_MESSAGE(run.status == 201, run.body);
    // The JSON report keeps the ids as the bureau sent them; only the CSV cells are neutralised.
    CHECK(run.body.find("\"=HYPERLINK(1)\"") != std::string::npos);
    Reply csv = s.call("GET", "/v1/reconciliation/runs/" + run.str("id"), day.insurer, "", {{"Accept", "text/csv"}});
    REQUIRE(csv.status == 200);
    for (const std::string cell : {"=HYPERLINK(1)", "+SUM(A1)", "-2+3", "@cmd", "\tTAB"}) {
        CHECK_MESSAGE(csv.body.find(",\"'" + cell + "\",") != std::string::npos, cell);
        CHECK_MESSAGE(csv.body.find(",\"" + cell + "\",") == std::string::npos, cell);
    }
    CHECK(csv.body.find("missing_in_bureau,\"S2\",") != std::string::npos);  // plain ids stay as they are
}

TEST_CASE("statement amounts past 10^12 fen are 400 naming the line, in CSV and in JSON, never 500 or a wrapped total") {
    TestServer s;
    PaidDay day(s);
    const std::string header =
        "settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at\r\n";
    // Two lines of 2^63-1 summed to a bureau total of -2.
    Reply csv = s.post(runsPath(), day.insurer,
                       header + statementLine("SA", "9223372036854775807,9223372036854775807,0,0") +
                           statementLine("SB", "9223372036854775807,9223372036854775807,0,0"),
                       {{"Content-Type", "text/csv"}});
    CHECK_PROBLEM(csv, 400, "invalid_request");
    CHECK(csv.body.find("\"line\":2") != std::string::npos);
    CHECK_PROBLEM(s.post(runsPath(), day.insurer, header + statementLine("SA", "1000000000001,1000000000001,0,0"),
                         {{"Content-Type", "text/csv"}}),
                  400, "invalid_request");
    // Between 2^63 and 2^64-1 the JSON reader answered 500.
    auto json = [&](const std::string& total) {
        return "{\"lines\":[{\"settlement_id\":\"SA\",\"pay_order_id\":\"PA\",\"prescription_id\":\"rx\","
               "\"psn_no\":\"P1\",\"total\":" + total + ",\"fund\":" + total +
               ",\"account\":0,\"cash\":0,\"status\":\"settled\",\"settled_at\":\"" + kDay + "T10:30:00+08:00\"}]}";
    };
    CHECK_PROBLEM(s.post(runsPath(), day.insurer, json("9223372036854775808")), 400, "invalid_request");
    CHECK_PROBLEM(s.post(runsPath(), day.insurer, json("18446744073709551616")), 400, "invalid_request");
    CHECK_PROBLEM(s.post(runsPath(), day.insurer, json("1000000000001")), 400, "invalid_request");
    CHECK(s.post(runsPath(), day.insurer, json("1000000000000")).status == 201);
}
