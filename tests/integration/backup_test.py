#!/usr/bin/env python3
"""`battrace backup` proven by restoring the backup (docs/operations.md, 2.5), embedded store.

usage: backup_test.py BATTRACE VERIFY_PY WORKDIR

- A store is served by `battrace serve` while a client thread posts reports through the API
  without pause; `battrace backup --json` runs in the middle and finishes while they go on.
- The backup is restored to a new path (copied into place with the signing key beside it):
  `battrace verify` passes on it; its latest checkpoint is the one the backup printed; its tree
  size and root are the ones printed, the root recomputed here from its leaf hashes (RFC 9162
  MTH, independently of battrace); its leaves are the live store's first leaves, and it holds
  every report whose receipt came back before the backup started.
- The live store went on past it: it still verifies, `verify --checkpoint` proves it extends the
  checkpoint the backup printed, and the server's consistency proof from the backup's tree
  (size and root as printed) to its own later checkpoint verifies with rfc9162_verify.py.
- The restored store serves: a report posted to it gets the leaf after the backup's last.
- Refused, with nothing written: an --out that exists (left as it was), an --out whose .tmp
  exists (another backup's, or an interrupted one), a store that does not exist.

Prints the figures (store size, the backup's time, size and steps, the POSTs during it) and
"backup: ok". Servers listen on 127.0.0.1 only.
"""
import base64
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_support  # noqa: E402
import engines  # noqa: E402
import rfc9162_verify  # noqa: E402

battrace, verify_py, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)


run = functools.partial(api_support.cli, battrace)


def mth(leaves):
    """RFC 9162 2.1.1: the Merkle tree hash of a list of leaf hashes."""
    if len(leaves) == 1:
        return leaves[0]
    k = rfc9162_verify.split(len(leaves))
    return rfc9162_verify.node_hash(mth(leaves[:k]), mth(leaves[k:]))


def leaf_hashes(db):
    rows = engines.query(["--db", db], "SELECT leaf, leaf_hash FROM report ORDER BY leaf")
    if [int(leaf) for leaf, _ in rows] != list(range(len(rows))):
        sys.exit(f"{db}: the leaves are not 0..n-1")
    return [bytes.fromhex(h[2:]) for _, h in rows]


def note_lines(note):
    """origin, size, base64 root of a checkpoint note."""
    lines = note.splitlines()
    return lines[0], int(lines[1]), lines[2]


fx = api_support.Fixture(battrace, os.path.join(work, "live"), vehicles=600, keep_back=2500)
live = fx.store[fx.store.index("--db") + 1]
tokens = {}
for r in fx.held_back:
    if r["reporter"] not in tokens:
        tokens[r["reporter"]] = fx.token("enterprise:" + r["reporter"])
spare = fx.held_back.pop()  # posted to the restored store at the end
print(f"live store: {os.path.getsize(live)} bytes, {len(fx.receipts)} reports loaded, "
      f"{len(fx.held_back)} to post")

# --- Backup while a client posts without pause -------------------------------------------------
posted = []  # (time the answer came, receipt) of every report accepted
stop = threading.Event()
errors = []


def post_all(server):
    try:
        for i in range(0, len(fx.held_back), 5):
            if stop.is_set():
                return
            batch = fx.held_back[i:i + 5]
            for uscc in sorted({r["reporter"] for r in batch}):
                mine = [r for r in batch if r["reporter"] == uscc]
                st, _, data, doc = server.call("POST", "/v1/reports", tokens[uscc], body=mine)
                if st != 200:
                    raise AssertionError(f"POST /v1/reports: {st} {data[:300]!r}")
                now = time.monotonic()
                for item in doc["results"]:
                    if item["outcome"] == "accepted":
                        posted.append((now, item["receipt"]))
    except Exception as e:  # noqa: BLE001 (reported by the main thread)
        errors.append(repr(e))


out = os.path.join(work, "backups", "store.db")
os.makedirs(os.path.dirname(out))
with api_support.Server(battrace, fx.store, work) as server:
    # Reads of protected data, so that the audit trail has entries to back up.
    admin = fx.token("admin")
    for _ in range(3):
        st, _, data, _ = server.call("GET", "/v1/findings?as_of=2026-09-01&limit=1", admin)
        if st != 200:
            sys.exit(f"an audited read: {st} {data[:300]!r}")
    audited = int(engines.query(fx.store, "SELECT count(*) FROM audit")[0][0])
    if audited < 3:
        sys.exit(f"3 audited reads left {audited} audit entries")
    client = threading.Thread(target=post_all, args=(server,))
    client.start()
    deadline = time.monotonic() + 60
    while len(posted) < 100 and client.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if len(posted) < 100:
        sys.exit(f"only {len(posted)} reports posted before the backup: {errors}")
    started = time.monotonic()
    before = [rc for t, rc in posted if t < started]
    backup = json.loads(run("backup", "--db", live, "--out", out, "--json"))
    ended = time.monotonic()
    during = sum(1 for t, _ in posted if started <= t <= ended)
    time.sleep(1)  # and some more after it
    stop.set()
    client.join(120)
    if errors or client.is_alive():
        sys.exit(f"the client posting reports: {errors or 'did not stop'}")
    after = sum(1 for t, _ in posted if t > ended)
    print(f"backup: {backup['bytes']} bytes, {backup['pages']} pages in {backup['steps']} steps, "
          f"{backup['seconds']} s by its own clock, {ended - started:.2f} s for the process; "
          f"{len(before)} reports accepted before it, {during} while it ran, {after} after")
    if not during or not after:
        sys.exit(f"{during} reports accepted while the backup ran, {after} after it: the backup "
                 "did not run beside a writing server")

    # The server signs the tree as it stands within a second; its latest checkpoint is the live
    # store's later one.
    for _ in range(100):
        st, _, _, cp = server.call("GET", "/v1/ledger/checkpoint")
        if st == 200 and cp["size"] >= backup["tree_size"] and cp["size"] > backup["checkpoint"]["size"]:
            break
        time.sleep(0.1)
    else:
        sys.exit(f"the server signed no checkpoint past the backup's: {cp}")
    live_note = cp["note"]
    st, _, _, proof = server.call(
        "GET", f"/v1/ledger/proof/consistency?from={backup['tree_size']}&to={cp['size']}")
    if st != 200:
        sys.exit(f"consistency proof: {st} {proof}")

# --- What the backup printed -------------------------------------------------------------------
# Two files: the store file's copy and its audit trail's.
if backup["files"] != [out, out + ".audit"]:
    sys.exit(f"the backup's files: {backup['files']}")
for f in backup["files"]:
    if oct(os.stat(f).st_mode & 0o777) != "0o600":
        sys.exit(f"{f} has mode {oct(os.stat(f).st_mode & 0o777)}, not 0600")
left = [f for f in os.listdir(os.path.dirname(out)) if ".tmp" in f]
if left:
    sys.exit(f"the backup left its temporary files behind: {left}")
if sum(os.path.getsize(f) for f in backup["files"]) != backup["bytes"]:
    sys.exit(f"the backup's files are not the {backup['bytes']} bytes it printed")
checkpoint = backup["checkpoint"]
origin, cp_size, cp_root = note_lines(checkpoint["note"])
if cp_size != checkpoint["size"] or cp_size > backup["tree_size"] or origin != "api.test/ledger":
    sys.exit(f"the backup's checkpoint: {checkpoint} for a tree of {backup['tree_size']}")
if backup["not_included"] != [live + ".key"]:
    sys.exit(f"the backup does not name the signing key as left out: {backup['not_included']}")

# --- Restore: the file copied into place, the key beside it ------------------------------------
restored = os.path.join(work, "restored", "store.db")
os.makedirs(os.path.dirname(restored))
shutil.copyfile(live + ".key", restored + ".key")
os.chmod(restored + ".key", 0o600)
shutil.copyfile(out, restored)
os.chmod(restored, 0o600)
# Without its audit trail file, the store is refused, naming the file.
text = run("verify", "--db", restored, rc=1)
if "audit trail file " + restored + ".audit" not in text:
    sys.exit(f"verify of a store restored without its audit trail file: {text}")
for f in os.listdir(os.path.dirname(restored)):
    os.remove(os.path.join(os.path.dirname(restored), f))
for src, dst in ((out, restored), (out + ".audit", restored + ".audit"),
                 (live + ".key", restored + ".key")):
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)
text = run("verify", "--db", restored)
if f"{audited} audit entries" not in text:
    sys.exit(f"verify of the restored store, which holds {audited} audit entries: {text}")
if f"verify: ok: {backup['tree_size']} leaves" not in text:
    sys.exit(f"verify of the restored store: {text}")
if run("checkpoint", "--db", restored) != checkpoint["note"]:
    sys.exit("the restored store's latest checkpoint is not the one the backup printed")
restored_leaves = leaf_hashes(restored)
root = base64.b64encode(mth(restored_leaves)).decode()
if len(restored_leaves) != backup["tree_size"] or root != backup["root"]:
    sys.exit(f"the restored tree: size {len(restored_leaves)}, root {root}; the backup printed "
             f"{backup['tree_size']}, {backup['root']}")
if cp_root != base64.b64encode(mth(restored_leaves[:cp_size])).decode():
    sys.exit("the restored leaves do not make the root of the checkpoint the backup printed")
live_leaves = leaf_hashes(live)
if live_leaves[:len(restored_leaves)] != restored_leaves:
    sys.exit("the restored leaves are not the live store's first leaves")
missing = [rc for rc in before if rc["leaf_index"] >= len(restored_leaves)
           or restored_leaves[rc["leaf_index"]] != base64.b64decode(rc["leaf_hash"])]
if missing:
    sys.exit(f"{len(missing)} reports receipted before the backup started are not in it: "
             f"{missing[:3]}")
print(f"restored: verify passes, {len(restored_leaves)} leaves, root and checkpoint "
      f"(size {cp_size}) as printed")

# --- The live store went on past the backup ----------------------------------------------------
run("verify", "--db", live)
kept = os.path.join(work, "backup-checkpoint.note")
with open(kept, "w") as f:
    f.write(checkpoint["note"])
text = run("verify", "--db", live, "--checkpoint", kept)
if "the store extends the checkpoint" not in text:
    sys.exit(f"verify --checkpoint of the live store: {text}")
proof_file = os.path.join(work, "consistency.json")
with open(proof_file, "w") as f:
    json.dump(proof, f)
live_note_file = os.path.join(work, "live.note")
with open(live_note_file, "w") as f:
    f.write(live_note)
p = subprocess.run([sys.executable, verify_py, "proof-json", "--file", proof_file, "--old-root",
                    backup["root"], "--key", fx.key, "--note", live_note_file],
                   capture_output=True, text=True, timeout=120)
if p.returncode != 0:
    sys.exit(f"the consistency proof from the backup's tree: {p.stdout}{p.stderr}")
print(f"live: verify passes; it extends the backup's checkpoint; proof from {backup['tree_size']} "
      f"to {note_lines(live_note)[1]} verified independently")

# --- The restored store serves -----------------------------------------------------------------
with api_support.Server(battrace, ["--db", restored], work) as server:
    st, _, data, doc = server.call("POST", "/v1/reports", tokens[spare["reporter"]], body=[spare])
    if st != 200 or doc["results"][0]["outcome"] != "accepted" \
            or doc["results"][0]["receipt"]["leaf_index"] != len(restored_leaves):
        sys.exit(f"POST to the restored store: {st} {data[:300]!r}")
run("verify", "--db", restored)

# --- Refusals ----------------------------------------------------------------------------------
digest = hashlib.sha256(open(out, "rb").read()).hexdigest()
text = run("backup", "--db", live, "--out", out, rc=1)
if "exists already" not in text or hashlib.sha256(open(out, "rb").read()).hexdigest() != digest:
    sys.exit(f"a backup over an existing file: {text}")
other = os.path.join(work, "backups", "other.db")
open(other + ".tmp", "w").close()
text = run("backup", "--db", live, "--out", other, rc=1)
if "other.db.tmp exists" not in text or os.path.exists(other) \
        or not os.path.exists(other + ".tmp") or os.path.exists(other + ".tmp.audit"):
    sys.exit(f"a backup whose temporary file exists: {text}")
os.remove(other + ".tmp")
text = run("backup", "--db", os.path.join(work, "nowhere.db"), "--out", other, rc=1)
if "no store at" not in text or [f for f in os.listdir(os.path.dirname(other)) if "other" in f]:
    sys.exit(f"a backup of a store that does not exist: {text}")
print("refused: an existing --out, a leftover .tmp, a missing store")
print("backup: ok")
