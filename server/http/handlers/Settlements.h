#pragma once
// The day and region a settlement call is about (API.md §8), shared by settlements.cpp and
// reconciliation.cpp.
#include <string>

#include "server/http/RequestContext.h"

namespace rxflow::http {

struct SettlementDay {
    std::string date;    // YYYY-MM-DD
    std::string region;  // 6 digits
    long long fromMs = 0, toMs = 0;  // the day in Asia/Shanghai, [from, to)
};

// From `date` (required) and `region` (an insurer's own by default; admin must name one):
// 400 when missing or malformed, 403 when an insurer names another region.
SettlementDay settlementDay(const RequestContext& ctx, const Principal& caller);

}  // namespace rxflow::http
