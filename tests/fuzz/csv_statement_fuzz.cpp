// libFuzzer target: the bureau's CSV statement (server/settlement/Statement.h, readCsvStatement).
// The reader refuses by listing line errors, never by throwing: any exception is a finding.
// Every line it hands on must be one the API may store (StatementChecks.h), with rising line
// numbers, and the JSON reader must accept the same line with the same values. Errors name a
// line, are UTF-8 when the statement is, and reading stops once maxErrors are listed.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "StatementChecks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rxfuzz;
    const std::string statement(reinterpret_cast<const char*>(data), size);
    // What a reader says goes back in a problem+json body, which must be UTF-8 (RFC 8259 §8.1):
    // from a UTF-8 statement it may only quote whole characters.
    const bool utf8 = wellFormedUtf8(statement);
    std::istringstream in(statement);
    std::vector<StatementLine> lines;
    std::vector<LineError> errors;
    rxflow::settlement::readCsvStatement(
        in, [&](StatementLine&& l) { lines.push_back(std::move(l)); }, errors, kMaxErrors);
    long previous = 1;  // the header
    for (const StatementLine& l : lines) {
        require(l.line > previous, "line numbers do not rise");
        previous = l.line;
        requireStorable(l);
        requireJsonAgrees(l);
    }
    for (const LineError& e : errors) {
        require(e.line >= 1 && !e.message.empty(), "an error without line or message");
        require(!utf8 || wellFormedUtf8(e.message), "an error quotes a broken character: " + e.message);
    }
    require(errors.size() < kMaxErrors + kColumns, "reading did not stop after maxErrors");
    return 0;
}
