#!/usr/bin/env python3
"""What the enterprise's desk asks of the API, end to end against a real `battrace serve`:

- POST /v1/reports with a CSV body (Content-Type text/csv, `?type=`) and an NDJSON body
  (application/x-ndjson): one result per record with the record's line in the file (a CSV's
  header is line 1, blank lines counted), exactly the good lines stored (receipts, the store's
  rows, the ledger's size), the errors naming line, field and rule in the request's language;
  every CSV file of the Excel corpus (tests/data/excel: GB 18030 with Chinese headers, UTF-8 with
  a byte order mark, full-width identifiers, Excel's dates) answers the rejects `battrace
  import` gives for it, a row filed in another enterprise's name being refused (auth.reporter);
  a whole-file refusal for a header that cannot be read, a type on a non-CSV body, an unknown
  type, a body over --max-batch;
- GET /v1/batteries and GET /v1/vehicles: scoped to the viewer (an enterprise: what it holds or
  produced and may read in full, what it made; a regulator: its jurisdiction's holders and
  makers, with X-Purpose; the public: 401), keyset-paged (`cursor`, `limit`, `next_cursor`
  absent on the last page; pages of 7 add up to the one page of 1000, in key order, without
  repeats), a bad cursor refused (query.cursor), each list read audited.

The store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: enterprise_api_test.py BATTRACE CORPUS_DIR WORKDIR
"""
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Checks, Fixture, Server, check_problem, run  # noqa: E402

engines.require()
battrace, corpus, work = sys.argv[1:4]
ok = Checks()


def post(srv, token, body, ctype, query="", lang=None):
    headers = {"Content-Type": ctype}
    if lang:
        headers["Accept-Language"] = lang
    return srv.call("POST", "/v1/reports" + query, token,
                    body=body if isinstance(body, bytes) else body.encode(), headers=headers)


def ledger_size(srv):
    return srv.call("GET", "/healthz")[3]["ledger_size"]


def csv_cell(v):
    if isinstance(v, list):
        v = ";".join(v)
    if isinstance(v, bool):
        v = "true" if v else "false"
    v = "" if v is None else str(v)
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n') else v


# --- The Excel corpus through the API: the CLI's rejects, line for line ---------------------
REGISTRY = os.path.join(corpus, "registry.ndjson")
# Each file is one office's: the enterprise whose token posts it.
FILERS = {"gbk_chinese_headers.csv": "91440300708461136T",
          "UTF8_BOM_MIXED_CASE.CSV": "91440300708461136T",
          "bad_bytes.csv": "91440300708461136T",
          "inbound_sniffed.txt": "914403002793835897"}
for n, name in enumerate(sorted(FILERS)):
    path = os.path.join(corpus, name)
    expect = json.load(open(path + ".expect.json", encoding="utf-8"))
    dirn = os.path.join(work, f"corpus{n}")
    os.makedirs(dirn, exist_ok=True)
    store = engines.store_args(dirn, "store")
    run([battrace, "init", *store])
    run([battrace, "registry", "import", *store, "--effective", "2026-01-01", REGISTRY])
    body = open(path, "rb").read()
    filer = FILERS[name]
    token = run([battrace, "token", "issue", *engines.read_args(store), "--principal",
                 "enterprise:" + filer]).strip().splitlines()[-1]
    with Server(battrace, store, dirn) as srv:
        before = ledger_size(srv)
        status, _, data, doc = post(srv, token, body, "text/csv")
        ok(status == 200, f"{name}: {status} {data[:300]!r}")
        rejects = sorted([r["line"], r["error"].get("field", ""), r["error"]["rule"]]
                         for r in doc["results"] if r["outcome"] == "rejected")
        # A row in another enterprise's name is refused at once, before the registry is asked.
        wanted = []
        for line, field, rule in expect["rejects"]:
            if rule == "auth.unregistered":
                field, rule = "reporter", "auth.reporter"
            wanted.append([line, field, rule])
        ok(rejects == sorted(wanted), f"{name}: rejects {rejects}, the CLI's {sorted(wanted)}")
        ok(doc["accepted"] == expect["accepted"] and doc["rejected"] == len(wanted),
           f"{name}: {doc['accepted']} accepted, {doc['rejected']} rejected; expected "
           f"{expect['accepted']}")
        ok(all("line" in r and "index" not in r for r in doc["results"]), f"{name}: lines")
        lines = [r["line"] for r in doc["results"]]
        ok(lines == sorted(lines) and len(set(lines)) == len(lines) and min(lines) >= 2,
           f"{name}: result lines {lines}")
        ok(ledger_size(srv) == before + expect["accepted"], f"{name}: ledger grew by "
           f"{ledger_size(srv) - before}, {expect['accepted']} accepted")
        for r in doc["results"]:
            if r["outcome"] != "accepted":
                continue
            got = srv.call("GET", f"/v1/reports/{r['receipt']['reporter']}/"
                                  f"{urllib.parse.quote(r['receipt']['id'])}", token)
            ok(got[0] == 200 and got[3]["leaf_index"] == r["receipt"]["leaf_index"],
               f"{name}: receipt {r['receipt']} not what the store holds: {got[2][:200]!r}")
        for rid, want in expect["stored"].items():
            rows = engines.query(store, "SELECT occurred, body FROM report WHERE id = ?", (rid,))
            bodies = engines.report_bodies(store, [r[1] for r in rows])
            ok(len(rows) == 1 and rows[0][0] == want["occurred"] and want["contains"] in bodies[0],
               f"{name}: {rid} stored as {rows}")
        stored_ids = {row[0] for row in engines.query(
            store, "SELECT id FROM report WHERE reporter <> ?", ("platform",))
            if not row[0].startswith("registry")}
        ok(len(stored_ids) == expect["accepted"], f"{name}: stored {sorted(stored_ids)}")
        # Sent again: every accepted line is a duplicate with its first receipt, nothing added.
        size = ledger_size(srv)
        again = post(srv, token, body, "text/csv")[3]
        ok(again["accepted"] == 0 and again["duplicates"] == expect["accepted"] and
           ledger_size(srv) == size, f"{name}: resent: {again}")
    engines.drop(store)

# --- A simulated world: NDJSON and CSV bodies, then the lists --------------------------------
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=120, keep_back=700)
by_reporter = {}
for r in fx.held_back:
    by_reporter.setdefault(r["reporter"], []).append(r)
FLAT_TYPES = ("battery.outbound", "battery.inbound", "vehicle.sold", "battery.utilized",
              "battery.swapped", "battery.replaced", "vehicle.scrapped")
for u in by_reporter:
    by_reporter[u] = [r for r in by_reporter[u] if r["type"] in FLAT_TYPES and
                      not any(isinstance(v, dict) for v in r.values())]
filer, reports = max(by_reporter.items(), key=lambda kv: len(kv[1]))
ok(len(reports) >= 4, f"the busiest held-back filer has {len(reports)} reports")
other = next(u for u in by_reporter if u != filer and by_reporter[u])
token = fx.token("enterprise:" + filer)
regulator = next(r for r in fx.regulators() if r["division"] == "000000")
reg_token = fx.token("regulator:" + regulator["id"])
admin = fx.token("admin")

with Server(battrace, fx.store, fx.work, "--max-batch", "50") as srv:
    # NDJSON: good lines, a blank line, a line that is not JSON, an unknown field, another
    # enterprise's report; lines numbered as in the file.
    good = reports[:3]
    bad_field = dict(reports[3], colour="red")
    foreign = dict(by_reporter[other][0])
    lines = [json.dumps(good[0]), "", json.dumps(good[1]), "{not json", json.dumps(bad_field),
             json.dumps(foreign), json.dumps(good[2])]
    before = ledger_size(srv)
    status, hdrs, data, doc = post(srv, token, "\n".join(lines) + "\n", "application/x-ndjson")
    ok(status == 200, f"ndjson: {status} {data[:300]!r}")
    got = {r["line"]: r for r in doc["results"]}
    ok(sorted(got) == [1, 3, 4, 5, 6, 7], f"ndjson lines {sorted(got)}")
    ok(all(got[i]["outcome"] == "accepted" for i in (1, 3, 7)), f"ndjson good lines: {doc}")
    ok(got[4]["error"]["rule"] == "report.json", f"line 4: {got[4]}")
    ok(got[5]["error"]["rule"] == "report.unknown_field" and
       got[5]["error"]["field"] == "/colour", f"line 5: {got[5]}")
    ok(got[6]["error"]["rule"] == "auth.reporter" and got[6]["error"]["field"] == "/reporter",
       f"line 6: {got[6]}")
    ok("request_id" not in got[5]["error"], "a line's error has no request id of its own")
    ok((doc["accepted"], doc["duplicates"], doc["rejected"]) == (3, 0, 3), f"ndjson counts {doc}")
    ok(ledger_size(srv) == before + 3, "ndjson: exactly the 3 good lines are leaves")
    for i in (1, 3, 7):
        rc = got[i]["receipt"]
        ok(rc["reporter"] == filer and srv.call(
            "GET", f"/v1/reports/{filer}/{urllib.parse.quote(rc['id'])}", token)[0] == 200,
           f"line {i}: receipt {rc} not readable")
    for r in (bad_field,):
        st = srv.call("GET", f"/v1/reports/{filer}/{urllib.parse.quote(r['id'])}", token)[0]
        ok(st == 404, f"rejected report {r['id']} stored: {st}")

    # The errors in Chinese: the rule sentence with the field, the English kept in detail_en.
    status, hdrs, data, doc = post(srv, token, json.dumps(bad_field) + "\n",
                                   "application/x-ndjson", lang="zh-CN")
    err = doc["results"][0]["error"]
    ok(hdrs.get("content-language") == "zh-CN" and "未定义的字段" in err["detail"] and
       "colour" in err["detail_en"] and err["title"] == "请求有误", f"zh-CN error: {err}")

    # CSV with ?type= and without a type column; a row of another type refused (csv.type);
    # a row with a bad code; line numbers of the file, the header being line 1.
    base = reports[3]
    kind = base["type"]
    columns = [k for k in base if k not in ("type",)]
    rows = []
    for i, rid in enumerate(["csv-ok-1", "csv-bad-type", "csv-ok-2"]):
        rows.append([rid if k == "id" else base[k] for k in columns])
    header = ",".join(["type"] + columns)
    wrong = "vehicle.sold" if kind != "vehicle.sold" else "battery.inbound"
    typed_rows = [[kind] + rows[0], [wrong] + rows[1], [""] + rows[2]]
    csv_body = header + "\r\n" + "\r\n".join(",".join(csv_cell(v) for v in row)
                                             for row in typed_rows) + "\r\n"
    before = ledger_size(srv)
    status, _, data, doc = post(srv, token, csv_body, "text/csv; charset=utf-8",
                                "?type=" + kind)
    ok(status == 200, f"typed csv: {status} {data[:300]!r}")
    got = {r["line"]: r for r in doc["results"]}
    ok(sorted(got) == [2, 3, 4], f"csv lines {sorted(got)}")
    ok(got[3]["outcome"] == "rejected" and got[3]["error"]["rule"] == "csv.type" and
       got[3]["error"]["field"] == "type", f"csv line 3: {got[3]}")
    accepted_csv = [i for i in (2, 4) if got[i]["outcome"] == "accepted"]
    # The base report is a held-back one: its own id was not filed, so both rows are new,
    # unless the rules refuse the report's content itself, which they would for both alike.
    ok(len(accepted_csv) in (0, 2) and ledger_size(srv) == before + len(accepted_csv),
       f"typed csv: {doc}")
    # Without its type column, the type comes from ?type= alone.
    untyped = ",".join(columns) + "\r\n" + ",".join(
        csv_cell("csv-untyped" if k == "id" else base[k]) for k in columns) + "\r\n"
    doc = post(srv, token, untyped, "text/csv", "?type=" + kind)[3]
    ok(doc["results"][0]["line"] == 2 and
       doc["results"][0]["outcome"] == got[2]["outcome"], f"untyped csv: {doc}")
    # Without either, the header is refused as a whole.
    check_problem(*post(srv, token, untyped, "text/csv"), 400, "csv.header", "type")
    check_problem(*post(srv, token, b"", "text/csv"), 400, "csv.header")
    check_problem(*post(srv, token, untyped, "text/csv", "?type=battery.lost"), 400,
                  "query.enum", "type")
    check_problem(*post(srv, token, "[]", "application/json", "?type=" + kind), 400,
                  "reports.type", "type")
    check_problem(*post(srv, token, json.dumps(good[0]), "application/x-ndjson",
                        "?type=" + kind), 400, "reports.type", "type")
    # A GB 18030 file with Chinese headers, posted as it is.
    gbk = ("报告编号,报告类型,报送企业,发生日期\r\ngbk-1,vehicle.sold,%s,2026/7/1\r\n" % filer)
    doc = post(srv, token, gbk.encode("gb18030"), "text/csv")[3]
    ok(doc["results"][0]["line"] == 2 and doc["results"][0]["outcome"] == "rejected" and
       doc["results"][0]["error"]["rule"] == "report.required", f"gbk csv: {doc}")
    # The body limits stay: more records than --max-batch is 413, nothing stored.
    before = ledger_size(srv)
    many = "\n".join(json.dumps(dict(good[0], id=f"many-{i}")) for i in range(51)) + "\n"
    check_problem(*post(srv, token, many, "application/x-ndjson"), 413, "api.batch_too_large")
    ok(ledger_size(srv) == before, "an oversized NDJSON body stored something")
    # Who may file is as for JSON: 401 for the public, 403 for a regulator.
    check_problem(*srv.call("POST", "/v1/reports", None, body=b"x",
                            headers={"Content-Type": "text/csv"}), 401)
    check_problem(*post(srv, reg_token, untyped, "text/csv"), 403)

    # --- The lists ------------------------------------------------------------------------
    def pages(path, tok, limit, purpose=None):
        items, cursor, seen_pages = [], None, 0
        while True:
            q = {"limit": limit}
            if cursor:
                q["cursor"] = cursor
            st, _, data, doc = srv.call("GET", path + "?" + urllib.parse.urlencode(q), tok,
                                        purpose=purpose)
            ok(st == 200, f"{path}: {st} {data[:300]!r}")
            ok(doc["limit"] == limit and len(doc["items"]) <= limit, f"{path}: page {doc}")
            items += doc["items"]
            seen_pages += 1
            ok(seen_pages < 500, f"{path}: endless paging")
            if "next_cursor" not in doc:
                return items
            cursor = doc["next_cursor"]

    # The enterprise with the most batteries by the store's rows.
    holders = engines.query(fx.store, "SELECT custodian, COUNT(*) FROM battery WHERE custodian "
                                      "IS NOT NULL GROUP BY custodian ORDER BY COUNT(*) DESC")
    holder = holders[0][0]
    htoken = fx.token("enterprise:" + holder)
    one = pages("/v1/batteries", htoken, 1000)
    paged = pages("/v1/batteries", htoken, 7)
    codes = [b["code"] for b in one]
    ok(codes and codes == sorted(codes) and len(set(codes)) == len(codes),
       f"enterprise batteries not in code order: {codes[:5]}")
    ok([b["code"] for b in paged] == codes, "pages of 7 differ from the one page of 1000")
    candidates = {row[0] for row in engines.query(
        fx.store, "SELECT code FROM battery WHERE custodian = ? OR producer = ?",
        (holder, holder))}
    ok(set(codes) <= candidates, "an enterprise lists a battery it neither holds nor produced")
    # Each listed battery is one it may read in full, and each candidate left out one it may not.
    for code in sorted(candidates)[:60]:
        view = srv.call("GET", f"/v1/batteries/{code}", htoken)[3]["view"]
        ok((view == "full") == (code in codes), f"{code}: view {view}, listed {code in codes}")
    item = one[0]
    ok(set(item) == {"code", "type", "chemistry", "model", "status", "contested", "custodian",
                     "custodian_name", "vin", "producer"}, f"battery item {item}")
    named = [b for b in one if b["custodian"] == holder]
    ok(named and all(b["custodian_name"] == fx.enterprise(holder)["name"] for b in named),
       "holder names")

    makers = engines.query(fx.store, "SELECT maker, COUNT(*) FROM vehicle WHERE maker IS NOT "
                                     "NULL GROUP BY maker ORDER BY COUNT(*) DESC")
    maker = makers[0][0]
    mtoken = fx.token("enterprise:" + maker)
    vehicles = pages("/v1/vehicles", mtoken, 1000)
    vins = [v["vin"] for v in vehicles]
    ok([v["vin"] for v in pages("/v1/vehicles", mtoken, 5)] == vins, "vehicle pages")
    made = sorted(row[0] for row in engines.query(
        fx.store, "SELECT vin FROM vehicle WHERE maker = ?", (maker,)))
    ok(vins and set(vins) <= set(made), "an enterprise lists a vehicle it did not make")
    for vin in made[:40]:
        st = srv.call("GET", f"/v1/vehicles/{vin}", mtoken)[0]
        ok((st == 200) == (vin in vins), f"{vin}: record {st}, listed {vin in vins}")
    ok(all(v["maker"] == maker and "history" not in v for v in vehicles), "vehicle items")
    # A battery maker that made no vehicle lists none.
    ok(pages("/v1/vehicles", htoken, 100) == [] or holder == maker, "a non-maker's vehicles")

    # Regulators: a province's holders and makers, in (holder, code) order, with a purpose.
    province = next(r for r in fx.regulators() if r["division"].endswith("0000") and
                    r["division"] != "000000" and any(
                        e.get("division", "").startswith(r["division"][:2])
                        for e in fx.registry if e["kind"] == "enterprise"))
    ptoken = fx.token("regulator:" + province["id"])
    check_problem(*srv.call("GET", "/v1/batteries", ptoken), 400, "access.purpose_required",
                  "X-Purpose")
    mine = pages("/v1/batteries", ptoken, 1000, purpose="inspection 2026-11")
    inside = {e["uscc"] for e in fx.registry if e["kind"] == "enterprise" and
              e["division"].startswith(province["division"][:2])}
    want = sorted((row[0], row[1]) for row in engines.query(
        fx.store, "SELECT custodian, code FROM battery WHERE custodian IS NOT NULL")
        if row[0] in inside)
    ok([(b["custodian"], b["code"]) for b in mine] == want,
       f"province batteries: {len(mine)} listed, {len(want)} held in it")
    ok([b["code"] for b in pages("/v1/batteries", ptoken, 9, purpose="inspection")] ==
       [b["code"] for b in mine], "province pages")
    pv = pages("/v1/vehicles", ptoken, 1000, purpose="inspection")
    want_v = sorted((row[0], row[1]) for row in engines.query(
        fx.store, "SELECT maker, vin FROM vehicle WHERE maker IS NOT NULL") if row[0] in inside)
    ok([(v["maker"], v["vin"]) for v in pv] == want_v, "province vehicles")
    national = pages("/v1/batteries", reg_token, 1000, purpose="inspection")
    registered = {e["uscc"] for e in fx.registry if e["kind"] == "enterprise"}
    ok(len(national) == len([c for c in engines.query(
        fx.store, "SELECT custodian FROM battery WHERE custodian IS NOT NULL")
        if c[0] in registered]), "national batteries")
    everything = pages("/v1/batteries", admin, 1000)
    ok(len(everything) == int(engines.query(fx.store, "SELECT COUNT(*) FROM battery")[0][0]),
       "the admin lists every battery")

    # Refusals: the public, a cursor that is not one, a cursor of another list's shape, limit 0.
    check_problem(*srv.call("GET", "/v1/batteries"), 401)
    check_problem(*srv.call("GET", "/v1/vehicles"), 401)
    check_problem(*srv.call("GET", "/v1/batteries?cursor=%25%25", htoken), 400, "query.cursor",
                  "cursor")
    first = srv.call("GET", "/v1/batteries?limit=1", ptoken, purpose="x")[3]
    check_problem(*srv.call("GET", "/v1/batteries?limit=1&cursor=" + first["next_cursor"],
                            htoken), 400, "query.cursor", "cursor")
    check_problem(*srv.call("GET", "/v1/batteries?limit=0", htoken), 400, "query.integer",
                  "limit")
    check_problem(*srv.call("GET", "/v1/batteries?offset=3", htoken), 400,
                  "query.unknown_parameter")
    # Every list read is in the audit trail, with who and why.
    audit = srv.call("GET", "/v1/audit?limit=1000", admin)[3]["items"]
    ok(any(a["action"] == "batteries" and a["principal"] == "enterprise:" + holder
           for a in audit), "an enterprise's battery list is not audited")
    ok(any(a["action"] == "vehicles" and a["principal"] == "regulator:" + province["id"] and
           a["purpose"] == "inspection" for a in audit), "a regulator's vehicle list")

print(f"enterprise api test: ok ({ok.count} checks)")
