#pragma once
// The request pipeline every call goes through, in this order: route, authenticate, 404/405,
// body limits and media type, read the body, Idempotency-Key replay, the handler. Every
// exception ends here as problem+json; the body is always consumed or the connection closed.
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "server/http/Router.h"
#include "server/http/Services.h"

namespace rxflow::http {

inline constexpr std::streamsize kMaxBodyBytes = 1 << 20;  // 1 MiB (API.md §1)

class ApiHandler : public Poco::Net::HTTPRequestHandler {
public:
    ApiHandler(const Router& router, Services& services, Poco::Logger& log)
        : router_(router), services_(services), log_(log) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

private:
    struct State {
        std::string route = "unmatched";
        std::string principal = "-";
        bool bodyRead = false;
        bool closeConnection = false;  // the framing is in doubt: nothing more is read from it
    };
    Response dispatch(Poco::Net::HTTPServerRequest& req, State& state);

    const Router& router_;
    Services& services_;
    Poco::Logger& log_;
};

class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    ApiHandlerFactory(const Router& router, Services& services, Poco::Logger& log)
        : router_(router), services_(services), log_(log) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& req) override;

private:
    const Router& router_;
    Services& services_;
    Poco::Logger& log_;
};

}  // namespace rxflow::http
