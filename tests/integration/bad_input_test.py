#!/usr/bin/env python3
"""Bad input loses nothing good: a file mixing valid reports with every kind of malformed line
is imported; every valid line is stored, every bad one is rejected with its line number and the
precise field and rule, and the ledger still verifies. A store whose meta('schema_version') is
damaged is refused as damaged by every command (exit 1), never a crash. The store is on the engine
BATTRACE_TEST_ENGINE names (engines.py); the stored reports are read from it directly.

usage: bad_input_test.py BATTRACE INGEST_TOOL WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402

engines.require()
battrace, tool, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
os.chdir(work)
subprocess.run([tool, "generate", "40", "valid.ndjson", "registry.ndjson"], check=True)
valid = [json.loads(l) for l in open("valid.ndjson")]
produced = next(r for r in valid if r["type"] == "battery.produced")
vehicle = next(r for r in valid if r["type"] == "vehicle.produced")


def variant(base, new_id, **changes):
    r = dict(base)
    r["id"] = new_id
    for k, v in changes.items():
        if v is None:
            r.pop(k, None)
        else:
            r[k] = v
    return json.dumps(r)


def uscc_check(first17):
    """The GB 32100 check character of the first 17 characters of a USCC."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(alphabet.index(c) * w for c, w in zip(first17, weights))
    return alphabet[(31 - total % 31) % 31]


def swap_char(s, pos, c):
    return s[:pos - 1] + c + s[pos:]


# (line text, expected field, expected rule); the rule None means "any rule", for syntax errors.
bad = [
    ('{"id": "x1", "type": ', "", None),
    ("[1, 2, 3]", "", None),
    (variant(produced, "x3", colour="red"), "/colour", "report.unknown_field"),
    (variant(produced, "x4", code=None), "/code", "report.required"),
    (variant(produced, "x5", code=5), "/code", None),
    (variant(produced, "x6", code=swap_char(produced["code"], 16, "D")), "/code", "battery_code.month"),
    (variant(produced, "x7", occurred="2026-02-30"), "/occurred", None),
    (variant(produced, "x8", reporter=swap_char(produced["reporter"], 18, "0" if produced["reporter"][17] != "0" else "1")),
     "/reporter", "uscc.check_character"),
    (variant(vehicle, "x9", vin=swap_char(vehicle["vin"], 9, "0" if vehicle["vin"][8] != "0" else "1")),
     "/vin", "vin.check_digit"),
    (variant(produced, "x10", type="battery.invented"), "/type", None),
    (variant(produced, "x11", mass_kg=-3), "/mass_kg", None),
    (variant(produced, "x12", reported="yesterday"), "/reported", None),
    ("x" * ((1 << 20) + 1), "", "ingest.line_too_long"),
    # Well-formed, but not authorized (docs/report-format.md, "Who may file what"): an unregistered reporter, and a registered
    # vehicle maker filing a battery maker's report.
    (variant(produced, "x14", reporter="91440300999999999" + uscc_check("91440300999999999")),
     "/reporter", "auth.unregistered"),
    (variant(produced, "x15", reporter=vehicle["reporter"]), "/type", "auth.role"),
]

lines, expected = [], {}
for i, v in enumerate(valid):
    lines.append(json.dumps(v))
    if i < len(bad):
        text, field, rule = bad[i]
        lines.append(text)
        expected[len(lines)] = (field, rule)
with open("mixed.ndjson", "w") as f:
    f.write("\n".join(lines) + "\n")

store = engines.store_args(work, "t")
subprocess.run([battrace, "init", *store], check=True, stdout=subprocess.DEVNULL)
subprocess.run([battrace, "registry", "import", *store, "registry.ndjson"],
               check=True, stdout=subprocess.DEVNULL)
run = subprocess.run([battrace, "import", *store, "--replay", "--rejects", "rejects.ndjson",
                      "mixed.ndjson"], capture_output=True, text=True)
print(run.stdout.strip())
assert run.returncode == 1, "import must exit 1 when lines were rejected"
assert f"{len(valid)} accepted" in run.stdout and f"{len(bad)} rejected" in run.stdout, run.stdout

rejects = {r["line"]: r for r in map(json.loads, open("rejects.ndjson"))}
failures = []
for line, (field, rule) in expected.items():
    r = rejects.get(line)
    if r is None:
        failures.append(f"line {line}: not rejected")
    elif r["field"] != field or (rule is not None and r["rule"] != rule):
        failures.append(f"line {line}: got {r['field']} [{r['rule']}] {r['message']}; "
                        f"expected {field} [{rule}]")
    elif not r["message"]:
        failures.append(f"line {line}: empty message")
extra = set(rejects) - set(expected)
if extra:
    failures.append(f"valid lines rejected: {sorted(extra)}")

ids = {row[0] for row in engines.query(store, "SELECT id FROM report")}
missing = {v["id"] for v in valid} - ids
if missing:
    failures.append(f"valid reports not stored: {sorted(missing)}")
verify = subprocess.run([battrace, "verify", *engines.verify_args(battrace, store)],
                        capture_output=True, text=True)
if verify.returncode != 0:
    failures.append("verify failed: " + verify.stderr)

# Battery codes are never guessed (docs/report-format.md, "Reading battery codes"). A code with a
# character too many is refused by the strict import and by the lenient one: the 24 characters in
# it are another battery's code. A code with a separator in it (25 characters) is refused
# strictly and read leniently, with a warning printed, counted and written to the receipt.
code = produced["code"]
fresh = dict(produced)
fresh.pop("reported", None)
fresh.pop("raw_scans", None)
typo = dict(fresh, id="typo-1", code=code + "7")
split = dict(fresh, id="split-1", code=code[:5] + "-" + code[5:])
for name, report in (("typo", typo), ("split", split)):
    with open(f"{name}.ndjson", "w") as f:
        f.write(json.dumps(report) + "\n")


def import_codes(name, *flags):
    for path in (f"{name}.rejects", f"{name}.receipts"):
        if os.path.exists(path):
            os.remove(path)
    p = subprocess.run([battrace, "import", *store, *flags, "--rejects", f"{name}.rejects",
                        "--receipts", f"{name}.receipts", f"{name}.ndjson"],
                       capture_output=True, text=True)
    rejects = [json.loads(l) for l in open(f"{name}.rejects")]
    receipts = [json.loads(l) for l in open(f"{name}.receipts")]
    return p, rejects, receipts


for flags in ((), ("--lenient",)):
    p, rejects, receipts = import_codes("typo", *flags)
    want = f'24 characters expected, got 25: "{code}7"'
    if (p.returncode != 1 or receipts or len(rejects) != 1 or rejects[0]["field"] != "/code"
            or rejects[0]["rule"] != "battery_code.length"
            or not rejects[0]["message"].startswith(want)):
        failures.append(f"typo {flags}: exit {p.returncode}, {rejects}, {receipts}")
p, rejects, receipts = import_codes("split")
if p.returncode != 1 or receipts or [r["rule"] for r in rejects] != ["battery_code.length"]:
    failures.append(f"split code, strict: exit {p.returncode}, {rejects}, {receipts}")
p, rejects, receipts = import_codes("split", "--lenient")
warning = f"warning: split.ndjson:1: /code [battery_code.length]: \"{split['code']}\" has 25"
if (p.returncode != 0 or rejects or len(receipts) != 1 or "1 warnings" not in p.stdout
        or not p.stderr.startswith(warning)
        or [w["rule"] for w in receipts[0].get("warnings", [])] != ["battery_code.length"]):
    failures.append(f"split code, lenient: exit {p.returncode}, {p.stdout!r}, {p.stderr!r}, "
                    f"{rejects}, {receipts}")
stored = engines.query(store, "SELECT COUNT(*) FROM report WHERE id = 'split-1'")
if str(stored[0][0]) != "1":
    failures.append(f"split code, lenient: not stored ({stored})")

# Defect "a withheld JSON array quotes another item's input": a reject in a JSON array (stored
# whole or not at all) must quote its own element in the reject file, not the element at its
# position among the rejects; nothing of the array is stored.
with open("array.json", "w") as f:
    f.write("[" + json.dumps(dict(fresh, id="array-1")) + ",\n" +
            json.dumps(dict(typo, id="array-2")) + "]\n")
if os.path.exists("array.rejects"):
    os.remove("array.rejects")
p = subprocess.run([battrace, "import", *store, "--rejects", "array.rejects", "array.json"],
                   capture_output=True, text=True)
rejects = [json.loads(l) for l in open("array.rejects")]
if (p.returncode != 1 or [r["line"] for r in rejects] != [2]
        or '"array-2"' not in rejects[0]["input"] or "1 withheld" not in p.stdout):
    failures.append(f"JSON array with a reject: exit {p.returncode}, {p.stdout!r}, {rejects}")
stored = engines.query(store, "SELECT COUNT(*) FROM report WHERE id LIKE 'array-%'")
if str(stored[0][0]) != "0":
    failures.append(f"JSON array with a reject: stored in part ({stored})")

# A damaged meta('schema_version') is reported as damage by every command, never a crash.
damaged = engines.store_args(work, "damaged")
subprocess.run([battrace, "init", *damaged], check=True, stdout=subprocess.DEVNULL)
verify_damaged = ["verify", *engines.verify_args(battrace, damaged)]  # pubkey reads the store
for value in ("abc", "", "4x", "-1", "99999999999", "0"):
    engines.query(damaged, "UPDATE meta SET value = ? WHERE key = 'schema_version'", (value,))
    for cmd in (verify_damaged,
                ["findings", *engines.read_args(damaged), "--as-of", "2026-06-01"],
                ["import", *damaged, "valid.ndjson"]):
        p = subprocess.run([battrace, *cmd], capture_output=True, text=True)
        if p.returncode != 1 or "schema_version is not a version number" not in p.stderr:
            failures.append(f"schema_version {value!r}: {cmd[0]} exited {p.returncode}: "
                            f"{p.stderr.strip()[:300]}")
if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"bad input: ok: {len(valid)} valid stored, {len(bad)} rejected precisely")
