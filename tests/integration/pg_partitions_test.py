#!/usr/bin/env python3
"""A PostgreSQL store partitioned by leaf range (docs/operations.md, 5.7), across its boundaries.

usage: pg_partitions_test.py BATTRACE WORK

`battrace init --pg ... --partition-leaves 100` makes partitions of 100 leaves; a simulated world
of 30 vehicles (registry, then its reports) fills several, each next one made by the writer when
a batch's leaves reach past the last. Then:
- the catalog lists the partitions of report, battery_event and vehicle_event, each holding
  rows of its range only (more than two of them some), and report_key one row per report;
- the same reports imported again are all duplicates, each with the receipt it got first
  (reporter and id stay unique across partitions), and the ledger does not grow;
- the receipt of a leaf in the last partition verifies with its inclusion proof against the
  signed checkpoint (`battrace proof`, `battrace verify --receipt`);
- `battrace verify` passes;
- --partition-leaves with an embedded store (--db) is refused, naming the option.

Needs BATTRACE_TEST_PG (exit 77, skipped, without it).
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ["BATTRACE_TEST_ENGINE"] = "postgres"
import engines  # noqa: E402

WIDTH = 100
TABLES = ("report", "battery_event", "vehicle_event")


def ok(cond, what):
    if not cond:
        sys.exit(f"pg partitions: FAILED: {what}")


def main():
    battrace, work = sys.argv[1], sys.argv[2]
    engines.require()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    def run(*args, expect=0):
        p = subprocess.run([battrace, *args], capture_output=True, text=True, timeout=60)
        ok(p.returncode == expect, f"battrace {' '.join(args[:2])} exited {p.returncode}, not "
                                   f"{expect}: {p.stdout.strip()} {p.stderr.strip()}")
        return p.stdout + p.stderr

    sim = os.path.join(work, "sim")
    run("simulate", "--out", sim, "--vehicles", "30", "--seed", "1")
    store = engines.store_args(work, "parts")
    read = engines.read_args(store)
    run("init", *store, "--partition-leaves", str(WIDTH))
    run("registry", "import", *store, os.path.join(sim, "registry.ndjson"))
    reports = os.path.join(sim, "reports.ndjson")
    first = os.path.join(work, "first.receipts")
    out = run("import", *store, "--replay", "--receipts", first, reports)
    ok(" 0 duplicates" in out, out)

    size = int(engines.query(store, "SELECT count(*) FROM report")[0][0])
    ok(size > 3 * WIDTH, f"{size} leaves do not cross three partition boundaries")
    for table in TABLES:
        rows = engines.query(store, f"""
            SELECT c.relname, count(t.leaf), COALESCE(min(t.leaf), -1), COALESCE(max(t.leaf), -1)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            LEFT JOIN {table} t ON t.tableoid = c.oid
            WHERE i.inhparent = '{table}'::regclass GROUP BY c.relname""")
        parts = {name: (int(n), int(lo), int(hi)) for name, n, lo, hi in rows}
        ok(len(parts) == size // WIDTH + 1, f"{table}: partitions {sorted(parts)} for {size} leaves")
        for k in range(size // WIDTH + 1):
            name = f"{table}_p{k}"
            ok(name in parts, f"{table}: no partition {name}: {sorted(parts)}")
            n, lo, hi = parts[name]
            ok(n == 0 or k * WIDTH <= lo <= hi < (k + 1) * WIDTH,
               f"{name} holds {n} rows of leaves {lo} to {hi}")
        # The first leaves are the registry's, which name no vehicle.
        ok(sum(n > 0 for n, _, _ in parts.values()) > 2, f"{table}: rows in {parts}")
        if table == "report":
            ok(sum(n for n, _, _ in parts.values()) == size, f"report partitions: {parts}")
    keys = engines.query(store, "SELECT count(*), count(r.leaf) FROM report_key k "
                                "LEFT JOIN report r ON r.leaf = k.leaf AND r.reporter = k.reporter "
                                "AND r.id = k.id")
    ok(keys == [(str(size), str(size))], f"report_key: {keys} for {size} reports")

    # The same reports again: duplicates in every partition, each with its first receipt.
    again = os.path.join(work, "again.receipts")
    out = run("import", *store, "--replay", "--receipts", again, reports)
    ok(" 0 accepted" in out, out)
    receipts = [json.loads(line) for line in open(first)]
    ok([json.loads(line) for line in open(again)] == receipts, "the receipts of the duplicates")
    ok(int(engines.query(store, "SELECT count(*) FROM report")[0][0]) == size, "the ledger grew")

    # A receipt of the last partition, proved against the signed checkpoint.
    last = max(receipts, key=lambda r: r["leaf_index"])
    ok(last["leaf_index"] >= (size // WIDTH) * WIDTH, f"last receipt {last}")
    note = run("checkpoint", *read)
    ok(f"\n{size}\n" in note, f"the checkpoint is not of the whole ledger: {note}")
    paths = {name: os.path.join(work, name) for name in ("receipt.json", "cp.note", "proof.json")}
    with open(paths["receipt.json"], "w") as f:
        json.dump(last, f)
    with open(paths["cp.note"], "w") as f:
        f.write(note)
    with open(paths["proof.json"], "w") as f:
        f.write(run("proof", *read, "--leaf", str(last["leaf_index"])))
    verifier = engines.verify_args(battrace, store)
    key = verifier[verifier.index("--key") + 1]
    out = run("verify", "--receipt", paths["receipt.json"], "--checkpoint", paths["cp.note"],
              "--proof", paths["proof.json"], "--key", key)
    ok("verify: ok" in out, out)
    out = run("verify", *verifier)
    ok("verify: ok" in out, out)

    out = run("init", "--db", os.path.join(work, "embedded.db"), "--partition-leaves", "5",
              expect=2)
    ok("--partition-leaves" in out and not os.path.exists(os.path.join(work, "embedded.db")),
       out)
    print(f"pg partitions: ok ({size} leaves in {size // WIDTH + 1} partitions of {WIDTH})")


if __name__ == "__main__":
    main()
