#include "server/store/Tx.h"

#include "server/store/RetryPolicy.h"

namespace rxflow::store {

bool isUniqueViolation(const soci::soci_error& e) {
    return mysqlErrorNumber(e) == 1062 || sqliteResult(e) == 19 /* SQLITE_CONSTRAINT */;
}

long long integerAt(const soci::row& r, std::size_t i) {
    switch (r.get_properties(i).get_data_type()) {
        case soci::dt_integer: return r.get<int>(i);
        case soci::dt_unsigned_long_long: return static_cast<long long>(r.get<unsigned long long>(i));
        case soci::dt_double: return static_cast<long long>(r.get<double>(i));
        case soci::dt_string: return std::stoll(r.get<std::string>(i));  // SQLite: an aggregate has no declared type
        default: return r.get<long long>(i);
    }
}

}  // namespace rxflow::store
