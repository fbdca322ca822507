#pragma once
// The request pipeline every call goes through, in this order: route, authenticate, 404/405,
// body limits and media type, Idempotency-Key replay, the handler. Every exception ends here
// as problem+json. The front (server/net/Front.h) has already read the request whole and
// refused what is malformed; this runs on a worker thread.
#include <Poco/Logger.h>

#include "server/http/Router.h"
#include "server/http/Services.h"
#include "server/net/Wire.h"

namespace rxflow::http {

inline constexpr std::size_t kMaxBodyBytes = 1 << 20;  // 1 MiB (API.md §1)

class ApiHandler {
  public:
    ApiHandler(const Router& router, Services& services, Poco::Logger& log)
        : router_(router), services_(services), log_(log) {}
    net::Outgoing handle(net::Incoming& req) const;

  private:
    struct State {
        std::string route = "unmatched";
        std::string principal = "-";
    };
    Response dispatch(net::Incoming& req, State& state) const;

    const Router& router_;
    Services& services_;
    Poco::Logger& log_;
};

}  // namespace rxflow::http
