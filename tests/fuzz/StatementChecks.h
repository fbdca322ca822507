#pragma once
// Shared by the two statement targets (csv_statement, json_statement): what every line a
// statement reader hands on must be, and the same line in the other form, so that each target
// checks the other reader agrees ("the same checks", server/settlement/Statement.h).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>
#include <string>
#include <vector>

#include "FuzzSupport.h"
#include "server/domain/Limits.h"
#include "server/domain/Prescription.h"
#include "server/settlement/Statement.h"

namespace rxfuzz {

using rxflow::settlement::LineError;
using rxflow::settlement::StatementLine;

constexpr std::size_t kMaxErrors = 100;
constexpr std::size_t kColumns = 10;  // a line adds at most one error per column

// A line the API may store: ids present and at most 64 bytes, amounts whole fen from 0 to
// 10^12, an RFC 3339 time.
inline void requireStorable(const StatementLine& l) {
    require(!l.settlementId.empty() && l.settlementId.size() <= 64, "settlement_id empty or too long");
    require(!l.payOrderId.empty() && l.payOrderId.size() <= 64, "pay_order_id empty or too long");
    require(l.prescriptionId.size() <= 64 && l.psnNo.size() <= 64, "an optional id is too long");
    for (long long amount : {l.total, l.fund, l.account, l.cash})
        require(amount >= 0 && amount <= rxflow::kMaxAmountFen, "an amount outside 0..10^12 fen");
    require(rxflow::parseTimestampMs(l.settledAt).has_value(), "settled_at is not a time");
}

inline bool sameValues(const StatementLine& a, const StatementLine& b) {
    return a.settlementId == b.settlementId && a.payOrderId == b.payOrderId &&
           a.prescriptionId == b.prescriptionId && a.psnNo == b.psnNo && a.total == b.total &&
           a.fund == b.fund && a.account == b.account && a.cash == b.cash && a.reversed == b.reversed &&
           a.settledAt == b.settledAt;
}

// The one line read back by the other reader, which must accept it with the same values.
inline void requireReadBack(const StatementLine& l, const std::vector<StatementLine>& read,
                            const std::vector<LineError>& errors, const std::string& reader) {
    require(errors.empty() && read.size() == 1, "the " + reader + " reader refuses a line the other accepts" +
                                                    (errors.empty() ? "" : ": " + errors[0].message));
    require(sameValues(read[0], l), "the " + reader + " reader reads other values than the other");
}

inline void requireJsonAgrees(const StatementLine& l) {
    Poco::JSON::Object::Ptr line = new Poco::JSON::Object;
    line->set("settlement_id", l.settlementId);
    line->set("pay_order_id", l.payOrderId);
    line->set("prescription_id", l.prescriptionId);
    line->set("psn_no", l.psnNo);
    line->set("total", static_cast<Poco::Int64>(l.total));
    line->set("fund", static_cast<Poco::Int64>(l.fund));
    line->set("account", static_cast<Poco::Int64>(l.account));
    line->set("cash", static_cast<Poco::Int64>(l.cash));
    line->set("status", std::string(l.reversed ? "reversed" : "settled"));
    line->set("settled_at", l.settledAt);
    Poco::JSON::Array::Ptr lines = new Poco::JSON::Array;
    lines->add(line);
    Poco::JSON::Object::Ptr statement = new Poco::JSON::Object;
    statement->set("lines", lines);
    std::vector<StatementLine> read;
    std::vector<LineError> errors;
    rxflow::settlement::readJsonStatement(
        statement, [&](StatementLine&& j) { read.push_back(std::move(j)); }, errors);
    requireReadBack(l, read, errors, "JSON");
}

// RFC 4180: every field quoted, quotes doubled. The reader reads a CRLF inside a quoted field
// as LF, so a line with a field holding CRLF has no CSV form and is skipped.
inline void requireCsvAgrees(const StatementLine& l) {
    std::vector<std::string> fields = {l.settlementId, l.payOrderId, l.prescriptionId, l.psnNo};
    for (long long amount : {l.total, l.fund, l.account, l.cash}) fields.push_back(std::to_string(amount));
    fields.push_back(l.reversed ? "reversed" : "settled");
    fields.push_back(l.settledAt);
    std::string csv = std::string(rxflow::settlement::kStatementHeader) + "\n";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].find("\r\n") != std::string::npos) return;
        csv += i ? ",\"" : "\"";
        for (char c : fields[i]) csv += c == '"' ? std::string("\"\"") : std::string(1, c);
        csv += '"';
    }
    std::istringstream in(csv + "\n");
    std::vector<StatementLine> read;
    std::vector<LineError> errors;
    rxflow::settlement::readCsvStatement(
        in, [&](StatementLine&& c) { read.push_back(std::move(c)); }, errors);
    requireReadBack(l, read, errors, "CSV");
}

}  // namespace rxfuzz
