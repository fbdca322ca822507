#include "server/settlement/Statement.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "server/domain/Limits.h"
#include "server/domain/Prescription.h"
#include "signing/utf8.h"

namespace rxflow::settlement {
namespace {

constexpr std::array<const char*, 10> kColumns = {
    "settlement_id", "pay_order_id", "prescription_id", "psn_no",    "total", "fund",
    "account",       "cash",         "status",          "settled_at"};

// The first `max` bytes of `value` at most, cut before a character rather than inside one: the
// quote goes back in problem+json, which must be UTF-8.
std::string quoteStart(const std::string& value, std::size_t max) {
    std::size_t n = std::min(value.size(), max);
    while (n > 0 && n < value.size() && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;
    return value.substr(0, n);
}

// Checks one line's fields (in column order) and fills `out`; false with errors added otherwise.
class LineChecker {
  public:
    LineChecker(std::vector<LineError>& errors, long line, std::string pathPrefix)
        : errors_(errors), line_(line), prefix_(std::move(pathPrefix)) {}

    void text(std::size_t column, const std::string& value, std::string& out, bool required) {
        if (required && value.empty()) return fail(column, "is empty");
        if (value.size() > 64) return fail(column, "is longer than 64 characters");
        out = value;
    }
    void amount(std::size_t column, const std::string& value, long long& out) {
        const char* end = value.data() + value.size();
        auto [ptr, ec] = std::from_chars(value.data(), end, out);
        if (value.empty() || ec != std::errc() || ptr != end || value[0] == '-' || value[0] == '+')
            return fail(column,
                        "must be a whole, non-negative number of fen, not \"" + quoteStart(value, 20) + "\"");
        if (out > kMaxAmountFen) return fail(column, "must be at most 10^12 fen");
    }
    void status(std::size_t column, const std::string& value, bool& reversed) {
        if (value != "settled" && value != "reversed") return fail(column, "must be settled or reversed");
        reversed = value == "reversed";
    }
    void time(std::size_t column, const std::string& value, std::string& out) {
        if (!parseTimestampMs(value)) return fail(column, "must be an RFC 3339 time with its offset");
        out = value;
    }
    bool ok() const { return ok_; }

    void fail(std::size_t column, const std::string& message) {
        ok_ = false;
        errors_.push_back({line_, prefix_ + kColumns[column], std::string(kColumns[column]) + " " + message});
    }

  private:
    std::vector<LineError>& errors_;
    long line_;
    std::string prefix_;
    bool ok_ = true;
};

// Reads one CSV record (RFC 4180) that starts on the next physical line. False at the end.
// `lineNo` is advanced by every physical line read; a malformed record sets `problem`.
bool readRecord(std::istream& in, std::vector<std::string>& fields, long& lineNo, std::string& problem) {
    std::string line;
    if (!std::getline(in, line)) return false;
    ++lineNo;
    fields.assign(1, std::string());
    problem.clear();
    bool quoted = false, afterQuote = false;
    for (;;) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        for (std::size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            std::string& field = fields.back();
            if (quoted) {
                if (c != '"') {
                    field += c;
                } else if (i + 1 < line.size() && line[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                    afterQuote = true;
                }
            } else if (c == ',') {
                fields.emplace_back();
                afterQuote = false;
            } else if (afterQuote) {
                problem = "a closing quote must end its field";
                return true;
            } else if (c == '"') {
                if (!field.empty()) {
                    problem = "a quote inside an unquoted field (quote the whole field and double the quote)";
                    return true;
                }
                quoted = true;
            } else {
                field += c;
            }
        }
        if (!quoted) return true;
        if (!std::getline(in, line)) {
            problem = "a quoted field is not closed before the end of the statement";
            return true;
        }
        ++lineNo;
        fields.back() += '\n';  // a line break inside a quoted field
    }
}

}  // namespace

// The first field that is not well-formed UTF-8, or -1.
static int firstNonUtf8(const std::vector<std::string>& fields) {
    for (std::size_t f = 0; f < fields.size(); ++f) {
        char32_t cp;
        for (std::size_t i = 0; i < fields[f].size();) {
            const std::size_t n = rxsign::utf8::decodeUtf8(fields[f], i, cp);
            if (n == 0) return static_cast<int>(f);
            i += n;
        }
    }
    return -1;
}

void readCsvStatement(std::istream& in, const std::function<void(StatementLine&&)>& onLine,
                      std::vector<LineError>& errors, std::size_t maxErrors) {
    std::vector<std::string> fields;
    std::string problem;
    long lineNo = 0;
    if (!readRecord(in, fields, lineNo, problem)) {
        errors.push_back(
            {1, "",
             std::string("the statement is empty; its first line must be the header ") + kStatementHeader});
        return;
    }
    if (!fields.empty() && fields[0].rfind("\xEF\xBB\xBF", 0) == 0) fields[0].erase(0, 3);  // a UTF-8 BOM
    std::string header;
    for (std::size_t i = 0; i < fields.size(); ++i) header += (i ? "," : "") + fields[i];
    if (!problem.empty() || header != kStatementHeader) {
        errors.push_back({1, "", std::string("the header must be exactly ") + kStatementHeader});
        return;
    }
    for (;;) {
        const long start = lineNo + 1;
        if (!readRecord(in, fields, lineNo, problem)) return;
        if (errors.size() >= maxErrors) return;
        if (!problem.empty()) {
            errors.push_back({start, "", problem});
            continue;
        }
        if (fields.size() == 1 && fields[0].empty()) {
            errors.push_back({start, "", "the line is blank"});
            continue;
        }
        if (fields.size() != kColumns.size()) {
            errors.push_back({start, "",
                              "has " + std::to_string(fields.size()) + " columns; the header has " +
                                  std::to_string(kColumns.size())});
            continue;
        }
        // Bodies are UTF-8 (API.md §1): a cell that is not would pass into stored ids, error
        // messages and the report's JSON.
        if (const int bad = firstNonUtf8(fields); bad >= 0) {
            errors.push_back({start, kColumns[static_cast<std::size_t>(bad)],
                              std::string(kColumns[static_cast<std::size_t>(bad)]) + " is not UTF-8"});
            continue;
        }
        StatementLine l;
        l.line = start;
        LineChecker check(errors, start, "");
        check.text(0, fields[0], l.settlementId, true);
        check.text(1, fields[1], l.payOrderId, true);
        check.text(2, fields[2], l.prescriptionId, false);
        check.text(3, fields[3], l.psnNo, false);
        check.amount(4, fields[4], l.total);
        check.amount(5, fields[5], l.fund);
        check.amount(6, fields[6], l.account);
        check.amount(7, fields[7], l.cash);
        check.status(8, fields[8], l.reversed);
        check.time(9, fields[9], l.settledAt);
        if (check.ok()) onLine(std::move(l));
    }
}

void readJsonStatement(const Poco::JSON::Object::Ptr& statement,
                       const std::function<void(StatementLine&&)>& onLine, std::vector<LineError>& errors,
                       std::size_t maxErrors) {
    auto lines = statement ? statement->getArray("lines") : nullptr;
    if (!lines) {
        errors.push_back({0, "/lines", "a JSON statement is {\"lines\":[...]}"});
        return;
    }
    for (std::size_t i = 0; i < lines->size() && errors.size() < maxErrors; ++i) {
        const long lineNo = static_cast<long>(i) + 2;
        const std::string path = "/lines/" + std::to_string(i) + "/";
        auto o = lines->getObject(static_cast<unsigned>(i));
        if (!o) {
            errors.push_back({lineNo, path, "each line must be an object"});
            continue;
        }
        LineChecker check(errors, lineNo, path);
        StatementLine l;
        l.line = lineNo;
        auto textOf = [&](std::size_t column) {
            const std::string key = kColumns[column];
            if (!o->has(key) || o->isNull(key)) return std::string();
            if (!o->get(key).isString()) {
                check.fail(column, "must be a string");
                return std::string();
            }
            return o->get(key).extract<std::string>();
        };
        auto amountOf = [&](std::size_t column, long long& out) {
            const std::string key = kColumns[column];
            const Poco::Dynamic::Var v = o->has(key) ? o->get(key) : Poco::Dynamic::Var();
            if (v.isEmpty() || !v.isInteger() || v.type() == typeid(bool))
                return check.fail(column, "must be an integer (fen)");
            out = v.convert<long long>();  // within ±2^53: the body's reader refused any other
            if (out < 0) check.fail(column, "must not be negative");
            if (out > kMaxAmountFen) check.fail(column, "must be at most 10^12 fen");
        };
        check.text(0, textOf(0), l.settlementId, true);
        check.text(1, textOf(1), l.payOrderId, true);
        check.text(2, textOf(2), l.prescriptionId, false);
        check.text(3, textOf(3), l.psnNo, false);
        amountOf(4, l.total);
        amountOf(5, l.fund);
        amountOf(6, l.account);
        amountOf(7, l.cash);
        check.status(8, textOf(8), l.reversed);
        check.time(9, textOf(9), l.settledAt);
        if (check.ok()) onLine(std::move(l));
    }
}

}  // namespace rxflow::settlement
