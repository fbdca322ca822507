#include "server/settlement/Reconciler.h"

#include <algorithm>
#include <tuple>

namespace rxflow::settlement {
namespace {

void add(Totals& t, const Amounts& a) {
    ++t.count;
    t.sum.total += a.total;
    t.sum.fund += a.fund;
    t.sum.account += a.account;
    t.sum.cash += a.cash;
}

std::vector<std::string> differing(const Amounts& a, const Amounts& b) {
    std::vector<std::string> out;
    if (a.total != b.total) out.push_back("total");
    if (a.fund != b.fund) out.push_back("fund");
    if (a.account != b.account) out.push_back("account");
    if (a.cash != b.cash) out.push_back("cash");
    return out;
}

}  // namespace

Poco::JSON::Object::Ptr sideJson(const Side& s, bool withLine) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("total", s.amounts.total);
    o->set("fund", s.amounts.fund);
    o->set("account", s.amounts.account);
    o->set("cash", s.amounts.cash);
    o->set("status", s.reversed ? "reversed" : "settled");
    if (withLine) o->set("line", s.line);
    return o;
}

Side sideFromJson(const Poco::JSON::Object::Ptr& o) {
    Side s;
    s.amounts = {o->getValue<long long>("total"), o->getValue<long long>("fund"), o->getValue<long long>("account"),
                 o->getValue<long long>("cash")};
    s.reversed = o->getValue<std::string>("status") == "reversed";
    s.line = o->optValue<long>("line", 0);
    return s;
}

void Reconciler::addStatementLine(const StatementLine& l) {
    lines_.push_back({l.settlementId, {l.total, l.fund, l.account, l.cash}, l.line, l.reversed, false});
}

// The first line of each settlement id is compared; each later copy is a duplicate_in_statement.
void Reconciler::index() {
    indexed_ = true;
    first_.reserve(lines_.size());
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        const BureauLine& l = lines_[i];
        if (first_.emplace(l.settlementId, i).second) {
            if (!l.reversed) add(report_.bureau, l.amounts);
            continue;
        }
        report_.discrepancies.push_back({"duplicate_in_statement", l.settlementId, {}, std::nullopt,
                                         Side{l.amounts, l.reversed, l.line}});
    }
}

void Reconciler::addPlatformPayment(const PlatformPayment& p) {
    if (!indexed_) index();
    if (!p.reversed) add(report_.platform, p.amounts);
    const Side platform{p.amounts, p.reversed, 0};
    auto it = first_.find(p.settlementId);
    if (it == first_.end()) {
        report_.discrepancies.push_back({"missing_in_bureau", p.settlementId, {}, platform, std::nullopt});
        return;
    }
    BureauLine& l = lines_[it->second];
    l.matchedByPlatform = true;
    const Side bureau{l.amounts, l.reversed, l.line};
    std::vector<std::string> fields = differing(p.amounts, l.amounts);
    if (!fields.empty())
        report_.discrepancies.push_back({"amount_mismatch", p.settlementId, std::move(fields), platform, bureau});
    else if (p.reversed != l.reversed)
        report_.discrepancies.push_back({"status_mismatch", p.settlementId, {}, platform, bureau});
    else
        ++report_.matched;
}

Report Reconciler::finish() {
    if (!indexed_) index();
    for (const auto& [id, i] : first_) {
        const BureauLine& l = lines_[i];
        if (!l.matchedByPlatform)
            report_.discrepancies.push_back({"missing_in_platform", l.settlementId, {}, std::nullopt,
                                             Side{l.amounts, l.reversed, l.line}});
    }
    std::sort(report_.discrepancies.begin(), report_.discrepancies.end(), [](const Discrepancy& a, const Discrepancy& b) {
        const long la = a.bureau ? a.bureau->line : 0, lb = b.bureau ? b.bureau->line : 0;
        return std::tie(a.settlementId, la) < std::tie(b.settlementId, lb);
    });
    Report out = std::move(report_);
    report_ = Report{};
    lines_.clear();
    first_.clear();
    indexed_ = false;
    return out;
}

}  // namespace rxflow::settlement
