// rxflow-bureau-sim: the insurance bureau (医保局), for tests and demos.
//
//   settle     settles the mobile payments of the listed prescriptions, calling rxflow's payment
//              endpoint as the insurer of the region (fund / personal account / cash split);
//              at --timeout-rate it acts as if the answer was lost and posts the same settlement
//              again (rxflow must treat it as a no-op); at --reverse-rate it reverses (冲正) the
//              payment afterwards. Its own records go to --ledger (statement columns).
//   statement  writes the day's statement (对账单) from the ledger, as CSV or JSON, with the
//              discrepancies asked for by --inject, and a manifest of exactly what it injected.
//
//   rxflow-bureau-sim settle --rxflow URL --token T --region 330200 --date 2026-11-22
//       --prescriptions ids.txt --ledger ledger.csv [--timeout-rate R] [--reverse-rate R] [--seed N]
//   rxflow-bureau-sim statement --ledger ledger.csv --out statement.csv --manifest manifest.json
//       [--format csv|json] [--inject missing_in_platform=1,missing_in_bureau=1,...] [--seed N]
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pharmacy-adapters/Json.h"
#include "pharmacy-adapters/sim/RxflowClient.h"

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const char* kHeader = "settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at";
const std::vector<std::string> kKinds = {"missing_in_platform", "missing_in_bureau", "amount_mismatch",
                                         "status_mismatch", "duplicate_in_statement"};

struct Entry {  // one line of the bureau's own records
    std::string settlementId, payOrderId, prescriptionId, psnNo;
    long long total = 0, fund = 0, account = 0, cash = 0;
    std::string status = "settled", settledAt;
};

std::map<std::string, std::string> options(int argc, char** argv) {
    std::map<std::string, std::string> out;
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string key = argv[i];
        if (key.rfind("--", 0) != 0) throw std::invalid_argument("expected an option, got " + key);
        out[key.substr(2)] = argv[i + 1];
    }
    return out;
}

std::string need(const std::map<std::string, std::string>& o, const std::string& key) {
    auto it = o.find(key);
    if (it == o.end() || it->second.empty()) throw std::invalid_argument("--" + key + " is required");
    return it->second;
}

std::string get(const std::map<std::string, std::string>& o, const std::string& key, const std::string& fallback) {
    auto it = o.find(key);
    return it == o.end() ? fallback : it->second;
}

std::string csvLine(const Entry& e) {
    return e.settlementId + "," + e.payOrderId + "," + e.prescriptionId + "," + e.psnNo + "," + std::to_string(e.total) +
           "," + std::to_string(e.fund) + "," + std::to_string(e.account) + "," + std::to_string(e.cash) + "," + e.status +
           "," + e.settledAt;
}

std::vector<Entry> readLedger(const std::string& path) {
    std::ifstream in(path);
    std::vector<Entry> out;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::istringstream fields(line);
        for (std::string v; std::getline(fields, v, ',');) f.push_back(v);
        if (f.size() != 10) throw std::runtime_error("ledger line with " + std::to_string(f.size()) + " fields");
        out.push_back({f[0], f[1], f[2], f[3], std::stoll(f[4]), std::stoll(f[5]), std::stoll(f[6]), std::stoll(f[7]), f[8],
                       f[9]});
    }
    return out;
}

std::string json(const Object::Ptr& o) { return rxflow::adapters::condensed(o); }

// What the platform's view says the prescription costs (price × quantity of its items).
long long totalOf(const rxsim::ApiReply& view) {
    long long total = 0;
    auto items = view.json ? view.json->getArray("items") : nullptr;
    for (std::size_t i = 0; items && i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        total += item->optValue<long long>("price", 0) * item->optValue<long long>("quantity", 0);
    }
    return total;
}

// The bureau's n-th settlement of the day, split between fund, account and cash.
Entry settlementOf(int n, const std::string& id, const std::string& region, const std::string& date, long long total) {
    Entry e;
    char sid[64];
    std::snprintf(sid, sizeof sid, "ST%s%s%06d", region.c_str(), date.substr(0, 4).c_str(), n);
    e.settlementId = sid;
    e.payOrderId = "MP" + e.settlementId.substr(2);
    e.prescriptionId = id;
    e.psnNo = region + "000000000" + std::to_string(n);
    e.total = total;
    e.fund = total * 7 / 10;  // 统筹基金
    e.account = total / 5;    // 个人账户
    e.cash = total - e.fund - e.account;
    char at[40];
    std::snprintf(at, sizeof at, "%sT10:%02d:%02d+08:00", date.c_str(), (n / 60) % 60, n % 60);
    e.settledAt = at;
    return e;
}

std::string paymentBody(const Entry& e) {
    Object::Ptr payment = new Object;
    payment->set("kind", "insurance");
    payment->set("settlementId", e.settlementId);
    payment->set("payOrderId", e.payOrderId);
    payment->set("total", e.total);
    payment->set("fund", e.fund);
    payment->set("account", e.account);
    payment->set("cash", e.cash);
    payment->set("paidAt", e.settledAt);
    return json(payment);
}

struct Settling {
    const rxsim::RxflowClient& api;
    std::string date;
    double timeoutRate, reverseRate;
    std::mt19937 dice;
    int n = 0, retried = 0, reversed = 0, failed = 0;
    double roll() { return std::uniform_real_distribution<double>(0, 1)(dice); }
};

// 冲正 of a settled payment.
void reverseOne(Settling& s, Entry& e) {
    Object::Ptr why = new Object;
    why->set("reason", "患者退费");
    why->set("at", s.date + "T11:00:00+08:00");
    rxsim::ApiReply r = s.api.call("POST", "/v1/payments/" + e.settlementId + "/reverse", json(why));
    if (r.ok()) {
        e.status = "reversed";
        ++s.reversed;
    } else {
        std::cerr << "reverse " << e.settlementId << ": " << r.status << " " << r.body << "\n";
        ++s.failed;
    }
}

// Posts one settlement; some are posted again (the answer "timed out") and some reversed. False
// when the first post failed (the bureau has no such settlement then).
bool settleOne(Settling& s, Entry& e) {
    const std::string body = paymentBody(e);
    const std::string path = "/v1/prescriptions/" + e.prescriptionId + "/payments";
    rxsim::ApiReply paid = s.api.call("POST", path, body);
    if (!paid.ok()) {
        std::cerr << "settle " << e.prescriptionId << ": " << paid.status << " " << paid.body << "\n";
        ++s.failed;
        return false;
    }
    if (s.roll() < s.timeoutRate) {  // settled, but the answer "timed out": the bureau posts it again
        ++s.retried;
        rxsim::ApiReply again = s.api.call("POST", path, body);
        if (!again.ok()) {
            std::cerr << "repeat of " << e.settlementId << ": " << again.status << " " << again.body << "\n";
            ++s.failed;
        }
    }
    if (s.roll() < s.reverseRate) reverseOne(s, e);
    return true;
}

int settle(const std::map<std::string, std::string>& o) {
    const rxsim::RxflowClient api(need(o, "rxflow"), get(o, "rxflow-port-file", ""), need(o, "token"));
    const std::string region = need(o, "region");
    Settling s{api, need(o, "date"), std::stod(get(o, "timeout-rate", "0")), std::stod(get(o, "reverse-rate", "0")),
               std::mt19937(static_cast<unsigned>(std::stoul(get(o, "seed", "1"))))};
    std::ifstream ids(need(o, "prescriptions"));
    std::ofstream ledger(need(o, "ledger"));
    ledger << kHeader << "\n";
    for (std::string id; std::getline(ids, id);) {
        if (id.empty()) continue;
        ++s.n;
        long long total = totalOf(api.call("GET", "/v1/prescriptions/" + id));
        if (total <= 0) total = 100 * s.n;
        Entry e = settlementOf(s.n, id, region, s.date, total);
        if (settleOne(s, e)) ledger << csvLine(e) << "\n";
    }
    std::cout << "settled " << s.n - s.failed << " of " << s.n << " (" << s.retried
              << " posted again after a lost answer, " << s.reversed << " reversed)\n";
    return s.failed == 0 ? 0 : 1;
}

// --inject kind=count,...: how many discrepancies of each kind ("all" sets every kind).
std::map<std::string, int> injections(const std::string& text) {
    std::map<std::string, int> inject;
    std::istringstream spec(text);
    for (std::string item; std::getline(spec, item, ',');) {
        const auto eq = item.find('=');
        const std::string kind = item.substr(0, eq);
        const int count = eq == std::string::npos ? 1 : std::stoi(item.substr(eq + 1));
        if (kind == "all")
            for (const auto& k : kKinds) inject[k] = count;
        else if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end())
            throw std::invalid_argument("unknown discrepancy kind " + kind);
        else
            inject[kind] = count;
    }
    return inject;
}

// The statement made from the ledger with discrepancies injected: each injection takes ledger
// lines no other injection touches, chosen by the seed; `injected` lists them for the test.
struct Statement {
    std::vector<Entry> lines;
    std::set<std::size_t> dropped;
    std::vector<Entry> extra;
    Array::Ptr injected = new Array;

    void record(const std::string& kind, const std::string& id, const std::vector<std::string>& fields = {}) {
        Object::Ptr m = new Object;
        m->set("kind", kind);
        m->set("settlementId", id);
        if (!fields.empty()) {
            Array::Ptr f = new Array;
            for (const auto& x : fields) f->add(x);
            m->set("fields", f);
        }
        injected->add(m);
    }
    // One discrepancy of `kind` on the settled line `e` (index i).
    void inject(const std::string& kind, Entry& e, std::size_t i) {
        if (kind == "missing_in_bureau") {
            dropped.insert(i);
            record(kind, e.settlementId);
        } else if (kind == "amount_mismatch") {
            e.fund += 1;  // the split differs, the total agrees
            e.cash -= 1;
            record(kind, e.settlementId, {"fund", "cash"});
        } else if (kind == "status_mismatch") {
            e.status = "reversed";  // reversed at the bureau without telling rxflow
            record(kind, e.settlementId);
        } else {  // duplicate_in_statement
            extra.push_back(e);
            record(kind, e.settlementId);
        }
    }
    std::vector<Entry> out() const {
        std::vector<Entry> all;
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (!dropped.count(i)) all.push_back(lines[i]);
        all.insert(all.end(), extra.begin(), extra.end());
        return all;
    }
};

Statement injectInto(const std::vector<Entry>& ledger, std::map<std::string, int> inject, unsigned seed) {
    std::mt19937 dice(seed);
    std::vector<std::size_t> order(ledger.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), dice);
    std::size_t next = 0;
    Statement st;
    st.lines = ledger;
    for (const auto& kind : kKinds) {
        for (int c = 0; c < inject[kind]; ++c) {
            if (kind == "missing_in_platform") {  // settled at the bureau; its callback never reached rxflow
                Entry e = ledger.empty() ? Entry{} : ledger[0];
                e.settlementId = "STLOST" + std::to_string(c + 1);
                e.payOrderId = "MPLOST" + std::to_string(c + 1);
                e.status = "settled";
                st.extra.push_back(e);
                st.record(kind, e.settlementId);
                continue;
            }
            // The others need a settled line of the platform's (status_mismatch flips it).
            while (next < order.size() && st.lines[order[next]].status != "settled") ++next;
            if (next >= order.size()) throw std::runtime_error("not enough settled lines to inject " + kind);
            const std::size_t i = order[next++];
            st.inject(kind, st.lines[i], i);
        }
    }
    return st;
}

void writeStatement(std::ostream& file, const std::vector<Entry>& out, const std::string& format) {
    if (format != "json") {
        file << kHeader << "\r\n";
        for (const Entry& e : out) file << csvLine(e) << "\r\n";
        return;
    }
    Array::Ptr array = new Array;
    for (const Entry& e : out) {
        Object::Ptr l = new Object;
        l->set("settlement_id", e.settlementId);
        l->set("pay_order_id", e.payOrderId);
        l->set("prescription_id", e.prescriptionId);
        l->set("psn_no", e.psnNo);
        l->set("total", e.total);
        l->set("fund", e.fund);
        l->set("account", e.account);
        l->set("cash", e.cash);
        l->set("status", e.status);
        l->set("settled_at", e.settledAt);
        array->add(l);
    }
    Object::Ptr doc = new Object;
    doc->set("lines", array);
    file << json(doc);
}

int statement(const std::map<std::string, std::string>& o) {
    const std::vector<Entry> ledger = readLedger(need(o, "ledger"));
    const Statement st = injectInto(ledger, injections(get(o, "inject", "")),
                                    static_cast<unsigned>(std::stoul(get(o, "seed", "1"))));
    const std::vector<Entry> out = st.out();
    std::ofstream file(need(o, "out"));
    writeStatement(file, out, get(o, "format", "csv"));
    Object::Ptr manifest = new Object;
    manifest->set("lines", static_cast<long long>(out.size()));
    manifest->set("ledger", static_cast<long long>(ledger.size()));
    manifest->set("injected", st.injected);
    std::ofstream(need(o, "manifest")) << json(manifest) << "\n";
    std::cout << "statement: " << out.size() << " lines, " << st.injected->size() << " discrepancies injected\n";
    return 0;
}

const char* kUsage =
    "rxflow-bureau-sim: the insurance bureau (医保局), for tests and demos.\n"
    "\n"
    "usage:\n"
    "  rxflow-bureau-sim settle --rxflow URL --token T --region 330200 --date YYYY-MM-DD\n"
    "      --prescriptions ids.txt --ledger ledger.csv [--timeout-rate R] [--reverse-rate R] [--seed N]\n"
    "    settles the mobile payments of the listed prescriptions (one id a line) as the insurer of\n"
    "    the region (fund / personal account / cash); at --timeout-rate it acts as if the answer was\n"
    "    lost and posts the same settlement again; at --reverse-rate it reverses (冲正) the payment\n"
    "    afterwards. Its records go to --ledger, in the statement's columns.\n"
    "  rxflow-bureau-sim statement --ledger ledger.csv --out statement.csv --manifest manifest.json\n"
    "      [--format csv|json] [--inject KIND=N,...] [--seed N]\n"
    "    writes the day's statement (对账单) from the ledger with the discrepancies asked for, and a\n"
    "    manifest of exactly what it injected. KIND: missing_in_platform, missing_in_bureau,\n"
    "    amount_mismatch, status_mismatch, duplicate_in_statement.\n"
    "  rxflow-bureau-sim --help\n"
    "    prints this.\n";

}  // namespace

int main(int argc, char** argv) {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return 0;
    }
    try {
        if (command == "settle") return settle(options(argc, argv));
        if (command == "statement") return statement(options(argc, argv));
    } catch (const std::exception& e) {
        std::cerr << "rxflow-bureau-sim " << command << ": " << e.what() << "\n";
        return 2;
    }
    std::cerr << kUsage;
    return 2;
}
