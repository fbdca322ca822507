#include "server/domain/Catalog.h"

#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>

#include <set>
#include <sstream>
#include <stdexcept>

namespace rxflow {
namespace {

const std::set<std::string> kClasses = {"otc",   "rx",          "narcotic",  "psychotropic1", "psychotropic2",
                                        "toxic", "radioactive", "precursor", "antimicrobial"};
const char* kHeader = "code,name,form,strength,class,insurance_category,price";

}  // namespace

bool Catalog::isKnownClass(const std::string& drugClass) { return kClasses.count(drugClass) > 0; }

Catalog Catalog::fromCsv(const std::string& csv) {
    Catalog catalog;
    std::istringstream in(csv);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (lineNo == 1) {
            if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
            if (line != kHeader) throw std::runtime_error("catalog: header must be " + std::string(kHeader));
            continue;
        }
        if (line.empty()) continue;
        Poco::StringTokenizer f(line, ",", Poco::StringTokenizer::TOK_TRIM);
        auto fail = [&](const std::string& why) {
            throw std::runtime_error("catalog line " + std::to_string(lineNo) + ": " + why);
        };
        if (f.count() != 7) fail("expected 7 fields");
        Drug d{f[0], f[1], f[2], f[3], f[4], f[5], 0};
        if (d.code.empty() || d.name.empty()) fail("code and name are required");
        if (!isKnownClass(d.drugClass)) fail("unknown class " + d.drugClass);
        if (d.insuranceCategory != "甲" && d.insuranceCategory != "乙" && d.insuranceCategory != "丙")
            fail("insurance category must be 甲, 乙 or 丙");
        Poco::Int64 price = 0;
        if (!Poco::NumberParser::tryParse64(f[6], price) || price <= 0) fail("price must be positive fen");
        d.price = price;
        if (!catalog.drugs_.emplace(d.code, d).second) fail("duplicate code " + d.code);
    }
    if (catalog.drugs_.empty()) throw std::runtime_error("catalog: no drugs");
    return catalog;
}

const Drug* Catalog::find(const std::string& code) const {
    auto it = drugs_.find(code);
    return it == drugs_.end() ? nullptr : &it->second;
}

std::vector<const Drug*> Catalog::list(const std::string& drugClass, const std::string& q, const std::string& after,
                                       std::size_t limit) const {
    std::vector<const Drug*> out;
    for (auto it = drugs_.upper_bound(after); it != drugs_.end() && out.size() < limit; ++it) {
        const Drug& d = it->second;
        if (!drugClass.empty() && d.drugClass != drugClass) continue;
        if (!q.empty() && d.name.find(q) == std::string::npos && d.code.find(q) == std::string::npos) continue;
        out.push_back(&d);
    }
    return out;
}

}  // namespace rxflow
