#pragma once
// The insurance bureau's daily statement (对账单, API.md §8): one line per settlement, as CSV
// with the header below or as JSON {"lines":[...]}. The CSV reader is strict and streams: a
// statement is read record by record from any istream, never held whole.
#include <Poco/JSON/Object.h>

#include <functional>
#include <istream>
#include <string>
#include <vector>

namespace rxflow::settlement {

inline constexpr const char* kStatementHeader =
    "settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at";

struct StatementLine {
    std::string settlementId;
    std::string payOrderId;
    std::string prescriptionId;
    std::string psnNo;
    long long total = 0, fund = 0, account = 0, cash = 0;
    bool reversed = false;  // status: settled or reversed
    std::string settledAt;
    long line = 0;  // the header is line 1
};

struct LineError {
    long line = 0;
    std::string path;  // JSON statements: /lines/N/field; CSV: the column name, or empty
    std::string message;
};

// Reads every line, calling `onLine` for each valid one and collecting what is wrong (up to
// `maxErrors`, then reading stops). The caller stores nothing unless `errors` stays empty.
// CSV: UTF-8, an optional BOM, the exact header above, LF or CRLF line ends, RFC 4180 quoting
// ("a ""quoted"" field", quoted line breaks). A blank line, a wrong number of columns, an
// unterminated or stray quote, an amount that is not a whole number of fen, a status other
// than settled or reversed, or a settled_at that is not RFC 3339: an error naming the line.
void readCsvStatement(std::istream& in, const std::function<void(StatementLine&&)>& onLine,
                      std::vector<LineError>& errors, std::size_t maxErrors = 100);

// The same checks for {"lines":[{...same names...}]}; amounts must be JSON integers. Line
// numbers count as in the CSV form: lines[0] is line 2.
void readJsonStatement(const Poco::JSON::Object::Ptr& statement, const std::function<void(StatementLine&&)>& onLine,
                       std::vector<LineError>& errors, std::size_t maxErrors = 100);

}  // namespace rxflow::settlement
