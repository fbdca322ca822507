#pragma once
// 对账: the platform's payments of a day and region against the bureau's statement for it,
// line by line (API.md §8). The statement is held (ids and amounts only); the platform's
// payments are streamed past it, so a large city's day fits in a few hundred MB.
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/settlement/Statement.h"

namespace rxflow::settlement {

struct Amounts {
    long long total = 0, fund = 0, account = 0, cash = 0;
};

struct Totals {
    long long count = 0;  // settled lines (reversed ones are compared, not summed or counted)
    Amounts sum;
};

struct PlatformPayment {
    std::string settlementId;
    Amounts amounts;
    bool reversed = false;
};

struct Side {
    Amounts amounts;
    bool reversed = false;
    long line = 0;  // bureau side: the statement line
};

// One side as reports show it and runs store it: {"total","fund","account","cash","status"
// [,"line"]}, and back.
Poco::JSON::Object::Ptr sideJson(const Side& s, bool withLine);
Side sideFromJson(const Poco::JSON::Object::Ptr& o);

struct Discrepancy {
    std::string kind;  // missing_in_platform, missing_in_bureau, amount_mismatch, status_mismatch,
                       // duplicate_in_statement
    std::string settlementId;
    std::vector<std::string> fields;  // amount_mismatch: which of total, fund, account, cash
    std::optional<Side> platform, bureau;
};

struct Report {
    Totals platform, bureau;
    long long matched = 0;
    std::vector<Discrepancy> discrepancies;  // by settlement id, then statement line
};

class Reconciler {
public:
    // Every statement line first, in statement order.
    void addStatementLine(const StatementLine& l);
    // Then each of the platform's payments, in any order.
    void addPlatformPayment(const PlatformPayment& p);
    Report finish();

private:
    struct BureauLine {
        std::string settlementId;
        Amounts amounts;
        long line = 0;
        bool reversed = false;
        bool matchedByPlatform = false;
    };
    void index();

    std::vector<BureauLine> lines_;
    std::unordered_map<std::string_view, std::size_t> first_;  // id -> its first line
    bool indexed_ = false;
    Report report_;
};

}  // namespace rxflow::settlement
