#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "server/app/Embedded.h"
#include "server/domain/Catalog.h"

using rxflow::Catalog;

namespace {

const std::string kHeader = "code,name,form,strength,class,insurance_category,price\n";

Catalog embedded() {
    auto csv = rxflow::embeddedFile("catalog/drugs.csv");
    REQUIRE(csv.has_value());
    return Catalog::fromCsv(*csv);
}

// The message of the std::runtime_error that parsing `csv` throws ("" when it parses).
std::string parseError(const std::string& csv) {
    try {
        Catalog::fromCsv(csv);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

std::set<std::string> codes(const std::vector<const rxflow::Drug*>& drugs) {
    std::set<std::string> out;
    for (const auto* d : drugs) out.insert(d->code);
    return out;
}

}  // namespace

TEST_CASE("the compiled-in catalog parses with 200+ rx/otc drugs, every controlled class, and finds by code") {
    const Catalog catalog = embedded();
    std::size_t ordinary = 0;
    std::set<std::string> classes;
    for (const auto* d : catalog.list("", "", "", catalog.size() + 1)) {
        if (d->drugClass == "rx" || d->drugClass == "otc") ++ordinary;
        classes.insert(d->drugClass);
    }
    CHECK(ordinary >= 200);
    for (const char* c : {"narcotic", "psychotropic1", "psychotropic2", "toxic", "radioactive", "precursor",
                          "antimicrobial"})
        CHECK_MESSAGE(classes.count(c) == 1, "no drug of class ", c);

    const rxflow::Drug* d = catalog.find("XC08CAA001");
    REQUIRE(d != nullptr);
    CHECK(d->name == "苯磺酸氨氯地平片");
    CHECK(d->drugClass == "rx");
    CHECK(d->price > 0);
    CHECK(catalog.find("XC08CAA00") == nullptr);
    CHECK(catalog.find("NOPE") == nullptr);
}

TEST_CASE("catalog refuses malformed CSV naming the offending line") {
    const std::string good = "A001,甲药,片剂,5mg,rx,甲,100\n";
    CHECK(parseError(kHeader + good).empty());

    SUBCASE("wrong header") {
        const std::string msg = parseError("code,name,form,strength,class,price\n" + good);
        CHECK(msg.find("header") != std::string::npos);
    }
    SUBCASE("six fields") {
        const std::string msg = parseError(kHeader + good + "A002,乙药,片剂,5mg,rx,100\n");
        CHECK(msg.find("line 3") != std::string::npos);
        CHECK(msg.find("7 fields") != std::string::npos);
    }
    SUBCASE("unknown class") {
        const std::string msg = parseError(kHeader + good + "A002,乙药,片剂,5mg,vitamin,甲,100\n");
        CHECK(msg.find("line 3") != std::string::npos);
        CHECK(msg.find("vitamin") != std::string::npos);
    }
    SUBCASE("bad insurance category") {
        CHECK(parseError(kHeader + "A002,乙药,片剂,5mg,rx,丁,100\n").find("line 2") != std::string::npos);
    }
    SUBCASE("zero, negative or non-numeric price") {
        CHECK(parseError(kHeader + good + "A002,乙药,片剂,5mg,rx,甲,0\n").find("line 3") != std::string::npos);
        CHECK(parseError(kHeader + "A002,乙药,片剂,5mg,rx,甲,-5\n").find("line 2") != std::string::npos);
        CHECK(parseError(kHeader + "A002,乙药,片剂,5mg,rx,甲,1.5\n").find("line 2") != std::string::npos);
    }
    SUBCASE("duplicate code") {
        const std::string msg = parseError(kHeader + good + "\n" + "A001,另一药,片剂,5mg,otc,乙,200\n");
        CHECK(msg.find("line 4") != std::string::npos);
        CHECK(msg.find("duplicate") != std::string::npos);
        CHECK(msg.find("A001") != std::string::npos);
    }
    SUBCASE("no drugs at all") {
        CHECK_FALSE(parseError(kHeader).empty());
    }
}

TEST_CASE("catalog accepts a UTF-8 byte order mark and CRLF line ends") {
    const Catalog c = Catalog::fromCsv(
        "\xEF\xBB\xBF"
        "code,name,form,strength,class,insurance_category,price\r\n"
        "A001,甲药,片剂,5mg,rx,甲,100\r\n"
        "A002,乙药,胶囊,10mg,toxic,丙,250\r\n");
    REQUIRE(c.size() == 2);
    const rxflow::Drug* d = c.find("A002");
    REQUIRE(d != nullptr);
    CHECK(d->insuranceCategory == "丙");
    CHECK(d->price == 250);  // no stray \r left on the last field
    CHECK(d->strength == "10mg");
}

TEST_CASE("catalog list filters by class and by substring of name or code, pages by code and limit") {
    const Catalog c = Catalog::fromCsv(kHeader +
                                       "B001,阿莫西林胶囊,胶囊,0.25g,antimicrobial,甲,300\n"
                                       "A001,硝苯地平片,片剂,10mg,rx,甲,100\n"
                                       "A002,吗啡片,片剂,5mg,narcotic,甲,500\n"
                                       "A003,硝酸甘油片,片剂,0.5mg,rx,甲,200\n"
                                       "C001,维生素C片,片剂,0.1g,otc,丙,50\n");
    // Everything, in code order.
    auto all = c.list("", "", "", 100);
    REQUIRE(all.size() == 5);
    CHECK(all.front()->code == "A001");
    CHECK(all.back()->code == "C001");

    CHECK(codes(c.list("rx", "", "", 100)) == std::set<std::string>{"A001", "A003"});
    CHECK(codes(c.list("", "硝", "", 100)) == std::set<std::string>{"A001", "A003"});
    CHECK(codes(c.list("", "B00", "", 100)) == std::set<std::string>{"B001"});
    CHECK(codes(c.list("narcotic", "硝", "", 100)).empty());

    // Paging: limit, then continue after the last code seen.
    auto page1 = c.list("", "", "", 2);
    REQUIRE(page1.size() == 2);
    CHECK(page1[0]->code == "A001");
    CHECK(page1[1]->code == "A002");
    auto page2 = c.list("", "", page1.back()->code, 2);
    REQUIRE(page2.size() == 2);
    CHECK(page2[0]->code == "A003");
    CHECK(page2[1]->code == "B001");
    auto page3 = c.list("", "", page2.back()->code, 2);
    REQUIRE(page3.size() == 1);
    CHECK(page3[0]->code == "C001");
    CHECK(c.list("", "", "C001", 2).empty());

    // A filtered page still fills up to the limit from later codes.
    auto rx = c.list("rx", "", "A001", 1);
    REQUIRE(rx.size() == 1);
    CHECK(rx[0]->code == "A003");
}
