// 对账 at the scale of a large city's day, for scripts/bench.sh reconcile:
//   reconcile_bench generate DIR N   N insurance payments into DIR/rxflow.db (or --db URL) and a
//                                    statement DIR/statement.csv of N lines with a few of each
//                                    discrepancy kind
//   reconcile_bench run DIR          reads the statement as a stream and the payments from the
//                                    database, reconciles, prints time, peak memory and counts
// The two steps are separate processes so the peak memory is that of reconciling alone.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "server/app/Embedded.h"
#include "server/settlement/Reconciler.h"
#include "server/store/Database.h"
#include "server/store/Migrations.h"
#include "server/store/SettlementRepo.h"

namespace {

using namespace rxflow;

const std::string kRegion = "330200";
const std::string kDate = "2026-11-22";
const long long kDayStartMs = 1795276800000LL;  // 2026-11-22T00:00:00+08:00

std::string dbUrl(const std::string& dir, int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--db") return argv[i + 1];
    return "sqlite3://db=" + dir + "/rxflow.db";
}

std::string id(long long i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "ST%s%010lld", kRegion.c_str(), i);
    return buf;
}

// One payment's values: bound once to the insert (Tx::repeat) and refilled for each payment.
struct PaymentRow {
    std::string sid, rx, order, status, paidText;
    long long total = 0, fund = 0, account = 0, cash = 0, paidAt = 0, created = kDayStartMs;

    void fill(long long i, long long n) {
        sid = id(i);
        rx = "rx_BENCH" + std::to_string(i);
        order = "PO" + std::to_string(i);
        total = 1000 + i % 9000;
        fund = total * 7 / 10;
        account = total / 5;
        cash = total - fund - account;
        paidAt = kDayStartMs + (i * 86400000LL) / n;
        paidText = kDate + "T10:00:00+08:00";
        status = i % 97 == 0 ? "reversed" : "settled";
    }
};

// Payment i's statement line as the bureau reports it (kind 3: amounts differ, 4: status differs),
// and every 50,000th line twice.
void writeStatementLine(std::ofstream& csv, const PaymentRow& p, long long i, int kind) {
    const long long bureauFund = kind == 3 ? p.fund + 1 : p.fund;
    const std::string bureauStatus = kind == 4 ? (p.status == "settled" ? "reversed" : "settled") : p.status;
    csv << p.sid << "," << p.order << "," << p.rx << ",33020000000" << i << "," << p.total + (kind == 3 ? 1 : 0) << ","
        << bureauFund << "," << p.account << "," << p.cash << "," << bureauStatus << "," << p.paidText << "\n";
    if (i % 50000 != 1) return;
    csv << p.sid << "," << p.order << "," << p.rx << ",x," << p.total << "," << p.fund << "," << p.account << ","
        << p.cash << "," << p.status << "," << p.paidText << "\n";  // a duplicate
}

int generate(const std::string& dir, long long n, const std::string& url) {
    store::Database db(store::DbUrl::parse(url), {});
    store::migrate(db, embeddedMigrations());
    std::ofstream csv(dir + "/statement.csv");
    csv << settlement::kStatementHeader << "\n";
    db.write([&](store::Tx& tx) {
        PaymentRow p;
        const auto insertAll = [&](const auto& insert) {
            for (long long i = 0; i < n; ++i) {
                p.fill(i, n);
                // The statement: the same, except every 10,000th line (a discrepancy of each kind in turn).
                const int kind = i % 10000 == 0 ? static_cast<int>((i / 10000) % 4) + 1 : 0;
                if (kind != 1) insert();  // 1: missing in the platform
                if (kind == 2) continue;  // 2: missing in the bureau
                writeStatementLine(csv, p, i, kind);
            }
        };
        tx.repeat("INSERT INTO payments (settlement_id, prescription_id, region, kind, pay_order_id, total, fund, "
                  "account, cash, paid_at, paid_at_text, status, posted_role, posted_org, created_at) "
                  "VALUES (:s, :p, :r, 'insurance', :o, :t, :f, :a, :c, :pa, :pt, :st, 'insurer', :g, :ca)",
                  insertAll, soci::use(p.sid), soci::use(p.rx), soci::use(kRegion), soci::use(p.order),
                  soci::use(p.total), soci::use(p.fund), soci::use(p.account), soci::use(p.cash), soci::use(p.paidAt),
                  soci::use(p.paidText), soci::use(p.status), soci::use(kRegion), soci::use(p.created));
        return 0;
    });
    std::cout << "generated " << n << " payments and statement lines in " << dir << "\n";
    return 0;
}

int run(const std::string& dir, const std::string& url) {
    store::Database db(store::DbUrl::parse(url), {});
    const auto started = std::chrono::steady_clock::now();
    settlement::Reconciler reconciler;
    std::vector<settlement::LineError> errors;
    std::ifstream csv(dir + "/statement.csv");
    settlement::readCsvStatement(csv, [&](settlement::StatementLine&& l) { reconciler.addStatementLine(l); }, errors);
    if (!errors.empty()) {
        std::cerr << "statement line " << errors.front().line << ": " << errors.front().message << "\n";
        return 1;
    }
    const auto parsed = std::chrono::steady_clock::now();
    settlement::Report report = db.read([&](store::Tx& tx) {
        store::SettlementRepo::forEach(tx, kRegion, kDayStartMs, kDayStartMs + 86400000LL,
                                       [&](const settlement::PlatformPayment& p) { reconciler.addPlatformPayment(p); });
        return reconciler.finish();
    });
    const auto done = std::chrono::steady_clock::now();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::map<std::string, int> kinds;
    for (const auto& d : report.discrepancies) ++kinds[d.kind];
    auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::printf("reconcile: %lld platform payments, %lld statement lines: %.2f s (statement read %.2f s, payments "
                "%.2f s), peak RSS %.0f MiB\n",
                report.platform.count, report.bureau.count, seconds(started, done), seconds(started, parsed),
                seconds(parsed, done), static_cast<double>(usage.ru_maxrss) / 1024.0);
    std::printf("  matched %lld;", report.matched);
    for (const auto& [kind, count] : kinds) std::printf(" %s %d;", kind.c_str(), count);
    std::printf("\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 4 && std::string(argv[1]) == "generate")
        return generate(argv[2], std::atoll(argv[3]), dbUrl(argv[2], argc, argv));
    if (argc >= 3 && std::string(argv[1]) == "run") return run(argv[2], dbUrl(argv[2], argc, argv));
    std::cerr << "usage: reconcile_bench generate DIR N [--db URL] | run DIR [--db URL]\n";
    return 2;
}
