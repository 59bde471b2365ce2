#!/usr/bin/env python3
"""Several writers on one store, and `import --replay` kept to its window (docs/operations.md,
"More than one writer"; docs/ledger-format.md, "Replayed receipt times").

usage: writers_test.py BATTRACE WORKDIR

On the engine BATTRACE_TEST_ENGINE names (engines.py):
- History load: `import --replay` into a store holding registry leaves only takes the file's
  times, and every such leaf carries "receipt": "replayed"; `verify` counts them.
- Replay into the live store: a time before the last leaf's and a time in the future are refused
  (rule replay.window, the line and the window named), nothing stored; one inside the window is
  accepted and marked.
- serve, then import: a server files reports, `battrace import` appends while it runs, and the
  server's next POSTs are accepted after the import's leaves (no stale ledger edge).
- import, then serve: a slow import (one report per transaction) runs while a server starts
  and files reports; both finish.
- A second serve on the same store: both servers file reports, alternately and at once.
- Read-only commands (verify, findings, checkpoint) work while servers run.
- /healthz: 503 (writable false) while the store refuses writes (SQLite: another connection
  holds the write lock past the busy timeout), 200 again after the next write succeeds.
- At the end every filed report is stored exactly once, at the leaf its receipt names, and
  `battrace verify` passes and counts the replayed leaves.

Prints "writers: ok" on success.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_support  # noqa: E402
import engines  # noqa: E402

battrace, work = sys.argv[1], sys.argv[2]
engines.require()
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)


def run(*args, rc=0, timeout=300):
    p = subprocess.run([battrace, *args], capture_output=True, text=True, timeout=timeout)
    if p.returncode != rc:
        sys.exit(f"battrace {' '.join(args)}: exit {p.returncode}, wanted {rc}\n"
                 f"{p.stdout}\n{p.stderr}")
    return p.stdout if rc == 0 else p.stdout + p.stderr


def write(name, reports):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        for r in reports:
            f.write(json.dumps(r) + "\n")
    return path


def live(reports):
    """The reports as an enterprise files them: without the platform's `reported`."""
    out = []
    for r in reports:
        r = dict(r)
        r.pop("reported", None)
        out.append(r)
    return out


store = engines.store_args(work, "store")
read = engines.read_args(store)
run("simulate", "--out", os.path.join(work, "sim"), "--vehicles", "12", "--seed", "11")
reports = [json.loads(l) for l in open(os.path.join(work, "sim", "reports.ndjson"))]
run("init", *store, "--origin", "writers.test/ledger")
run("registry", "import", *store, os.path.join(work, "sim", "registry.ndjson"))
registry_leaves = int(engines.query(store, "SELECT COUNT(*) FROM report")[0][0])
half = len(reports) // 2
history, later = reports[:half], reports[half:]
if len(later) < 120:
    sys.exit(f"{len(later)} later reports: the simulated world is too small")

# --- History load, and replays into the live store -------------------------------------------
out = run("import", *store, "--replay", write("history.ndjson", history))
if f"{len(history)} accepted" not in out:
    sys.exit(f"history load: {out}")
marked = sum('"receipt":"replayed"' in b for b in engines.report_bodies(
    store, [b for (b,) in engines.query(store, "SELECT body FROM report")]))
if int(marked) != len(history):
    sys.exit(f"{marked} leaves marked replayed after a history load of {len(history)}")
out = run("verify", *engines.verify_args(battrace, store))
if f"({len(history)} replayed)" not in out:
    sys.exit(f"verify does not count the replayed leaves: {out}")

size = int(engines.query(store, "SELECT COUNT(*) FROM report")[0][0])
probe = dict(later[0], id="writers-probe")
for name, when in (("past", history[0]["reported"]), ("future", "2099-01-01T00:00:00Z")):
    one = dict(probe, reported=when)
    path = write(f"replay-{name}.ndjson", [later[1] | {"id": "writers-ok-" + name}, one])
    err = run("import", *store, "--replay", path, rc=1)
    for want in ("replay.window", f"replay-{name}.ndjson, line 2", "(now)",
                 f"ledger leaf {size})"):  # line 1, appended then rolled back
        if want not in err:
            sys.exit(f"replay of a {name} time into the live store: {want!r} not in {err!r}")
    now = int(engines.query(store, "SELECT COUNT(*) FROM report")[0][0])
    if now != size:
        sys.exit(f"a refused replay ({name}) stored {now - size} leaves")
inside = dict(later[1], id="writers-in-window")
out = run("import", *store, "--replay", write("replay-inside.ndjson", [inside]))
body = engines.report_bodies(store, [b for (b,) in engines.query(
    store, "SELECT body FROM report WHERE id = ?", [inside["id"]])])
if "1 accepted" not in out or not body or '"receipt":"replayed"' not in body[0]:
    sys.exit(f"a replay inside the window: {out} {body}")
history.append(inside)  # counted with the replayed leaves from here on
print("replay refused into the live store before its last leaf and in the future, "
      "accepted between")

# --- serve, then import ------------------------------------------------------------------------
reporters = sorted({r["reporter"] for r in later})
tokens = {}
for uscc in reporters:
    text = run("token", "issue", *read, "--principal", "enterprise:" + uscc).strip()
    tokens[uscc] = text.splitlines()[-1].strip()

filed = {}  # (reporter, id) -> receipt, from every writer
filed_lock = threading.Lock()


def post(server, batch):
    """Files `batch` (reports of any reporters) through `server`, one POST per reporter."""
    for uscc in sorted({r["reporter"] for r in batch}):
        mine = [r for r in live(batch) if r["reporter"] == uscc]
        st, _, data, doc = server.call("POST", "/v1/reports", tokens[uscc], body=mine)
        if st != 200:
            raise AssertionError(f"POST /v1/reports: {st} {data[:300]!r}")
        for item in doc["results"]:
            if item["outcome"] in ("accepted", "duplicate"):
                rc = item["receipt"]
                with filed_lock:
                    filed[(rc["reporter"], rc["id"])] = rc["leaf_index"]


def cli_import(name, batch, *extra):
    receipts = os.path.join(work, name + ".receipts")
    return subprocess.Popen([battrace, "import", *store, "--receipts", receipts, *extra,
                             write(name + ".ndjson", live(batch))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), receipts


def collect(receipts):
    for line in open(receipts):
        rc = json.loads(line)
        filed[(rc["reporter"], rc["id"])] = rc["leaf_index"]


def healthy(server):
    st, _, _, doc = server.call("GET", "/healthz")
    if st != 200 or doc["status"] != "ok" or doc["writable"] is not True:
        raise AssertionError(f"/healthz: {st} {doc}")
    return doc["ledger_size"]


chunks = [later[i::6] for i in range(6)]
with api_support.Server(battrace, store, work) as s1:
    post(s1, chunks[0][:10])
    proc, receipts = cli_import("import-1", chunks[1])
    out, err = proc.communicate(timeout=300)
    if proc.returncode != 0:
        sys.exit(f"import while serve runs: exit {proc.returncode}: {out} {err}")
    collect(receipts)
    before = int(engines.query(store, "SELECT COUNT(*) FROM report")[0][0])
    post(s1, chunks[0][10:])
    fresh = [leaf for key, leaf in filed.items() if key[1] in {r["id"] for r in chunks[0][10:]}]
    if not fresh or min(fresh) < before:
        sys.exit(f"POSTs after the import got leaves {sorted(fresh)[:5]}, the import ended at "
                 f"{before}")
    healthy(s1)
    # Read-only commands while a server writes.
    run("verify", *engines.verify_args(battrace, store))
    run("findings", *read, "--as-of", "2026-10-31")
    run("checkpoint", *read)
    print(f"serve then import: {len(filed)} reports filed, POSTs resumed after leaf {before}")

    # --- a second serve, both filing at once ----------------------------------------------------
    with api_support.Server(battrace, store, work) as s2:
        errors = []

        def file_all(server, batch):
            try:
                for i in range(0, len(batch), 4):
                    post(server, batch[i:i + 4])
            except AssertionError as e:  # reported by the main thread
                errors.append(str(e))

        threads = [threading.Thread(target=file_all, args=(s, c))
                   for s, c in ((s1, chunks[2]), (s2, chunks[3]))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        if errors:
            sys.exit(f"two servers filing at once: {errors[0]}")
        healthy(s1)
        healthy(s2)
    print(f"two servers filed at once: {len(filed)} reports filed")

# --- import, then serve ------------------------------------------------------------------------
proc, receipts = cli_import("import-2", chunks[4], "--batch", "1")
time.sleep(0.3)
with api_support.Server(battrace, store, work) as s3:
    post(s3, chunks[5])
    out, err = proc.communicate(timeout=300)
    if proc.returncode != 0:
        sys.exit(f"a slow import with a server started meanwhile: exit {proc.returncode}: {err}")
    collect(receipts)
    size = healthy(s3)

    # --- /healthz while the store refuses writes -------------------------------------------------
    if not engines.postgres():
        lock = sqlite3.connect(store[store.index("--db") + 1], isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # the write lock, held past the busy timeout (10 s)
        try:
            uscc = later[0]["reporter"]
            st, _, data, _ = s3.call("POST", "/v1/reports", tokens[uscc],
                                     body=live([dict(later[0], id="writers-locked")]), timeout=60)
            if st != 503:  # the busy timeout: an I/O error, "the server failed"
                sys.exit(f"POST while the store is locked: {st} {data[:200]!r}")
            st, _, _, doc = s3.call("GET", "/healthz")
            if st != 503 or doc["writable"] is not False:
                sys.exit(f"/healthz after a failed write: {st} {doc}")
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        post(s3, [dict(later[0], id="writers-unlocked")])
        healthy(s3)
        print("/healthz: 503 while writes failed, 200 after the next one")

# --- every report once, at its receipt's leaf; verify ------------------------------------------
rows = engines.query(store, "SELECT reporter, id, leaf FROM report")
stored = {(r, i): int(leaf) for r, i, leaf in rows}
if len(stored) != len(rows):
    sys.exit("a (reporter, id) is stored twice")
leaves = sorted(stored.values())
if leaves != list(range(len(leaves))):
    sys.exit("the ledger's leaves are not 0..n-1")
for key, leaf in filed.items():
    if stored.get(key) != leaf:
        sys.exit(f"{key}: receipt leaf {leaf}, stored at {stored.get(key)}")
out = run("verify", *engines.verify_args(battrace, store))
if f"verify: ok: {len(rows)} leaves ({len(history)} replayed)" not in out:
    sys.exit(f"verify: {out}")
print(f"{len(rows)} leaves ({registry_leaves} registry, {len(history)} replayed, "
      f"{len(filed)} filed by several writers), verify ok")
print("writers: ok")
