#!/usr/bin/env python3
"""The client of bench/epcis/run.sh: builds EPCIS 2.0 documents and captures them through
POST /epcis/capture over keep-alive connections, each waiting for its capture job to finish
(GET of the Location until `running` is false) before the next document. Prints one line the
script reads: RESULT key=value ...

usage:
  epcis_client.py reports HOST PORT TOKENS.tsv REPORTS.ndjson DOC CONNECTIONS
      the commissioning ObjectEvent battrace's mapping gives for each battery.produced report
      of REPORTS.ndjson (docs/epcis.md), in documents of DOC events per reporter (each captured
      with that reporter's token), in report order; all documents are built before the clock
      starts.
  epcis_client.py synthetic HOST PORT TOKEN COUNT DOC CONNECTIONS QUERIES.txt SAMPLE
      COUNT commissioning ObjectEvents of distinct GS1 SGTINs (Digital Link URIs), in documents
      of DOC, built as they are sent; writes SAMPLE of their EPCs, drawn at random, as query
      paths GET /epcis/events?MATCH_anyEPC=... to QUERIES.txt.
TOKENS.tsv: USCC <TAB> token, one per line.
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

GS1_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
CONTEXT = [GS1_CONTEXT, {"battrace": "https://battrace.org/epcis/"}]
# The GTIN-13 prefix of the synthetic trade items; the check digit is computed.
GTIN_BODY = "0952123450000"


def check_digit(body):
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


GTIN = GTIN_BODY + check_digit(GTIN_BODY)


def document(events):
    return json.dumps({"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
                       "creationDate": "2026-06-01T00:00:00.000Z",
                       "epcisBody": {"eventList": events}}, separators=(",", ":")).encode()


def commissioning(report):
    """The event of a battery.produced report as src/epcis/mapping.cc gives it (no eventID:
    the capture gives it its hash, as any event captured without one)."""
    fields = {k: v for k, v in report.items()
              if k not in ("id", "type", "reporter", "occurred", "reported", "code", "parts")}
    return {"type": "ObjectEvent", "bizStep": "commissioning", "action": "ADD",
            "epcList": ["urn:battrace:gbt34014:" + report["code"]], "disposition": "active",
            "eventTime": report["occurred"] + "T00:00:00+08:00", "eventTimeZoneOffset": "+08:00",
            "readPoint": {"id": "urn:battrace:uscc:" + report["reporter"]},
            "battrace:reportID": report["id"], "battrace:reportType": "battery.produced",
            "ilmd": {"battrace:" + k: v for k, v in fields.items()}}


def synthetic(n):
    return {"type": "ObjectEvent", "action": "ADD", "bizStep": "commissioning",
            "disposition": "active", "epcList": [f"https://id.gs1.org/01/{GTIN}/21/{n}"],
            "eventTime": f"2026-06-01T{n // 3600000 % 24:02d}:{n // 60000 % 60:02d}:"
                         f"{n // 1000 % 60:02d}.{n % 1000:03d}+08:00",
            "eventTimeZoneOffset": "+08:00",
            "readPoint": {"id": "https://id.gs1.org/414/9521234500006"}}


def capture(host, port, jobs, connections):
    """Captures each (authorization, body) of `jobs` (a list, or a function of the index and
    a count) once; returns the RESULT fields."""
    count = len(jobs) if isinstance(jobs, list) else jobs.count
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "failed": 0, "statuses": {}, "latencies": [],
             "first_error": ""}

    def worker():
        conn = http.client.HTTPConnection(host, int(port), timeout=300)
        while True:
            with lock:
                i = state["next"]
                if i >= count:
                    break
                state["next"] = i + 1
            auth, body = jobs[i] if isinstance(jobs, list) else jobs(i)
            headers = {"Authorization": auth}
            t0 = time.monotonic()
            ok, status, error = False, -1, ""
            try:
                conn.request("POST", "/epcis/capture", body=body,
                             headers=dict(headers, **{"Content-Type": "application/ld+json"}))
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
                location = resp.getheader("Location")
                if status == 202 and location:
                    while True:
                        conn.request("GET", location, headers=headers)
                        r = conn.getresponse()
                        job = r.read()
                        parsed = json.loads(job) if r.status == 200 else {}
                        if r.status != 200 or not parsed.get("running", False):
                            break
                        time.sleep(0.002)
                    ok = r.status == 200 and parsed.get("success") is True
                    if not ok:
                        error = f"job {r.status} {job[:300]!r}"
                else:
                    error = f"{status} {data[:300]!r}"
            except (OSError, http.client.HTTPException, ValueError) as e:
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=300)
                error = str(e)
            dt = time.monotonic() - t0
            with lock:
                state["latencies"].append(dt)
                state["statuses"][status] = state["statuses"].get(status, 0) + 1
                state["ok" if ok else "failed"] += 1
                if error and not state["first_error"]:
                    state["first_error"] = error
        conn.close()

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(int(connections))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    lat = sorted(state["latencies"]) or [0.0]
    pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))]
    if state["first_error"]:
        print("first error: " + state["first_error"], file=sys.stderr)
    return (f"documents={state['next']} captured={state['ok']} failed={state['failed']} "
            f"seconds={seconds:.3f} doc_p50_ms={pct(50) * 1000:.1f} "
            f"doc_p99_ms={pct(99) * 1000:.1f} "
            f"statuses={','.join(f'{k}:{v}' for k, v in sorted(state['statuses'].items()))}")


def main():
    mode = sys.argv[1]
    if mode == "reports":
        host, port, tokens_path, reports_path, doc, connections = sys.argv[2:8]
        tokens = dict(l.rstrip("\n").split("\t", 1) for l in open(tokens_path) if l.strip())
        by_reporter, jobs, events = {}, [], 0

        def flush(reporter):
            jobs.append((("Bearer " + tokens[reporter]), document(by_reporter.pop(reporter))))

        for line in open(reports_path):
            report = json.loads(line)
            batch = by_reporter.setdefault(report["reporter"], [])
            batch.append(commissioning(report))
            events += 1
            if len(batch) == int(doc):
                flush(report["reporter"])
        for reporter in list(by_reporter):
            flush(reporter)
        print(f"RESULT events={events} {capture(host, port, jobs, connections)}")
    elif mode == "synthetic":
        host, port, token, count, doc, connections, queries, sample = sys.argv[2:10]
        count, doc = int(count), int(doc)

        def job(i):
            events = [synthetic(n) for n in range(i * doc, min(count, (i + 1) * doc))]
            return "Bearer " + token, document(events)

        job.count = (count + doc - 1) // doc
        rng = random.Random(1)
        with open(queries, "w") as out:
            for n in rng.sample(range(count), int(sample)):
                epc = urllib.parse.quote(synthetic(n)["epcList"][0], safe="")
                out.write(f"/epcis/events?MATCH_anyEPC={epc}\n")
        print(f"RESULT events={count} {capture(host, port, job, connections)}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
