#!/usr/bin/env python3
"""The EPCIS 2.0 binding under /epcis (docs/api.md "EPCIS", docs/epcis.md), end to end over a
real server on the engine BATTRACE_TEST_ENGINE names.

- Every GS1 example document vendored (JSON and XML) is captured (202, Location, a job that
  counts its events), and each event is found again by GET /epcis/events/{eventID} and by a
  query, equal to what was sent but for the eventID added when absent, recordTime set and the
  prefixes of its document's @context carried along (JSON); an XML event is found by the id
  `battrace epcis hash` prints for it. Every answer validates against GS1's JSON schema
  (python3-jsonschema, draft-07, formats asserted).
- Invalid documents are refused whole (400 epcisException:ValidationException) and nothing of
  them is stored; a re-capture stores nothing; an error declaration is a new fact.
- The access matrix, paging by Link, the parameters' errors, GS1-EPC-Format, media types.
- battrace's own reports as events: MATCH_anyEPC=<battery URI> and
  GET /epcis/events/urn:battrace:report:<leaf>:<n>, under the reports' access rules.

usage: epcis_api_test.py BATTRACE SCHEMA_JSON GS1_DATA_DIR WORKDIR
"""
import copy
import glob
import json
import os
import re
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Fixture, Server, check_problem  # noqa: E402

engines.require()
battrace, schema_path, data_dir, work = sys.argv[1:5]
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=40, keep_back=20)
validator = jsonschema.Draft7Validator(json.load(open(schema_path)),
                                       format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
checks = 0


def ok(cond, msg):
    global checks
    checks += 1
    if not cond:
        sys.exit(f"epcis api test: FAILED: {msg}")


def valid(doc, what):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    ok(not errors, f"{what} is not schema-valid: " +
       "; ".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:3]))


def quote(event_id):
    return urllib.parse.quote(event_id, safe="")


def events_of(doc):
    return doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def epcis_problem(answer, status, exception, rule=None):
    doc = check_problem(*answer, status, rule)
    ok(doc["type"] == "epcisException:" + exception, f"type {doc['type']}, wanted {exception}")
    return doc


def hashes(path):
    p = subprocess.run([battrace, "epcis", "hash", path], capture_output=True, text=True)
    ok(p.returncode == 0, f"battrace epcis hash {path}: {p.stderr}")
    return p.stdout.split()


def as_stored(sent, doc_context, got_id):
    """The event as the store keeps it: eventID added, recordTime set, prefixes carried."""
    want = copy.deepcopy(sent)
    want.setdefault("eventID", got_id)
    prefixes = [c for c in (doc_context if isinstance(doc_context, list) else [doc_context])
                if isinstance(c, dict)]
    if "@context" not in want and prefixes:
        want["@context"] = prefixes
    return want


# --- the principals: two enterprises in different provinces, a regulator of each, the admin ---
makers = fx.enterprises("battery_maker")
a = makers[0]
b = next((e for e in fx.registry if e["kind"] == "enterprise"
          and e["division"][:2] != a["division"][:2]), None)
ok(b is not None, "the fixture has enterprises in two provinces")
fx.add_registry([
    {"kind": "regulator", "id": "epcis-reg-in", "department": "MIIT",
     "division": a["division"][:2] + "0000"},
    {"kind": "regulator", "id": "epcis-reg-out", "department": "MIIT",
     "division": b["division"][:2] + "0000"},
])
tok_a = fx.token(f"enterprise:{a['uscc']}")
tok_b = fx.token(f"enterprise:{b['uscc']}")
reg_in = fx.token("regulator:epcis-reg-in")
reg_out = fx.token("regulator:epcis-reg-out")
admin = fx.token("admin")
PURPOSE = "EPCIS supervision test"

json_docs = sorted(glob.glob(os.path.join(data_dir, "gs1", "**", "*.json*"), recursive=True))
xml_docs = sorted(glob.glob(os.path.join(data_dir, "gs1-xml", "**", "*.xml"), recursive=True))
ok(json_docs, f"no GS1 JSON examples under {data_dir}/gs1")
# GS1's own examples that GS1's rules refuse (docs/epcis.md, "Not supported"): an
# AggregationEvent with persistentDisposition (the XSD allows it, the JSON schema does not);
# sensor reports without a type and with measurement types outside the JSON schema's list;
# an event with its eventID twice.
REFUSED = {"Example-PersistentDisposition.xml", "SensorDataExamples.xml",
           "AssociationEvent-h.jsonld"}


def all_events(server, token, purpose=None, query=""):
    """Every event `token` sees for `query`, following the Link of each page."""
    out = []
    target = "/epcis/events?perPage=1000" + ("&" + query if query else "")
    pages = 0
    while target:
        st, h, data, doc = server.call("GET", target, token, purpose)
        ok(st == 200, f"GET {target}: {st} {data[:300]!r}")
        valid(doc, f"the query document of {target}")
        out += events_of(doc)
        link = h.get("link")
        target = re.match(r'<([^>]+)>; rel="next"', link).group(1) if link else None
        pages += 1
        ok(pages < 1000, "paging ends")
    return out


with Server(battrace, fx.store, work, "--rate-limit", "0") as server:
    # ------------------------------------------------ capture every GS1 example, find each event
    captured = {}  # eventID -> the event as stored
    refused = []
    n_json = n_xml = 0
    for path in json_docs + xml_docs:
        is_xml = path.endswith(".xml")
        raw = open(path, "rb").read()
        if is_xml:
            root = ET.fromstring(raw)
            if not root.tag.endswith("}EPCISDocument"):
                continue
        else:
            sent_doc = json.loads(raw)
            if sent_doc.get("type") != "EPCISDocument":
                continue
        ctype = "application/xml" if is_xml else "application/ld+json"
        answer = server.call("POST", "/epcis/capture", tok_a, body=raw,
                             headers={"Content-Type": ctype})
        if os.path.basename(path) in REFUSED:
            epcis_problem(answer, 400, "ValidationException")
            refused.append(os.path.basename(path))
            continue
        st, h, data, job = answer
        ok(st == 202, f"capture of {os.path.basename(path)}: {st} {data[:500]!r}")
        location = h.get("location", "")
        ok(location == "/epcis/capture/" + job["captureID"], f"Location {location} {job}")
        st, _, _, got_job = server.call("GET", location, tok_a)
        ok(st == 200 and got_job["captureID"] == job["captureID"] and got_job["success"] is True
           and got_job["running"] is False and got_job["captureErrorBehaviour"] == "rollback"
           and got_job["errors"] == [], f"the job of {path}: {got_job}")
        ids = hashes(path)
        if is_xml:
            n_xml += 1
            body = root.find("EPCISBody")
            event_list = body.find("EventList") if body is not None else None
            xml_events = list(event_list) if event_list is not None else []
            ok(len(xml_events) == len(ids), f"{path}: {len(ids)} hashes, "
               f"{len(xml_events)} events")
            sent_events = []
            for element, event_hash in zip(xml_events, ids):
                supplied = element.find("eventID")
                sent_events.append((None, supplied.text.strip() if supplied is not None
                                    else event_hash, element.tag))
        else:
            n_json += 1
            events = sent_doc["epcisBody"]["eventList"]
            ok(len(events) == len(ids), f"{path}: {len(ids)} hashes, {len(events)} events")
            sent_events = [(e, e.get("eventID", event_hash), e["type"])
                           for e, event_hash in zip(events, ids)]
        ok(got_job["battrace:stored"] + got_job["battrace:duplicates"] == len(ids),
           f"{path}: the job counts {got_job}, {len(ids)} events")
        # A duplicate (an event with the hash of one captured before) is stored once, under
        # the first capture's eventID: it may not be found under its own.
        unfound = 0
        for sent, event_id, type_name in sent_events:
            st, _, data, doc = server.call("GET", "/epcis/events/" + quote(event_id), tok_a)
            if st == 404 and unfound < got_job["battrace:duplicates"]:
                unfound += 1
                continue
            ok(st == 200, f"{path}: GET the event {event_id}: {st} {data[:300]!r}")
            valid(doc, f"GET /epcis/events/{event_id}")
            got = events_of(doc)
            if sent is not None:
                want = as_stored(sent, sent_doc["@context"], event_id)
                # recordTime is the capture's (any sent one is replaced)
                match = [g for g in got if {k: v for k, v in g.items() if k != "recordTime"}
                         == {k: v for k, v in want.items() if k != "recordTime"}]
                ok(match, f"{path}: the event found again differs from the one sent:\n"
                   f"sent {json.dumps(want, sort_keys=True)[:1500]}\n"
                   f"got  {json.dumps(got, sort_keys=True)[:1500]}")
            else:
                ok(any(g["type"] == type_name.split("}")[-1] for g in got),
                   f"{path}: the XML event {event_id} found as {got}")
            ok(all("recordTime" in g for g in got), "recordTime set")
            captured[event_id] = got[0]
            # ... and by a query
            q = "EQ_eventID=" + quote(event_id)
            st, _, _, doc = server.call("GET", "/epcis/events?" + q, tok_a)
            ok(st == 200 and any(e["eventID"] == event_id for e in events_of(doc)),
               f"query {q}: {st}")
    ok(n_json > 0, "JSON documents captured")
    ok(sorted(refused) == sorted(REFUSED), f"the refused examples: {refused}")
    print(f"captured {n_json} JSON and {n_xml} XML GS1 documents, {len(captured)} events")

    # A query by an EPC, by type and by bizStep in another spelling finds the events again.
    with_epc = next(e for e in captured.values() if e.get("epcList"))
    epc = with_epc["epcList"][0]
    found = all_events(server, tok_a, query="MATCH_epc=" + quote(epc))
    ok(any(e["eventID"] == with_epc["eventID"] for e in found), f"MATCH_epc={epc}")
    found = all_events(server, tok_a, query="MATCH_anyEPC=" + quote(epc) + "&eventType=" +
                       with_epc["type"])
    ok(any(e["eventID"] == with_epc["eventID"] for e in found), f"MATCH_anyEPC={epc}")
    with_step = next(e for e in captured.values() if e.get("bizStep") and ":" not in e["bizStep"])
    urn = "urn:epcglobal:cbv:bizstep:" + with_step["bizStep"]
    found = all_events(server, tok_a, query="EQ_bizStep=" + quote("no_such_step|" + urn))
    ok(any(e["eventID"] == with_step["eventID"] for e in found), f"EQ_bizStep={urn}")
    ok(all(e.get("bizStep") in (with_step["bizStep"], urn) for e in found),
       "EQ_bizStep keeps only that step")

    # Times compared as instants: GE inclusive, LT exclusive, any offset.
    t = with_step["eventTime"]
    q_ge = "EQ_eventID=" + quote(with_step["eventID"]) + "&GE_eventTime=" + quote(t)
    ok(len(all_events(server, tok_a, query=q_ge)) >= 1, f"GE_eventTime={t} includes it")
    q_lt = "EQ_eventID=" + quote(with_step["eventID"]) + "&LT_eventTime=" + quote(t)
    ok(all_events(server, tok_a, query=q_lt) == [], f"LT_eventTime={t} excludes it")

    # ------------------------------------------------------------------ everything A sees
    mine = all_events(server, tok_a)
    ok(len(mine) >= len(captured), f"A sees its {len(captured)} events ({len(mine)})")

    # ------------------------------------------------------------------ paging
    paged, target, pages = [], "/epcis/events?perPage=7", 0
    while target:
        st, h, _, doc = server.call("GET", target, tok_a)
        ok(st == 200, f"page {target}: {st}")
        ok(len(events_of(doc)) <= 7, "perPage honoured")
        paged += events_of(doc)
        link = h.get("link")
        target = re.match(r'<([^>]+)>; rel="next"', link).group(1) if link else None
        pages += 1
    ok([e["eventID"] for e in paged] == [e["eventID"] for e in mine],
       f"pages of 7 ({pages}) give the same events as one page")
    st, _, _, doc = server.call("GET", "/epcis/events?perPage=30", tok_a)
    ok(len(events_of(doc)) == min(30, len(mine)), "perPage=30")
    epcis_problem(server.call("GET", "/epcis/events?nextPageToken=bogus", tok_a), 400,
                  "QueryParameterException", "query.cursor")

    # ------------------------------------------------------------------ invalid documents
    base = json.loads(open(json_docs[0], "rb").read())
    if base.get("type") != "EPCISDocument":
        base = next(json.loads(open(p, "rb").read()) for p in json_docs
                    if json.loads(open(p, "rb").read()).get("type") == "EPCISDocument")
    first = base["epcisBody"]["eventList"][0]
    mutations = []
    for change in ("drop-type", "bad-time", "plain-key", "bad-action", "no-context"):
        doc = copy.deepcopy(base)
        ev = doc["epcisBody"]["eventList"][0]
        ev.pop("eventID", None)
        ev["example:marker"] = "refused-" + change  # what a store would keep if it stored it
        if change == "drop-type":
            ev.pop("type")
        elif change == "bad-time":
            ev["eventTime"] = "2024-13-01T00:00:00Z"
        elif change == "plain-key":
            ev["colour"] = "red"
        elif change == "bad-action":
            ev["action"] = "MOVE"
        else:
            doc.pop("@context")
        mutations.append((change, doc))
    before = all_events(server, tok_a)
    for change, doc in mutations:
        answer = server.call("POST", "/epcis/capture", tok_a, body=json.dumps(doc),
                             headers={"Content-Type": "application/json"})
        epcis_problem(answer, 400, "ValidationException")
    bad_xml = b"<?xml version='1.0'?><epcis:EPCISDocument xmlns:epcis='urn:epcglobal:epcis:xsd:2'"
    bad_xml += b" schemaVersion='2.0' creationDate='2024-01-01T00:00:00Z'><Wrong/>"
    bad_xml += b"</epcis:EPCISDocument>"
    epcis_problem(server.call("POST", "/epcis/capture", tok_a, body=bad_xml,
                              headers={"Content-Type": "application/xml"}),
                  400, "ValidationException")
    epcis_problem(server.call("POST", "/epcis/capture", tok_a, body="{not json",
                              headers={"Content-Type": "application/json"}),
                  400, "ValidationException")
    after = all_events(server, tok_a)
    ok(before == after, "nothing of an invalid document is stored")

    # ------------------------------------------------------------------ duplicates
    dup_doc = copy.deepcopy(base)
    fresh = copy.deepcopy(first)
    fresh.pop("eventID", None)
    fresh["eventTime"] = "2031-05-06T07:08:09.123+02:00"
    fresh.pop("errorDeclaration", None)
    dup_doc["epcisBody"]["eventList"] = [fresh]
    st, _, _, job1 = server.call("POST", "/epcis/capture", tok_a, body=json.dumps(dup_doc))
    st2, _, _, job2 = server.call("POST", "/epcis/capture", tok_a, body=json.dumps(dup_doc))
    ok(st == 202 and job1["battrace:stored"] == 1, f"a new event stored: {job1}")
    ok(st2 == 202 and job2["battrace:stored"] == 0 and job2["battrace:duplicates"] == 1,
       f"the same event again stores nothing: {job2}")
    # the same event by B is B's own fact
    st, _, _, job3 = server.call("POST", "/epcis/capture", tok_b, body=json.dumps(dup_doc))
    ok(st == 202 and job3["battrace:stored"] == 1, f"B captures it as its own: {job3}")
    # one event alone
    single = dict(copy.deepcopy(fresh), eventTime="2031-05-06T07:08:10Z")
    single["@context"] = base["@context"]
    st, h, data, res = server.call("POST", "/epcis/events", tok_a, body=json.dumps(single))
    ok(st == 201, f"POST /epcis/events: {st} {data[:300]!r}")
    single_id = res["eventID"]
    ok(single_id.startswith("ni:///sha-256;") and single_id.endswith("?ver=CBV2.0"),
       f"the hash is its eventID: {single_id}")
    ok(h.get("location") == "/epcis/events/" + quote(single_id), f"Location {h.get('location')}")
    st, _, _, res = server.call("POST", "/epcis/events", tok_a, body=json.dumps(single))
    ok(st == 200 and res.get("battrace:duplicate") is True, f"the re-capture: {st} {res}")
    # its error declaration is a new fact, kept beside it
    declared = dict(copy.deepcopy(single), errorDeclaration={
        "declarationTime": "2031-05-07T00:00:00Z", "reason": "incorrect_data"})
    st, _, _, res = server.call("POST", "/epcis/events", tok_a, body=json.dumps(declared))
    ok(st == 201 and res["eventID"] == single_id, f"the declaration is stored: {st} {res}")
    st, _, _, doc = server.call("GET", "/epcis/events/" + quote(single_id), tok_a)
    got = events_of(doc)
    ok(len(got) == 2 and "errorDeclaration" not in got[0] and "errorDeclaration" in got[1],
       f"the event and its declaration: {got}")
    valid(doc, "the event with its declaration")

    # ------------------------------------------------------------------ access
    event_id = next(iter(captured))
    st, _, _, doc = server.call("GET", "/epcis/events?perPage=1000", tok_b)
    ok(st == 200 and all(e["eventID"] not in captured for e in events_of(doc)),
       "another enterprise sees none of A's events")
    epcis_problem(server.call("GET", "/epcis/events/" + quote(event_id), tok_b), 404,
                  "NoSuchResourceException")
    epcis_problem(server.call("GET", "/epcis/capture/" + job1["captureID"], tok_b), 404,
                  "NoSuchResourceException")
    epcis_problem(server.call("GET", "/epcis/capture/" + job1["captureID"]), 404,
                  "NoSuchResourceException")
    st, _, _, doc = server.call("GET", "/epcis/events?perPage=1000")
    ok(st == 200 and events_of(doc) == [], "the public sees none")
    epcis_problem(server.call("GET", "/epcis/events/" + quote(event_id)), 404,
                  "NoSuchResourceException")
    epcis_problem(server.call("POST", "/epcis/capture", body=json.dumps(dup_doc)), 401,
                  "SecurityException")
    epcis_problem(server.call("POST", "/epcis/events", body=json.dumps(single)), 401,
                  "SecurityException")
    epcis_problem(server.call("POST", "/epcis/capture", admin, body=json.dumps(dup_doc)), 403,
                  "SecurityException")
    seen_in = all_events(server, reg_in, PURPOSE)
    ok({e["eventID"] for e in mine} <= {e["eventID"] for e in seen_in},
       "the regulator of A's jurisdiction sees A's events")
    seen_out = all_events(server, reg_out, PURPOSE)
    ok(not ({e["eventID"] for e in seen_out} & set(captured)),
       "a regulator elsewhere sees none of A's")
    st, _, _, _ = server.call("GET", "/epcis/events/" + quote(event_id), reg_in, PURPOSE)
    ok(st == 200, "the regulator reads one event of its jurisdiction")
    seen_admin = all_events(server, admin)
    ok({e["eventID"] for e in mine} <= {e["eventID"] for e in seen_admin}, "the admin sees all")
    st, _, _, got_job = server.call("GET", "/epcis/capture/" + job1["captureID"], admin)
    ok(st == 200, "the admin reads a job")
    st, _, _, audit = server.call("GET", "/v1/audit?limit=1000", admin)
    actions = {e["action"] for e in audit["items"]}
    ok({"epcis_events", "epcis_event", "epcis_capture"} <= actions,
       f"the reads of others' events are audited: {sorted(actions)}")

    # ------------------------------------------------------------------ parameters, headers
    epcis_problem(server.call("GET", "/epcis/events?EQ_colour=red", tok_a), 400,
                  "QueryParameterException", "query.unknown_parameter")
    for bad in ("GE_eventTime=yesterday", "eventType=Thing", "EQ_action=add", "perPage=0",
                "perPage=1001", "EQ_bizStep=shipping||receiving"):
        epcis_problem(server.call("GET", "/epcis/events?" + bad, tok_a), 400,
                      "QueryParameterException", "epcis.query")
    epcis_problem(server.call("GET", "/epcis/events", tok_a,
                              headers={"GS1-EPC-Format": "Always_EPC_URN"}),
                  406, "NotAcceptableException", "epcis.epc_format")
    st, _, _, doc = server.call("GET", "/epcis/events/" + quote(with_epc["eventID"]), tok_a,
                                headers={"GS1-EPC-Format": "Never_Translates"})
    ok(st == 200 and events_of(doc)[0]["epcList"] == with_epc["epcList"],
       "Never_Translates: EPCs as captured")
    st, _, _, doc = server.call("GET", "/epcis/events/" + quote(with_epc["eventID"]), tok_a,
                                headers={"GS1-EPC-Format": "Always_GS1_Digital_Link"})
    ok(st == 200 and all(not e.startswith("urn:epc:id:") for e in events_of(doc)[0]["epcList"]),
       f"Always_GS1_Digital_Link: {events_of(doc)[0]['epcList']}")
    epcis_problem(server.call("POST", "/epcis/capture", tok_a, body="x",
                              headers={"Content-Type": "text/plain"}),
                  415, "UnsupportedMediaTypeException", "epcis.media_type")
    epcis_problem(server.call("POST", "/epcis/events", tok_a, body="<x/>",
                              headers={"Content-Type": "application/xml"}),
                  415, "UnsupportedMediaTypeException", "epcis.media_type")

    # ------------------------------------------------------------------ battrace's reports
    produced = next(r for r in fx.replayed if r["type"] == "battery.produced"
                    and r["reporter"] == a["uscc"])
    uri = "urn:battrace:gbt34014:" + produced["code"]
    own = all_events(server, tok_a, query="MATCH_anyEPC=" + quote(uri))
    ok(any(e.get("bizStep") == "commissioning" for e in own),
       f"the maker finds the commissioning of {uri}: {[e.get('bizStep') for e in own]}")
    ok(all(e["eventID"].startswith("urn:battrace:report:") for e in own), "report events only")
    report_id = own[0]["eventID"]
    st, _, _, doc = server.call("GET", "/epcis/events/" + quote(report_id), tok_a)
    ok(st == 200 and events_of(doc)[0]["eventID"] == report_id, f"GET {report_id}")
    valid(doc, f"GET {report_id}")
    others = all_events(server, tok_b, query="MATCH_anyEPC=" + quote(uri))
    ok(others == [], "another enterprise does not see the battery's report events")
    epcis_problem(server.call("GET", "/epcis/events/" + quote(report_id), tok_b), 404,
                  "NoSuchResourceException")
    narrowed = all_events(server, tok_a, query="MATCH_anyEPC=" + quote(uri) +
                          "&EQ_bizStep=shipping")
    ok(all(e.get("bizStep") == "shipping" for e in narrowed), "other parameters filter them")
    rc = server.stop()
    ok(rc == 0, f"the server exited {rc}")

print(f"epcis api test: ok ({checks} checks)")
