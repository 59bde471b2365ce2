#!/usr/bin/env python3
"""A synchronous standby that loses nothing: the primary killed in the middle of API capture,
the standby promoted, `serve` writing to it (docs/operations.md, 3.4).

usage: failover_test.py BATTRACE TEST_PG_SH WORK

Two throwaway PostgreSQL clusters on loopback, made with scripts/test-pg.sh: `start` (the
primary), then `standby` (a pg_basebackup copy streaming from it, which the primary waits for at
every commit). A store is loaded on the primary, and `battrace serve` runs with
  --pg       both hosts, target_session_attrs=read-write: writes, credentials, the audit writer
             and the reads that must see the latest commits go to whichever is the primary;
  --pg-read  both hosts, target_session_attrs=prefer-standby: the routes that may read a
             standby read there, on read-only connections.
Checked:
- a `serve --pg-read` naming a database of another store is refused at start (serve.pg_read);
- before the failover: the standby is a hot standby and the store's read commands work on it
  (`verify`, `findings`); a read route answers from it, with and without a token, and the server
  holds connections there;
- client threads post batches of reports continuously and record every acknowledged receipt; a
  batch not acknowledged is sent again, as clients are told to. Every answer that is not an
  acknowledgment must be 503 with the rule store.unavailable: no other status, no connection
  error, no 500;
- the primary's postmaster is killed (SIGKILL) while they post; once a post has failed, a
  public read route still answers, from the standby; the standby is promoted (pg_ctl promote);
- the clients go on until batches have been acknowledged by the new primary; the time without
  writes (the first failed post sent to the first acknowledged post answered after it) is
  printed, with its parts;
- afterwards every acknowledged receipt is in the new primary's ledger at its leaf with its leaf
  hash, and provable: an inclusion proof from the API against a checkpoint the new primary
  signed, checked with the independent verifier (rfc9162_verify.py) against the checkpoint's
  signature; the leaves have no gap or duplicate; an audited read of a report filed after the
  promotion answers and is in the audit trail (the audit writer reconnected); the server stops
  cleanly and `battrace verify` passes on the new primary.
Exits 77 (skipped) when PostgreSQL's binaries are absent. Prints "failover: ok".
"""
import base64
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
import rfc9162_verify  # noqa: E402
from api_support import AS_OF, Server, call, run  # noqa: E402

DB = "battrace"
CLIENTS = 3
BATCH = 5
BEFORE_KILL = 25  # batches acknowledged before the primary is killed
AFTER_PROMOTION = 20  # batches acknowledged by the new primary before the clients stop
WAIT = 30  # seconds any one phase may take


def psql(conninfo, sql):
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo,
                        "-c", sql], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"psql {sql!r}: {p.stderr.strip()}")
    return [line.split("|") for line in p.stdout.splitlines() if line]


def with_db(admin, dbname):
    return admin.replace("dbname=postgres", "dbname=" + dbname)


def port_of(conninfo):
    return next(p.split("=")[1] for p in conninfo.split() if p.startswith("port="))


def wait_for(what, cond, timeout=WAIT):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


class Clients:
    """Threads posting batches of reports, each batch again until it is acknowledged."""

    def __init__(self, port, batches, tokens):
        self.port = port
        self.tokens = tokens
        self.lock = threading.Lock()
        self.receipts = {}  # (reporter, id) -> (leaf, leaf hash), from acknowledged posts
        self.acked = []  # (sent, answered) of each acknowledged post
        self.failed = []  # (sent, answered, what) of each post not acknowledged
        self.retried = 0  # batches acknowledged after a failure
        self.in_doubt = 0  # of those, batches whose reports came back duplicate: committed
        self.errors = []  # answers that are neither an acknowledgment nor 503 store.unavailable
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.post_all, args=(batches[i::CLIENTS],))
                        for i in range(CLIENTS)]
        for t in self.threads:
            t.start()

    def post_all(self, batches):
        for reporter, reports in batches:
            failures = 0
            while not self.stop.is_set():
                sent = time.monotonic()
                try:
                    status, _, data, doc = call(self.port, "POST", "/v1/reports",
                                                token=self.tokens[reporter], body=reports,
                                                timeout=30)
                    what = f"{status} {(doc or {}).get('rule', data[:200])}"
                except (OSError, http.client.HTTPException) as e:
                    status, doc, what = None, None, f"connection error: {e!r}"
                answered = time.monotonic()
                with self.lock:
                    if status == 200:
                        self.record(doc, failures)
                        self.acked.append((sent, answered))
                        break
                    self.failed.append((sent, answered, what))
                    if status != 503 or (doc or {}).get("rule") != "store.unavailable":
                        self.errors.append(what)
                failures += 1
                time.sleep(0.05)
            if self.stop.is_set():
                return

    def record(self, doc, failures):
        outcomes = [item["outcome"] for item in doc["results"]]
        for item in doc["results"]:
            if "receipt" in item:
                r = item["receipt"]
                self.receipts[(r["reporter"], r["id"])] = (r["leaf_index"], r["leaf_hash"])
        if failures:
            self.retried += 1
            self.in_doubt += "duplicate" in outcomes
        elif "duplicate" in outcomes:
            self.errors.append(f"a batch sent once answered duplicate: {doc}")

    def count_acked(self, after=0.0):
        with self.lock:
            return sum(1 for sent, _ in self.acked if sent >= after)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(60)


def main():
    battrace, test_pg, work = sys.argv[1], sys.argv[2], sys.argv[3]
    engines.require_pg_tools("initdb", "pg_ctl", "pg_basebackup", "postgres")
    began = time.monotonic()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    # The clusters' directories belong to the cluster's user (postgres, when run as root):
    # a fresh directory the tests' user may enter.
    clusters = tempfile.mkdtemp(prefix="battrace-failover.")
    os.chmod(clusters, 0o755)
    primary_dir, standby_dir = os.path.join(clusters, "primary"), os.path.join(clusters, "standby")
    server = None
    try:
        primary = run([test_pg, "start", primary_dir], timeout=120).strip()
        psql(primary, f"CREATE DATABASE {DB} TEMPLATE template0 ENCODING 'UTF8' "
                      "LC_COLLATE 'C' LC_CTYPE 'C'")
        key = os.path.join(work, "store.key")
        read = ["--pg", with_db(primary, DB)]
        store = read + ["--key", key]

        # The store, loaded before the standby is made: most of a simulated world.
        sim = os.path.join(work, "sim")
        run([battrace, "simulate", "--out", sim, "--vehicles", "150", "--seed", "20260401",
             "--violations", "0.05"])
        lines = open(os.path.join(sim, "reports.ndjson")).read().splitlines()
        keep_back = 600
        with open(os.path.join(work, "first.ndjson"), "w") as f:
            f.write("\n".join(lines[:-keep_back]) + "\n")
        run([battrace, "init", *store, "--origin", "failover.test/ledger"])
        run([battrace, "registry", "import", *store, os.path.join(sim, "registry.ndjson")])
        run([battrace, "import", *store, "--replay",
             os.path.join(work, "first.ndjson")])
        vkey = run([battrace, "pubkey", *store]).strip()
        later = []
        for line in lines[-keep_back:]:
            r = json.loads(line)
            r.pop("reported", None)  # set by the platform on receipt
            later.append(r)
        by_reporter = {}
        for r in later:
            by_reporter.setdefault(r["reporter"], []).append(r)
        tokens = {u: run([battrace, "token", "issue", *read, "--principal", f"enterprise:{u}"])
                  .strip().splitlines()[-1] for u in by_reporter}
        batches = [(u, rs[i:i + BATCH]) for u, rs in by_reporter.items()
                   for i in range(0, len(rs), BATCH)]
        # A battery already stored, and a token of its producer (who may read its history).
        code, producer = psql(with_db(primary, DB), "SELECT code, producer FROM battery WHERE "
                                                    "producer IS NOT NULL ORDER BY code LIMIT 1")[0]
        maker = run([battrace, "token", "issue", *read, "--principal",
                     f"enterprise:{producer}"]).strip().splitlines()[-1]

        # A --pg-read that names another store is refused at start.
        psql(primary, "CREATE DATABASE other TEMPLATE template0")
        other = ["--pg", with_db(primary, "other")]
        run([battrace, "init", *other, "--key", os.path.join(work, "other.key"),
             "--origin", "other.test/ledger"])
        p = subprocess.run([battrace, "serve", *store, "--pg-read", other[1],
                            "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                           timeout=60)
        assert p.returncode == 2 and "serve.pg_read" in p.stderr \
            and "other.test/ledger" in p.stderr, f"--pg-read of another store: {p}"

        # The standby is read as a role that reads every table but the tokens' (the read role
        # of docs/operations.md, section 1): credentials are checked on the primary.
        psql(with_db(primary, DB), "CREATE ROLE battrace_read LOGIN; GRANT SELECT ON ALL TABLES "
                                   "IN SCHEMA public TO battrace_read; "
                                   "REVOKE SELECT ON token FROM battrace_read")
        t0 = time.monotonic()
        standby = run([test_pg, "standby", standby_dir, primary_dir], timeout=120).strip()
        print(f"standby made and synchronous in {time.monotonic() - t0:.1f} s", flush=True)
        assert psql(standby, "SELECT pg_is_in_recovery()") == [["t"]], "not a hot standby"
        assert psql(primary, "SELECT sync_state FROM pg_stat_replication") == [["sync"]]
        on_standby = ["--pg", with_db(standby, DB).replace("battrace_test", "battrace_read")]
        run([battrace, "verify", *on_standby, "--key", vkey])
        findings = json.loads(run([battrace, "findings", *on_standby, "--as-of", AS_OF,
                                   "--json"]))
        print(f"on the hot standby, as the read role: verify passes, {len(findings)} findings",
              flush=True)

        hosts = "host=127.0.0.1,127.0.0.1 port={},{} user={} dbname=" + DB
        p1, p2 = port_of(primary), port_of(standby)
        writes = hosts.format(p1, p2, "battrace_test") + \
            " target_session_attrs=read-write connect_timeout=2"
        reads = hosts.format(p2, p1, "battrace_read") + \
            " target_session_attrs=prefer-standby connect_timeout=2"
        server = Server(battrace, ["--pg", writes, "--key", key], work, "--quiet",
                        "--pg-read", reads)

        # Read routes answer from the standby, with and without credentials.
        st, _, data, _ = server.call("GET", f"/v1/batteries/{code}")
        assert st == 200, f"public battery before the failover: {st} {data[:300]!r}"
        st, _, data, _ = server.call("GET", f"/v1/batteries/{code}/history", token=maker)
        assert st == 200, f"battery history before the failover: {st} {data[:300]!r}"
        there = psql(standby, f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{DB}' "
                              "AND usename = 'battrace_read'")
        assert int(there[0][0]) >= 1, "the server holds no connection on the standby"

        clients = Clients(server.port, batches, tokens)
        try:
            wait_for(f"{BEFORE_KILL} acknowledged batches",
                     lambda: clients.count_acked() >= BEFORE_KILL)
            pid = int(open(os.path.join(primary_dir, "data", "postmaster.pid")).readline())
            killed = time.monotonic()
            os.kill(pid, signal.SIGKILL)
            wait_for("a failed post", lambda: clients.failed, timeout=10)
            # Writes fail; a public read route still answers, from the standby.
            st, _, data, _ = server.call("GET", f"/v1/batteries/{code}")
            assert st == 200, f"public battery with the primary down: {st} {data[:300]!r}"
            st, _, data, doc = server.call("GET", "/v1/ledger/checkpoint")
            assert st == 200, f"checkpoint with the primary down: {st} {data[:300]!r}"
            size_at_kill = doc["size"]
            promoting = time.monotonic()
            run([test_pg, "promote", standby_dir], timeout=120)
            promoted = time.monotonic()
            wait_for(f"{AFTER_PROMOTION} batches acknowledged by the new primary",
                     lambda: clients.count_acked(after=promoted) >= AFTER_PROMOTION)
        finally:
            clients.finish()
        if clients.errors:
            logged = [line for line in open(server.log_path) if '"error"' in line]
            raise AssertionError("answers other than an acknowledgment or 503 store.unavailable:\n"
                                 + "\n".join(clients.errors[:5]) + "\nthe server's errors:\n"
                                 + "".join(logged[:10]))
        first_fail_sent = min(sent for sent, _, _ in clients.failed)
        first_fail_answered = min(answered for _, answered, _ in clients.failed)
        resumed = min(answered for sent, answered in clients.acked if sent >= first_fail_answered)
        print(f"time without writes: {resumed - first_fail_sent:.2f} s (the kill to the first "
              f"failed answer {first_fail_answered - killed:.2f} s, to the promotion "
              f"{promoting - killed:.2f} s; pg_ctl promote {promoted - promoting:.2f} s; "
              f"promoted to the first acknowledgment {resumed - promoted:.2f} s)", flush=True)
        print(f"{len(clients.acked)} batches acknowledged ({len(clients.receipts)} receipts), "
              f"{clients.count_acked(after=promoted)} of them by the new primary; "
              f"{len(clients.failed)} posts answered 503 store.unavailable; "
              f"{clients.retried} batches sent again, {clients.in_doubt} of them committed "
              f"before the answer was lost (came back duplicate)", flush=True)

        # Every acknowledged receipt is in the new primary's ledger, at its leaf.
        new = with_db(standby, DB)
        assert psql(standby, "SELECT pg_is_in_recovery()") == [["f"]], "not promoted"
        rows = psql(new, "SELECT leaf, reporter, id, encode(leaf_hash, 'base64') FROM report "
                         "ORDER BY leaf")
        leaves = [int(r[0]) for r in rows]
        assert leaves == list(range(len(rows))), "the ledger's leaves have a gap or a duplicate"
        stored = {(r[1], r[2]): (int(r[0]), r[3]) for r in rows}
        missing = [k for k, v in clients.receipts.items() if stored.get(k) != v]
        assert not missing, f"{len(missing)} acknowledged receipts are not in the ledger as " \
                            f"given, e.g. {missing[0]}: {clients.receipts[missing[0]]} vs " \
                            f"{stored.get(missing[0])}"

        # ... and provable against a checkpoint the new primary signed.
        last = max(leaf for leaf, _ in clients.receipts.values())
        checkpoint = {}

        def signed():
            st, _, _, doc = server.call("GET", "/v1/ledger/checkpoint")
            checkpoint.update(doc if st == 200 else {})
            return st == 200 and doc["size"] > last

        wait_for(f"a checkpoint covering leaf {last}", signed, timeout=10)
        assert checkpoint["size"] > size_at_kill
        body = rfc9162_verify.open_note(checkpoint["note"].encode(), vkey)
        assert body is not None, "the checkpoint's signature does not verify"
        origin, size, root = rfc9162_verify.parse_checkpoint(body)
        assert origin == "failover.test/ledger" and size == checkpoint["size"], body
        for (reporter, rid), (leaf, leaf_hash) in sorted(clients.receipts.items()):
            st, _, data, proof = server.call("GET", f"/v1/ledger/proof/inclusion?leaf={leaf}"
                                                    f"&size={size}")
            assert st == 200, f"proof of leaf {leaf}: {st} {data[:300]!r}"
            assert proof["leaf_hash"] == leaf_hash, f"leaf {leaf}: {proof} vs {leaf_hash}"
            hashes = [base64.b64decode(h) for h in proof["hashes"]]
            assert rfc9162_verify.verify_inclusion(leaf, size, base64.b64decode(leaf_hash),
                                                   hashes, root), \
                f"the inclusion proof of {reporter}/{rid} (leaf {leaf}) does not verify"
        print(f"{len(clients.receipts)} receipts in the ledger and proved against the signed "
              f"checkpoint of size {size}", flush=True)

        # The audit writer reconnected: an audited read of a report filed after the promotion.
        reporter, rid = next(k for k, (leaf, _) in clients.receipts.items() if leaf == last)
        st, _, data, _ = server.call("GET", f"/v1/reports/{reporter}/{rid}",
                                     token=tokens[reporter])
        assert st == 200, f"an audited read after the failover: {st} {data[:300]!r}"
        audited = psql(new, f"SELECT count(*) FROM audit WHERE record = "
                            f"'report:{reporter}/{rid}'")
        assert audited == [["1"]], f"the audit trail of report:{reporter}/{rid}: {audited}"
        rc = server.stop()
        assert rc == 0, f"serve exited {rc}: {open(server.log_path).read()[-2000:]}"
        server = None
        out = run([battrace, "verify", "--pg", new, "--key", vkey])
        print(out.strip().splitlines()[-1] if out.strip() else "verify: passed", flush=True)
        print(f"test took {time.monotonic() - began:.1f} s", flush=True)
        print("failover: ok")
    finally:
        if server is not None:
            server.kill()
        for d in (standby_dir, primary_dir):
            subprocess.run([test_pg, "stop", d], capture_output=True, timeout=120)
        shutil.rmtree(clusters, ignore_errors=True)


def _exit_on_sigterm(signum, frame):
    sys.exit(128 + signum)  # so that the clusters are stopped when ctest stops the test


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    main()
