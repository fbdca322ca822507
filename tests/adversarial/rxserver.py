"""A real rxflow server for the adversarial suite: started on a free loopback port with its own
data dir, stopped by pid. Python's standard library only."""
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time


class Server:
    def __init__(self, binary, args=(), env=None, tls=None, wait=True):
        self.dir = tempfile.mkdtemp(prefix="rxadv-")
        self.admin = "adm-" + secrets.token_hex(12)
        self.tls = tls  # an ssl.SSLContext for the client side, or None
        full = {k: v for k, v in os.environ.items() if not k.startswith("RXFLOW_")}
        full.update({"RXFLOW_ADMIN_TOKEN": self.admin, "RXFLOW_SWEEP_INTERVAL": "3600"})
        full.update(env or {})
        self.logfile = os.path.join(self.dir, "server.log")
        cmd = [binary, "serve", "--port", "0", "--data-dir", self.dir] + list(args)
        with open(self.logfile, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=full)
        self.port = None
        if wait:
            self.wait_ready()

    def wait_ready(self, seconds=60):
        portfile = os.path.join(self.dir, "rxflow.port")
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("rxflow exited with %s:\n%s" % (self.proc.returncode, self.log()))
            if os.path.exists(portfile):
                self.port = int(open(portfile).read().strip())
                return
            time.sleep(0.05)
        raise RuntimeError("rxflow did not start:\n" + self.log())

    def log(self):
        with open(self.logfile, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            print("--- server log (tail) ---\n" + self.log()[-4000:])
        self.stop()

    def connection(self, timeout=10, source="127.0.0.1"):
        if self.tls:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=self.tls,
                                               source_address=(source, 0))
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0))

    def call(self, method, path, body=None, token=None, headers=None, conn=None):
        """One request; returns (status, headers dict lower-case, parsed JSON or raw bytes)."""
        own = conn is None
        conn = conn or self.connection()
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if own:
            conn.close()
        parsed = raw
        if hdrs.get("content-type", "").endswith("json") and raw:
            parsed = json.loads(raw)
        return r.status, hdrs, parsed


def raw_socket(port, source="127.0.0.1", timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((source, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


def read_until_closed(s, limit=1 << 20):
    """Everything the server sends until it closes; raises socket.timeout if it never does."""
    out = _pending.pop(s.fileno(), b"")
    while len(out) < limit:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        out += chunk
    return out


_pending = {}  # bytes read past one response, per socket


def read_response(s, head=False):
    """One HTTP response off a socket: (status, headers dict lower-case, body bytes, status line).
    Bytes past it stay for the next call on the same socket."""
    buf = _pending.pop(s.fileno(), b"")
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("closed before a response: %r" % buf[:200])
        buf += chunk
    head_bytes, rest = buf.split(b"\r\n\r\n", 1)
    lines = head_bytes.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    n = 0 if head else int(headers.get("content-length", "0"))
    while len(rest) < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    if rest[n:]:
        _pending[s.fileno()] = rest[n:]
    return status, headers, rest[:n], lines[0]


def percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def run_tests(module_globals, names):
    """Runs the named test_* functions of a test file (all when none is named): PASS or FAIL
    each, exit status 1 if any failed."""
    import sys
    tests = {n[5:]: fn for n, fn in module_globals.items() if n.startswith("test_")}
    failed = 0
    for n in names or list(tests):
        try:
            tests[n]()
            print("PASS", n)
        except Exception as e:  # noqa: BLE001
            failed += 1
            print("FAIL", n, ":", e)
    sys.exit(1 if failed else 0)
