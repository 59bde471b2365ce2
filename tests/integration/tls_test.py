#!/usr/bin/env python3
"""`battrace serve` over TLS (Art. 26: data in transit is encrypted).

A throwaway self-signed certificate for 127.0.0.1 (openssl); the server must answer HTTPS with
it, verified against that certificate as the only trust anchor; take TLS 1.2 with a
forward-secret AEAD suite and refuse TLS 1.0 and 1.1 (even from a client that offers them);
refuse plain HTTP on the same port; and refuse to start with a certificate without its key,
with files that are not PEM, or with a key file group or others may read.

The server's store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: tls_test.py BATTRACE WORKDIR
"""
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Server, run  # noqa: E402


def main():
    engines.require()
    battrace, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    store = engines.store_args(work, "store")
    not_pem = os.path.join(work, "not-pem.txt")
    with open(not_pem, "w") as f:
        f.write("neither a certificate nor a key\n")
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"])
    os.chmod(key, 0o600)  # a TLS key readable by group or others is refused (below)
    os.chmod(not_pem, 0o600)
    run([battrace, "init", *store, "--origin", "tls.test/ledger"])

    with Server(battrace, store, work, "--tls-cert", cert, "--tls-key", key, "--quiet") as server:
        ctx = ssl.create_default_context(cafile=cert)
        conn = http.client.HTTPSConnection("127.0.0.1", server.port, context=ctx, timeout=10)
        conn.request("GET", "/healthz")
        res = conn.getresponse()
        assert res.status == 200, res.status
        assert b'"status":"ok"' in res.read()
        conn.close()
        # TLS 1.2 is taken, with an ECDHE AEAD suite; TLS 1.0 and 1.1 are refused by the server
        # (the client is allowed every old suite, so the refusal is the server's).
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # TLSv1, TLSv1_1
        for version, taken in [(ssl.TLSVersion.TLSv1_2, True), (ssl.TLSVersion.TLSv1_1, False),
                               (ssl.TLSVersion.TLSv1, False)]:
            old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            old.load_verify_locations(cert)
            old.set_ciphers("ALL:@SECLEVEL=0")
            old.minimum_version = version
            old.maximum_version = version
            try:
                with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
                    with old.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                        suite = tls.cipher()[0]
                        assert taken, f"{version.name} was accepted ({suite})"
                        assert suite.startswith("ECDHE-") and ("GCM" in suite or "CHACHA" in suite), suite
            except (ssl.SSLError, ConnectionError) as e:
                assert not taken, f"{version.name} was refused: {e}"
        # Plain HTTP to the TLS port gets no HTTP answer.
        plain = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            plain.request("GET", "/healthz")
            status = plain.getresponse().status
            raise AssertionError(f"plain HTTP answered {status} on the TLS port")
        except (http.client.HTTPException, ConnectionError, OSError):
            pass
        finally:
            plain.close()
        assert server.stop() == 0

    for args, what in [(["--tls-cert", cert], "--tls-cert and --tls-key go together"),
                       (["--tls-cert", not_pem, "--tls-key", not_pem], "cannot be loaded")]:
        p = subprocess.run([battrace, "serve", *store, "--listen", "127.0.0.1:0", *args],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert what in p.stderr, (args, p.stderr)
    # A private key group or others may read is refused before the server starts.
    for mode in (0o640, 0o604):
        os.chmod(key, mode)
        p = subprocess.run([battrace, "serve", *store, "--listen", "127.0.0.1:0", "--tls-cert",
                            cert, "--tls-key", key], capture_output=True, text=True, timeout=30)
        assert p.returncode == 1, (oct(mode), p.returncode, p.stderr)
        assert f"the TLS key file {key} has mode {mode:04o}" in p.stderr, p.stderr
    print("tls: ok")


if __name__ == "__main__":
    main()
