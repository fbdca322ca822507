// libFuzzer target: the bureau's CSV statement (server/settlement/Statement.h, readCsvStatement).
// The reader refuses by listing line errors, never by throwing: any exception is a finding.
// Every line it hands on must be one the API may store (StatementChecks.h), with rising line
// numbers, and the JSON reader must accept the same line with the same values. Errors name a
// line, and reading stops once maxErrors are listed.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "StatementChecks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rxfuzz;
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
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
    for (const LineError& e : errors)
        require(e.line >= 1 && !e.message.empty(), "an error without line or message");
    require(errors.size() < kMaxErrors + kColumns, "reading did not stop after maxErrors");
    return 0;
}
