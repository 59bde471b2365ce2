"""Shared pieces of the HTTP API tests (api_test.py, access_matrix_test.py, openapi_routes_test.py).

- Fixture: a store built with the CLI alone: `simulate` (a small realistic world), `init`,
  `registry import`, `import --replay` of most of the simulated reports (the rest is kept back
  for POST /v1/reports), and tokens from `token issue`. The store is on the engine
  BATTRACE_TEST_ENGINE names (engines.py); `fx.store` holds its CLI arguments.
- Server: a real `battrace serve --listen 127.0.0.1:0`, its port read from the line it prints,
  stopped with SIGTERM (and killed if it does not stop) by whoever started it.
- call(): one HTTP request over http.client, answering (status, headers, body, json-or-None).

Standard library only; servers listen on loopback only.
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402

LISTEN_LINE = re.compile(r"battrace serving on https?://127\.0\.0\.1:(\d+)/")
AS_OF = "2026-10-31"  # after the simulated window (2026-04-01 .. 2026-09-30)


class Checks:
    """A test's assertions, counted: `ok(cond, msg)` raises AssertionError(msg) when `cond` is
    false; `ok.count` is how many were made."""

    def __init__(self):
        self.count = 0

    def __call__(self, cond, msg):
        self.count += 1
        if not cond:
            raise AssertionError(msg)


def run(cmd, **kw):
    """Runs a CLI command; fails loudly with its output when it fails."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def cli(battrace, *args, rc=0, timeout=240):
    """Runs `battrace ARGS...`; fails loudly when its exit status is not `rc`; returns its
    stdout followed by its stderr."""
    p = subprocess.run([battrace, *args], capture_output=True, text=True, timeout=timeout)
    if p.returncode != rc:
        raise AssertionError(f"battrace {' '.join(args)}: exit {p.returncode}, wanted {rc}\n"
                             f"{p.stdout}\n{p.stderr}")
    return p.stdout + p.stderr


class Fixture:
    """A store in `work` with a simulated world; `held_back` are reports not yet filed.
    `violations`: the simulator's share of injected violations (more findings and duties)."""

    def __init__(self, battrace, work, vehicles=150, seed=20260401, keep_back=400,
                 violations=0.05):
        self.battrace = battrace
        self.work = work
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        self.store = engines.store_args(work, "store")  # the CLI's arguments naming the store
        self.read = engines.read_args(self.store)  # the same for commands without --key
        sim = os.path.join(work, "sim")
        run([battrace, "simulate", "--out", sim, "--vehicles", str(vehicles), "--seed", str(seed),
             "--violations", str(violations)])
        self.registry = [json.loads(l) for l in open(os.path.join(sim, "registry.ndjson"))]
        lines = open(os.path.join(sim, "reports.ndjson")).read().splitlines()
        self.replayed = [json.loads(l) for l in lines[:-keep_back]]
        self.held_back = []
        for l in lines[-keep_back:]:
            r = json.loads(l)
            r.pop("reported", None)  # set by the platform on receipt
            self.held_back.append(r)
        first = os.path.join(work, "first.ndjson")
        with open(first, "w") as f:
            f.write("\n".join(lines[:-keep_back]) + "\n")
        run([battrace, "init", *self.store, "--origin", "api.test/ledger"])
        self.add_registry([])
        self.receipts_file = os.path.join(work, "receipts.ndjson")
        run([battrace, "import", *self.store, "--replay", "--receipts", self.receipts_file,
             first])
        self.receipts = [json.loads(l) for l in open(self.receipts_file) if l.strip()]
        self.key = run([battrace, "pubkey", *self.store]).strip()

    def add_registry(self, extra):
        """Imports the simulated registry plus `extra` records."""
        path = os.path.join(self.work, "registry.ndjson")
        with open(path, "w") as f:
            for r in self.registry + extra:
                f.write(json.dumps(r) + "\n")
        self.registry += extra
        run([self.battrace, "registry", "import", *self.store, path])

    def token(self, principal, days=None):
        cmd = [self.battrace, "token", "issue", *self.read, "--principal", principal]
        if days is not None:
            cmd += ["--days", str(days)]
        text = run(cmd).strip().splitlines()[-1].strip()
        assert text.startswith("btk_"), text
        return text

    def revoke(self, text):
        run([self.battrace, "token", "revoke", *self.read, text])

    def enterprises(self, role):
        return [e for e in self.registry if e["kind"] == "enterprise" and role in e["roles"]]

    def enterprise(self, uscc):
        return next(e for e in self.registry if e.get("uscc") == uscc)

    def regulators(self):
        return [r for r in self.registry if r["kind"] == "regulator"]


class Listener:
    """A battrace process (`cmd`) that prints the loopback address it listens on: `pattern`'s
    group 1 is the port. Its stderr goes to `log_path`; `env` is its environment (default: this
    process's). Stopped with SIGTERM (stop) or killed (kill); use as a context manager."""

    def __init__(self, cmd, pattern, log_path, start_timeout=30, env=None):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     env=env)
        self.port = None
        found = threading.Event()

        def read():
            for line in self.proc.stdout:
                m = pattern.search(line)
                if m and not found.is_set():
                    self.port = int(m.group(1))
                    found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(start_timeout):
            self.kill()
            raise AssertionError(f"{' '.join(cmd[:2])} did not start: {open(log_path).read()}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()

    def stop(self, timeout=30):
        """SIGTERM, then the exit code (None if it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()


class Server(Listener):
    """`battrace serve` on 127.0.0.1 and a free port, over the store `store` names (the CLI's
    arguments, engines.store_args); its log in `log_dir`; `env` its environment (default: this
    process's). Use as a context manager."""

    def __init__(self, battrace, store, log_dir, *args, start_timeout=30, env=None):
        super().__init__([battrace, "serve", *store, "--listen", "127.0.0.1:0", *args],
                         LISTEN_LINE,
                         os.path.join(log_dir, f"serve-{os.getpid()}-{time.monotonic_ns()}.log"),
                         start_timeout, env)

    def call(self, method, path, token=None, purpose=None, body=None, headers=None, timeout=30):
        return call(self.port, method, path, token, purpose, body, headers, timeout)


def call(port, method, path, token=None, purpose=None, body=None, headers=None, timeout=30):
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    if purpose:
        h["X-Purpose"] = purpose
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if body is not None:
        h.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        data = res.read()
        hdrs = {k.lower(): v for k, v in res.getheaders()}
        doc = None
        if hdrs.get("content-type", "").split(";")[0].strip() in (
                "application/json", "application/problem+json"):
            doc = json.loads(data) if data else None
        return res.status, hdrs, data, doc
    finally:
        conn.close()


# Text that must never appear in an error body: internals of the server or of the store's engine.
LEAK_MARKERS = ["SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", "WHERE ", "constraint failed",
                "no such table", "database is locked", ".cc:", ".h:", "std::", "terminate called",
                "what():", "Traceback", "Segmentation",
                # PostgreSQL: libpq and server messages
                "relation \"", "duplicate key value", "violates ", "syntax error at", "SQLSTATE",
                "server closed the connection"]


def assert_no_leak(data):
    text = data.decode("utf-8", "replace")
    assert "sqlite" not in text.lower(), f"error body names SQLite: {text}"
    for engine in ("postgres", "libpq"):
        assert engine not in text.lower(), f"error body names {engine}: {text}"
    for marker in LEAK_MARKERS:
        assert marker not in text, f"error body leaks {marker!r}: {text}"


def check_problem(status, hdrs, data, doc, want_status, rule=None, field=None):
    """A problem+json answer of `want_status` (and `rule`, `field` when given), no internals."""
    assert status == want_status, f"status {status}, wanted {want_status}: {data[:400]!r}"
    ctype = hdrs.get("content-type", "")
    assert ctype.startswith("application/problem+json"), f"content type {ctype!r}"
    assert doc is not None
    for k in ("type", "title", "status", "detail", "request_id"):
        assert k in doc, f"problem without {k}: {doc}"
    assert doc["status"] == want_status, doc
    assert doc["request_id"] == hdrs.get("x-request-id"), (doc, hdrs.get("x-request-id"))
    if rule is not None:
        assert doc.get("rule") == rule, f"rule {doc.get('rule')!r}, wanted {rule!r}: {doc}"
        # The EPCIS binding types its problems by GS1's exceptions (server/epcis_api.h).
        assert (doc["type"] == "urn:battrace:problem:" + rule
                or doc["type"].startswith("epcisException:")), doc
    if field is not None:
        assert doc.get("field") == field, f"field {doc.get('field')!r}, wanted {field!r}: {doc}"
    assert_no_leak(data)
    return doc
