"""Adversarial tests of the transport (API.md §13, issue 16) against a real server:
slow and idle clients, connection floods, request smuggling and framing, time-outs.

    python3 tests/adversarial/transport_test.py RXFLOW_BINARY TEST_NAME [--figures]

Each test fails (exit 1) if the finding it reproduces comes back. Timing is never asserted:
a request that hangs fails on a generous socket time-out; --figures prints latencies.
"""
import json
import socket
import sys
import threading
import time

from rxserver import Server, percentile, raw_socket, read_response, read_until_closed, run_tests

BIN = None
FIGURES = False


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def normal_client(server, n=1000, timeout=5, source="127.0.0.1"):
    """n GET /healthz on one keep-alive connection, each within the time-out; returns latencies (ms)."""
    conn = server.connection(timeout=timeout, source=source)
    latencies = []
    for i in range(n):
        t0 = time.perf_counter()
        status, _, body = server.call("GET", "/healthz", conn=conn)
        latencies.append((time.perf_counter() - t0) * 1000)
        check(status == 200, "request %d of the normal client: %d %r" % (i, status, body))
    conn.close()
    # And a write, which needs a worker and the database, while the crowd is there.
    writer = server.connection(timeout=timeout, source=source)
    status, _, body = server.call("POST", "/v1/admin/couriers", {"id": "K-" + str(time.time_ns()), "name": "x"},
                                  token=server.admin, conn=writer)
    writer.close()
    check(status == 201, "a write during the attack: %d %r" % (status, body))
    return latencies


def report(name, latencies):
    line = "%s: %d requests, p50 %.2f ms, p99 %.2f ms, max %.2f ms" % (
        name, len(latencies), percentile(latencies, 50), percentile(latencies, 99), max(latencies))
    print(line)
    return line


def crowd(port, addresses, opening):
    """One connection from each address (repeats allowed), each having sent `opening`."""
    socks = []
    for src in addresses:
        c = raw_socket(port, source=src)
        c.sendall(opening)
        socks.append(c)
    return socks


def dripping(socks, piece):
    """A thread that sends piece(k) on every socket once a second (k = 0, 1, ...) until stopped."""
    stop = threading.Event()

    def drip():
        k = 0
        while not stop.wait(1.0):
            for c in socks:
                try:
                    c.sendall(piece(k))
                except OSError:
                    pass
            k += 1

    t = threading.Thread(target=drip, daemon=True)
    t.start()
    return stop, t


def sources(n):
    return ["127.0.0.%d" % (2 + i) for i in range(n)]


def test_slow_headers():
    """500 connections from 50 addresses send their headers one line a second; nobody else waits."""
    with Server(BIN) as s:
        socks = crowd(s.port, sources(50) * 10, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        stop, t = dripping(socks, lambda k: b"X-Slow-%d: y\r\n" % k)
        time.sleep(1.5)
        try:
            report("slow headers (500 from 50 addresses)", normal_client(s))
        finally:
            stop.set()
            t.join()
        for c in socks:
            c.close()


def test_idle_keepalive():
    """500 kept-alive connections sit idle after one request each; nobody else waits."""
    with Server(BIN) as s:
        socks = crowd(s.port, sources(50) * 10, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        for c in socks:
            status, _, _, _ = read_response(c)
            check(status == 200, "an idle client's first request: %d" % status)
        report("idle keep-alive (500)", normal_client(s))
        for c in socks:
            c.close()


def test_slow_bodies():
    """120 connections send a body a byte a second; nobody else waits."""
    with Server(BIN) as s:
        socks = crowd(s.port, sources(12) * 10,
                      b"POST /v1/admin/couriers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.admin.encode() +
                      b"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        stop, t = dripping(socks, lambda k: b" ")
        try:
            report("slow bodies (120)", normal_client(s))
        finally:
            stop.set()
            t.join()
        for c in socks:
            c.close()


def expect_problem(sock, status, code, what):
    got, headers, body, line = read_response(sock)
    check(got == status, "%s: expected %d, got %s %r" % (what, status, line, body[:300]))
    check(headers.get("content-type") == "application/problem+json", "%s: not problem+json: %r" % (what, headers))
    problem = json.loads(body)
    check(problem.get("code") == code and problem.get("status") == status, "%s: %r" % (what, problem))
    return problem, headers


def test_connection_caps():
    """Over the per-address or the server's connection limit, a new connection gets 503 at once."""
    env = {"RXFLOW_LIMITS_CONNECTIONS_PER_ADDRESS": "20", "RXFLOW_LIMITS_CONNECTIONS": "40"}
    with Server(BIN, env=env) as s:
        held = [raw_socket(s.port, source="127.0.0.2") for _ in range(20)]
        time.sleep(0.3)
        extra = raw_socket(s.port, source="127.0.0.2", timeout=5)
        _, headers = expect_problem(extra, 503, "unavailable", "the 21st connection from 127.0.0.2")
        check("retry-after" in headers, "503 without Retry-After")
        extra.close()
        # Another address still gets in, up to the server's limit of 40 in all.
        more = [raw_socket(s.port, source="127.0.0.3") for _ in range(20)]
        time.sleep(0.3)
        full = raw_socket(s.port, source="127.0.0.4", timeout=5)
        expect_problem(full, 503, "unavailable", "a connection beyond the server's 40")
        full.close()
        for c in held + more:
            c.close()
        time.sleep(0.5)
        # Closed connections are counted out again.
        c = raw_socket(s.port, source="127.0.0.2")
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        check(read_response(c)[0] == 200, "after the others closed, 127.0.0.2 is served again")
        c.close()
        status, _, text = s.call("GET", "/metrics")
        check(b'rxflow_connections_refused_total{reason="per_address"}' in text, "metrics: per-address refusals")


def test_header_deadline_is_for_the_whole_head():
    """A header line every 0.4 s never lets a read time out; the 2 s deadline is for the whole head."""
    with Server(BIN, env={"RXFLOW_LIMITS_HEADER_TIMEOUT": "2"}) as s:
        c = raw_socket(s.port, timeout=10)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        answered = None
        for k in range(25):  # 10 s of dripping if nothing stops it
            time.sleep(0.4)
            try:
                c.sendall(b"X-Drip-%d: y\r\n" % k)
            except OSError:
                break
            c.setblocking(False)
            try:
                if c.recv(1, socket.MSG_PEEK):
                    answered = k
                    break
            except BlockingIOError:
                pass
            finally:
                c.setblocking(True)
                c.settimeout(10)
        check(answered is not None, "no answer after 10 s of dripping headers: the deadline is per read")
        expect_problem(c, 408, "request_timeout", "a head that took too long")
        check(read_until_closed(c) == b"", "the connection closes after the 408")


SMUGGLED_ID = "SMUGGLED"


def smuggling_forms(admin):
    clinic = json.dumps({"id": SMUGGLED_ID, "name": "x", "region": "330200"})
    smuggled = ("POST /v1/admin/clinics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (admin, len(clinic), clinic))
    head = ("POST /v1/admin/clinics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/json\r\n" % admin)
    n = len(smuggled)
    forms = [
        ("Content-Length and Transfer-Encoding", 400,
         head + "Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" % (5 + n)),
        ("two Content-Lengths", 400, head + "Content-Length: 2\r\nContent-Length: %d\r\n\r\n{}" % (2 + n)),
        ("Transfer-Encoding with a space before the colon", 400, head + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
        ("Content-Length -1", 400, head + "Content-Length: -1\r\n\r\n"),
        ("Content-Length +2", 400, head + "Content-Length: +2\r\n\r\n{}"),
        ("Content-Length abc", 400, head + "Content-Length: abc\r\n\r\n"),
        ("Content-Length 0x2", 400, head + "Content-Length: 0x2\r\n\r\n{}"),
        ("Content-Length 1e20", 400, head + "Content-Length: 1e20\r\n\r\n"),
        ("Content-Length 2^64", 400, head + "Content-Length: 18446744073709551616\r\n\r\n"),
        ("Content-Length 5, 5", 400, head + "Content-Length: 2, 2\r\n\r\n{}"),
        ("chunk size FFFFFFFFFFFFFFFF", 400, head + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n"),
        ("chunk size -1", 400, head + "Transfer-Encoding: chunked\r\n\r\n-1\r\n"),
        ("chunk size 0x2", 400, head + "Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n"),
        ("chunk data without CRLF", 400, head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n"),
        ("Transfer-Encoding gzip", 400, head + "Transfer-Encoding: gzip\r\n\r\n"),
        ("Transfer-Encoding chunked twice", 400, head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("a bare LF line end", 400, head + "Content-Length: 2\n\r\n{}"),
        ("a folded header line", 400, head + "X-A: b\r\n c\r\nContent-Length: 2\r\n\r\n{}"),
        ("a header line without a colon", 400, head + "Content-Length 2\r\n\r\n{}"),
        ("a request line with two spaces", 400, "POST  /v1/admin/clinics HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"),
        ("a 17 KiB header", 431, head + "X-Big: " + "a" * (17 * 1024) + "\r\nContent-Length: 2\r\n\r\n{}"),
        ("101 headers", 431, head + "".join("X-H%d: v\r\n" % i for i in range(101)) + "Content-Length: 2\r\n\r\n{}"),
        ("a 100 KiB request line", 431, "GET /" + "a" * (100 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
    ]
    return [(name, status, form.encode() + smuggled.encode()) for name, status, form in forms]


def test_smuggling_and_framing():
    """Each ambiguous or malformed frame: 400/431 problem+json, connection closed, nothing smuggled runs."""
    failures = []
    with Server(BIN) as s:
        for name, status, data in smuggling_forms(s.admin):
            c = raw_socket(s.port, timeout=5)
            try:
                c.sendall(data)
            except OSError:
                pass
            try:
                got, headers, body, line = read_response(c)
                rest = read_until_closed(c)
            except Exception as e:  # noqa: BLE001
                failures.append("%s: no answer (%s)" % (name, e))
                c.close()
                continue
            c.close()
            problem = json.loads(body) if headers.get("content-type") == "application/problem+json" else None
            if got != status or problem is None or problem.get("status") != status:
                failures.append("%s: %s %r" % (name, line, body[:200]))
            elif headers.get("connection", "").lower() != "close":
                failures.append("%s: the connection was not closed" % name)
            elif rest:
                failures.append("%s: a second answer came: %r" % (name, rest[:100]))
            else:
                print("ok: %s -> %d %s: %s" % (name, got, problem["code"], problem["detail"]))
        status, _, body = s.call("GET", "/v1/admin/clinics/" + SMUGGLED_ID, token=s.admin)
        if status != 404:
            failures.append("the smuggled clinic was created: %d" % status)
        # A 9 KiB header is within the 16 KiB limit: answered, not refused.
        status, _, _ = s.call("GET", "/healthz", headers={"X-Big": "b" * 9 * 1024})
        if status != 200:
            failures.append("a 9 KiB header: %d" % status)
    check(not failures, "\n".join(failures))


def test_expect_continue_over_limit():
    """A body announced over 1 MiB with Expect: 100-continue is 413 before any 100 Continue."""
    with Server(BIN) as s:
        c = raw_socket(s.port, timeout=5)
        c.sendall(("POST /v1/admin/couriers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n"
                   % (s.admin, 2 << 20)).encode())
        expect_problem(c, 413, "payload_too_large", "an announced 2 MiB body")
        c.close()


def test_pipelined_requests_answer_in_order():
    with Server(BIN) as s:
        c = raw_socket(s.port, timeout=5)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        first = read_response(c)
        second = read_response(c)
        check(first[0] == 200 and second[3] == "HTTP/1.1 404 Not Found", "pipelined: %r %r" % (first[3], second[3]))
        third = read_response(c, head=True)  # HEAD: Content-Length of the GET body, no body bytes
        check(third[0] == 200 and int(third[1]["content-length"]) > 0, "HEAD: %r" % (third,))
        check(read_until_closed(c) == b"", "HEAD's body bytes were sent, or the connection stayed open")


def test_flood_of_connections():
    """2,000 connections from one address opened and dropped as fast as possible, some mid-request;
    the server stays up for everyone else and closes them all."""
    with Server(BIN) as s:
        for i in range(2000):
            c = socket.socket()
            c.settimeout(5)
            c.connect(("127.0.0.1", s.port))
            if i % 3 == 0:
                c.sendall(b"POST /v1/admin/couriers HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
            if i % 5 == 0:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
            c.close()
        # From another address: connections the flood has closed count against 127.0.0.1 until
        # the server has read their ends (a moment, longer under a sanitizer), and may fill its
        # 256; that must not touch anyone else.
        normal_client(s, n=100, source="127.0.0.250")
        deadline = time.time() + 15  # every dropped connection is closed by the server in time
        while True:
            status, _, text = s.call("GET", "/metrics")
            open_line = [l for l in text.decode().splitlines() if l.startswith("rxflow_connections_open ")]
            if (open_line and float(open_line[0].split()[1]) <= 2) or time.time() > deadline:
                break
            time.sleep(0.2)
        check(open_line and float(open_line[0].split()[1]) <= 2, "connections left open after the flood: %r" % open_line)


if __name__ == "__main__":
    BIN = sys.argv[1]
    FIGURES = "--figures" in sys.argv
    run_tests(globals(), [a for a in sys.argv[2:] if not a.startswith("--")])
