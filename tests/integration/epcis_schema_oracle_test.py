#!/usr/bin/env python3
"""battrace's EPCIS JSON schema validation against an independent one: python's jsonschema.

Both validators judge GS1's JSON example documents and systematic mutations of them (a required
field dropped, a wrong JSON type, a bad date-time, a bad URI, an unknown key, a bad action,
changes that keep the document valid, and every value of seven documents replaced in turn by
three wrong ones); `battrace epcis validate` must give the verdict
jsonschema's Draft7Validator (formats asserted) gives, document by document. Where battrace is
stricter than the schema by design (docs: user extensions must be namespaced, rule
epcis.extension; a key repeated in one object, rule epcis.json), the case says so and battrace
must refuse it with that rule.

usage: epcis_schema_oracle_test.py BATTRACE SCHEMA GS1_EXAMPLES_DIR WORKDIR
"""
import copy
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import jsonschema

battrace, schema_path, examples_dir, work = sys.argv[1:5]

# The formats the schema uses. jsonschema checks them only with optional packages (rfc3987 for
# "uri", rfc3339-validator for "date-time"); where one is missing, the RFC's grammar here.
formats = jsonschema.FormatChecker()
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:"
                 r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/?#-]|%[0-9A-Fa-f]{2})*$")
RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                     r"([Zz]|[+-](\d{2}):(\d{2}))$")


def is_date_time(value):
    m = RFC3339.match(value) if isinstance(value, str) else None
    if isinstance(value, str) and not m:
        return False
    if m:
        try:
            datetime.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return False
        if int(m[4]) > 23 or int(m[5]) > 59 or int(m[6]) > 60:
            return False
        if m[9] is not None and (int(m[9]) > 23 or int(m[10]) > 59):
            return False
    return True


if "uri" not in formats.checkers:
    formats.checks("uri")(lambda v: not isinstance(v, str) or bool(URI.match(v)))
if "date-time" not in formats.checkers:
    formats.checks("date-time")(is_date_time)

with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
jsonschema.Draft7Validator.check_schema(schema)
oracle = jsonschema.Draft7Validator(schema, format_checker=formats)


def events_of(doc):
    body = doc["epcisBody"]
    if "queryResults" in body:
        return body["queryResults"]["resultsBody"]["eventList"]
    return body["eventList"]


# --- the cases: (name, document text, expected battrace rule when it is stricter, or None) ---
cases = []
examples = sorted(glob.glob(os.path.join(examples_dir, "**", "*.jsonld"), recursive=True))
assert len(examples) >= 40, f"too few GS1 examples under {examples_dir}"
for path in examples:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    name = os.path.relpath(path, examples_dir)
    # AssociationEvent-h repeats a key (tests/data/epcis/gs1/README.md): json.loads keeps the
    # last value, battrace refuses.
    rule = "epcis.json" if name.endswith("AssociationEvent-h.jsonld") else None
    cases.append((name, text, rule))


def mutate(base_name, doc, label, fn, rule=None):
    d = copy.deepcopy(doc)
    fn(d)
    cases.append((f"{base_name}#{label}", json.dumps(d), rule))


def drop(key, where):
    return lambda d: where(d).pop(key, None)


def put(key, value, where):
    return lambda d: where(d).__setitem__(key, value)


def ev(d):
    return events_of(d)[0]


def ev_part(part):
    return lambda d: ev(d)[part]


BASES = [
    "Example_9.6.1-ObjectEvent.jsonld",
    "Example_9.6.3-AggregationEvent.jsonld",
    "Example_9.6.4-TransformationEvent.jsonld",
    "AssociationEvent/AssociationEvent-a.jsonld",
    "WithFullCombinationOfFields/object_event_all_possible_fields.jsonld",
    "WithSensorData/SensorDataExample1.jsonld",
    "EPCISQueryDocument.jsonld",
]
for base in BASES:
    with open(os.path.join(examples_dir, base), encoding="utf-8") as f:
        doc = json.load(f)
    e = ev(doc)
    # Required fields dropped.
    for key in ["schemaVersion", "creationDate", "@context", "epcisBody"]:
        mutate(base, doc, f"drop-doc-{key}", drop(key, lambda d: d))
    for key in ["eventTime", "eventTimeZoneOffset", "type", "action"]:
        if key in e:
            mutate(base, doc, f"drop-event-{key}", drop(key, ev))
    # Wrong JSON types.
    mutate(base, doc, "type-eventTime", put("eventTime", 1700000000, ev))
    mutate(base, doc, "type-eventList", lambda d: d["epcisBody"].__setitem__("eventList", {})
           if "eventList" in d["epcisBody"] else
           d["epcisBody"]["queryResults"]["resultsBody"].__setitem__("eventList", {}))
    mutate(base, doc, "type-schemaVersion", put("schemaVersion", 2.0, lambda d: d))
    for key in ["epcList", "childEPCs", "inputEPCList", "readPoint", "bizStep"]:
        if key in e:
            mutate(base, doc, f"type-{key}", put(key, 7, ev))
    if "readPoint" in e:
        mutate(base, doc, "type-readPoint-id", put("id", ["x"], ev_part("readPoint")))
    # Bad date-times.
    for i, bad in enumerate(["2020-13-01T00:00:00Z", "2021-02-29T10:00:00Z",
                             "2020-01-01T00:00:00", "2020-01-01 00:00:00Z",
                             "2020-01-01T25:00:00+01:00", "2020-01-01T00:00:00+0100",
                             "yesterday"]):
        mutate(base, doc, f"date-time-{i}", put("eventTime", bad, ev))
    mutate(base, doc, "date-time-creationDate", put("creationDate", "2020-01-01", lambda d: d))
    # Valid date-times stay valid.
    for i, good in enumerate(["2020-02-29T23:59:59.999999-05:30", "2020-01-01t00:00:00z"]):
        mutate(base, doc, f"date-time-ok-{i}", put("eventTime", good, ev))
    # Bad URIs.
    if "readPoint" in e:
        for i, bad in enumerate(["not a uri", "readpoint-7", "1abc:x", "urn:x%zz"]):
            mutate(base, doc, f"uri-readPoint-{i}", put("id", bad, ev_part("readPoint")))
    for key in ["epcList", "childEPCs", "inputEPCList"]:
        if e.get(key):
            mutate(base, doc, f"uri-{key}", lambda d, key=key: ev(d)[key].__setitem__(
                0, "urn:epc:id:sgtin:0614141 107346 2017"))
            mutate(base, doc, f"unique-{key}", lambda d, key=key: ev(d)[key].append(
                ev(d)[key][0]))
    mutate(base, doc, "uri-eventID", put("eventID", "event 1", ev))
    mutate(base, doc, "uri-eventID-ok", put("eventID", "urn:uuid:3c1b7ea2-3f6a-4c3e-9f62-00000000", ev))
    # Unknown keys: plain ones at levels the schema names its fields, namespaced ones.
    mutate(base, doc, "key-event-plain", put("colour", "red", ev))
    mutate(base, doc, "key-doc-plain", put("colour", "red", lambda d: d))
    mutate(base, doc, "key-event-namespaced", put("https://example.com/ns/colour", "red", ev))
    mutate(base, doc, "key-event-standard-prefix", put("cbvmda:lotNumber", "L1", ev))
    # ... and where only battrace's extension rule refuses them.
    if "readPoint" in e:
        mutate(base, doc, "key-readPoint-plain", put("floor", 3, ev_part("readPoint")),
               rule="epcis.extension")
    mutate(base, doc, "key-event-undeclared-prefix", put("zz:colour", "red", ev),
           rule="epcis.extension")
    # What an extension holds is its owner's (XML extensions hold unqualified elements).
    mutate(base, doc, "key-extension-inner-plain",
           put("https://example.com/ns/x", {"plain": {"#text": "1"}}, ev))
    # Bad and good actions.
    if "action" in e:
        for i, bad in enumerate(["add", "ADDED", "", "REMOVE"]):
            mutate(base, doc, f"action-{i}", put("action", bad, ev))
        for good in ["ADD", "OBSERVE", "DELETE"]:
            mutate(base, doc, f"action-ok-{good}", put("action", good, ev))
    # CBV values in their three spellings, and a user vocabulary.
    for i, step in enumerate(["shipping", "urn:epcglobal:cbv:bizstep:shipping",
                              "https://ref.gs1.org/cbv/BizStep-shipping",
                              "https://example.com/steps/weigh", "not a step"]):
        mutate(base, doc, f"bizStep-{i}", put("bizStep", step, ev))
    mutate(base, doc, "offset-bad", put("eventTimeZoneOffset", "+15:00", ev))
    mutate(base, doc, "doc-type-event", put("type", "ObjectEvent", lambda d: d),
           rule="epcis.document")

# Every value of the base documents in turn replaced by a number, a string that is no URI and
# no date-time, and an empty object: each keyword the schema applies there gets a wrong value.
for base in BASES:
    with open(os.path.join(examples_dir, base), encoding="utf-8") as f:
        doc = json.load(f)
    paths = []

    def walk(node, path):
        paths.append(path)
        items = node.items() if isinstance(node, dict) else (
            enumerate(node) if isinstance(node, list) else [])
        for key, child in items:
            walk(child, path + [key])

    walk(doc, [])
    for path in paths[1:]:
        for i, value in enumerate([7, "x y", {}]):
            def replace(d, path=path, value=value):
                for key in path[:-1]:
                    d = d[key]
                d[path[-1]] = value
            mutate(base, doc, f"value-{'/'.join(map(str, path))}-{i}", replace)

# --- both verdicts ---
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
files = []
for i, (name, text, rule) in enumerate(cases):
    path = os.path.join(work, f"case-{i:04d}.jsonld")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    files.append(path)
run = subprocess.run([battrace, "--lang", "en", "epcis", "validate", "--format", "json", *files],
                     capture_output=True, text=True, timeout=300)
valid = {line.split(": valid ")[0] for line in run.stdout.splitlines() if ": valid " in line}
refused = {}
for line in run.stderr.splitlines():
    m = re.match(r"^error: (.*?\.jsonld): (.*) \[([a-z0-9_.]+)\]$", line)
    assert m, f"unexpected line on stderr: {line}"
    refused[m[1]] = (m[2], m[3])
assert len(valid) + len(refused) == len(files), "battrace did not judge every case"

failures = []
agree = accepted = stricter = 0
for path, (name, text, rule) in zip(files, cases):
    theirs = not any(True for _ in oracle.iter_errors(json.loads(text)))
    ours = path in valid
    accepted += ours
    if rule is not None:
        got = refused.get(path, ("", "accepted"))[1]
        if got != rule:
            failures.append(f"{name}: battrace gave {got}, expected refusal by {rule}")
        continue
    if (theirs and not ours and "#value-@context" in name
            and refused[path][1] == "epcis.extension"):
        stricter += 1  # a declaration removed: the document's prefixes are undeclared now
        continue
    if ours != theirs:
        why = refused.get(path, ("", ""))
        failures.append(f"{name}: battrace {'accepts' if ours else 'refuses'} "
                        f"({why[0]} [{why[1]}]), jsonschema {'accepts' if theirs else 'refuses'}")
    elif not ours and refused[path][1] not in ("epcis.schema", "epcis.document"):
        failures.append(f"{name}: refused by {refused[path][1]}, expected epcis.schema")
    else:
        agree += 1
if failures:
    sys.exit("epcis schema oracle: FAILED:\n  " + "\n  ".join(failures))
print(f"epcis schema oracle: {len(cases)} documents ({len(examples)} GS1 examples), "
      f"{agree} verdicts shared with jsonschema, {stricter} refused by the extension rule "
      f"after a @context change, {accepted} accepted; ok")
