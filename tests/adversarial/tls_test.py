"""TLS and client certificates (API.md §13, issue 16) against a real server, judged by the
`openssl` command line and `nmap --script ssl-enum-ciphers`:

    python3 tests/adversarial/tls_test.py RXFLOW_BINARY TEST_NAME
"""
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

from rxserver import Server, read_response, read_until_closed, run_tests

BIN = None


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def sh(*args, stdin=b"", timeout=60):
    return subprocess.run(list(args), input=stdin, capture_output=True, timeout=timeout)


class Pki:
    """The tests' own CA, an RSA server certificate for 127.0.0.1 and client certificates."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="rxtls-")
        self.ca = self.path("ca.pem")
        self.ca_key = self.path("ca.key")
        r = sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.ca_key, "-out", self.ca,
               "-days", "2", "-subj", "/CN=rxflow adversarial test CA", "-addext", "basicConstraints=critical,CA:TRUE",
               "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        check(r.returncode == 0, r.stderr.decode())
        self.server_cert, self.server_key = self.issue("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1\n"
                                                       "extendedKeyUsage=serverAuth\n")

    def path(self, name):
        return os.path.join(self.dir, name)

    def issue(self, name, cn, ext, ca=None, ca_key=None):
        key, csr, cert, extfile = (self.path(name + s) for s in (".key", ".csr", ".pem", ".ext"))
        with open(extfile, "w") as f:
            f.write("basicConstraints=CA:FALSE\n" + ext)
        r = sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=" + cn)
        check(r.returncode == 0, r.stderr.decode())
        r = sh("openssl", "x509", "-req", "-in", csr, "-CA", ca or self.ca, "-CAkey", ca_key or self.ca_key,
               "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", extfile)
        check(r.returncode == 0, r.stderr.decode())
        return cert, key

    def client_context(self, cert=None, key=None):
        ctx = ssl.create_default_context(cafile=self.ca)
        if cert:
            ctx.load_cert_chain(cert, key)
        return ctx

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def tls_server(pki, extra=()):
    return Server(BIN, args=["--tls-cert", pki.server_cert, "--tls-key", pki.server_key] + list(extra),
                  tls=pki.client_context())


def s_client(port, pki, *flags):
    r = sh("openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-CAfile", pki.ca, "-verify_return_error",
           *flags, stdin=b"Q\n", timeout=30)
    return r.returncode, (r.stdout + r.stderr).decode(errors="replace")


def test_protocols():
    """TLS 1.0 and 1.1 are refused by the server (the client is allowed to offer them); 1.2 and 1.3 connect."""
    pki = Pki()
    try:
        with tls_server(pki) as s:
            for old in ("-tls1", "-tls1_1"):
                rc, out = s_client(s.port, pki, old, "-cipher", "DEFAULT@SECLEVEL=0")
                check(rc != 0 and "Cipher is (NONE)" in out or "alert protocol version" in out,
                      "%s was not refused:\n%s" % (old, out[-1500:]))
                check("alert protocol version" in out, "%s: not refused by the server's protocol alert:\n%s"
                      % (old, out[-1500:]))
                print("refused:", old, "->", re.findall(r"alert protocol version[^\n]*", out)[:1])
            for new, name in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
                rc, out = s_client(s.port, pki, new)
                # "New, TLSv1.3, Cipher is ..." follows the handshake; the SSL-Session block with
                # "Protocol :" may not come before s_client reads its Q and quits.
                check(rc == 0 and re.search(r"(New, |Protocol\s*:\s*)" + re.escape(name), out)
                      and "Verify return code: 0 (ok)" in out, "%s did not connect:\n%s" % (new, out[-1500:]))
                print("connected:", new, re.findall(r"Cipher is [^\n]*", out)[:1])
            # Static-RSA key exchange (no forward secrecy) is refused though the key is RSA.
            rc, out = s_client(s.port, pki, "-tls1_2", "-cipher", "AES128-GCM-SHA256:AES256-SHA")
            check(rc != 0, "a static-RSA cipher was accepted:\n" + out[-1500:])
            # Plain HTTP on the TLS port gets no HTTP answer, and the server stays up.
            c = socket.create_connection(("127.0.0.1", s.port), timeout=5)
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            check(not read_until_closed(c).startswith(b"HTTP/1.1 200"), "plain HTTP was served on the TLS port")
            c.close()
            check(s.call("GET", "/healthz")[0] == 200, "the server after a plain-HTTP client")
    finally:
        pki.cleanup()


def test_forward_secret_ciphers_only():
    """nmap's ssl-enum-ciphers lists TLS 1.2 and 1.3 only, every suite with ephemeral key exchange."""
    pki = Pki()
    try:
        with tls_server(pki) as s:
            r = sh("nmap", "-Pn", "-n", "--script", "ssl-enum-ciphers", "-p", str(s.port), "127.0.0.1", timeout=240)
            out = r.stdout.decode(errors="replace")
            print(out)
            check(r.returncode == 0 and "ssl-enum-ciphers" in out, "nmap failed:\n" + out + r.stderr.decode())
            versions = re.findall(r"\|\s+(TLSv1\.\d|SSLv\d)\s*:", out)
            check(set(versions) == {"TLSv1.2", "TLSv1.3"}, "protocols offered: %r" % versions)
            suites = re.findall(r"\|\s+(TLS_[A-Z0-9_]+)", out)
            check(suites, "no cipher suite listed")
            for suite in suites:
                fs = suite.startswith("TLS_ECDHE_") or suite.startswith("TLS_DHE_") or suite.startswith("TLS_AKE_") \
                    or suite in ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")
                check(fs, "a suite without forward secrecy: " + suite)
    finally:
        pki.cleanup()


def test_hsts_on_every_answer():
    pki = Pki()
    try:
        with tls_server(pki) as s:
            for path in ("/healthz", "/nope", "/v1/drugs"):
                status, headers, _ = s.call("GET", path)
                check(headers.get("strict-transport-security", "").startswith("max-age="),
                      "%s %d without HSTS: %r" % (path, status, headers))
            # A refusal the front makes itself carries it too.
            raw = socket.create_connection(("127.0.0.1", s.port), timeout=5)
            c = pki.client_context().wrap_socket(raw, server_hostname="127.0.0.1")
            c.sendall(b"GET /healthz HTTP/1.1\r\nContent-Length: abc\r\n\r\n")
            status, headers, _, _ = read_response(c)
            check(status == 400 and "strict-transport-security" in headers, "front refusal: %d %r" % (status, headers))
            c.close()
    finally:
        pki.cleanup()


def peer_fingerprint(conn):
    return conn.sock.getpeercert(binary_form=True)


def test_certificate_reload_on_sighup():
    """SIGHUP re-reads the certificate: new connections get the new one, open ones keep working."""
    pki = Pki()
    try:
        live_cert, live_key = pki.path("live.pem"), pki.path("live.key")
        shutil.copy(pki.server_cert, live_cert)
        shutil.copy(pki.server_key, live_key)
        with Server(BIN, args=["--tls-cert", live_cert, "--tls-key", live_key], tls=pki.client_context()) as s:
            old = s.connection()
            check(s.call("GET", "/healthz", conn=old)[0] == 200, "before the reload")
            first = peer_fingerprint(old)
            cert2, key2 = pki.issue("server2", "127.0.0.1", "subjectAltName=IP:127.0.0.1\n")
            shutil.copy(cert2, live_cert + ".tmp")
            shutil.copy(key2, live_key + ".tmp")
            os.replace(live_key + ".tmp", live_key)
            os.replace(live_cert + ".tmp", live_cert)
            s.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 10
            while "TLS certificate reloaded" not in s.log() and time.time() < deadline:
                time.sleep(0.05)
            check("TLS certificate reloaded" in s.log(), "no reload logged:\n" + s.log()[-2000:])
            new = s.connection()
            check(s.call("GET", "/healthz", conn=new)[0] == 200, "a new connection after the reload")
            check(peer_fingerprint(new) != first, "a new connection still got the old certificate")
            check(open(cert2, "rb").read() and peer_fingerprint(new) == ssl.PEM_cert_to_DER_cert(open(cert2).read()),
                  "the new connection's certificate is not the new file's")
            check(s.call("GET", "/healthz", conn=old)[0] == 200, "the connection opened before the reload was dropped")
            check(peer_fingerprint(old) == first, "the old connection changed certificate")
            # A broken file on the next SIGHUP keeps the working certificate.
            with open(live_cert, "w") as f:
                f.write("not a certificate")
            s.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 10
            while "TLS reload failed" not in s.log() and time.time() < deadline:
                time.sleep(0.05)
            check("TLS reload failed" in s.log(), "a broken certificate file was not reported")
            check(s.call("GET", "/healthz")[0] == 200, "after a failed reload, the server still serves TLS")
            old.close()
            new.close()
    finally:
        pki.cleanup()


def fingerprint_of(cert_path):
    return ssl.PEM_cert_to_DER_cert(open(cert_path).read())


def test_client_certificates():
    """A principal bound to a certificate: without it 401 certificate_required; with it served."""
    import hashlib
    pki = Pki()
    try:
        cert, key = pki.issue("clinic", "clinic C1 client", "extendedKeyUsage=clientAuth\n")
        other, other_key = pki.issue("other", "another client", "extendedKeyUsage=clientAuth\n")
        with tls_server(pki, ["--tls-client-ca", pki.ca]) as s:
            status, _, body = s.call("POST", "/v1/admin/clinics", {"id": "C1", "name": "c", "region": "330200"},
                                     token=s.admin)
            check(status == 201, "clinic: %d %r" % (status, body))
            pem = open(cert).read()
            status, _, bound = s.call("POST", "/v1/admin/principals",
                                      {"role": "clinic", "org": "C1", "name": "bound", "clientCertificate": pem},
                                      token=s.admin)
            check(status == 201, "principal: %d %r" % (status, bound))
            digest = hashlib.sha256(fingerprint_of(cert)).hexdigest()
            check(bound.get("clientCertificateSha256") == digest, "fingerprint: %r vs %s" % (bound, digest))
            colons = ":".join(digest[i:i + 2] for i in range(0, 64, 2)).upper()
            status, _, by_hash = s.call("POST", "/v1/admin/principals",
                                        {"role": "clinic", "org": "C1", "name": "by hash",
                                         "clientCertificateSha256": colons}, token=s.admin)
            check(status == 201 and by_hash["clientCertificateSha256"] == digest, "by hash: %d %r" % (status, by_hash))
            status, _, free = s.call("POST", "/v1/admin/principals", {"role": "clinic", "org": "C1", "name": "free"},
                                     token=s.admin)
            check(status == 201, "unbound principal")
            for bad in ({"clientCertificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"},
                        {"clientCertificateSha256": "abc"},
                        {"clientCertificate": pem, "clientCertificateSha256": "0" * 64}):
                body = dict({"role": "clinic", "org": "C1", "name": "bad"}, **bad)
                status, _, problem = s.call("POST", "/v1/admin/principals", body, token=s.admin)
                check(status == 400, "a bad binding %r: %d %r" % (list(bad), status, problem))

            def as_client(token, client_cert=None, client_key=None):
                conn = __import__("http.client").client.HTTPSConnection(
                    "127.0.0.1", s.port, timeout=10, context=pki.client_context(client_cert, client_key))
                return s.call("GET", "/v1/drugs", token=token, conn=conn)

            for token in (bound["token"], by_hash["token"]):
                status, _, problem = as_client(token)
                check(status == 401 and problem["code"] == "certificate_required", "no certificate: %d %r"
                      % (status, problem))
                status, _, problem = as_client(token, other, other_key)
                check(status == 401 and problem["code"] == "certificate_required", "another certificate: %d %r"
                      % (status, problem))
                status, _, _ = as_client(token, cert, key)
                check(status == 200, "the bound certificate: %d" % status)
            check(as_client(free["token"])[0] == 200, "an unbound principal needs no certificate")
            # A certificate from a CA the server does not trust fails the handshake.
            stranger = Pki()
            try:
                scert, skey = stranger.issue("x", "stranger", "extendedKeyUsage=clientAuth\n")
                try:
                    as_client(free["token"], scert, skey)
                    check(False, "a certificate from an unknown CA was accepted")
                except (ssl.SSLError, ConnectionError, OSError):
                    pass
            finally:
                stranger.cleanup()
    finally:
        pki.cleanup()


def test_plain_http_only_on_loopback():
    """Plain HTTP on an address other than loopback refuses to start; 127.0.0.2 is loopback and serves."""
    for address in ("0.0.0.0", "192.0.2.10"):
        s = Server(BIN, args=["--bind", address], wait=False)
        try:
            rc = s.proc.wait(60)
            check(rc != 0 and "not a loopback address" in s.log(), "--bind %s started: %s" % (address, s.log()[-800:]))
        finally:
            s.stop()
    with Server(BIN, args=["--bind", "127.0.0.2"]) as s:
        c = socket.create_connection(("127.0.0.2", s.port), timeout=5)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        check(read_response(c)[0] == 200, "served on 127.0.0.2")
        c.close()


def test_bound_token_over_plain_http():
    """Over plain HTTP no certificate can be presented: a bound token is 401 certificate_required."""
    pki = Pki()
    try:
        cert, _ = pki.issue("clinic", "c", "extendedKeyUsage=clientAuth\n")
        with Server(BIN) as s:
            s.call("POST", "/v1/admin/clinics", {"id": "C1", "name": "c", "region": "330200"}, token=s.admin)
            status, _, p = s.call("POST", "/v1/admin/principals",
                                  {"role": "clinic", "org": "C1", "name": "b", "clientCertificate": open(cert).read()},
                                  token=s.admin)
            check(status == 201, "principal: %d %r" % (status, p))
            status, _, problem = s.call("GET", "/v1/drugs", token=p["token"])
            check(status == 401 and problem["code"] == "certificate_required", "%d %r" % (status, problem))
    finally:
        pki.cleanup()


if __name__ == "__main__":
    BIN = sys.argv[1]
    run_tests(globals(), sys.argv[2:])
