// The bare-HTTP ceiling of scripts/bench.sh: Poco's HTTPServer with rxflow's server settings
// (the same thread pool, queue, keep-alive and backlog as server/app/Server.cpp, from the same
// Settings defaults) and one handler that answers a fixed JSON body. No routing, no database.
//   bench_bare_http PORT_FILE [MAX_THREADS]
#include <Poco/FileStream.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

#include "server/app/Settings.h"

namespace {

class Fixed : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
        Poco::NullOutputStream drain;
        Poco::StreamCopier::copyStream(req.stream(), drain);  // always read the body, as rxflow does
        static const std::string body = "{\"status\":\"ok\"}";
        res.setContentType("application/json");
        res.setContentLength64(static_cast<Poco::Int64>(body.size()));
        res.send() << body;
    }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Fixed;
    }
};

volatile std::sig_atomic_t stopping = 0;

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    rxflow::Settings settings;  // the defaults rxflow serve starts with
    if (argc > 2) settings.maxThreads = std::atoi(argv[2]);
    Poco::ThreadPool threads(2, std::max(2, settings.maxThreads), 60);
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(settings.host, 0), 256);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(settings.maxThreads);
    params->setMaxQueued(settings.maxQueued);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(settings.keepAliveSeconds, 0));
    params->setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPServer server(new Factory, threads, socket, params);
    server.start();
    {
        Poco::FileOutputStream out(argv[1]);
        out << socket.address().port() << "\n";
    }
    std::signal(SIGTERM, [](int) { stopping = 1; });
    std::signal(SIGINT, [](int) { stopping = 1; });
    while (!stopping) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server.stopAll(true);
    threads.joinAll();
    return 0;
}
