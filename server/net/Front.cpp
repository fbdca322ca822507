#include "server/net/Front.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "server/net/Connection.h"
#include "server/net/Tls.h"

namespace rxflow::net {
namespace {

std::string addressOf(const sockaddr_storage& a) {
    char text[INET6_ADDRSTRLEN] = {0};
    if (a.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, text, sizeof text);
    } else if (a.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(a);
        if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr))
            inet_ntop(AF_INET, reinterpret_cast<const unsigned char*>(&in6.sin6_addr) + 12, text,
                      sizeof text);
        else
            inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
    }
    return text;
}

// HTTP/1.1 keeps the connection unless the client says close; HTTP/1.0 only if it asks.
bool wantsKeepAlive(const Incoming& r) {
    bool close = false, keep = false;
    for (const auto& [name, value] : r.headers) {
        if (Poco::icompare(name, "Connection") != 0) continue;
        for (const std::string& token : Poco::StringTokenizer(value, ",", Poco::StringTokenizer::TOK_TRIM)) {
            if (Poco::icompare(token, "close") == 0) close = true;
            if (Poco::icompare(token, "keep-alive") == 0) keep = true;
        }
    }
    return !close && (r.minorVersion >= 1 || keep);
}

}  // namespace

Front::Front(FrontOptions options, Handler handler, Poco::Logger& log)
    : options_(std::move(options)), handler_(std::move(handler)), log_(log) {
    if (options_.tls.enabled()) {
        tls_ = serverContext(options_.tls);  // a bad certificate or key refuses the start
        extraHeaders_.emplace_back("Strict-Transport-Security", "max-age=31536000");
    }
}

Front::~Front() {
    if (loopThread_.joinable()) stop(0);
    if (listenFd_ >= 0) ::close(listenFd_);
    if (epollFd_ >= 0) ::close(epollFd_);
    if (wakeFd_ >= 0) ::close(wakeFd_);
}
void Front::start() {
    const Poco::Net::SocketAddress address(options_.bind, static_cast<Poco::UInt16>(options_.port));
    Poco::Net::ServerSocket socket;
    try {
        // SO_REUSEADDR (a restart need not wait out TIME_WAIT) but never SO_REUSEPORT: a second
        // server on a port in use fails here rather than sharing its traffic (API.md §10).
        socket.bind(address, true, false);
        socket.listen(1024);
    } catch (const Poco::Net::NetException& e) {
        throw std::runtime_error("cannot listen on " + address.toString() + ": " + e.displayText() +
                                 " (is the port in use by another server?)");
    }
    port_ = socket.address().port();
    listenFd_ = ::fcntl(socket.impl()->sockfd(), F_DUPFD_CLOEXEC, 0);
    socket.close();
    if (listenFd_ < 0)
        throw std::runtime_error(std::string("dup of the listening socket: ") + std::strerror(errno));
    ::fcntl(listenFd_, F_SETFL, ::fcntl(listenFd_, F_GETFL) | O_NONBLOCK);

    ::signal(SIGPIPE, SIG_IGN);  // a peer gone mid-write is an error return, not a signal
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    // Descriptors kept back for the database, logs and the outbox's outgoing connections.
    hardLimit_ = static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20)) - 128;
    if (options_.maxConnections > hardLimit_ - 64) {
        log_.warning("connection limit %d lowered to %d by the open-files limit", options_.maxConnections,
                     hardLimit_ - 64);
        options_.maxConnections = std::max(16, hardLimit_ - 64);
    }

    epollFd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epollFd_ < 0 || wakeFd_ < 0) throw std::runtime_error(std::string("epoll: ") + std::strerror(errno));
    for (int fd : {listenFd_, wakeFd_}) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        ::epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev);
    }
    for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { work(); });
    loopThread_ = std::thread([this] { loop(); });
}

void Front::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wakeFd_, &one, sizeof one);
}

void Front::reloadTls() {
    reloadWanted_ = true;
    wake();
}

void Front::stop(int drainMs) {
    if (!loopThread_.joinable()) return;
    drainUntilMs_ = nowMs() + drainMs;
    stopping_ = true;
    wake();
    loopThread_.join();
    {
        std::lock_guard<std::mutex> lock(jobsMutex_);
        quit_ = true;
    }
    jobsReady_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
}

void Front::loop() {
    epoll_event events[256];
    long long lastSweep = 0;
    bool listening = true;
    for (;;) {
        const int n = ::epoll_wait(epollFd_, events, 256, 100);
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == listenFd_) {
                acceptAll();
            } else if (fd == wakeFd_) {
                std::uint64_t count;
                [[maybe_unused]] const ssize_t r = ::read(wakeFd_, &count, sizeof count);
            } else if (auto it = conns_.find(fd); it != conns_.end()) {
                onEvent(*it->second, events[i].events);
            }
        }
        takeCompletions();
        if (reloadWanted_.exchange(false) && options_.tls.enabled()) {
            try {
                tls_ = serverContext(options_.tls);
                log_.information("TLS certificate reloaded from %s", options_.tls.certFile);
            } catch (const std::exception& e) {
                log_.error("TLS reload failed, the previous certificate stays in use: %s",
                           std::string(e.what()));
            }
        }
        const long long now = nowMs();
        if (stopping_) {
            if (listening) {
                ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, listenFd_, nullptr);
                ::close(listenFd_);
                listenFd_ = -1;
                listening = false;
                log_.information("stopping: no new connections; %z open", conns_.size());
            }
            if (conns_.empty()) break;
            if (now >= drainUntilMs_) {
                log_.warning("drain timeout: closing %z connection(s)", conns_.size());
                while (!conns_.empty()) close(*conns_.begin()->second);
                graveyard_.clear();
                break;
            }
        }
        if (now - lastSweep >= 100 || stopping_) {
            sweep();
            lastSweep = now;
        }
        graveyard_.clear();
    }
}

void Front::acceptAll() {
    for (;;) {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        const int fd =
            ::accept4(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE) log_.warning("accept: out of file descriptors");
            return;
        }
        if (static_cast<int>(conns_.size()) >= hardLimit_) {
            ++counters_.refusedFull;
            ::close(fd);
            continue;
        }
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto conn = std::make_unique<Conn>(options_.parser);
        Conn& c = *conn;
        c.fd = fd;
        c.id = nextId_++;
        c.peer = addressOf(addr);
        c.deadline = nowMs() + options_.headerTimeoutMs;
        ++counters_.accepted;
        int& fromPeer = perAddress_[c.peer];
        if (counters_.open >= options_.maxConnections) {
            c.rejected = true;
            ++counters_.refusedFull;
        } else if (fromPeer >= options_.connectionsPerAddress) {
            c.rejected = true;
            ++counters_.refusedPerAddress;
        } else {
            ++fromPeer;
            ++counters_.open;
            c.counted = true;
        }
        if (fromPeer == 0) perAddress_.erase(c.peer);
        if (tls_) {
            c.ssl = SSL_new(tls_->sslContext());
            SSL_set_fd(c.ssl, fd);
            SSL_set_accept_state(c.ssl);
        } else {
            c.handshaken = true;
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        ::epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev);
        c.mask = EPOLLIN;
        conns_[fd] = std::move(conn);
        if (c.rejected) {
            c.deadline = nowMs() + 2000;  // a TLS handshake first, briefly
            if (c.handshaken)
                refuse(c, 503, "unavailable", "the server has too many connections open; retry later", "");
        }
    }
}

void Front::dispatch(Conn& c, Incoming request) {
    if (queued_ >= options_.maxQueued) {
        ++counters_.refusedQueue;
        refuse(c, 503, "unavailable", "the server is busy; retry in a moment", "");
        return;
    }
    c.state = Conn::State::Working;
    c.deadline = 0;
    watch(c);
    ++queued_;
    {
        std::lock_guard<std::mutex> lock(jobsMutex_);
        jobs_.push_back(Job{c.fd, c.id, std::move(request)});
    }
    jobsReady_.notify_one();
}

void Front::work() {
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(jobsMutex_);
            jobsReady_.wait(lock, [this] { return quit_ || !jobs_.empty(); });
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        --queued_;
        Outgoing out;
        try {
            out = handler_(job.request);
        } catch (const std::exception& e) {
            log_.error("unexpected error from the handler: %s", std::string(e.what()));
            out = frontProblem(500, "internal_error", "unexpected error");
        }
        const bool keepAlive =
            !out.close && !job.request.bodyTooLarge && wantsKeepAlive(job.request) && !stopping_;
        Done done{job.fd, job.id, serialise(out, job.request.method == "HEAD", keepAlive, extraHeaders_),
                  !keepAlive};
        {
            std::lock_guard<std::mutex> lock(doneMutex_);
            done_.push_back(std::move(done));
        }
        wake();
    }
}

void Front::takeCompletions() {
    std::vector<Done> batch;
    {
        std::lock_guard<std::mutex> lock(doneMutex_);
        batch.swap(done_);
    }
    for (Done& d : batch) {
        auto it = conns_.find(d.fd);
        if (it == conns_.end() || it->second->id != d.id) continue;  // the client went away
        Conn& c = *it->second;
        c.out.append(d.bytes);
        c.closeAfter = d.close;
        c.state = Conn::State::Writing;
        c.deadline = nowMs() + options_.writeTimeoutMs;
        flush(c);
    }
}

void Front::close(Conn& c) {
    const int fd = c.fd;
    if (c.counted) {
        --counters_.open;
        auto it = perAddress_.find(c.peer);
        if (it != perAddress_.end() && --it->second <= 0) perAddress_.erase(it);
    }
    ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
    if (c.ssl) SSL_free(c.ssl);
    ::close(fd);
    c.fd = -1;
    auto it = conns_.find(fd);
    graveyard_.push_back(std::move(it->second));
    conns_.erase(it);
}

void Front::sweep() {
    const long long now = nowMs();
    std::vector<int> due;
    for (const auto& [fd, c] : conns_) {
        const bool quiet =
            c->state == Conn::State::Reading && (c->idle || (c->in.empty() && !c->parser.started()));
        if ((c->deadline > 0 && now >= c->deadline) || (stopping_ && quiet)) due.push_back(fd);
    }
    for (int fd : due) {
        auto it = conns_.find(fd);
        if (it == conns_.end()) continue;
        Conn& c = *it->second;
        if (c.state != Conn::State::Reading || !c.handshaken || c.idle ||
            (c.in.empty() && !c.parser.started()) || stopping_) {
            close(c);
        } else if (c.parser.inBody()) {
            ++counters_.bodyTimeouts;
            refuse(c, 408, "request_timeout",
                   "the request body did not arrive within " + std::to_string(options_.bodyTimeoutMs / 1000) +
                       " s",
                   "");
        } else {
            ++counters_.headerTimeouts;
            refuse(c, 408, "request_timeout",
                   "the request line and headers did not arrive within " +
                       std::to_string(options_.headerTimeoutMs / 1000) + " s",
                   "");
        }
    }
}

}  // namespace rxflow::net
