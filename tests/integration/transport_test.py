#!/usr/bin/env python3
"""The HTTP transport of `battrace serve` under hostile clients (docs/architecture.md, "The HTTP
transport"), over raw sockets on loopback.

Checked, each against one server (`--threads 8`, `--max-body-mib 1`, per-address cap 50):
- a 64 MiB chunked POST /v1/reports without a token is answered 401 from its head, long before
  the client could have sent it, and the server's peak RSS (VmHWM) stays low;
- the same with a valid enterprise token is answered 413 as the chunks pass the cap; a declared
  Content-Length of 1 GiB is answered at once (401 without a token, 413 with one); a small
  chunked POST with that token is accepted;
- a head with too many header fields, or too many bytes, is answered 431; a repeated
  Content-Length, or Content-Length with Transfer-Encoding, 400; all as problem documents;
- 40 idle keep-alive connections and 40 slowloris connections (1 byte a second, each from its
  own loopback address 127.0.0.x) do not slow public lookups (each under 1 s), and the head
  deadline (10 s) answers each slowloris connection 408 and closes it;
- over the per-address cap a connection is answered 503 with Retry-After and a problem
  document, while another address is still served.

The store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: transport_test.py BATTRACE WORKDIR
"""
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Fixture, Server, call, check_problem  # noqa: E402

MIB = 1 << 20
HEAD_DEADLINE = 10  # seconds, the server's default


def connect(port, source="127.0.0.1", timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_response(s):
    """(status, headers, body) of one response read from `s`; None if closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length]


def problem(resp, want, rule=None):
    assert resp is not None, f"no answer, wanted {want}"
    status, headers, body = resp
    doc = json.loads(body) if body else None
    check_problem(status, headers, body, doc, want, rule)
    return doc


def raw(port, text, source="127.0.0.1"):
    """Sends `text` (a request head, and body if any) and reads the one answer."""
    s = connect(port, source)
    try:
        s.sendall(text.encode("latin-1"))
        return read_response(s)
    finally:
        s.close()


def vm_hwm_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def chunked_upload(port, token, total, chunk=MIB):
    """POSTs `total` bytes as chunks while reading the answer. Returns (status, doc, bytes the
    client had sent when the answer arrived, seconds until the answer)."""
    s = connect(port, timeout=30)
    head = "POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n"
    sent = [0]
    stop = threading.Event()
    payload = b"%x\r\n" % chunk + b"[" * chunk + b"\r\n"

    def send():
        try:
            s.sendall(head.encode())
            while sent[0] < total and not stop.is_set():
                s.sendall(payload)
                sent[0] += chunk
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed: it answered already

    start = time.monotonic()
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        resp = read_response(s)
        at = sent[0]
        took = time.monotonic() - start
    finally:
        stop.set()
        s.close()
        sender.join(30)
    assert resp is not None, "the server closed without an answer"
    status, headers, body = resp
    doc = json.loads(body) if body else None
    check_problem(status, headers, body, doc, status)
    return status, doc, at, took


def main():
    engines.require()
    battrace, work = sys.argv[1], sys.argv[2]
    fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=20, keep_back=20)
    reporter = fx.held_back[0]["reporter"]
    token = fx.token("enterprise:" + reporter)
    code = next(r["code"] for r in fx.replayed if r.get("type") == "battery.produced")
    lookup = f"/v1/batteries/{code}"

    with Server(battrace, fx.store, work, "--threads", "8", "--max-body-mib", "1",
                "--max-connections-per-address", "50", "--rate-limit", "0",
                "--quiet") as server:
        port = server.port
        status, _, _, _ = call(port, "GET", lookup)
        assert status == 200, status

        # -- the body of an unauthenticated upload is never read
        status, doc, at, took = chunked_upload(port, None, 64 * MIB)
        assert status == 401 and doc["status"] == 401, (status, doc)
        assert at < 32 * MIB, f"the 401 came after {at} bytes: the body was read"
        hwm = vm_hwm_kib(server.proc.pid)
        assert hwm < 128 * 1024, f"server peak RSS {hwm} KiB after a 64 MiB upload"
        print(f"401 after {at // MIB} MiB sent, {took:.3f} s; server VmHWM {hwm // 1024} MiB")

        # -- an authenticated chunked upload is cut at the cap as it arrives
        status, doc, at, took = chunked_upload(port, token, 64 * MIB)
        assert status == 413 and doc["rule"] == "api.body_too_large", (status, doc)
        assert at < 32 * MIB, f"the 413 came after {at} bytes"
        print(f"413 after {at // MIB} MiB sent, {took:.3f} s")
        # A declared length over the cap: 401 from the head without a token, 413 with one; the
        # client sends no byte of the body and waits for nothing.
        gib = "POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n"
        start = time.monotonic()
        problem(raw(port, gib + "\r\n"), 401)
        problem(raw(port, gib + f"Authorization: Bearer {token}\r\n\r\n"), 413,
                "api.body_too_large")
        assert time.monotonic() - start < 2, "a declared 1 GiB body held the answer"
        # ... and a chunked batch under the cap is taken
        body = json.dumps([fx.held_back[0]]).encode()
        resp = raw(port, "POST /v1/reports HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\r\n"
                         f"{len(body):x}\r\n{body.decode()}\r\n0\r\n\r\n")
        assert resp and resp[0] == 200, resp
        assert json.loads(resp[2])["accepted"] == 1, resp

        # -- heads over the caps, ambiguous lengths
        many = "".join(f"X-H{i}: v\r\n" for i in range(150))
        problem(raw(port, f"GET {lookup} HTTP/1.1\r\nHost: x\r\n{many}\r\n"), 431,
                "http.head_too_large")
        big = "X-Big: " + "a" * (20 * 1024) + "\r\n"
        problem(raw(port, f"GET {lookup} HTTP/1.1\r\nHost: x\r\n{big}\r\n"), 431,
                "http.head_too_large")
        million = connect(port)  # a head that never ends: cut at the byte cap, not buffered
        try:
            million.sendall(b"GET / HTTP/1.1\r\n")
            try:
                for _ in range(200):
                    million.sendall(b"X-A: b\r\n" * 1000)
            except OSError:
                pass
            problem(read_response(million), 431, "http.head_too_large")
        finally:
            million.close()
        for lengths in (["5", "6"], ["5", "5"], ["5, 5"]):
            head = "".join(f"Content-Length: {v}\r\n" for v in lengths)
            doc = problem(raw(port, f"POST /v1/reports HTTP/1.1\r\nHost: x\r\n{head}\r\n[]   "),
                          400, "http.request")
            assert "Content-Length" in doc["detail"], doc
        doc = problem(raw(port, "POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400, "http.request")
        print("431, 400: ok")

        # -- idle keep-alive and slowloris connections do not starve lookups
        idle = []
        for i in range(40):
            s = connect(port, f"127.0.0.{10 + i}")
            s.sendall(f"GET {lookup} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert read_response(s)[0] == 200
            idle.append(s)
        slow_results = {}

        def slowloris(i):
            s = connect(port, f"127.0.1.{10 + i}", timeout=HEAD_DEADLINE + 10)
            text = f"GET {lookup} HTTP/1.1\r\nHost: x\r\nX-Slow: " + "z" * 100
            start = time.monotonic()
            try:
                for ch in text:
                    s.sendall(ch.encode())
                    s.settimeout(1)
                    try:
                        data = s.recv(65536)
                        slow_results[i] = (time.monotonic() - start, data)
                        return
                    except socket.timeout:
                        pass
                slow_results[i] = (time.monotonic() - start, b"never cut")
            except OSError as e:
                slow_results[i] = (time.monotonic() - start, repr(e).encode())
            finally:
                s.close()

        slow = [threading.Thread(target=slowloris, args=(i,), daemon=True) for i in range(40)]
        for t in slow:
            t.start()
        time.sleep(1)
        worst = 0
        for _ in range(20):
            start = time.monotonic()
            status, _, _, _ = call(port, "GET", lookup, timeout=5)
            took = time.monotonic() - start
            worst = max(worst, took)
            assert status == 200 and took < 1, (status, took)
            time.sleep(0.2)
        print(f"lookups beside 40 idle + 40 slowloris connections: worst {worst * 1000:.1f} ms")
        for t in slow:
            t.join(HEAD_DEADLINE + 15)
        assert len(slow_results) == 40, slow_results
        for i, (after, data) in slow_results.items():
            assert data.startswith(b"HTTP/1.1 408 "), (i, after, data[:200])
            assert HEAD_DEADLINE - 1 <= after <= HEAD_DEADLINE + 3, (i, after)
            assert b"urn:battrace:problem:http.timeout" in data, data
        print("slowloris connections cut at the head deadline with 408")
        for s in idle:
            s.close()

        # -- the per-address cap
        held = []
        for _ in range(50):
            s = connect(port, "127.0.2.1")
            s.sendall(f"GET {lookup} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert read_response(s)[0] == 200
            held.append(s)
        over = raw(port, f"GET {lookup} HTTP/1.1\r\nHost: x\r\n\r\n", source="127.0.2.1")
        doc = problem(over, 503, "http.capacity")
        assert "maximum of 50 connections" in doc["detail"], doc
        assert over[1].get("retry-after") == "1", over[1]
        assert raw(port, f"GET {lookup} HTTP/1.1\r\nHost: x\r\n\r\n", "127.0.2.2")[0] == 200
        held.pop().close()
        time.sleep(0.2)
        assert raw(port, f"GET {lookup} HTTP/1.1\r\nHost: x\r\n\r\n", "127.0.2.1")[0] == 200
        for s in held:
            s.close()
        print("per-address cap: 503 with Retry-After")

        assert server.stop() == 0
    print("transport: ok")


if __name__ == "__main__":
    main()
