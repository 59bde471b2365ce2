#!/usr/bin/env python3
"""Two `battrace serve --pg` processes over one PostgreSQL store, many clients at once.

usage: pg_concurrency_test.py BATTRACE WORK

A simulated world is loaded (`import --replay`) up to a point; its later reports are then posted
by 8 client threads, in batches of one reporter each, every batch to both servers at about the
same time, and a share of them a third time later (deliberate duplicates). Afterwards:
- no report is lost or doubled: the ledger's leaves are 0..n-1, each (reporter, id) once, and
  every receipt any server gave names the leaf and leaf hash stored for that report; a report
  both servers accepted or found duplicate got the same receipt from both;
- exactly one process held the checkpoint signer's lock while both ran;
- `battrace verify` passes (ledger, checkpoints, audit);
- the findings and obligations equal those of a single-process load of the same reports: the
  ledger's leaves (registry changes and reports), in ledger order, replayed by one `battrace import` into a fresh embedded
  store, give the same leaves (each marked "receipt": "replayed" there, its time supplied by the
  import), the same findings and the same open duties.
The order in which the servers took the batches is not known in advance; the replay in ledger
order is the single-process load that order defines.

Needs BATTRACE_TEST_PG (exit 77, skipped, without it). Servers listen on 127.0.0.1 only.
"""
import json
import os
import queue
import random
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ["BATTRACE_TEST_ENGINE"] = "postgres"
import engines  # noqa: E402
from api_support import AS_OF, Server, run  # noqa: E402

CLIENTS = 8
BATCH = 25
# store/postgres/pg_locks.h; the cluster of the test run serves other tests' databases too.
SIGNER_LOCK = ("classid = 1651798627 AND objid = 2 AND database = "
               "(SELECT oid FROM pg_database WHERE datname = current_database())")


def main():
    battrace, work = sys.argv[1], sys.argv[2]
    engines.require()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    sim = os.path.join(work, "sim")
    run([battrace, "simulate", "--out", sim, "--vehicles", "400", "--seed", "7",
         "--violations", "0.05"])
    lines = open(os.path.join(sim, "reports.ndjson")).read().splitlines()
    registry = os.path.join(sim, "registry.ndjson")
    cut = len(lines) * 6 // 10
    first = os.path.join(work, "first.ndjson")
    with open(first, "w") as f:
        f.write("\n".join(lines[:cut]) + "\n")
    later = []
    for line in lines[cut:]:
        r = json.loads(line)
        r.pop("reported", None)  # set by the platform on receipt
        later.append(r)

    store = engines.store_args(work, "shared")
    read = engines.read_args(store)
    run([battrace, "init", *store, "--origin", "concurrency.test/ledger"])
    run([battrace, "registry", "import", *store, registry])
    run([battrace, "import", *store, "--replay", first])
    base = int(engines.query(store, "SELECT count(*) FROM report")[0][0])

    # Batches of one reporter each, in the simulated order within the reporter.
    by_reporter = {}
    for r in later:
        by_reporter.setdefault(r["reporter"], []).append(r)
    tokens = {u: run([battrace, "token", "issue", *read, "--principal", f"enterprise:{u}"])
              .strip().splitlines()[-1].strip() for u in by_reporter}
    batches = [(u, rs[i:i + BATCH]) for u, rs in by_reporter.items()
               for i in range(0, len(rs), BATCH)]
    rng = random.Random(7)
    work_items = queue.Queue()
    order = list(range(len(batches)))
    rng.shuffle(order)
    for i in order:
        work_items.put((i, 0))  # to server A
        work_items.put((i, 1))  # to server B, about the same time
    for i in rng.sample(range(len(batches)), len(batches) // 5):
        work_items.put((i, rng.randrange(2)))  # a third time, later

    receipts = {}  # (reporter, id) -> set of (leaf, leaf_hash)
    lock = threading.Lock()
    errors = []
    accepted = [0, 0]

    a = Server(battrace, store, work, "--quiet")
    b = Server(battrace, store, work, "--quiet")
    servers = [a, b]
    try:
        # Each server tries the lock on its first second's tick: wait for that tick.
        time.sleep(1.5)
        holders = engines.query(store, f"SELECT count(*) FROM pg_locks WHERE locktype = "
                                       f"'advisory' AND {SIGNER_LOCK} AND granted")
        assert holders == [("1",)], f"signer lock holders: {holders}"

        def client():
            while True:
                try:
                    i, which = work_items.get_nowait()
                except queue.Empty:
                    return
                reporter, reports = batches[i]
                status, _, _, doc = servers[which].call("POST", "/v1/reports",
                                                        token=tokens[reporter], body=reports,
                                                        timeout=120)
                results = doc.get("results") if isinstance(doc, dict) else None
                with lock:
                    if status != 200 or not isinstance(results, list) or \
                            len(results) != len(reports):
                        errors.append(f"batch {i} to server {which}: {status} {str(doc)[:300]}")
                        continue
                    for r, item in zip(reports, results):
                        receipt = item.get("receipt")
                        if receipt:
                            receipts.setdefault((r["reporter"], r["id"]), set()).add(
                                (receipt["leaf_index"], receipt["leaf_hash"]))
                            if item.get("outcome") == "accepted":
                                accepted[which] += 1

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, "\n".join(errors[:5])
        assert accepted[0] > 0 and accepted[1] > 0, f"accepted per server: {accepted}"
        for s in servers:
            assert s.stop() == 0, open(s.log_path).read()[-2000:]
    finally:
        for s in servers:
            s.kill()

    # No report lost or doubled.
    rows = engines.query(store, "SELECT leaf, reporter, id, encode(leaf_hash, 'base64') "
                                "FROM report ORDER BY leaf")
    leaves = [int(r[0]) for r in rows]
    assert leaves == list(range(len(rows))), "the ledger's leaves have a gap or a duplicate"
    stored = {(r[1], r[2]): (int(r[0]), r[3]) for r in rows}
    assert len(stored) == len(rows), "a (reporter, id) is stored twice"
    for key, seen in receipts.items():
        assert len(seen) == 1, f"{key}: different receipts {seen}"
        leaf, leaf_hash = next(iter(seen))
        assert stored.get(key) == (leaf, leaf_hash), f"{key}: receipt {seen}, stored {stored.get(key)}"
    posted = {(r["reporter"], r["id"]) for r in later}
    new_keys = set(stored) - {k for k in stored if stored[k][0] < base}
    assert new_keys <= posted, "the ledger holds a report nobody posted"
    assert len(rows) - base == len({k for k in receipts if stored[k][0] >= base}), \
        "a report in the ledger has no receipt"
    print(f"{len(batches)} batches, {work_items.qsize()} left, {len(rows) - base} reports "
          f"posted and stored once; accepted by A {accepted[0]}, by B {accepted[1]}")

    run([battrace, "verify", *engines.verify_args(battrace, store)])

    # The single-process load of the same reports, in ledger order.
    replay = os.path.join(work, "ledger.ndjson")
    bodies = lambda s: engines.report_bodies(
        s, [b for (b,) in engines.query(s, "SELECT body FROM report ORDER BY leaf")])
    with open(replay, "w") as f:
        f.write("".join(body + "\n" for body in bodies(store)))
    single = ["--db", os.path.join(work, "single.db")]
    run([battrace, "init", *single, "--origin", "concurrency.test/ledger"])
    # The registry's leaves are in the dump: import --replay records them as they were.
    run([battrace, "import", *single, "--replay", replay])
    # The same leaves but for the replay marker (the roots differ by it; the keys differ too).
    unmarked = lambda s: [{k: v for k, v in json.loads(b).items() if k != "receipt"}
                          for b in bodies(s)]
    assert unmarked(store) == unmarked(single), "the ledgers differ"
    for what in (["findings", "--as-of", AS_OF, "--json"], ["obligations", "--as-of", AS_OF,
                                                           "--json"]):
        shared_out = json.loads(run([battrace, what[0], *read, *what[1:]]))
        single_out = json.loads(run([battrace, what[0], *single, *what[1:]]))
        assert shared_out == single_out, f"{what[0]} differ: {len(shared_out)} vs {len(single_out)}"
        print(f"{what[0]}: {len(shared_out)}, equal to the single-process load")
    print("pg concurrency: ok")


if __name__ == "__main__":
    main()
