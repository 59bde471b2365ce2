#!/usr/bin/env python3
"""Regulatory stories: a registry and reports in, the findings expected as of dates out.

Each tests/scenarios/*.json file is one story, and one ctest on each engine (scenario_<name>,
scenario_<name>_pg); tests/scenarios/README.md gives the format in full:
  {"story": "...", "registry": [extra records],
   "steps": [{"reports": [...]},
             {"expect": {"as_of": "2026-05-01", "findings": [...], "obligations": [...]}},
             {"restart": "why"}, ...]}
The records of registry.json (the cast every story shares) come first. Steps run in order, on
one store, created empty on the engine BATTRACE_TEST_ENGINE names (tests/integration/engines.py):
  reports   loaded, in `reported` order, with `battrace import --replay`; a step's reports are
            received after those of every earlier step
  expect    the findings as of `as_of` (`battrace findings --as-of`), as the store stands after
            the steps before it: one to one, no more, no fewer. An expected finding lists the
            fields it pins (kind, article, party, subject, and any of due, evidence, authority);
            `detail` is never compared. Obligations likewise when given. It may also pin
            records as they stand at that step, read with `battrace show battery CODE` /
            `show vehicle VIN`:
              "batteries": [{"code": "{P:1}", "status": "utilized", "custodian": "{uscc:7}",
                             "contested": true, "history": [{"id": "out1", "corrected_by": ""}]}]
              "vehicles": [{"vin": "{vin:1}", "sale_division": "440300", "history": [...]}]
            Every field but `history` is compared with the record's field of that name;
            `history`, when given, lists the record's history entries in order, one to one, each
            pinning fields of the stored report or of the entry itself (`corrected_by`).
  restart   the store is closed and opened again: every command of the runner is its own
            process, which opens the store afresh, and a restart step marks where the story
            relies on it: the reopened store must pass `battrace verify` (ledger, checkpoints,
            signatures) before the story goes on.
In any string, placeholders stand for valid identifiers:
  {uscc:N}      the N-th enterprise's USCC (GB 32100 check character computed here)
  {vin:N}       the N-th VIN (WMI LGX; check digit computed here)
  {vin:WMI:N}   the N-th VIN of another WMI
  {P:N} {M:N} {C:N}   the N-th pack, module or cell code of manufacturer 0A1
  {P:MFR:N}     ... of manufacturer MFR (e.g. {P:0B1:1})

usage: run.py BATTRACE SCENARIO_DIR WORK_DIR [NAME...]   (no NAME: every story)
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
    """Runs the story's steps on a new store and checks them; the store's arguments are appended
    to `stores` when given."""
    story = expand(json.load(open(path)))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    store = engines.store_args(work, "t")
    if stores is not None:
        stores.append(store)
    write_ndjson(os.path.join(work, "registry.ndjson"), cast + story.get("registry", []))
    for step in (["init", *store],
                 ["registry", "import", *store, os.path.join(work, "registry.ndjson")]):
        r = run(battrace, step)
        if r.returncode != 0:
            return [f"`battrace {step[0]}` failed ({r.returncode}): {r.stderr.strip()}"]
    problems = []
    last_reported = ""
    for n, step in enumerate(story["steps"], 1):
        if len(step) != 1 or next(iter(step)) not in STEPS:
            return problems + [f"step {n}: one of {', '.join(STEPS)} expected, got "
                               f"{json.dumps(sorted(step))}"]
        what, value = next(iter(step.items()))
        if what == "reports":
            reports = sorted(value, key=lambda r: r["reported"])
            if reports and reports[0]["reported"] < last_reported:
                return problems + [f"step {n}: report {reports[0]['id']} was received before "
                                   "the reports of an earlier step"]
            last_reported = reports[-1]["reported"] if reports else last_reported
            problem = load_reports(battrace, store, reports, os.path.join(work, f"step{n}"))
            if problem:
                return problems + [f"step {n}: {problem}"]
        elif what == "expect":
            problems += [f"step {n}, as of {value['as_of']}: {p}"
                         for p in check(battrace, engines.read_args(store), value)]
        else:
            r = run(battrace, ["verify", *engines.verify_args(battrace, store)])
            if r.returncode != 0:
                return problems + [f"step {n}: restart: `battrace verify` failed "
                                   f"({r.returncode}): {r.stdout.strip()} {r.stderr.strip()}"]
    return problems


STEPS = ("reports", "expect", "restart")


def load_reports(battrace, store, reports, stem):
    """Imports `reports` (already in `reported` order) as a replay of history; a problem, or
    None."""
    write_ndjson(stem + ".ndjson", reports)
    r = run(battrace, ["import", *store, "--replay", "--rejects", stem + "-rejects.ndjson",
                       stem + ".ndjson"])
    if r.returncode == 0:
        return None
    rejects = open(stem + "-rejects.ndjson").read() if os.path.exists(
        stem + "-rejects.ndjson") else ""
    return f"`battrace import` failed ({r.returncode}): {r.stderr.strip()} {rejects}"


def check(battrace, read, when):
    """The problems of one expect step against the store as it stands."""
    as_of = when["as_of"]
    r = run(battrace, ["findings", *read, "--as-of", as_of, "--json"])
    if r.returncode != 0:
        return [f"findings failed: {r.stderr.strip()}"]
    problems = compare("finding", when["findings"], json.loads(r.stdout))
    for what, pinned in (("battery", "batteries"), ("vehicle", "vehicles")):
        problems += compare_records(battrace, read, what, when.get(pinned, []))
    if "obligations" in when:
        r = run(battrace, ["obligations", *read, "--as-of", as_of, "--json"])
        if r.returncode != 0:
            return problems + [f"obligations failed: {r.stderr.strip()}"]
        problems += compare("obligation", when["obligations"], json.loads(r.stdout))
    return problems


def main():
    battrace, scenarios, work = sys.argv[1:4]
    engines.require()
    only = set(sys.argv[4:])
    cast = expand(json.load(open(os.path.join(scenarios, "registry.json"))))
    names = sorted(f[:-5] for f in os.listdir(scenarios)
                   if f.endswith(".json") and f != "registry.json")
    unknown = only - set(names)
    if unknown:
        print(f"no such story: {', '.join(sorted(unknown))}")
        sys.exit(2)
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
