#!/usr/bin/env python3
"""battrace's reports as EPCIS 2.0 and back (docs/epcis.md): the templates of docs/templates (one
report of each type) are imported into a store; `battrace epcis export --code` of the batteries
they name gives schema-valid EPCISDocuments (`battrace epcis validate`) with the mapping's events;
`battrace import` of those documents into a second store files the same reports (stored forms
equal but for the receipt time). An EPCIS document with an event that maps to no report is
refused whole, naming the event; an invalid document is refused with nothing stored.

usage: epcis_export_import_test.py BATTRACE EXCEL_CORPUS_DIR TEMPLATES_DIR WORKDIR
"""
import json
import os
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
# In an order where corrections and outlet changes follow what they name.
ORDER = ["outlet.registered", "model.disassembly_info", "battery_model.declared",
         "battery.produced", "vehicle.produced", "battery.health", "correction", "vehicle.sold",
         "battery.replaced", "battery.swapped", "outlet.changed", "battery.outbound",
         "battery.inbound", "vehicle.scrapped", "battery.utilized", "product.outbound",
         "outlet.closed"]
CODES = ["001PB240000003B3C0221956", "001PB240000003B3C0221957"]
# Reports that state no event (docs/epcis.md), or name no battery (not in a battery's export).
NOT_EXPORTED = {"outlet.registered", "outlet.changed", "outlet.closed", "model.disassembly_info",
                "battery_model.declared", "product.outbound", "vehicle.sold"}
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def run(*args):
    return subprocess.run([battrace, *args], capture_output=True, text=True, timeout=120)


def fresh_store(name):
    store = engines.store_args(work, name)
    subprocess.run([battrace, "init", *store], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([battrace, "registry", "import", *store, "--effective", "2026-01-01",
                    REGISTRY], check=True, stdout=subprocess.DEVNULL)
    return store


def stored_reports(store):
    """(reporter, id) -> stored form without the receipt time."""
    out = {}
    rows = engines.query(store, "SELECT reporter, id, body FROM report WHERE reporter <> 'platform'")
    for (reporter, rid, _), body in zip(rows, engines.report_bodies(store, [r[2] for r in rows])):
        report = json.loads(body)
        report.pop("reported", None)
        out[(reporter, rid)] = report
    return out


source = fresh_store("source")
for t in ORDER:
    p = run("import", *source, os.path.join(templates, t + ".csv"))
    check(p.returncode == 0, f"template {t}: {p.stdout}{p.stderr}")

exports = []
for code in CODES:
    p = run("epcis", "export", *engines.read_args(source), "--code", code)
    check(p.returncode == 0, f"export {code}: {p.stderr}")
    path = os.path.join(work, code + ".jsonld")
    with open(path, "w", encoding="utf-8") as f:
        f.write(p.stdout)
    exports.append(path)
    doc = json.loads(p.stdout)
    check(doc["type"] == "EPCISDocument", f"export {code}: {doc['type']}")
    events = doc["epcisBody"]["eventList"]
    uri = "urn:battrace:gbt34014:" + code
    named = set()
    for e in events:
        for key in ("epcList", "childEPCs", "inputEPCList"):
            named.update(e.get(key, []))
        named.add(e.get("parentID"))
    check(uri in named, f"export {code}: no event names it")
    v = run("epcis", "validate", path)
    check(v.returncode == 0, f"export {code} is not valid: {v.stdout}{v.stderr}")
    if code == CODES[0]:
        steps = [(e["type"], e.get("action"), e.get("bizStep")) for e in events]
        for step in [("ObjectEvent", "ADD", "commissioning"),
                     ("AssociationEvent", "ADD", "assembling"),
                     ("AssociationEvent", "ADD", "installing"),
                     ("AssociationEvent", "DELETE", "removing"),
                     ("ObjectEvent", "OBSERVE", "shipping"),
                     ("ObjectEvent", "OBSERVE", "receiving"),
                     ("ObjectEvent", "OBSERVE", "inspecting"),
                     ("AssociationEvent", "DELETE", "disassembling"),
                     ("TransformationEvent", None, "destroying")]:
            check(step in steps, f"export {code}: no {step} event among {steps}")

p = run("epcis", "export", *engines.read_args(source), "--code", "001PB240000003B3C0221958")
check(p.returncode != 0 and "no report names battery" in p.stderr, f"unknown code: {p.stderr}")

# The exports into a second store: the same reports.
target = fresh_store("target")
for path in exports:
    p = run("import", *target, path)
    check(p.returncode == 0 and "read as EPCIS JSON" in p.stdout, f"import {path}: {p.stdout}"
          f"{p.stderr}")
want = {k: v for k, v in stored_reports(source).items()
        if v["type"] not in NOT_EXPORTED
        and not (v["type"] == "correction" and v["report"]["type"] in NOT_EXPORTED)}
got = stored_reports(target)
check(set(got) == set(want), f"reports: {sorted(got)} != {sorted(want)}")
for key in want:
    if key in got:
        check(got[key] == want[key], f"{key}: {got[key]} != {want[key]}")

# A hand-written XML document (CBV URNs, another prefix for battrace's namespace, no eventID):
# its event's shape makes it a battery.inbound.
XML = """<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:bt="https://battrace.org/epcis/"
    creationDate="2026-07-03T00:00:00Z" schemaVersion="2.0">
  <EPCISBody><EventList><ObjectEvent>
    <eventTime>2026-07-02T17:30:00Z</eventTime>
    <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
    <epcList><epc>urn:battrace:gbt34014:001PB240000003B3C0221957</epc></epcList>
    <action>OBSERVE</action>
    <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
    <readPoint><id>urn:battrace:uscc:914403002793835897</id></readPoint>
    <sourceList>
      <source type="urn:epcglobal:cbv:sdt:owning_party">urn:battrace:uscc:91440300708461136T</source>
    </sourceList>
    <bt:reportID>xml-inbound-1</bt:reportID>
  </ObjectEvent></EventList></EPCISBody>
</epcis:EPCISDocument>
"""
xml_path = os.path.join(work, "inbound.xml")
with open(xml_path, "w", encoding="utf-8") as f:
    f.write(XML)
p = run("import", *target, xml_path)
check(p.returncode == 0 and "read as EPCIS XML" in p.stdout, f"XML import: {p.stdout}{p.stderr}")
got = stored_reports(target).get(("914403002793835897", "xml-inbound-1"))
check(got == {"type": "battery.inbound", "id": "xml-inbound-1", "reporter": "914403002793835897",
              "occurred": "2026-07-03", "codes": ["001PB240000003B3C0221957"],
              "from": "91440300708461136T"}, f"XML import stored {got}")

# A document with one event no report maps to: refused whole, naming the event.
with open(exports[0], encoding="utf-8") as f:
    doc = json.load(f)
doc["epcisBody"]["eventList"].append({
    "type": "AggregationEvent", "eventTime": "2026-07-01T00:00:00+08:00",
    "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "packing",
    "parentID": "urn:epc:id:sscc:0614141.1234567890",
    "childEPCs": ["urn:battrace:gbt34014:" + CODES[0]],
    "readPoint": {"id": "urn:battrace:uscc:91350900587527783P"}})
unmapped_index = len(doc["epcisBody"]["eventList"]) - 1
bad = os.path.join(work, "unmapped.jsonld")
with open(bad, "w", encoding="utf-8") as f:
    json.dump(doc, f)
fresh = fresh_store("unmapped")
p = run("import", *fresh, bad)
check(p.returncode == 1 and f"event {unmapped_index} (AggregationEvent packing)" in p.stderr
      and "[epcis.unmapped]" in p.stderr and "withheld" in p.stdout,
      f"unmapped event: {p.returncode} {p.stdout}{p.stderr}")
check(stored_reports(fresh) == {}, "a refused document stored reports")

# An invalid document (a required field dropped): refused, nothing stored.
del doc["epcisBody"]["eventList"][0]["eventTime"]
with open(bad, "w", encoding="utf-8") as f:
    json.dump(doc, f)
p = run("import", *fresh, bad)
check(p.returncode != 0 and "epcis.schema" in p.stderr, f"invalid document: {p.stdout}{p.stderr}")
check(stored_reports(fresh) == {}, "an invalid document stored reports")

if failures:
    print(f"epcis export import: {len(failures)} failures")
    sys.exit(1)
print("epcis export import: ok")
