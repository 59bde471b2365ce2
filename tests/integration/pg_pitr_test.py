#!/usr/bin/env python3
"""A PostgreSQL store backed up with pg_basebackup and WAL archiving, and restored from them
(docs/operations.md, 2.2): to the end of the archive, and to a signed checkpoint.

usage: pg_pitr_test.py BATTRACE TEST_PG_SH WORKDIR

The test makes its own throwaway clusters with scripts/test-pg.sh (it needs archiving, and more
clusters for the restores), so it ignores BATTRACE_TEST_PG; it is skipped (exit 77) only when the
PostgreSQL 15 server binaries are absent.

- A primary archives its WAL into a directory (archive_mode on, archive_command cp). A store is
  created and loaded there with `battrace init`, `registry import` and `import --pg`, and a base
  backup is taken with pg_basebackup.
- The store keeps taking writes: an import (whose checkpoint's restore point
  "battrace-checkpoint-<size>" is in the primary's log); then `battrace serve`, signing a
  checkpoint each second, while a client posts reports to it and an `import --batch 1` appends
  beside it (the server keeps no hold of the ledger's advisory lock after). The recovery target is
  one of the checkpoints the server signed amid those two writers. The last WAL segment is
  archived.
- Restored to the end of the archive (a new cluster from the base backup, recovery.signal,
  restore_command, no target): `battrace verify` passes; every report of the primary is there,
  at its leaf with its leaf hash; the latest checkpoint is the primary's.
- Restored to that checkpoint (recovery_target_name = 'battrace-checkpoint-<size>'): verify
  passes; the tree's size and its root, recomputed here from the leaf hashes (RFC 9162), are
  the checkpoint's, although other writers appended right after it was signed; its leaves are
  the primary's first ones, its latest checkpoint that one; the primary extends it
  (`verify --checkpoint`).

Prints the figures (base backup, archive, each recovery's time) and "pg pitr: ok".
"""
import base64
import csv
import io
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_support import Server  # noqa: E402
import engines  # noqa: E402
import rfc9162_verify  # noqa: E402

BIN = engines.PG_BIN
ORIGIN = "pitr.test/ledger"
# The ledger's advisory lock (store/postgres/pg_locks.h).
LEDGER_LOCK = "locktype = 'advisory' AND classid = 1651798627 AND objid = 1"

battrace, test_pg, work = sys.argv[1:4]
engines.require_pg_tools("initdb", "pg_ctl", "pg_basebackup")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

# The clusters run as `postgres` when this runs as root (scripts/test-pg.sh): their directory,
# the archive and the base backup are that user's.
OWNER = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
ENV = {k: v for k, v in os.environ.items() if not k.startswith("PG") or k == "PG_BIN"}
scratch = tempfile.mkdtemp(prefix="battrace-pitr.")
archive = os.path.join(scratch, "archive")
base = os.path.join(scratch, "base")
os.mkdir(archive)
if OWNER:
    for d in (scratch, archive):
        os.chown(d, OWNER.pw_uid, OWNER.pw_gid)
clusters = []


def as_owner(cmd):
    return ["runuser", "-u", "postgres", "--", *cmd] if OWNER else cmd


def cluster(name, extra_conf, recover_from=None):
    """A cluster in scratch/name (test-pg.sh start, or recover from a base backup); its admin
    conninfo for database `battrace`."""
    d = os.path.join(scratch, name)
    clusters.append(d)
    cmd = [test_pg, "recover", d, recover_from] if recover_from else [test_pg, "start", d]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                       env=dict(ENV, PG_EXTRA_CONF=extra_conf))
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: {p.stderr}")
    return p.stdout.strip().replace("dbname=postgres", "dbname=battrace")


def log_of(name):
    with open(os.path.join(scratch, name, "server.log"), errors="replace") as f:
        return f.read()


def psql(conninfo, sql):
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--csv", "-t", "-d",
                        conninfo, "-c", sql], capture_output=True, text=True, timeout=60, env=ENV)
    if p.returncode != 0:
        raise RuntimeError(f"psql {sql!r}: {p.stderr.strip()}")
    return [tuple(r) for r in csv.reader(io.StringIO(p.stdout)) if r]


def run(*args, rc=0):
    p = subprocess.run([battrace, *args], capture_output=True, text=True, timeout=120, env=ENV)
    if p.returncode != rc:
        sys.exit(f"battrace {' '.join(args[:2])}: exit {p.returncode}, wanted {rc}\n"
                 f"{p.stdout}\n{p.stderr}")
    return p.stdout


def leaves(conninfo):
    return psql(conninfo, "SELECT leaf, reporter, id, encode(leaf_hash, 'hex') FROM report "
                          "ORDER BY leaf")


def mth(hashes):
    """RFC 9162 2.1.1: the Merkle tree hash of a list of leaf hashes."""
    if len(hashes) == 1:
        return hashes[0]
    k = rfc9162_verify.split(len(hashes))
    return rfc9162_verify.node_hash(mth(hashes[:k]), mth(hashes[k:]))


def recovered(name, target_conf, deadline_s=90):
    """A cluster recovered from the base backup and the archive, promoted; its conninfo and the
    seconds recovery took."""
    t0 = time.monotonic()
    conninfo = cluster(name, f"restore_command = 'cp {archive}/%f %p'\n{target_conf}", base)
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            if psql(conninfo.replace("dbname=battrace", "dbname=postgres"),
                    "SELECT pg_is_in_recovery()") == [("f",)]:
                return conninfo, time.monotonic() - t0
        except RuntimeError as e:
            if time.monotonic() > deadline:
                sys.exit(f"{name}: {e}\n{log_of(name)[-3000:]}")
        if time.monotonic() > deadline:
            sys.exit(f"{name} did not leave recovery in {deadline_s} s:\n{log_of(name)[-3000:]}")
        time.sleep(0.2)


def main():
    started = time.monotonic()
    # --- The primary, archiving, and a store loaded on it --------------------------------------
    primary = cluster("primary", "archive_mode = on\n"
                      f"archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n")
    psql(primary.replace("dbname=battrace", "dbname=postgres"),
         "CREATE DATABASE battrace TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    key = os.path.join(work, "signing.key")
    store = ["--pg", primary, "--key", key]
    sim = os.path.join(work, "sim")
    run("simulate", "--out", sim, "--vehicles", "80", "--seed", "15")
    lines = open(os.path.join(sim, "reports.ndjson")).read().splitlines()
    parts = [lines[:len(lines) // 2], lines[len(lines) // 2:len(lines) * 2 // 3],
             lines[len(lines) * 2 // 3:len(lines) * 5 // 6], lines[len(lines) * 5 // 6:]]

    def write_part(i):
        """The first part as a history load (its receipt times), the others as reports filed
        now (without the platform's `reported`)."""
        path = os.path.join(work, f"part{i}.ndjson")
        with open(path, "w") as f:
            for line in parts[i]:
                r = json.loads(line)
                if i:
                    r.pop("reported", None)
                f.write(json.dumps(r) + "\n")
        return path

    def import_part(i):
        run("import", *store, *(["--replay"] if i == 0 else []), write_part(i))

    run("init", *store, "--origin", ORIGIN)
    verifier = run("pubkey", *store).strip()
    run("registry", "import", *store, os.path.join(sim, "registry.ndjson"))
    import_part(0)

    # --- The base backup ---------------------------------------------------------------------
    t0 = time.monotonic()
    host, port = re.search(r"host=(\S+) port=(\d+)", primary).groups()
    p = subprocess.run(as_owner([os.path.join(BIN, "pg_basebackup"), "-h", host, "-p", port,
                                 "-U", "battrace_test", "-D", base, "-Fp", "-X", "stream",
                                 "-c", "fast"]), capture_output=True, text=True, timeout=120,
                       env=ENV)
    if p.returncode != 0:
        sys.exit(f"pg_basebackup: {p.stderr}")
    base_s = time.monotonic() - t0
    base_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(base)
                     for f in fs)
    at_backup = len(leaves(primary))

    # --- Writes after it ---------------------------------------------------------------------
    import_part(1)
    signed = int(run("checkpoint", "--pg", primary).splitlines()[1])
    if f'restore point "battrace-checkpoint-{signed}" created' not in log_of("primary"):
        sys.exit(f"no restore point battrace-checkpoint-{signed} in the primary's log")

    # A server signing a checkpoint each second while a client posts to it and an import
    # appends at the same time, a transaction a report: the restore points are taken amid
    # writes by other processes.
    before = len(leaves(primary))
    read = ["--pg", primary]
    later = [json.loads(line) for line in parts[2]]
    tokens = {u: run("token", "issue", *read, "--principal", f"enterprise:{u}")
              .strip().splitlines()[-1].strip() for u in {r["reporter"] for r in later}}
    with Server(battrace, store, work, env=ENV) as server:
        errors = []

        def post_all():
            try:
                for r in later:
                    r.pop("reported", None)  # the platform's, on receipt
                    st, _, data, _ = server.call("POST", "/v1/reports", tokens[r["reporter"]],
                                                 body=[r])
                    if st != 200:
                        raise AssertionError(f"POST /v1/reports: {st} {data[:300]!r}")
            except Exception as e:  # noqa: BLE001 (reported below)
                errors.append(repr(e))

        client = threading.Thread(target=post_all)
        client.start()
        importer = subprocess.Popen([battrace, "import", *store, "--batch", "1",
                                     write_part(3)], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, env=ENV)
        client.join(120)
        output = importer.communicate(timeout=120)[0]
        if errors or importer.returncode != 0:
            sys.exit(f"posting reports: {errors[:1]}; the import beside it: {output}")
        # The server signs what it took within a second, and then holds the ledger's lock no
        # more: the session-level hold around a restore point ended with it.
        for _ in range(50):
            if int(run("checkpoint", "--pg", primary).splitlines()[1]) == len(leaves(primary)):
                break
            time.sleep(0.1)
        time.sleep(0.5)
        held = psql(primary, "SELECT a.pid, a.state FROM pg_locks l JOIN pg_stat_activity a "
                             f"USING (pid) WHERE {LEDGER_LOCK}")
        if held:
            sys.exit(f"the ledger's lock is held with no writer at work: {held}")
    during = psql(primary, f"SELECT size, note FROM checkpoint WHERE size > {before} AND "
                           f"size < {len(leaves(primary))} ORDER BY size")
    if not during:
        sys.exit("the server signed no checkpoint while the client and the import wrote")
    target_size, target = int(during[len(during) // 2][0]), during[len(during) // 2][1]
    name = f"battrace-checkpoint-{target_size}"
    final = leaves(primary)
    final_checkpoint = run("checkpoint", "--pg", primary)
    points = len(re.findall(r'restore point "battrace-checkpoint-\d+" created', log_of("primary")))
    segment = psql(primary, "SELECT pg_walfile_name(pg_switch_wal())")[0][0]
    for _ in range(300):
        if os.path.exists(os.path.join(archive, segment)):
            break
        time.sleep(0.1)
    else:
        sys.exit(f"{segment} was not archived: {psql(primary, 'SELECT * FROM pg_stat_archiver')}")
    archived = len(os.listdir(archive))
    print(f"primary: {at_backup} leaves at the base backup ({base_bytes} bytes, {base_s:.1f} s), "
          f"{len(final)} leaves in the end, {len(during)} checkpoints signed amid two writers, "
          f"the target {target_size}; {points} restore points; {archived} files archived",
          flush=True)

    # --- a) To the end of the archive ----------------------------------------------------------
    to_end, end_s = recovered("to-end", "")
    text = run("verify", "--pg", to_end, "--key", verifier)
    if f"verify: ok: {len(final)} leaves" not in text:
        sys.exit(f"verify after recovery to the end of the archive: {text}")
    if leaves(to_end) != final:
        sys.exit("recovered to the end of the archive, the reports differ from the primary's")
    if run("checkpoint", "--pg", to_end) != final_checkpoint:
        sys.exit("recovered to the end of the archive, the latest checkpoint is not the primary's")
    print(f"to the end of the archive: {end_s:.1f} s; verify passes, all {len(final)} leaves",
          flush=True)

    # --- b) To the checkpoint ------------------------------------------------------------------
    to_cp, cp_s = recovered("to-checkpoint", f"recovery_target_name = '{name}'\n"
                                             "recovery_target_action = 'promote'\n")
    if f'recovery stopping at restore point "{name}"' not in log_of("to-checkpoint"):
        sys.exit(f"recovery did not stop at {name}:\n{log_of('to-checkpoint')[-3000:]}")
    run("verify", "--pg", to_cp, "--key", verifier)
    rows = leaves(to_cp)
    root = base64.b64encode(mth([bytes.fromhex(h) for *_, h in rows])).decode()
    if (len(rows), root) != (target_size, target.splitlines()[2]):
        sys.exit(f"recovered to {name}: {len(rows)} leaves, root {root}; the checkpoint: "
                 f"{target_size}, {target.splitlines()[2]}")
    if rows != final[:target_size]:
        sys.exit(f"recovered to {name}, the leaves are not the primary's first {target_size}")
    # The same tree; the note of that size may have been signed again since with a longer
    # audit trail (ledger-format.md 4.1).
    if run("checkpoint", "--pg", to_cp).splitlines()[:3] != target.splitlines()[:3]:
        sys.exit(f"recovered to {name}, the latest checkpoint is not the target")
    kept = os.path.join(work, "target.note")
    with open(kept, "w") as f:
        f.write(target)
    text = run("verify", "--pg", primary, "--key", verifier, "--checkpoint", kept)
    if "the store extends the checkpoint" not in text:
        sys.exit(f"the primary does not extend the target checkpoint: {text}")
    print(f"to the checkpoint {name}: {cp_s:.1f} s; size and root are the checkpoint's",
          flush=True)
    print(f"pg pitr: ok ({time.monotonic() - started:.0f} s)")


try:
    main()
finally:
    for d in reversed(clusters):
        subprocess.run([test_pg, "stop", d], capture_output=True, timeout=120, env=ENV)
    shutil.rmtree(scratch, ignore_errors=True)
