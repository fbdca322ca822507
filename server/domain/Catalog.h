#pragma once
// The drug catalog (schemas/catalog/drugs.csv): loaded once at start, read-only afterwards,
// so any thread may read it without locks.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rxflow {

struct Drug {
    std::string code;
    std::string name;
    std::string form;
    std::string strength;
    std::string drugClass;          // otc, rx, narcotic, psychotropic1, ..., antimicrobial
    std::string insuranceCategory;  // 甲, 乙 or 丙
    long long price = 0;            // fen
};

class Catalog {
public:
    // Throws std::runtime_error naming the line when the CSV is malformed.
    static Catalog fromCsv(const std::string& csv);
    static bool isKnownClass(const std::string& drugClass);

    const Drug* find(const std::string& code) const;
    // Up to `limit` drugs with code > `after`, in code order, of the class (if given) and whose
    // name or code contains `q` (if given).
    std::vector<const Drug*> list(const std::string& drugClass, const std::string& q, const std::string& after,
                                  std::size_t limit) const;
    std::size_t size() const { return drugs_.size(); }

private:
    std::map<std::string, Drug> drugs_;  // ordered by code: stable cursors
};

}  // namespace rxflow
