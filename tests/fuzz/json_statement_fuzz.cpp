// libFuzzer target: the bureau's JSON statement (server/settlement/Statement.h,
// readJsonStatement) fed from bytes the way the API reads a body (ApiBody.h):
// what the API answers 400 before the reader runs is skipped. The reader refuses by listing
// line errors, never by throwing: any exception is a finding. Every line it hands on must be
// one the API may store (StatementChecks.h), numbered by its place in "lines", and the CSV
// reader must accept the same line with the same values. Errors name a path, and reading
// stops once maxErrors are listed.
#include <Poco/JSON/Object.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ApiBody.h"
#include "StatementChecks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rxfuzz;
    const Poco::JSON::Object::Ptr statement = apiBody(std::string(reinterpret_cast<const char*>(data), size));
    if (!statement) return 0;  // the API's 400 before the reader
    std::vector<StatementLine> lines;
    std::vector<LineError> errors;
    rxflow::settlement::readJsonStatement(
        statement, [&](StatementLine&& l) { lines.push_back(std::move(l)); }, errors, kMaxErrors);
    const auto array = statement->getArray("lines");
    long previous = 1;
    for (const StatementLine& l : lines) {
        require(l.line > previous && array && static_cast<std::size_t>(l.line - 2) < array->size(),
                "a line number that is not its place in lines");
        previous = l.line;
        requireStorable(l);
        requireCsvAgrees(l);
    }
    for (const LineError& e : errors)
        require(!e.message.empty() && !e.path.empty(), "an error without path or message");
    require(errors.size() < kMaxErrors + kColumns, "reading did not stop after maxErrors");
    return 0;
}
