// server/settlement/Statement: the strict CSV and JSON readers of the bureau's statement.
#include <Poco/JSON/Parser.h>
#include <doctest/doctest.h>

#include <sstream>

#include "server/settlement/Statement.h"

using namespace rxflow::settlement;

namespace {

const std::string kHeader = std::string(kStatementHeader) + "\n";
const std::string kLine = "ST1,PO1,rx_1,P1,5700,3990,1000,710,settled,2026-11-22T10:30:00+08:00\n";

struct Read {
    std::vector<StatementLine> lines;
    std::vector<LineError> errors;
};

Read csv(const std::string& text) {
    Read r;
    std::istringstream in(text);
    readCsvStatement(
        in, [&](StatementLine&& l) { r.lines.push_back(std::move(l)); }, r.errors);
    return r;
}

// The single error of a statement, as "line: message".
std::string onlyError(const std::string& text) {
    Read r = csv(text);
    REQUIRE_MESSAGE(r.errors.size() == 1, text);
    return std::to_string(r.errors[0].line) + ": " + r.errors[0].message;
}

}  // namespace

TEST_CASE("CSV statement: a plain line, with its amounts, status and line number") {
    Read r = csv(kHeader + kLine + "ST2,PO2,rx_2,P2,100,0,0,100,reversed,2026-11-22T11:00:00+08:00\n");
    REQUIRE(r.errors.empty());
    REQUIRE(r.lines.size() == 2);
    CHECK(r.lines[0].settlementId == "ST1");
    CHECK(r.lines[0].total == 5700);
    CHECK(r.lines[0].fund == 3990);
    CHECK(r.lines[0].account == 1000);
    CHECK(r.lines[0].cash == 710);
    CHECK_FALSE(r.lines[0].reversed);
    CHECK(r.lines[0].line == 2);
    CHECK(r.lines[1].reversed);
    CHECK(r.lines[1].line == 3);
}

TEST_CASE(
    "CSV statement: a BOM, CRLF line ends, quoted fields with commas, quotes and line breaks are read") {
    const std::string text =
        "\xEF\xBB\xBF" + std::string(kStatementHeader) + "\r\n" +
        "\"ST,1\",\"PO \"\"1\"\"\",rx_1,P1,5700,3990,1000,710,settled,2026-11-22T10:30:00+08:00\r\n" +
        "ST2,\"PO\n2\",rx_2,P2,1,1,0,0,settled,2026-11-22T10:30:00+08:00\r\n" +
        "ST3,PO3,rx_3,P3,1,1,0,0,settled,2026-11-22T10:30:00+08:00";  // no final line end
    Read r = csv(text);
    REQUIRE(r.errors.empty());
    REQUIRE(r.lines.size() == 3);
    CHECK(r.lines[0].settlementId == "ST,1");
    CHECK(r.lines[0].payOrderId == "PO \"1\"");
    CHECK(r.lines[1].payOrderId == "PO\n2");
    CHECK(r.lines[1].line == 3);
    CHECK(r.lines[2].line == 5);  // the quoted line break took a physical line
}

TEST_CASE("CSV statement faults each name their line") {
    CHECK(onlyError("") ==
          "1: the statement is empty; its first line must be the header " + std::string(kStatementHeader));
    CHECK(onlyError("settlement_id,total\n" + kLine).find("1: the header must be exactly") == 0);
    CHECK(onlyError(kHeader + kLine + "\n" + kLine) == "3: the line is blank");
    CHECK(onlyError(kHeader + "ST1,PO1,rx_1,P1,5700,3990,1000,settled,2026-11-22T10:30:00+08:00\n") ==
          "2: has 9 columns; the header has 10");
    CHECK(onlyError(kHeader + kLine +
                    "ST1,PO1,rx_1,P1,57.00,3990,1000,710,settled,2026-11-22T10:30:00+08:00\n") ==
          "3: total must be a whole, non-negative number of fen, not \"57.00\"");
    CHECK(onlyError(kHeader + "ST1,PO1,rx_1,P1,5700,abc,1000,710,settled,2026-11-22T10:30:00+08:00\n")
              .find("2: fund must be") == 0);
    CHECK(onlyError(kHeader + "ST1,PO1,rx_1,P1,5700,-1,1000,710,settled,2026-11-22T10:30:00+08:00\n")
              .find("2: fund must be") == 0);
    CHECK(onlyError(kHeader + "ST1,PO1,rx_1,P1,5700,3990,1000,710,paid,2026-11-22T10:30:00+08:00\n") ==
          "2: status must be settled or reversed");
    CHECK(onlyError(kHeader + "ST1,PO1,rx_1,P1,5700,3990,1000,710,settled,2026-11-22\n") ==
          "2: settled_at must be an RFC 3339 time with its offset");
    CHECK(onlyError(kHeader + "ST1,PO\"1,rx_1,P1,5700,3990,1000,710,settled,2026-11-22T10:30:00+08:00\n")
              .find("2: a quote inside") == 0);
    CHECK(
        onlyError(kHeader + "\"ST1\"x,PO1,rx_1,P1,5700,3990,1000,710,settled,2026-11-22T10:30:00+08:00\n") ==
        "2: a closing quote must end its field");
    CHECK(onlyError(kHeader + kLine + "\"ST1,PO1,rx_1\n") ==
          "3: a quoted field is not closed before the end of the statement");
    CHECK(onlyError(kHeader + ",PO1,rx_1,P1,5700,3990,1000,710,settled,2026-11-22T10:30:00+08:00\n") ==
          "2: settlement_id is empty");
}

TEST_CASE("CSV statement: an error quotes a bad amount by whole UTF-8 characters, never part of one") {
    // The quote stops at 20 bytes; cut there, 21 bytes of full-width digits would end in part of
    // a character, and the message goes back in problem+json, which must be UTF-8.
    const std::string line = ",0,0,0,settled,2026-11-22T10:30:00+08:00\n";
    CHECK(onlyError(kHeader + "ST1,PO1,rx_1,P1,５７００．００" + line) ==
          "2: total must be a whole, non-negative number of fen, not \"５７００．０\"");
    // The input the csv_statement fuzz target found (U+FAFF, then 18 bytes to the cut).
    CHECK(onlyError(kHeader + "ST1,PO1,rx_1,P1,\xef\xab\xbf>５７0+08:0００" + line) ==
          "2: total must be a whole, non-negative number of fen, not \"\xef\xab\xbf>５７0+08:0０\"");
}

TEST_CASE(
    "CSV statement: every malformed line is listed, the good ones are still read (and ignored by callers)") {
    Read r = csv(kHeader + kLine + "x\n" + kLine + "ST9,PO9,rx,P,1,1,0,0,lost,2026-11-22T10:30:00+08:00\n");
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0].line == 3);
    CHECK(r.errors[1].line == 5);
    CHECK(r.errors[1].path == "status");
}

TEST_CASE("JSON statement: amounts must be integers, line numbers count as in the CSV form") {
    auto statement = Poco::JSON::Parser()
                         .parse(R"({"lines":[
        {"settlement_id":"ST1","pay_order_id":"PO1","prescription_id":"rx_1","psn_no":"P1","total":5700,"fund":3990,
         "account":1000,"cash":710,"status":"settled","settled_at":"2026-11-22T10:30:00+08:00"},
        {"settlement_id":"ST2","pay_order_id":"PO2","prescription_id":"rx_2","psn_no":"P2","total":"5700","fund":3990.5,
         "account":1000,"cash":710,"status":"settled","settled_at":"2026-11-22T10:30:00+08:00"}]})")
                         .extract<Poco::JSON::Object::Ptr>();
    std::vector<StatementLine> lines;
    std::vector<LineError> errors;
    readJsonStatement(
        statement, [&](StatementLine&& l) { lines.push_back(std::move(l)); }, errors);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].line == 2);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].line == 3);
    CHECK(errors[0].path == "/lines/1/total");
    CHECK(errors[1].path == "/lines/1/fund");
    std::vector<LineError> none;
    readJsonStatement(
        new Poco::JSON::Object, [](StatementLine&&) {}, none);
    REQUIRE(none.size() == 1);
    CHECK(none[0].path == "/lines");
}

TEST_CASE("CSV statement: a cell that is not UTF-8 is refused on its line, naming its column") {
    // Bodies are UTF-8 (API.md §1); such a cell would pass into stored ids and the report's JSON.
    Read r = csv(kHeader +
                 "ST\xff"
                 "1,PO1,rx_1,P1,5700,3990,1000,710,settled,2026-11-22T10:30:00+08:00\n" +
                 kLine);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 2);
    CHECK(r.errors[0].path == "settlement_id");
    CHECK(r.errors[0].message == "settlement_id is not UTF-8");
    CHECK(r.lines.size() == 1);
}
