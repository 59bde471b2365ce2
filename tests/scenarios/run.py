#!/usr/bin/env python3
"""Regulatory stories: a registry and reports in, the findings expected as of dates out.

Each tests/scenarios/*.json file is one story:
  {"story": "...", "registry": [extra records], "reports": [...],
   "expect": [{"as_of": "2026-05-01", "findings": [...], "obligations": [...]}]}
The records of registry.json (the cast every story shares) come first. In any string,
placeholders stand for valid identifiers:
  {uscc:N}      the N-th enterprise's USCC (GB 32100 check character computed here)
  {vin:N}       the N-th VIN (WMI LGX; check digit computed here)
  {vin:WMI:N}   the N-th VIN of another WMI
  {P:N} {M:N} {C:N}   the N-th pack, module or cell code of manufacturer 0A1
  {P:MFR:N}     ... of manufacturer MFR (e.g. {P:0B1:1})
Reports carry `reported`; each story is loaded, in `reported` order, with
`battrace import --replay` into a fresh store, on the engine BATTRACE_TEST_ENGINE names
(tests/integration/engines.py). An expected finding lists the fields it pins (kind, article,
party, subject, and any of due, evidence, authority); the findings of that date must match the
expected ones one to one, no more, no fewer. `detail` is never compared. Obligations likewise
when given.

An expect entry may also pin records as they stand after the whole story is loaded (not as of
its date), read with `battrace show battery CODE` / `show vehicle VIN`:
  "batteries": [{"code": "{P:1}", "status": "utilized", "custodian": "{uscc:7}",
                 "contested": true, "history": [{"id": "out1", "corrected_by": "..."}, ...]}]
  "vehicles": [{"vin": "{vin:1}", "sale_division": "440300", "history": [...]}]
Every field but `history` is compared with the record's field of that name; `history`, when
given, lists the record's history entries in order, one to one, each pinning fields of the
stored report or of the entry itself (`corrected_by`).

usage: run.py BATTRACE SCENARIO_DIR WORK_DIR [NAME...]
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import engines  # noqa: E402

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
VIN_VALUES = {**{str(d): d for d in range(10)},
              **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))),
              "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def uscc(n):
    first17 = "91440300%09d" % n
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def vin(n, wmi="LGX"):
    v = wmi + "AB1C00RA%06d" % n
    check = sum(VIN_VALUES[c] * w for c, w in zip(v, VIN_WEIGHTS)) % 11
    return v[:8] + ("X" if check == 10 else str(check)) + v[9:]


def code(kind, n, mfr="0A1"):
    # manufacturer, product type, chemistry B, specification 24, traceability 0000000,
    # production date G41 (2026-04-01), serial
    return "%s%sB240000000G41%07d" % (mfr, kind, n)


PLACEHOLDER = re.compile(r"\{(uscc|vin|P|M|C):(?:([0-9A-Z]{3}):)?(\d+)\}")


def expand(value):
    if isinstance(value, str):
        def one(m):
            kind, prefix, n = m.group(1), m.group(2), int(m.group(3))
            if kind == "uscc":
                return uscc(n)
            if kind == "vin":
                return vin(n, prefix or "LGX")
            return code(kind, n, prefix or "0A1")
        return PLACEHOLDER.sub(one, value)
    if isinstance(value, list):
        return [expand(v) for v in value]
    if isinstance(value, dict):
        return {k: expand(v) for k, v in value.items()}
    return value


def write_ndjson(path, records):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def matches(expected, actual):
    return all(actual.get(k) == v for k, v in expected.items())


def compare(what, expected, actual):
    """One-to-one: every expected entry matches a distinct actual one, and none is left over."""
    left = list(actual)
    problems = []
    for e in expected:
        hit = next((a for a in left if matches(e, a)), None)
        if hit is None:
            problems.append(f"missing {what}: {json.dumps(e, ensure_ascii=False)}")
        else:
            left.remove(hit)
    for a in left:
        a = {k: v for k, v in a.items() if k != "detail"}
        problems.append(f"unexpected {what}: {json.dumps(a, ensure_ascii=False)}")
    return problems


def history_entries(history):
    """The history as pinned: each entry's report fields and the entry's own (corrected_by)."""
    return [{**h.get("report", {}), **{k: v for k, v in h.items() if k != "report"}}
            for h in history]


def compare_records(battrace, read, what, expected):
    """The `show battery` / `show vehicle` records against the pinned fields."""
    problems = []
    key = "code" if what == "battery" else "vin"
    for e in expected:
        r = run(battrace, ["show", what, *read, e[key]])
        if r.returncode != 0:
            problems.append(f"show {what} {e[key]} failed: {r.stderr.strip()}")
            continue
        shown = json.loads(r.stdout)
        record = shown["battery"] if what == "battery" else shown
        for field, value in e.items():
            if field == "history":
                actual = history_entries(shown["history"])
                if len(actual) != len(value) or not all(
                        matches(x, a) for x, a in zip(value, actual)):
                    problems.append(f"{what} {e[key]}: history {json.dumps(actual)} does not "
                                    f"match {json.dumps(value)}")
            elif record.get(field) != value:
                problems.append(f"{what} {e[key]}: {field} is {json.dumps(record.get(field))}, "
                                f"expected {json.dumps(value)}")
    return problems


def run(battrace, args, **kw):
    return subprocess.run([battrace] + args, capture_output=True, text=True, **kw)


def run_story(battrace, path, cast, work, stores=None):
    """Loads the story into a new store and checks it; the store's arguments are appended to
    `stores` when given."""
    story = expand(json.load(open(path)))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    store = engines.store_args(work, "t")
    if stores is not None:
        stores.append(store)
    read = engines.read_args(store)
    write_ndjson(os.path.join(work, "registry.ndjson"), cast + story.get("registry", []))
    # Loaded in the order the platform received them, as a replay of history.
    write_ndjson(os.path.join(work, "reports.ndjson"),
                 sorted(story["reports"], key=lambda r: r["reported"]))
    steps = [["init", *store],
             ["registry", "import", *store, os.path.join(work, "registry.ndjson")],
             ["import", *store, "--replay", "--rejects", os.path.join(work, "rejects.ndjson"),
              os.path.join(work, "reports.ndjson")]]
    for step in steps:
        r = run(battrace, step)
        if r.returncode != 0:
            rejects = open(os.path.join(work, "rejects.ndjson")).read() if os.path.exists(
                os.path.join(work, "rejects.ndjson")) else ""
            return [f"`battrace {step[0]}` failed ({r.returncode}): {r.stderr.strip()} {rejects}"]
    problems = []
    for when in story["expect"]:
        as_of = when["as_of"]
        r = run(battrace, ["findings", *read, "--as-of", as_of, "--json"])
        if r.returncode != 0:
            problems.append(f"findings as of {as_of} failed: {r.stderr.strip()}")
            continue
        problems += [f"as of {as_of}: {p}" for p in
                     compare("finding", when["findings"], json.loads(r.stdout))]
        for what, pinned in (("battery", "batteries"), ("vehicle", "vehicles")):
            problems += [f"as of {as_of}: {p}" for p in
                         compare_records(battrace, read, what, when.get(pinned, []))]
        if "obligations" in when:
            r = run(battrace, ["obligations", *read, "--as-of", as_of, "--json"])
            if r.returncode != 0:
                problems.append(f"obligations as of {as_of} failed: {r.stderr.strip()}")
                continue
            problems += [f"as of {as_of}: {p}" for p in
                         compare("obligation", when["obligations"], json.loads(r.stdout))]
    return problems


def main():
    battrace, scenarios, work = sys.argv[1:4]
    engines.require()
    only = set(sys.argv[4:])
    cast = expand(json.load(open(os.path.join(scenarios, "registry.json"))))
    names = sorted(f[:-5] for f in os.listdir(scenarios)
                   if f.endswith(".json") and f != "registry.json")
    failed = 0
    for name in names:
        if only and name not in only:
            continue
        problems = run_story(battrace, os.path.join(scenarios, name + ".json"), cast,
                             os.path.join(work, name))
        print(("FAIL " if problems else "ok   ") + name, flush=True)
        for p in problems:
            print("     " + p)
        failed += bool(problems)
    print(f"{len(names) - failed if not only else len(only) - failed} stories passed, "
          f"{failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
