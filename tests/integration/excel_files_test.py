#!/usr/bin/env python3
"""Real files from real offices: every file of the Excel corpus (tests/data/excel: GBK and
UTF-8-BOM CSV with CRLF, Chinese and loosely spelled headers, full-width identifiers, each date
style, numbers in scientific notation, a sniffed .txt, JSON arrays) is imported into a fresh store
with the corpus registry, and exactly its expected accepts and rejects (line, field, rule) come
out; what was stored is read back from the store. A CSV file's rejected records are written back
as a CSV file that imports again. Every template of docs/templates imports into one store.

usage: excel_files_test.py BATTRACE CORPUS_DIR TEMPLATES_DIR WORKDIR
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402

engines.require()
battrace, corpus, templates, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
os.chdir(work)
REGISTRY = os.path.join(corpus, "registry.ndjson")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def fresh_store(name):
    store = engines.store_args(work, name)
    subprocess.run([battrace, "init", *store], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([battrace, "registry", "import", *store, "--effective", "2026-01-01",
                    REGISTRY], check=True, stdout=subprocess.DEVNULL)
    return store


def run_import(store, *args, stdin=None):
    p = subprocess.run([battrace, "import", *store, *args], capture_output=True, input=stdin,
                       timeout=120)
    if p.returncode not in (0, 1):
        print(f"battrace import {args}: exit {p.returncode}", flush=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def counts(stdout, stderr=""):
    m = re.search(r"import: (\d+) accepted, (\d+) duplicates, (\d+) rejected(?:, (\d+) withheld)?",
                  stdout)
    assert m, f"no summary in {stdout!r} {stderr!r}"
    return int(m.group(1)), int(m.group(3)), int(m.group(4) or 0)


def rejects_of(path):
    if not os.path.exists(path):
        return []
    return [json.loads(line) for line in open(path, encoding="utf-8")]


files = sorted(f for f in glob.glob(os.path.join(corpus, "*"))
               if not f.endswith((".expect.json", ".py", "registry.ndjson")))
check(len(files) >= 7, f"the corpus has {len(files)} files")
for n, path in enumerate(files):
    name = os.path.basename(path)
    expect = json.load(open(path + ".expect.json", encoding="utf-8"))
    store = fresh_store(f"corpus{n}")
    rejects_path = os.path.join(work, f"rejects{n}.jsonl")
    rc, out, err = run_import(store, "--rejects", rejects_path, path)
    accepted, rejected, withheld = counts(out, err)
    got = sorted([r["line"], r["field"], r["rule"]] for r in rejects_of(rejects_path))
    check(accepted == expect["accepted"], f"{name}: {accepted} accepted, expected "
          f"{expect['accepted']}\n{out}{err}")
    check(withheld == expect["withheld"], f"{name}: {withheld} withheld, expected "
          f"{expect['withheld']}")
    check(got == sorted(expect["rejects"]), f"{name}: rejects {got}, expected {expect['rejects']}")
    check(rejected == len(expect["rejects"]), f"{name}: {rejected} rejected counted")
    check(rc == (1 if expect["rejects"] else 0), f"{name}: exit {rc}")
    note = f"import: {path}: read as {expect['format']}, {expect['encoding']}"
    check(note in out, f"{name}: no {note!r} in\n{out}")
    # The first rejects are printed with line, field, rule and message, and where the rest are.
    for line, field, rule in expect["rejects"]:
        check(f"{path}:{line}: " in err and f"[{rule}]" in err, f"{name}: line {line} not printed")
    if expect["rejects"]:
        check(f"the full list of rejects: {rejects_path}" in err, f"{name}: no list path in {err}")
    # Every reject, also those refused on commit, carries its input.
    check(all(r["input"] for r in rejects_of(rejects_path)), f"{name}: a reject without input")
    rows = engines.query(store, "SELECT id, occurred, body FROM report WHERE reporter <> ?",
                         ("platform",))
    stored = {row[0]: (row[1], body)
              for row, body in zip(rows, engines.report_bodies(store, [r[2] for r in rows]))}
    stored = {k: v for k, v in stored.items() if not k.startswith("registry")}
    check(len(stored) == expect["accepted"], f"{name}: {len(stored)} reports stored")
    for rid, want in expect["stored"].items():
        row = stored.get(rid)
        check(row is not None and row[0] == want["occurred"] and want["contains"] in row[1],
              f"{name}: report {rid} stored as {row}, expected {want}")
    # The rejected records as read, to correct and import again (not for a JSON array).
    again = rejects_path + "." + name
    if expect["format"] == "CSV" and expect["rejects"]:
        data = open(again, "rb").read()
        check(data.startswith(b"\xef\xbb\xbf"), f"{again}: no byte order mark")
        lines = data[3:].splitlines()  # an undecodable record is written back as it was
        check(len(lines) == 1 + len(expect["rejects"]), f"{again}: {len(lines)} lines")
        rc2, out2, _ = run_import(store, "--rejects", rejects_path + ".2", again)
        a2, r2, _ = counts(out2)
        got2 = sorted(r["rule"] for r in rejects_of(rejects_path + ".2"))
        check(a2 == 0 and got2 == sorted(r[2] for r in expect["rejects"]),
              f"{again}: re-import gave {a2} accepted, rejects {got2}")
    else:
        check(not os.path.exists(again), f"{again} written")
    engines.drop(store)

# A reject found on commit, corrected at its cause, is accepted from the written-back file.
store = fresh_store("refeed")
path = os.path.join(corpus, "gbk_chinese_headers.csv")
rc, out, err = run_import(store, "--rejects", "r.jsonl", path)
with open("more-registry.ndjson", "w") as f:
    f.write(json.dumps({"kind": "enterprise", "uscc": "914403009999999995", "name": "新登记企业",
                        "roles": ["vehicle_maker"], "division": "440300"}) + "\n")
subprocess.run([battrace, "registry", "import", *store, "--effective", "2026-01-01",
                "more-registry.ndjson"], check=True, stdout=subprocess.DEVNULL)
rc, out, err = run_import(store, "--rejects", "r2.jsonl", "r.jsonl.gbk_chinese_headers.csv")
check(counts(out)[:2] == (1, 2), f"re-import after registering: {out}")
engines.drop(store)

# stdin and --format: the .txt file piped in is sniffed as CSV; a CSV given as --format ndjson
# is read as NDJSON (and every line refused).
sniffed = open(os.path.join(corpus, "inbound_sniffed.txt"), "rb").read()
store = fresh_store("stdin")
rc, out, err = run_import(store, "-", stdin=sniffed)
check(counts(out) == (2, 1, 0) and "import: -: read as CSV" in out, f"stdin: {out}{err}")
engines.drop(store)
store = fresh_store("format")
rc, out, err = run_import(store, "--format", "ndjson", os.path.join(corpus, "inbound_sniffed.txt"))
check(counts(out) == (0, 4, 0) and "read as NDJSON" in out, f"--format ndjson: {out}")
rc, out, err = run_import(store, "--format", "xls", os.path.join(corpus, "inbound_sniffed.txt"))
check(rc != 0 and "--format" in err, f"--format xls: {rc} {err}")
engines.drop(store)

# Every template imports (in an order where corrections and outlet changes follow what they
# name), each its one example row.
order = ["outlet.registered", "model.disassembly_info", "battery_model.declared",
         "battery.produced", "vehicle.produced", "battery.health", "correction", "vehicle.sold",
         "battery.replaced", "battery.swapped", "outlet.changed", "battery.outbound",
         "battery.inbound", "vehicle.scrapped", "battery.utilized", "product.outbound",
         "outlet.closed"]
present = sorted(os.path.basename(f)[:-4] for f in glob.glob(os.path.join(templates, "*.csv")))
check(present == sorted(order), f"templates {present}")
store = fresh_store("templates")
for t in order:
    path = os.path.join(templates, t + ".csv")
    data = open(path, "rb").read()
    check(data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data, f"{t}: not UTF-8 BOM with CRLF")
    header = data[3:].decode("utf-8").splitlines()[0]
    check(all(not c.isascii() for c in header.split(",")), f"{t}: a header not in Chinese")
    rc, out, err = run_import(store, path)
    check(rc == 0 and counts(out) == (1, 0, 0), f"template {t}: {out}{err}")
rows = engines.query(store, "SELECT type FROM report WHERE id LIKE ?", ("tpl-%",))
check(sorted(r[0] for r in rows) == sorted(order), f"template reports stored: {rows}")

if failures:
    print(f"excel files: {len(failures)} failures")
    sys.exit(1)
print("excel files: ok")
