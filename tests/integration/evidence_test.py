#!/usr/bin/env python3
"""Tamper evidence that a forger with the store's tables in hand cannot route around, through the
battrace binary, on the engine BATTRACE_TEST_ENGINE names (engines.py):

- rollback: the newest leaves deleted with their nodes and checkpoints pass a plain `verify`
  (a store checked alone is consistent with itself) but fail `verify --checkpoint kept.note`;
- fork: the same, refilled with other reports and signed again, fails too;
- `--checkpoint` with a file that is no signed checkpoint is an error (exit 2);
- the wrong key: another valid key of the same name is refused for writing, naming both key
  ids; `verify` without --key uses the key pinned in the store and says so;
- the audit trail: its head is signed into the checkpoints (the independent verifier
  rfc9162_verify.py accepts the extension line); an entry edited with the chain recomputed,
  or the newest entries deleted, fail `verify` naming the entry; a running server signs the
  head of the reads it audits within a second (polled for up to 10 s on a loaded machine).

usage: evidence_test.py BATTRACE VERIFY_PY WORK_DIR
"""
import functools
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_support  # noqa: E402
import engines  # noqa: E402

engines.require()
battrace, verify_py, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
data = os.path.join(work, "data")
ORIGIN = "evidence.test/ledger"


run = functools.partial(api_support.cli, battrace)


def expect(text, what, words):
    if words not in text:
        sys.exit(f"{what}: expected {words!r} in:\n{text}")


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def new_store(name):
    store = engines.store_args(work, name)
    run("init", *store, "--origin", ORIGIN)
    run("registry", "import", *store, os.path.join(data, "registry.ndjson"))
    return store


def verify(store, *extra, rc=0):
    return run("verify", *engines.read_args(store), *extra, rc=rc)


run("simulate", "--out", data, "--vehicles", "3", "--seed", "5")
with open(os.path.join(data, "reports.ndjson")) as f:
    reports = f.readlines()
half = len(reports) // 2
first = write("first.ndjson", "".join(reports[:half]))
second = write("second.ndjson", "".join(reports[half:]))

# --- Rollback and fork ------------------------------------------------------------------------
store = new_store("ledger")
read = engines.read_args(store)
run("import", *store, "--replay", first)
size1 = int(run("checkpoint", *read).split("\n")[1])
kept1 = write("kept1.note", run("checkpoint", *read))
run("import", *store, "--replay", second)
kept2 = write("kept2.note", run("checkpoint", *read))
size2 = int(open(kept2).read().split("\n")[1])
if not 0 < size1 < size2:
    sys.exit(f"sizes {size1}, {size2}: the data set is too small")
out = verify(store, "--checkpoint", kept1, "--checkpoint", kept2)
expect(out, "verify of an intact store", "(pinned in the store)")
expect(out, "verify of an intact store", f"extends the checkpoint {kept2}")
expect(verify(store, "--checkpoint", "/etc/passwd", rc=2), "--checkpoint /etc/passwd",
       "not a signed checkpoint")


def truncate(store, size):
    """Deletes the leaves from `size` on, their history index rows, the Merkle nodes over them
    and their checkpoints, as a careful forger would: on PostgreSQL with their report_key rows,
    which verify compares with the reports."""
    keys = ("report_key",) if engines.postgres() else ()
    for table in ("report", "battery_event", "vehicle_event") + keys:
        engines.query(store, f"DELETE FROM {table} WHERE leaf >= ?", [size])
    level = 4
    while (1 << level) <= size2:
        # Node (level, i) covers leaves [i << level, (i + 1) << level).
        engines.query(store, "DELETE FROM merkle_node WHERE node >= ? AND node < ?",
                      [(level << 56) + size // (1 << level), (level + 1) << 56])
        level += 4
    engines.query(store, "DELETE FROM checkpoint WHERE size > ?", [size])


truncate(store, size1)
out = verify(store)  # the known limit: a store alone is consistent with itself
expect(out, "a rolled-back store, alone", f"verify: ok: {size1} leaves")
out = verify(store, "--checkpoint", kept1, "--checkpoint", kept2, rc=1)
expect(out, "a rolled-back store", f"checkpoint {kept2}: rolled back: the store has {size1} "
       f"leaves, fewer than the {size2}")

# The same reports, received anew (the platform's receipt time, not theirs): other leaves.
refill = [json.loads(line) for line in reports[half:]]
for r in refill:
    r.pop("reported", None)
run("import", *store, write("refill.ndjson", "".join(json.dumps(r) + "\n" for r in refill)))
if int(run("checkpoint", *read).split("\n")[1]) != size2:
    sys.exit("the refilled store does not have the kept checkpoint's size")
verify(store)
out = verify(store, "--checkpoint", kept2, rc=1)
expect(out, "a forked store", f"forked: the store's tree at size {size2} is not the one")

# --- The wrong key ----------------------------------------------------------------------------
# Another store's key, of the same name as this store's key.
run("init", "--db", os.path.join(work, "impostor.db"), "--origin", ORIGIN)
impostor_key = os.path.join(work, "impostor.db.key")
audited = new_store("audited")
read = engines.read_args(audited)
pinned = run("pubkey", *audited).strip()
forged = run("pubkey", "--db", os.path.join(work, "impostor.db")).strip()
for args in (["import", *read, "--key", impostor_key, first], ["pubkey", *read, "--key", impostor_key]):
    out = run(*args, rc=1)
    for key in (pinned, forged):
        expect(out, f"{args[0]} with a signing key that is not the pinned one", key[:key.rindex("+")])
out = verify(audited, "--key", forged, rc=1)
expect(out, "verify with another key", f"(given with --key; the store pins {pinned})")
# The pin itself changed: verify with the platform's key says so; without --key, the forged pin
# is what the signatures are checked with, and they fail.
engines.query(audited, "UPDATE meta SET value = ? WHERE key = 'verifier_key'", [forged])
expect(verify(audited, "--key", pinned, rc=1), "a changed pin", "meta row verifier_key was changed")
expect(verify(audited, rc=1), "a changed pin, verified with it", "signature does not verify")
engines.query(audited, "UPDATE meta SET value = ? WHERE key = 'verifier_key'", [pinned])

# A store from before pinning, not opened with its key since: verify falls back to the signing
# key file beside an embedded store; with --pg it needs --key.
unpinned = new_store("unpinned")
engines.query(unpinned, "DELETE FROM meta WHERE key = 'verifier_key'")
if engines.postgres():
    expect(verify(unpinned, rc=2), "an unpinned store on PostgreSQL", "--key is required with --pg")
else:
    expect(verify(unpinned), "an unpinned embedded store", "(from the signing key file ")

# --- The audit trail's signed head ------------------------------------------------------------


def audit_hash(prev, seq, at, fields):
    """AuditHash (src/store/audit.h): SHA-256(prev || seq || at || each field with its length)."""
    h = hashlib.sha256(prev + struct.pack(">QQ", seq, at))
    for f in fields:
        b = f.encode()
        h.update(struct.pack(">Q", len(b)) + b)
    return h.digest()


def write_chain(store, entries, start=1, prev=bytes(32)):
    """Stores entries (at, principal, action, record, purpose, request_id) from seq `start` on,
    chained after `prev`; returns the last hash."""
    for seq, (at, *fields) in enumerate(entries, start):
        prev = audit_hash(prev, seq, at, fields)
        engines.query(store, "DELETE FROM audit WHERE seq = ?", [seq])
        engines.query(store, "INSERT INTO audit (seq, at, principal, action, record, purpose, "
                      "request_id, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [seq, at, *fields, prev])
    return prev


reads = [(1780000000000000 + i, "regulator:MIIT-440300", "GET /v1/batteries/{code}",
          f"battery:{i}", "inspection", f"req-{i}") for i in range(4)]
write_chain(audited, reads)
run("import", *audited, write("empty.ndjson", ""))  # signs: the audit trail grew
note = run("checkpoint", *read)
if "\naudit 4 " not in note:
    sys.exit(f"the checkpoint does not sign the audit head:\n{note}")
opened = subprocess.run([sys.executable, verify_py, "note", "--key", pinned, "--note",
                         write("audited.note", note)], check=True, capture_output=True, text=True)
if '"size": ' not in opened.stdout:
    sys.exit(f"rfc9162_verify.py does not read the checkpoint with its audit line:\n{note}")
expect(verify(audited), "the audited store", "4 audit entries")

# Entry 2 says another purpose, and the chain is recomputed from it on.
edited = list(reads)
edited[1] = edited[1][:4] + ("curiosity",) + edited[1][5:]
prev = engines.query(audited, "SELECT hash FROM audit WHERE seq = 1")[0][0]
write_chain(audited, edited[1:], 2, bytes.fromhex(prev[2:]))
out = verify(audited, rc=1)
expect(out, "an audit entry edited and rechained", "audit entry 4: its hash differs from the one")
write_chain(audited, reads)

engines.query(audited, "DELETE FROM audit WHERE seq >= 3")
out = verify(audited, rc=1)
expect(out, "the newest audit entries deleted", "audit entry 3 is missing")
# A running server signs the head of the reads it audits within a second.
served = new_store("served")
run("import", *served, "--replay", first)
admin = subprocess.run([battrace, "token", "issue", *engines.read_args(served), "--principal",
                        "admin"], capture_output=True, text=True, check=True).stdout.strip()
code = next(r["code"] for r in map(json.loads, reports[:half]) if "code" in r)
with api_support.Server(battrace, served, work) as server:
    status = server.call("GET", f"/v1/batteries/{code}", admin, "evidence test")[0]
    if status != 200:
        sys.exit(f"GET /v1/batteries/{code}: {status}")
    deadline = time.monotonic() + 10
    while "\naudit 1 " not in run("checkpoint", *engines.read_args(served)):
        if time.monotonic() > deadline:
            sys.exit("the server did not sign the audit head of its read within 10 s")
        time.sleep(0.2)
    server.stop()
expect(verify(served), "the served store", "1 audit entries")
print("evidence: ok")
