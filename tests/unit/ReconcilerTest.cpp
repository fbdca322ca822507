// server/settlement/Reconciler: every statement line classified against the platform's payments.
#include <doctest/doctest.h>

#include "server/settlement/Reconciler.h"

using namespace rxflow::settlement;

namespace {

StatementLine line(const std::string& id, long long total, long long fund, long long account, long long cash,
                   bool reversed, long at) {
    StatementLine l;
    l.settlementId = id;
    l.total = total;
    l.fund = fund;
    l.account = account;
    l.cash = cash;
    l.reversed = reversed;
    l.line = at;
    return l;
}

PlatformPayment payment(const std::string& id, long long total, long long fund, long long account, long long cash,
                        bool reversed = false) {
    return {id, {total, fund, account, cash}, reversed};
}

}  // namespace

TEST_CASE("reconciler: each kind of discrepancy, with its fields and both sides, and the totals of settled lines") {
    Reconciler r;
    r.addStatementLine(line("A", 100, 70, 20, 10, false, 2));   // matched
    r.addStatementLine(line("B", 100, 60, 20, 20, false, 3));   // fund and cash differ
    r.addStatementLine(line("C", 100, 70, 20, 10, true, 4));    // reversed at the bureau only
    r.addStatementLine(line("X", 300, 300, 0, 0, false, 5));    // not at the platform
    r.addStatementLine(line("A", 100, 70, 20, 10, false, 6));   // a copy of A
    r.addStatementLine(line("R", 50, 50, 0, 0, true, 7));       // reversed on both sides: matched
    r.addPlatformPayment(payment("A", 100, 70, 20, 10));
    r.addPlatformPayment(payment("B", 100, 70, 20, 10));
    r.addPlatformPayment(payment("C", 100, 70, 20, 10));
    r.addPlatformPayment(payment("D", 200, 100, 50, 50));       // not in the statement
    r.addPlatformPayment(payment("R", 50, 50, 0, 0, true));
    Report report = r.finish();
    CHECK(report.matched == 2);
    REQUIRE(report.discrepancies.size() == 5);
    const auto& d = report.discrepancies;
    CHECK(d[0].kind == "duplicate_in_statement");
    CHECK(d[0].settlementId == "A");
    CHECK(d[0].bureau->line == 6);
    CHECK(d[1].kind == "amount_mismatch");
    CHECK(d[1].settlementId == "B");
    CHECK(d[1].fields == std::vector<std::string>{"fund", "cash"});
    CHECK(d[1].platform->amounts.fund == 70);
    CHECK(d[1].bureau->amounts.fund == 60);
    CHECK(d[2].kind == "status_mismatch");
    CHECK(d[2].settlementId == "C");
    CHECK(d[2].bureau->reversed);
    CHECK_FALSE(d[2].platform->reversed);
    CHECK(d[3].kind == "missing_in_bureau");
    CHECK(d[3].settlementId == "D");
    CHECK_FALSE(d[3].bureau);
    CHECK(d[4].kind == "missing_in_platform");
    CHECK(d[4].settlementId == "X");
    CHECK_FALSE(d[4].platform);
    // Settled lines only: platform A, B, C, D; bureau A, B, X (first occurrences).
    CHECK(report.platform.count == 4);
    CHECK(report.platform.sum.total == 500);
    CHECK(report.platform.sum.fund == 310);
    CHECK(report.bureau.count == 3);
    CHECK(report.bureau.sum.total == 500);
    CHECK(report.bureau.sum.fund == 430);
    CHECK(report.bureau.sum.cash == 30);
}

TEST_CASE("reconciler: an empty day on both sides is an empty report, and a reconciler can be used again") {
    Reconciler r;
    Report empty = r.finish();
    CHECK(empty.matched == 0);
    CHECK(empty.discrepancies.empty());
    CHECK(empty.platform.count == 0);
    r.addStatementLine(line("A", 1, 1, 0, 0, false, 2));
    Report one = r.finish();
    REQUIRE(one.discrepancies.size() == 1);
    CHECK(one.discrepancies[0].kind == "missing_in_platform");
    CHECK(r.finish().discrepancies.empty());
}
