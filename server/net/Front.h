#pragma once
// The server's front: one event-loop thread (epoll) owns every connection, does the TLS
// handshakes and reads each request whole (RequestParser) before a worker sees it; the
// workers only run the handler and hand the answer back for the loop to write. So a slow or
// idle client holds a few kilobytes and a file descriptor, never a thread (API.md §13):
// - the request line and headers must arrive within headerTimeout of the request's first byte
//   (of the connection's accept for the first request), the body within bodyTimeout;
// - an idle keep-alive connection waits keepAlive in the loop, then closes;
// - connectionsPerAddress open connections per client address and maxConnections in all;
//   beyond either, and when more than maxQueued requests wait for a worker, the answer is 503
//   at once;
// - every refusal it makes itself is problem+json, and the connection is then closed.
// Poco's HTTPServer gives each connection a thread for its whole life, which is what let 64
// slow clients stall everyone (issue 16): it is not used.
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/net/Counters.h"
#include "server/net/RequestParser.h"
#include "server/net/Tls.h"
#include "server/net/Wire.h"

namespace rxflow::net {

struct FrontOptions {
    std::string bind = "127.0.0.1";
    int port = 0;
    int workers = 16;
    int maxQueued = 256;
    int headerTimeoutMs = 10000;
    int bodyTimeoutMs = 30000;
    int keepAliveMs = 15000;
    int writeTimeoutMs = 30000;
    int maxConnections = 10000;
    int connectionsPerAddress = 256;
    ParserLimits parser;
    TlsFiles tls;
};

class Front {
  public:
    using Handler = std::function<Outgoing(Incoming&)>;
    Front(FrontOptions options, Handler handler, Poco::Logger& log);
    ~Front();

    // Binds (an error if the port is in use: no SO_REUSEPORT) and starts the loop and workers.
    void start();
    int port() const { return port_; }
    // Stops accepting; lets requests being read or run finish, up to drainMs; closes the rest.
    void stop(int drainMs);
    // Re-reads the TLS certificate, key and client CA (safe from a signal handler: it only
    // sets a flag and wakes the loop). Connections already open keep their session.
    void reloadTls();
    const FrontCounters& counters() const { return counters_; }

  private:
    struct Conn;
    struct Job {
        int fd;
        unsigned long long id;
        Incoming request;
    };
    struct Done {
        int fd;
        unsigned long long id;
        std::string bytes;
        bool close;
    };

    void loop();
    void work();
    void acceptAll();
    void onEvent(Conn& c, unsigned events);
    void readFrom(Conn& c);
    bool parse(Conn& c);  // false: stop reading (closed, or refused)
    void dispatch(Conn& c, Incoming request);
    void answer(Conn& c, const Outgoing& out, bool head, bool keepAlive);
    void refuse(Conn& c, int status, const std::string& code, const std::string& detail,
                const std::string& part);
    bool flush(Conn& c);  // false: the connection is closed
    void finished(Conn& c);
    void close(Conn& c);
    void watch(Conn& c);
    void wantOnly(Conn& c, unsigned mask);
    void sweep();
    void takeCompletions();
    bool handshake(Conn& c);
    void wake();

    FrontOptions options_;
    Handler handler_;
    Poco::Logger& log_;
    FrontCounters counters_;
    Headers extraHeaders_;  // HSTS over TLS
    std::shared_ptr<Poco::Net::Context> tls_;
    std::atomic<bool> reloadWanted_{false};
    int listenFd_ = -1, epollFd_ = -1, wakeFd_ = -1;
    int port_ = 0;
    std::thread loopThread_;
    std::vector<std::thread> workers_;
    std::unordered_map<int, std::unique_ptr<Conn>> conns_;  // the loop's alone
    // Closed in this turn of the loop: kept until its end, so a Conn& held up the call chain
    // stays valid (its fd is -1) however deep the close happened.
    std::vector<std::unique_ptr<Conn>> graveyard_;
    std::unordered_map<std::string, int> perAddress_;
    unsigned long long nextId_ = 1;
    int hardLimit_ = 0;

    std::mutex jobsMutex_;
    std::condition_variable jobsReady_;
    std::deque<Job> jobs_;
    std::atomic<int> queued_{0};
    std::mutex doneMutex_;
    std::vector<Done> done_;

    std::atomic<bool> stopping_{false};
    std::atomic<bool> quit_{false};
    std::atomic<long long> drainUntilMs_{0};
};

}  // namespace rxflow::net
