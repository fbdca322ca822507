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
#include <openssl/x509.h>
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

namespace rxflow::net {
namespace {

long long nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

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

std::string opensslError() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "connection closed";
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    return text;
}

// The client certificate's SHA-256 fingerprint (of its DER), lower-case hex; "" without one.
std::string peerFingerprint(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return {};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    std::string hex;
    if (X509_digest(cert, EVP_sha256(), md, &len) == 1) {
        static const char digits[] = "0123456789abcdef";
        for (unsigned i = 0; i < len; ++i) {
            hex += digits[md[i] >> 4];
            hex += digits[md[i] & 15];
        }
    }
    X509_free(cert);
    return hex;
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

const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

struct Front::Conn {
    enum class State { Reading, Working, Writing, Draining };
    explicit Conn(const ParserLimits& limits) : parser(limits) {}
    int fd = -1;
    unsigned long long id = 0;
    std::string peer;
    SSL* ssl = nullptr;
    bool handshaken = false;
    State state = State::Reading;
    std::string in, out;
    std::size_t outPos = 0;
    RequestParser parser;
    long long deadline = 0;  // 0: none (a worker has the request)
    bool idle = false;       // between requests on a kept-alive connection
    bool closeAfter = false;
    bool rejected = false;  // over a limit: answered 503 as soon as it can be
    bool counted = false;   // counted in perAddress_ and counters_.open
    std::size_t drained = 0;
    unsigned mask = 0;
    std::string certSha256;
};

Front::Front(FrontOptions options, Handler handler, Poco::Logger& log)
    : options_(std::move(options)), handler_(std::move(handler)), log_(log) {
    if (options_.tls.enabled()) {
        tls_ = loadContext();  // a bad certificate or key refuses the start
        extraHeaders_.emplace_back("Strict-Transport-Security", "max-age=31536000");
    }
}

Front::~Front() {
    if (loopThread_.joinable()) stop(0);
    if (listenFd_ >= 0) ::close(listenFd_);
    if (epollFd_ >= 0) ::close(epollFd_);
    if (wakeFd_ >= 0) ::close(wakeFd_);
}

std::shared_ptr<Poco::Net::Context> Front::loadContext() const {
    using Poco::Net::Context;
    Context::Params p;
    p.certificateFile = options_.tls.certFile;
    p.privateKeyFile = options_.tls.keyFile.empty() ? options_.tls.certFile : options_.tls.keyFile;
    p.caLocation = options_.tls.clientCaFile;
    p.verificationMode = Context::VERIFY_NONE;  // set below, without Poco's callback
    p.loadDefaultCAs = false;
    // Forward secrecy only: ephemeral ECDH key exchange with AEAD ciphers for TLS 1.2; every
    // TLS 1.3 suite is forward-secret.
    p.cipherList = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL";
    auto ctx = std::make_shared<Context>(Context::TLS_SERVER_USE, p);
    ctx->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    ctx->preferServerCiphers();
    SSL_CTX* ssl = ctx->sslContext();
    if (SSL_CTX_check_private_key(ssl) != 1)
        throw std::runtime_error("the TLS key " + p.privateKeyFile + " does not match the certificate " +
                                 p.certificateFile);
    SSL_CTX_set_options(ssl, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (!options_.tls.clientCaFile.empty()) {
        // Ask for a certificate from that CA, but do not require one: a principal bound to a
        // certificate is refused without it (401 certificate_required), others need none.
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.tls.clientCaFile.c_str());
        if (!names) throw std::runtime_error("no CA certificate in " + options_.tls.clientCaFile);
        SSL_CTX_set_client_CA_list(ssl, names);
        SSL_CTX_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
        static const unsigned char sid[] = "rxflow";
        SSL_CTX_set_session_id_context(ssl, sid, sizeof sid - 1);
    }
    return ctx;
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
                tls_ = loadContext();
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

void Front::watch(Conn& c) {
    if (c.fd < 0) return;
    unsigned mask = 0;
    const bool pendingOut = c.outPos < c.out.size();
    if (c.state == Conn::State::Reading || c.state == Conn::State::Draining) mask |= EPOLLIN;
    if (pendingOut) mask |= EPOLLOUT;
    if (mask != c.mask) wantOnly(c, mask);
}

// What TLS asks for, whatever the connection's state would say (a handshake, a key update).
void Front::wantOnly(Conn& c, unsigned mask) {
    epoll_event ev{};
    ev.events = mask;
    ev.data.fd = c.fd;
    ::epoll_ctl(epollFd_, EPOLL_CTL_MOD, c.fd, &ev);
    c.mask = mask;
}

void Front::onEvent(Conn& c, unsigned events) {
    if (events & EPOLLERR) return close(c);
    if (!c.handshaken) {
        if (!handshake(c)) return;
    }
    if (c.outPos < c.out.size()) {
        if (!flush(c)) return;
    }
    if (c.state == Conn::State::Reading || c.state == Conn::State::Draining) {
        readFrom(c);
        return;
    }
    if (events & EPOLLHUP) close(c);  // gone while a worker has its request: the answer is dropped
}

bool Front::handshake(Conn& c) {
    ERR_clear_error();
    const int r = SSL_do_handshake(c.ssl);
    if (r == 1) {
        c.handshaken = true;
        c.certSha256 = peerFingerprint(c.ssl);
        if (c.rejected) {
            refuse(c, 503, "unavailable", "the server has too many connections open; retry later", "");
            return false;
        }
        return true;
    }
    const int e = SSL_get_error(c.ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        wantOnly(c, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
        return false;
    }
    ++counters_.tlsFailures;
    log_.information("TLS handshake from %s failed: %s", c.peer, opensslError());
    close(c);
    return false;
}

void Front::readFrom(Conn& c) {
    char buf[16384];
    for (;;) {
        if (c.fd < 0) return;
        if (c.state != Conn::State::Reading && c.state != Conn::State::Draining) return watch(c);
        ssize_t n;
        if (c.ssl) {
            ERR_clear_error();
            n = SSL_read(c.ssl, buf, sizeof buf);
            if (n <= 0) {
                const int e = SSL_get_error(c.ssl, static_cast<int>(n));
                if (e == SSL_ERROR_WANT_READ) return watch(c);
                if (e == SSL_ERROR_WANT_WRITE) return wantOnly(c, EPOLLIN | EPOLLOUT);
                return close(c);  // closed, or a TLS error: nobody to answer
            }
        } else {
            n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return watch(c);
            if (n <= 0) return close(c);
        }
        if (c.state == Conn::State::Draining) {
            c.drained += static_cast<std::size_t>(n);
            if (c.drained > (1u << 20)) return close(c);
            continue;
        }
        if (c.idle) {  // the first byte of the next request starts its header clock
            c.idle = false;
            c.deadline = nowMs() + options_.headerTimeoutMs;
        }
        c.in.append(buf, static_cast<std::size_t>(n));
        if (!parse(c)) return;
    }
}

bool Front::parse(Conn& c) {
    while (c.state == Conn::State::Reading) {
        if (c.idle && !c.in.empty()) {
            c.idle = false;
            c.deadline = nowMs() + options_.headerTimeoutMs;
        }
        switch (c.parser.advance(c.in)) {
            case RequestParser::Step::NeedMore:
                return true;
            case RequestParser::Step::HeadersDone:
                c.deadline = nowMs() + options_.bodyTimeoutMs;
                if (c.parser.expectsContinue()) {
                    c.out.append(kContinue, sizeof kContinue - 1);
                    if (!flush(c)) return false;
                }
                break;
            case RequestParser::Step::Failed: {
                const Failure& f = c.parser.failure();
                ++counters_.framingErrors;
                refuse(c, f.status, f.code, f.detail + "; the connection is closed", f.part);
                return false;
            }
            case RequestParser::Step::Complete: {
                Incoming r = c.parser.take();
                // A large body grew the buffer; an idle connection should not keep a megabyte.
                if (c.in.capacity() > (64u << 10) && c.in.size() < (16u << 10)) std::string(c.in).swap(c.in);
                r.clientAddress = c.peer;
                r.secure = c.ssl != nullptr;
                r.clientCertSha256 = c.certSha256;
                dispatch(c, std::move(r));
                return c.fd >= 0 && c.state == Conn::State::Working;
            }
        }
    }
    return true;
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

void Front::refuse(Conn& c, int status, const std::string& code, const std::string& detail,
                   const std::string& part) {
    Outgoing o = frontProblem(status, code, detail, part);
    if (status == 503) o.headers.emplace_back("Retry-After", "1");
    if (status != 503) log_.information("refused a request from %s: %d %s: %s", c.peer, status, code, detail);
    c.out.append(serialise(o, false, false, extraHeaders_));
    c.closeAfter = true;
    c.state = Conn::State::Writing;
    c.deadline = nowMs() + options_.writeTimeoutMs;
    flush(c);
}

bool Front::flush(Conn& c) {
    while (c.outPos < c.out.size()) {
        const char* data = c.out.data() + c.outPos;
        const std::size_t left = c.out.size() - c.outPos;
        ssize_t n;
        if (c.ssl) {
            ERR_clear_error();
            n = SSL_write(c.ssl, data, static_cast<int>(std::min<std::size_t>(left, 1 << 20)));
            if (n <= 0) {
                const int e = SSL_get_error(c.ssl, static_cast<int>(n));
                if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
                    wantOnly(c, e == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
                    return true;
                }
                close(c);
                return false;
            }
        } else {
            n = ::send(c.fd, data, left, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                watch(c);
                return true;
            }
            if (n < 0) {
                close(c);
                return false;
            }
        }
        c.outPos += static_cast<std::size_t>(n);
    }
    c.out.clear();
    c.outPos = 0;
    finished(c);
    return c.fd >= 0;
}

// All that was to be written is written.
void Front::finished(Conn& c) {
    if (c.closeAfter) {
        // A lingering close: stop sending, then read and drop what the client still sends for
        // a moment, so the answer is not lost to a reset from unread bytes.
        if (c.ssl) SSL_shutdown(c.ssl);
        ::shutdown(c.fd, SHUT_WR);
        c.state = Conn::State::Draining;
        c.deadline = nowMs() + 2000;
        c.in.clear();
        watch(c);
        return;
    }
    if (c.state != Conn::State::Writing) return watch(c);  // a 100 Continue went out
    c.state = Conn::State::Reading;
    c.idle = true;
    c.deadline = nowMs() + (stopping_ ? 0 : options_.keepAliveMs);
    watch(c);
    // Pipelined bytes, here or inside the TLS session, are the next request.
    if (!c.in.empty() && !parse(c)) return;
    if (c.fd >= 0 && c.state == Conn::State::Reading) readFrom(c);
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
