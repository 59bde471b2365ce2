"""The store engine a test runs against, and fresh stores on it (integration and scenario suites).

Environment:
  BATTRACE_TEST_ENGINE  "sqlite" (the default) or "postgres"; CMake registers every
                        engine-parameterized test twice, NAME (sqlite) and NAME_pg (postgres).
  BATTRACE_TEST_PG      libpq conninfo of a PostgreSQL cluster on which this may create and drop
                        databases (scripts/with-test-pg.sh exports it; `make test` runs under it).
                        With the postgres engine and no BATTRACE_TEST_PG, require() prints why and
                        exits 77, which CMake reports as skipped.

In Python:
  engines.require()                  call first: exits 77 when the engine cannot run here
  store = engines.store_args(workdir, name)
      the CLI arguments naming a fresh, empty store: ["--db", f"{workdir}/{name}.db"], or
      ["--pg", CONNINFO, "--key", f"{workdir}/{name}.key"] for a new database (dropped at exit)
  engines.read_args(store)           the same without "--key PATH", for the commands that take
                                     no signing key (findings, obligations, token, registry
                                     import, checkpoint, proof, show)
  engines.verify_args(battrace, store)   the arguments of `battrace verify` for that store
  engines.query(store, sql, params)  rows of a statement run on the store directly, for checks
                                     (and tampering) below the CLI; values as text
  engines.report_bodies(store, values)   the JSON text of report bodies as `query` returned the
                                     column `body`, decoded from their stored form
  engines.drop(store)                delete the store now (file and key, or database and key)

From a shell script, the same through tests/integration/engines.sh (which calls this file as a
program: `engines.py require | args WORKDIR NAME | query SQL STORE... | drop STORE...`).

Standard library only: PostgreSQL is reached through `psql` (postgresql-client), compressed
report bodies are decompressed by the `zstd` program.
"""
import atexit
import csv
import io
import os
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys

SKIP = 77
ENGINES = ("sqlite", "postgres")
ENGINE = os.environ.get("BATTRACE_TEST_ENGINE", "") or "sqlite"
PSQL_TIMEOUT = 60

_created = []  # conninfo of the databases this process created and has not dropped yet


def engine():
    return ENGINE


def postgres():
    return ENGINE == "postgres"


def require():
    """Exits 77 (skipped) when the selected engine cannot run here, 2 when it is unknown."""
    if ENGINE not in ENGINES:
        print(f"BATTRACE_TEST_ENGINE={ENGINE!r}: not one of {', '.join(ENGINES)}", flush=True)
        sys.exit(2)
    if postgres() and not os.environ.get("BATTRACE_TEST_PG"):
        print("skipped: the postgres engine needs a cluster: BATTRACE_TEST_PG is unset "
              "(run under scripts/with-test-pg.sh, as `make test` does)", flush=True)
        sys.exit(SKIP)


PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


def require_pg_tools(*tools):
    """Exits 77 (skipped) unless the PostgreSQL server tools `tools` (in PG_BIN) and psql are
    here: the tests that make clusters of their own (scripts/test-pg.sh)."""
    for tool in tools:
        if not os.access(os.path.join(PG_BIN, tool), os.X_OK):
            print(f"skipped: no {PG_BIN}/{tool} (install postgresql-15)", flush=True)
            sys.exit(SKIP)
    if shutil.which("psql") is None:
        print("skipped: no psql (install postgresql-client-15)", flush=True)
        sys.exit(SKIP)


_DBNAME = re.compile(r"(^|\s)dbname\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")


def with_dbname(conninfo, dbname):
    """`conninfo` (key=value form) naming database `dbname` instead of its own."""
    if re.match(r"^postgres(ql)?://", conninfo):
        raise ValueError("BATTRACE_TEST_PG must be key=value conninfo, not a URI")
    return (_DBNAME.sub("", conninfo).strip() + f" dbname={dbname}").strip()


def _psql(conninfo, sql, csv_out=False):
    cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql]
    if csv_out:
        cmd[1:1] = ["--csv", "-t"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=PSQL_TIMEOUT)
    if p.returncode != 0:
        raise RuntimeError(f"psql failed ({p.returncode}) on {sql!r}: {p.stderr.strip()}")
    return p.stdout


def _ident(name):
    return '"' + name.replace('"', '""') + '"'


def store_args(workdir, name):
    """CLI arguments naming a fresh, empty store called `name` (its key file in `workdir`)."""
    require()
    if not postgres():
        return ["--db", os.path.join(workdir, name + ".db")]
    admin = os.environ["BATTRACE_TEST_PG"]
    # Unique across processes and runs sharing the cluster; at most 63 bytes.
    slug = re.sub(r"[^a-z0-9_]", "_", name.lower())[:30]
    dbname = f"bt_{slug}_{os.getpid()}_{secrets.token_hex(4)}"
    _psql(admin, f"CREATE DATABASE {_ident(dbname)} TEMPLATE template0 ENCODING 'UTF8' "
                 "LC_COLLATE 'C' LC_CTYPE 'C'")
    conninfo = with_dbname(admin, dbname)
    _created.append(conninfo)
    return ["--pg", conninfo, "--key", os.path.join(workdir, name + ".key")]


def _value(store, flag):
    return store[store.index(flag) + 1] if flag in store else None


def read_args(store):
    """`store` without its "--key PATH", for commands that take no signing key."""
    out, skip = [], False
    for a in store:
        if skip:
            skip = False
        elif a == "--key":
            skip = True
        else:
            out.append(a)
    return out


def verify_args(battrace, store):
    """Arguments of `battrace verify` for `store`: with --db its default key (<db>.key); with
    --pg the verifier key text, read with `battrace pubkey` from the signing key file."""
    if "--db" in store:
        return ["--db", _value(store, "--db")]
    p = subprocess.run([battrace, "pubkey", *store], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"battrace pubkey failed ({p.returncode}): {p.stderr.strip()}")
    return read_args(store) + ["--key", p.stdout.strip()]


def _literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (bytes, bytearray)):
        return "'\\x" + bytes(v).hex() + "'::bytea"
    return "'" + str(v).replace("'", "''") + "'"


def query(store, sql, params=()):
    """Runs one statement on the store itself and returns its rows as tuples of text (NULL as
    None with SQLite, as "" with PostgreSQL; bytes as "\\x" and hex, as PostgreSQL prints
    them). `?` marks a parameter (str, int, float, bytes, None); the statement must have no `?`
    of its own. Keep the SQL portable, or branch on postgres(). Changes are committed; use
    RETURNING to see which rows an UPDATE touched."""
    if "--db" in store:
        path = _value(store, "--db")
        db = sqlite3.connect(path)
        try:
            # The audit trail's file, as the store attaches it (docs/data-model.md).
            if os.path.exists(path + ".audit"):
                db.execute("ATTACH DATABASE ? AS audit", (path + ".audit",))
            with db:
                rows = db.execute(sql, tuple(params)).fetchall()
        finally:
            db.close()
        return [tuple(None if v is None else "\\x" + v.hex() if isinstance(v, bytes) else str(v)
                      for v in row) for row in rows]
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError(f"{len(parts) - 1} placeholders, {len(params)} parameters: {sql!r}")
    text = parts[0] + "".join(_literal(p) + rest for p, rest in zip(params, parts[1:]))
    out = _psql(_value(store, "--pg"), text, csv_out=True)
    return [tuple(row) for row in csv.reader(io.StringIO(out)) if row]


def _frame_size(frame):
    """The content size a zstd frame header (RFC 8878, 3.1.1.1) without its magic number says."""
    descriptor = frame[0]
    single_segment = (descriptor >> 5) & 1
    at = 1 + (0 if single_segment else 1) + (0, 1, 2, 4)[descriptor & 3]
    width = (single_segment, 2, 4, 8)[descriptor >> 6]
    size = int.from_bytes(frame[at:at + width], "little")
    return size + 256 if width == 2 else size


def report_bodies(store, values):
    """The JSON text of report bodies, from the values of the column `body` as `query` returns
    them, decoded here from their stored form (docs/data-model.md, "report"), apart from
    battrace: a raw body is the JSON itself; a compressed one (0x01, the dictionary id in LEB128,
    a zstd frame without its magic number) is decompressed by `zstd` with that dictionary of the
    table body_dictionary. Raises ValueError on a stored form it does not know."""
    stored = [bytes.fromhex(v[2:]) if v.startswith("\\x") else v.encode() for v in values]
    out = [b.decode() if b[:1] == b"{" else None for b in stored]
    frames = {}  # dictionary id -> [(index, frame with its magic number)]
    for i, b in enumerate(stored):
        if out[i] is not None:
            continue
        if b[:1] != b"\x01":
            raise ValueError(f"a report body of unknown form: {b[:8]!r}")
        dictionary, shift, at = 0, 0, 1
        while True:
            dictionary |= (b[at] & 0x7F) << shift
            at, shift = at + 1, shift + 7
            if not b[at - 1] & 0x80:
                break
        frames.setdefault(dictionary, []).append((i, b"\x28\xb5\x2f\xfd" + b[at:]))
    for dictionary, items in frames.items():
        cmd = ["zstd", "-d", "-q", "-c"]
        if dictionary:
            (row,) = query(store, "SELECT bytes FROM body_dictionary WHERE id = ?", (dictionary,))
            path = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                f"battrace-dictionary-{os.getpid()}-{dictionary}")
            with open(path, "wb") as f:
                f.write(bytes.fromhex(row[0][2:]))
            cmd += ["-D", path]
        p = subprocess.run(cmd, input=b"".join(frame for _, frame in items), capture_output=True)
        if p.returncode != 0:
            raise ValueError(f"zstd: {p.stderr.decode().strip()}")
        at = 0
        for i, frame in items:
            size = _frame_size(frame[4:])
            out[i] = p.stdout[at:at + size].decode()
            at += size
        if dictionary:
            os.remove(path)
    return out


def _drop_database(conninfo):
    dbname = _DBNAME.search(conninfo).group(2).strip("'")
    admin = os.environ.get("BATTRACE_TEST_PG")
    if admin:
        _psql(admin, f"DROP DATABASE IF EXISTS {_ident(dbname)} WITH (FORCE)")


def drop(store):
    """Deletes the store now: the file (and its WAL, shared memory, key and audit trail files),
    or the database and the key file."""
    if "--db" in store:
        path = _value(store, "--db")
        for p in (path, path + "-wal", path + "-shm", path + "-journal", path + ".key",
                  path + ".audit", path + ".audit-wal", path + ".audit-shm"):
            if os.path.exists(p):
                os.remove(p)
        return
    conninfo = _value(store, "--pg")
    _drop_database(conninfo)
    if conninfo in _created:
        _created.remove(conninfo)
    key = _value(store, "--key")
    if key and os.path.exists(key):
        os.remove(key)


@atexit.register
def _drop_created():
    """Best effort: the cluster is thrown away after the run anyway."""
    while _created:
        conninfo = _created.pop()
        try:
            _drop_database(conninfo)
        except Exception as e:  # noqa: BLE001
            print(f"engines: could not drop {conninfo}: {e}", file=sys.stderr)


def _exit_on_sigterm(signum, frame):
    sys.exit(128 + signum)  # so that atexit runs when ctest or the wrapper stops the test


if postgres() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def main(argv):
    """The program form, for shell tests (engines.sh). Databases it creates are not dropped at
    its exit: the shell drops them (`drop`)."""
    usage = "usage: engines.py require | args WORKDIR NAME | query SQL STORE... | drop STORE..."
    if not argv:
        sys.exit(usage)
    if argv[0] == "require":
        require()
    elif argv[0] == "args" and len(argv) == 3:
        args = store_args(argv[1], argv[2])
        _created.clear()
        print("\n".join(args))
    elif argv[0] == "query" and len(argv) >= 2:
        for row in query(argv[2:], argv[1]):
            print("\t".join("" if v is None else v for v in row))
    elif argv[0] == "drop":
        drop(argv[1:])
    else:
        sys.exit(usage)


if __name__ == "__main__":
    main(sys.argv[1:])
