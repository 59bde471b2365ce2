#!/usr/bin/env python3
"""`battrace verify --replay`: derived state that no leaf accounts for is found.

A simulated world is loaded (registry, then reports); its registry is imported again unchanged
(nothing appended) and with one record changed (one leaf appended). Its leaves, replayed by
`import --replay` into a new store, give the same ledger. An untouched store passes
`verify --replay`. Then three edits behind the store's back, each of which plain `verify` does not
see (the ledger is intact): the custody of a battery changed, a registry record changed without
its leaf, and one party's findings deleted. Each makes `verify --replay` fail, naming the table
and the row. Last, stories with corrections and contested reports pass `verify --replay`. The store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: replay_test.py BATTRACE WORK_DIR
"""
import functools
import importlib
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_support  # noqa: E402
import engines  # noqa: E402

engines.require()
battrace, work = sys.argv[1:3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
data = os.path.join(work, "data")
store = engines.store_args(work, "t")


run = functools.partial(api_support.cli, battrace)


def verify(replay):
    return subprocess.run([battrace, "verify", *engines.verify_args(battrace, store),
                           *(["--replay"] if replay else [])],
                          capture_output=True, text=True, timeout=240)


def expect_replay_fails(what, *names):
    plain = verify(False)
    assert plain.returncode == 0, f"{what}: plain verify failed: {plain.stderr}"
    replayed = verify(True)
    assert replayed.returncode == 1, f"{what}: verify --replay passed: {replayed.stdout}"
    message = replayed.stderr
    assert "verify: FAILED: replay: " in message, f"{what}: {message}"
    for name in names:
        assert name in message, f"{what}: {name!r} not named in {message}"
    print(f"{what}: {message.strip()[:160]}...")


run("simulate", "--out", data, "--vehicles", "200", "--seed", "11", "--violations", "0.05")
run("init", *store)
registry = os.path.join(data, "registry.ndjson")
out = run("registry", "import", *store, "--effective", "2026-01-01", registry)
records = [json.loads(line) for line in open(registry)]
assert f"{len(records)} changed" in out, out
out = run("import", *store, "--replay", os.path.join(data, "reports.ndjson"))
size = lambda: int(engines.query(store, "SELECT COUNT(*) FROM report")[0][0])
before = size()
out = run("registry", "import", *store, registry)
assert "0 changed" in out and size() == before, f"an unchanged registry appended leaves: {out}"
# One enterprise's name changes from 2026-08-01: one leaf, its own version.
changed = dict(next(r for r in records if r["kind"] == "enterprise"), name="Renamed Co., Ltd.")
one = os.path.join(work, "changed.ndjson")
with open(one, "w") as f:
    f.write(json.dumps(changed) + "\n")
out = run("registry", "import", *store, "--effective", "2026-08-01", one)
assert "1 changed" in out and size() == before + 1, out
rows = engines.query(store, "SELECT type, reporter, occurred FROM report WHERE leaf = ?",
                     (before,))
assert rows == [("registry.enterprise", "platform", "2026-08-01")], rows

# The leaves, registry changes included, replayed into a new store give the same ledger, but
# for the marker each leaf now carries: its receipt time was supplied by the import.
dump = os.path.join(work, "ledger.ndjson")
bodies = lambda s: engines.report_bodies(
    s, [b for (b,) in engines.query(s, "SELECT body FROM report ORDER BY leaf")])
original = bodies(store)
with open(dump, "w") as f:
    f.write("".join(body + "\n" for body in original))
copy = ["--db", os.path.join(work, "copy.db")]
run("init", *copy)
run("import", *copy, "--replay", dump)
copied = bodies(copy)
unmarked = lambda bodies: [{k: v for k, v in json.loads(b).items() if k != "receipt"}
                           for b in bodies]
assert unmarked(copied) == unmarked(original), "the replayed ledger differs"
assert all(json.loads(b).get("receipt") == "replayed" for b in copied), \
    "a leaf replayed into a new store is not marked replayed"

ok = verify(True)
assert ok.returncode == 0 and "derived state matches" in ok.stdout, ok.stdout + ok.stderr
print(ok.stdout.strip().splitlines()[-1])

# Custody of a battery, changed behind the store's back.
code, custodian = engines.query(
    store, "SELECT code, custodian FROM battery WHERE custodian IS NOT NULL ORDER BY code")[0]
engines.query(store, "UPDATE battery SET custodian = ? WHERE code = ?",
              ("91110000000000000X", code))
expect_replay_fails("custody edited", "battery", code, "91110000000000000X")
engines.query(store, "UPDATE battery SET custodian = ? WHERE code = ?", (custodian, code))

# A registry record changed without a leaf.
uscc, division = engines.query(
    store, "SELECT key, division FROM registry WHERE kind = 'enterprise' ORDER BY key")[0]
engines.query(store, "UPDATE registry SET division = '110101' WHERE kind = 'enterprise' "
                     "AND key = ?", (uscc,))
expect_replay_fails("registry edited", "registry", uscc, "110101")
engines.query(store, "UPDATE registry SET division = ? WHERE kind = 'enterprise' AND key = ?",
              (division, uscc))
assert verify(True).returncode == 0, "the restored store does not replay"

# One party's findings deleted.
party = engines.query(store, "SELECT party FROM finding ORDER BY party")[0][0]
engines.query(store, "DELETE FROM finding WHERE party = ?", (party,))
expect_replay_fails("findings deleted", "finding", party)

# Corrections (which rebuild the rows they touch) and contested reports (which leave a battery as
# its holder of record left it) derive the same state when replayed: the stories that have them,
# loaded as the scenario runner loads them, pass `verify --replay`.
story_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
sys.path.insert(0, story_dir)
stories = importlib.import_module("run")
cast = stories.expand(json.load(open(os.path.join(story_dir, "registry.json"))))
for name in ("correction", "correction_reprojects", "contested_custody"):
    kept = []
    problems = stories.run_story(battrace, os.path.join(story_dir, name + ".json"), cast,
                                 os.path.join(work, "story-" + name), kept)
    assert not problems, f"{name}: {problems}"
    replayed = subprocess.run([battrace, "verify", *engines.verify_args(battrace, kept[0]),
                               "--replay"], capture_output=True, text=True, timeout=240)
    assert replayed.returncode == 0 and "derived state matches" in replayed.stdout, \
        f"{name}: {replayed.stdout} {replayed.stderr}"
    print(f"{name}: verify --replay passes")
print("replay: ok")
