// The front's connection I/O: readiness events, TLS handshakes, reading and parsing requests,
// writing answers and the front's own refusals, the lingering close.
#include <Poco/String.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>

#include "server/net/Connection.h"
#include "server/net/Tls.h"

namespace rxflow::net {
namespace {

const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

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

}  // namespace rxflow::net
