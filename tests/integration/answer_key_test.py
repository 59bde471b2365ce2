#!/usr/bin/env python3
"""The simulator's answer key, reproduced exactly by the engine.

`battrace simulate` writes a national data set and the findings that must exist as of its end
date, from what it injected. Loading the data set into a fresh store and asking for the findings
as of that date must give exactly those: no finding missing, none extra. `detail` is free text
and not compared, nor are the members for regulators after it. The engine's findings are read
as a client reads a large list: page by page through the keyset cursors (`battrace findings
--limit PAGE --cursor ...` until a page has no next cursor; docs/findings.md, "Pages and
NDJSON"), so the pages must give every finding exactly once. The store is on the engine
BATTRACE_TEST_ENGINE names (engines.py).

usage: answer_key_test.py BATTRACE WORK_DIR [VEHICLES] [SEED] [PAGE]   (PAGE: 1000 by default)
"""
import collections
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402

engines.require()
battrace, work = sys.argv[1:3]
vehicles = sys.argv[3] if len(sys.argv) > 3 else "1000"
seed = sys.argv[4] if len(sys.argv) > 4 else "7"
page_size = sys.argv[5] if len(sys.argv) > 5 else "1000"
to = "2026-09-30"
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
data = os.path.join(work, "data")
store = engines.store_args(work, "t")
read = engines.read_args(store)


def run(*args):
    r = subprocess.run([battrace, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"battrace {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


run("simulate", "--out", data, "--vehicles", vehicles, "--seed", seed, "--to", to)
run("init", *store)
run("registry", "import", *store, os.path.join(data, "registry.ndjson"))
print(run("import", *store, "--replay", os.path.join(data, "reports.ndjson")).strip())


# The members the answer key pins (docs/findings.md, "The finding as JSON"); `detail` and the
# members for regulators that follow it (party name, article in words, ...) are not compared.
PINNED = ("kind", "article", "party", "subject", "due", "evidence", "authority")


def key(f):
    f = {k: f[k] for k in PINNED if k in f}
    return json.dumps(f, sort_keys=True, ensure_ascii=False)


def paged_findings():
    """The engine's findings as of `to`, read page by page, and the number of pages."""
    items, cursor, pages = [], [], 0
    while True:
        page = json.loads(run("findings", *read, "--as-of", to, "--json", "--limit", page_size,
                              *cursor))
        items += page["items"]
        pages += 1
        if "next_cursor" not in page:
            return items, pages
        cursor = ["--cursor", page["next_cursor"]]


expected = collections.Counter(map(key, json.load(open(os.path.join(data, "answer-key.json")))))
findings, pages = paged_findings()
print(f"findings: {len(findings)} in {pages} pages of at most {page_size}")
actual = collections.Counter(map(key, findings))
missing, extra = expected - actual, actual - expected
kinds = collections.Counter(json.loads(k)["kind"] for k in expected.elements())
print("answer key:", dict(sorted(kinds.items())))
for k in list(missing)[:20]:
    print("missing:", k)
for k in list(extra)[:20]:
    print("extra:  ", k)
if missing or extra:
    sys.exit(f"answer key: {sum(missing.values())} missing, {sum(extra.values())} extra "
             f"of {sum(expected.values())}")
print(f"answer key: ok ({sum(expected.values())} findings, {vehicles} vehicles)")
