#!/usr/bin/env python3
"""The HTTP API end to end, against a real `battrace serve` on loopback.

The store is built with the CLI (simulate, init, registry import, import --replay, token issue);
the reports the simulation holds back are filed through POST /v1/reports. Checked:
- POST /v1/reports: accepted with receipts, a resend answered as duplicates with the same
  receipts, the same id with other content refused (409), per-item errors naming the field with
  the report's index, another reporter's report refused (auth.reporter), a body that is not an
  array (400), a body over --max-body-mib and a batch over --max-batch (413), principals that may
  not file (401, 403);
- receipts proven with GET /v1/ledger/proof/inclusion against GET /v1/ledger/checkpoint, by the
  independent verifier (rfc9162_verify.py) and by `battrace verify --receipt`; consistency proofs;
- every GET route's happy path, pagination, HEAD;
- errors: 404 for an unknown route, 405 with Allow, problem+json with the request id, no
  internals (SQL, source files) in any error body;
- the rate limit (429 with Retry-After);
- the audit trail of protected reads (GET /v1/audit) and `battrace verify` afterwards;
- SIGTERM while a large POST is in flight: the POST completes, the process exits 0, the ledger
  verifies and holds the batch.

The store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: api_test.py BATTRACE WORKDIR
"""
import base64
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
import rfc9162_verify as rfc  # noqa: E402
from api_support import AS_OF, Checks, Fixture, Server, assert_no_leak, call, check_problem, run  # noqa: E402

engines.require()
battrace, work = sys.argv[1:3]
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=150, keep_back=900)
ok = Checks()


def by_reporter(reports):
    out = {}
    for r in reports:
        out.setdefault(r["reporter"], []).append(r)
    return out


held = by_reporter(fx.held_back)
makers = {e["uscc"] for e in fx.enterprises("battery_maker")}
# The graceful-shutdown batch: the battery maker with the most held-back reports; the POST tests
# use another enterprise's, so that the two never share an id.
big_uscc = max((u for u in held if u in makers), key=lambda u: len(held[u]))
x_uscc = max((u for u in held if u != big_uscc), key=lambda u: len(held[u]))
ok(len(held[x_uscc]) >= 6 and len(held[big_uscc]) >= 100,
   f"the simulation holds back too few reports: {len(held[x_uscc])}, {len(held[big_uscc])}")
y_uscc = next(u for u in held if u not in (x_uscc, big_uscc))
regulator = fx.regulators()[0]

tok = {
    "admin": fx.token("admin"),
    "x": fx.token("enterprise:" + x_uscc),
    "y": fx.token("enterprise:" + y_uscc),
    "big": fx.token("enterprise:" + big_uscc),
    "reg": fx.token("regulator:" + regulator["id"]),
}
shop = fx.enterprises("repair_shop")[0]
tok["shop"] = fx.token("enterprise:" + shop["uscc"])


def mutate(r):
    """The same report with other content (a conflict when re-sent under the same id)."""
    r = json.loads(json.dumps(r))
    for field in ("model", "name", "certificate", "station"):
        if isinstance(r.get(field), str):
            r[field] += " (changed)"
            return r
    if isinstance(r.get("mass_kg"), (int, float)):
        r["mass_kg"] += 1
        return r
    if isinstance(r.get("outlet"), dict) and "name" in r["outlet"]:
        r["outlet"]["name"] += " (changed)"
        return r
    y, m, d = r["occurred"].split("-")
    r["occurred"] = f"{y}-{m}-{int(d) - 1:02d}" if int(d) > 1 else f"{y}-{m}-02"
    return r


def raw_post(port, path, token, body_len, chunks, pause_after=None, on_pause=None):
    """POST a body given as chunks over a raw socket; calls on_pause() after chunk pause_after.
    Answers (status, headers, body) or raises ConnectionError."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {body_len}\r\n"
                f"Connection: close\r\n\r\n")
        s.sendall(head.encode())
        try:
            for i, c in enumerate(chunks):
                s.sendall(c)
                if i == pause_after and on_pause:
                    on_pause()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer before it has read everything
        data = b""
        while True:
            try:
                part = s.recv(65536)
            except ConnectionResetError:
                break
            if not part:
                break
            data += part
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/1.1 "):
        raise ConnectionError(f"no HTTP answer: {data[:200]!r}")
    status = int(lines[0].split()[1])
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, body


def verify_receipt_offline(receipt, port, name):
    """The receipt is in the signed checkpoint the server gives, checked two independent ways."""
    st, h, data, cp = call(port, "GET", "/v1/ledger/checkpoint")
    ok(st == 200, f"checkpoint: {st} {data[:200]!r}")
    text = rfc.open_note(cp["note"].encode(), fx.key)
    ok(text is not None, "the checkpoint's signature does not verify")
    origin, size, root = rfc.parse_checkpoint(text)
    ok(size == cp["size"] and origin == "api.test/ledger", f"checkpoint {cp}")
    ok(receipt["leaf_index"] < size, f"leaf {receipt['leaf_index']} not in checkpoint {size}")
    st, h, data, proof = call(port, "GET", f"/v1/ledger/proof/inclusion?leaf={receipt['leaf_index']}")
    ok(st == 200, f"inclusion proof: {st} {data[:300]!r}")
    ok(proof["tree_size"] == size and proof["leaf_hash"] == receipt["leaf_hash"], f"proof {proof}")
    ok(rfc.verify_inclusion(receipt["leaf_index"], size, base64.b64decode(receipt["leaf_hash"]),
                            [base64.b64decode(x) for x in proof["hashes"]], root),
       "the independent verifier refuses the inclusion proof")
    d = os.path.join(work, "receipts", name)
    os.makedirs(d, exist_ok=True)
    paths = {}
    for fname, content in (("receipt.json", json.dumps(receipt)), ("cp.txt", cp["note"]),
                           ("proof.json", json.dumps(proof)), ("key.txt", fx.key + "\n")):
        paths[fname] = os.path.join(d, fname)
        with open(paths[fname], "w") as f:
            f.write(content)
    out = run([battrace, "verify", "--receipt", paths["receipt.json"], "--checkpoint",
               paths["cp.txt"], "--proof", paths["proof.json"], "--key", paths["key.txt"]])
    ok("verify: ok" in out, out)
    return size, root


# ============================================================================ the main server
server = Server(battrace, fx.store, fx.work, "--quiet", "--max-body-mib", "1",
                "--max-batch", "300")
try:
    port = server.port

    # ------------------------------------------------------------ POST /v1/reports
    xs = held[x_uscc]
    batch1 = xs[:4]
    st, h, data, res = server.call("POST", "/v1/reports", tok["x"], body=batch1)
    ok(st == 200, f"POST: {st} {data[:500]!r}")
    ok(res["accepted"] == 4 and res["rejected"] == 0 and res["duplicates"] == 0, res)
    receipts = []
    for i, (item, r) in enumerate(zip(res["results"], batch1)):
        ok(item["index"] == i and item["outcome"] == "accepted", item)
        rc = item["receipt"]
        ok(rc["reporter"] == x_uscc and rc["id"] == r["id"], rc)
        ok(len(base64.b64decode(rc["leaf_hash"])) == 32, rc)
        receipts.append(rc)
    ok(len({r["leaf_index"] for r in receipts}) == 4, "receipts share a leaf")

    st, h, data, res = server.call("POST", "/v1/reports", tok["x"], body=batch1)
    ok(st == 200 and res["duplicates"] == 4 and res["accepted"] == 0, f"resend: {res}")
    for item, rc in zip(res["results"], receipts):
        ok(item["outcome"] == "duplicate" and item["receipt"] == rc,
           f"a duplicate's receipt differs from the first: {item} vs {rc}")

    changed = mutate(batch1[0])
    st, h, data, res = server.call("POST", "/v1/reports", tok["x"], body=[changed])
    ok(st == 200 and res["rejected"] == 1, f"conflict: {st} {res}")
    err = res["results"][0]["error"]
    ok(err["status"] == 409, f"same id, other content: {err}")
    ok("request_id" not in err and err["field"].startswith("/0"), err)
    ok(err.get("rule") == "report.conflict" and err["field"] == "/0/id", f"conflict rule: {err}")
    assert_no_leak(json.dumps(err).encode())

    # Battery codes are never guessed (docs/report-format.md, "Reading battery codes"): a code
    # with a character too many is refused in both modes, never cut to 24; a code with a
    # separator in it is refused strictly and read leniently (?codes=lenient), with a warning in
    # the receipt.
    coded = next(r for r in xs[6:] if isinstance(r.get("code"), str)
                 or isinstance(r.get("codes"), list) and r["codes"])
    key = "code" if isinstance(coded.get("code"), str) else "codes"
    code = coded[key] if key == "code" else coded[key][0]
    pointer = "/0/code" if key == "code" else "/0/codes/0"

    def with_code(text, suffix):
        r = dict(coded, id=coded["id"] + suffix)
        r[key] = text if key == "code" else [text] + coded[key][1:]
        return r

    for query in ("", "?codes=lenient"):
        st, h, data, res = server.call("POST", "/v1/reports" + query, tok["x"],
                                       body=[with_code(code + "7", "-typo")])
        ok(st == 200 and res["rejected"] == 1, f"typo{query}: {st} {res}")
        e = res["results"][0]["error"]
        ok(e["field"] == pointer and e["rule"] == "battery_code.length"
           and e["detail"].startswith(f'24 characters expected, got 25: "{code}7"'),
           f"typo{query}: {e}")
    split = code[:5] + "-" + code[5:]
    st, h, data, res = server.call("POST", "/v1/reports", tok["x"],
                                   body=[with_code(split, "-split")])
    ok(st == 200 and res["rejected"] == 1, f"split, strict: {res}")
    ok(res["results"][0]["error"]["rule"] == "battery_code.length", res)
    st, h, data, res = server.call("POST", "/v1/reports?codes=lenient", tok["x"],
                                   body=[with_code(split, "-split")])
    ok(st == 200 and res["accepted"] == 1, f"split, lenient: {st} {res}")
    warnings = res["results"][0]["receipt"].get("warnings")
    ok(warnings and warnings[0]["field"] == pointer and warnings[0]["rule"] == "battery_code.length"
       and split in warnings[0]["message"], f"lenient receipt warnings: {res}")
    ok("warnings" not in receipts[0], f"a clean report's receipt has warnings: {receipts[0]}")
    r = server.call("POST", "/v1/reports?codes=loose", tok["x"], body=[])
    check_problem(*r, 400, "query.enum")

    good = xs[4]
    unknown = dict(xs[5], id=xs[5]["id"] + "-colour", colour="red")
    replay = dict(xs[5], id=xs[5]["id"] + "-reported", reported="2026-05-01T00:00:00Z")
    st, h, data, res = server.call("POST", "/v1/reports", tok["x"], body=[good, unknown, replay])
    ok(st == 200 and [r["outcome"] for r in res["results"]] == ["accepted", "rejected", "rejected"],
       f"mixed batch: {res}")
    e1, e2 = res["results"][1]["error"], res["results"][2]["error"]
    ok(e1["field"] == "/1/colour" and e1["rule"] == "report.unknown_field" and e1["status"] == 400,
       e1)
    ok(e2["field"] == "/2/reported" and e2["rule"] == "report.replay_only", e2)
    receipts.append(res["results"][0]["receipt"])

    theirs = held[y_uscc][0]
    st, h, data, res = server.call("POST", "/v1/reports", tok["x"], body=[theirs])
    ok(st == 200 and res["rejected"] == 1, res)
    e = res["results"][0]["error"]
    ok(e["rule"] == "auth.reporter" and e["field"] == "/0/reporter", f"reporter mismatch: {e}")

    for body, what in (('{"id": "a"}', "object"), ("{", "not JSON"), ("42", "number")):
        r = server.call("POST", "/v1/reports", tok["x"], body=body)
        check_problem(*r, 400, "api.body")
    r = server.call("POST", "/v1/reports", None, body=[])
    check_problem(*r, 401)
    for who in ("reg", "admin"):
        r = server.call("POST", "/v1/reports", tok[who], body=[])
        check_problem(*r, 403)

    # A body over 1 MiB (the --max-body-mib of this server): 413 before it is parsed.
    big_body = b"[" + b" " * (1 << 20) + b"]"
    st, hdrs, body = raw_post(port, "/v1/reports", tok["x"], len(big_body),
                              [big_body[i:i + 65536] for i in range(0, len(big_body), 65536)])
    doc = json.loads(body) if body else None
    check_problem(st, hdrs, body, doc, 413, "api.body_too_large")

    # A batch over --max-batch (300): 413, nothing stored.
    over = [dict(good, id=f"over-{i}") for i in range(301)]
    r = server.call("POST", "/v1/reports", tok["x"], body=over)
    check_problem(*r, 413, "api.batch_too_large")
    r = server.call("GET", f"/v1/reports/{x_uscc}/over-0", tok["admin"])
    check_problem(*r, 404)

    # The posted reports read back as filed.
    st, h, data, doc = server.call("GET", f"/v1/reports/{x_uscc}/{good['id']}", tok["x"])
    ok(st == 200 and doc["leaf_index"] == receipts[-1]["leaf_index"], f"{st} {doc}")
    ok(doc["leaf_hash"] == receipts[-1]["leaf_hash"], doc)
    stored = dict(doc["report"])
    ok("reported" in stored, "a stored report carries the platform's receipt time")
    stored.pop("reported")
    ok(stored == good, f"stored {stored} != filed {good}")

    # ------------------------------------------------------------ receipts and proofs
    replayed_receipt = fx.receipts[len(fx.receipts) // 2]
    old_size, old_root = verify_receipt_offline(replayed_receipt, port, "replayed")
    st, h, data, cp = server.call("GET", "/v1/ledger/checkpoint")
    api_leaf = receipts[-1]["leaf_index"]
    # The server signs a checkpoint each second in which reports were added.
    deadline = time.monotonic() + 10
    while cp["size"] <= api_leaf and time.monotonic() < deadline:
        time.sleep(0.2)
        st, h, data, cp = server.call("GET", "/v1/ledger/checkpoint")
    ok(cp["size"] > api_leaf, f"no checkpoint covers the API's receipt (leaf {api_leaf}): {cp}")
    new_size, new_root = verify_receipt_offline(receipts[-1], port, "api")
    verify_receipt_offline(receipts[0], port, "api-first")
    ok(new_size > old_size, f"{new_size} <= {old_size}")
    st, h, data, cons = server.call(
        "GET", f"/v1/ledger/proof/consistency?from={old_size}&to={new_size}")
    ok(st == 200 and cons["from"] == old_size and cons["to"] == new_size, f"{st} {cons}")
    ok(rfc.verify_consistency(old_size, new_size, old_root, new_root,
                              [base64.b64decode(x) for x in cons["hashes"]]),
       "the independent verifier refuses the consistency proof")
    st, h, data, cons = server.call("GET", f"/v1/ledger/proof/consistency?from={old_size}")
    ok(st == 200 and cons["to"] == new_size, f"consistency to the latest checkpoint: {cons}")
    for q, rule in (("", "query.required"), ("?leaf=abc", "query.integer"),
                    (f"?leaf={new_size + 5}", "proof.range"),
                    (f"?leaf=0&size={new_size + 1000}", "proof.range")):
        check_problem(*server.call("GET", "/v1/ledger/proof/inclusion" + q), 400, rule)
    check_problem(*server.call("GET", "/v1/ledger/proof/consistency"), 400, "query.required")
    check_problem(*server.call("GET", f"/v1/ledger/proof/consistency?from={new_size + 1}"),
                  400, "proof.range")

    # ------------------------------------------------------------ GET happy paths
    admin = tok["admin"]
    why = "api test: inspection"
    st, h, data, doc = server.call("GET", "/healthz")
    ok(st == 200 and doc["status"] == "ok" and doc["ledger_size"] >= new_size, doc)
    st, h, data, _ = server.call("GET", "/metrics")
    text = data.decode()
    ok(st == 200 and h["content-type"].startswith("text/plain"), h)
    for series in ("battrace_http_requests_total", "battrace_reports_total{outcome=\"accepted\"}",
                   "battrace_ledger_leaves", "battrace_open_obligations"):
        ok(series in text, f"metrics lack {series}")
    ok('route="POST /v1/reports"' in text, "metrics lack the POST route")

    pack = next(r for r in fx.replayed if r["type"] == "vehicle.produced")
    code, vin = pack["packs"][0], pack["vin"]
    st, h, data, doc = server.call("GET", f"/v1/batteries/{code}")
    ok(st == 200 and doc["code"] == code and doc["view"] == "public", doc)
    st, h, data, doc = server.call("GET", f"/v1/batteries/{code}", admin, why)
    ok(st == 200 and doc["view"] == "full" and doc["vin"] == vin and doc["parts"], doc)
    st, h, data, doc = server.call("GET", f"/v1/batteries/{code}/history", admin, why)
    ok(st == 200 and doc["code"] == code and len(doc["history"]) >= 2, doc)
    ok(any(x["report"]["type"] == "vehicle.produced" for x in doc["history"]), doc)
    leaves = [x["leaf_index"] for x in doc["history"]]
    ok(leaves == sorted(leaves), "history not in ledger order")
    st, h, data, doc = server.call("GET", f"/v1/vehicles/{vin}", admin, why)
    ok(st == 200 and doc["vin"] == vin and doc["maker"] == pack["reporter"], doc)
    ok(code in [p["code"] for p in doc["packs"]] and doc["history"], doc)

    st, h, data, doc = server.call("GET", f"/v1/findings?as_of={AS_OF}&limit=1000", admin)
    ok(st == 200 and doc["as_of"] == AS_OF and "next_cursor" not in doc and len(doc["items"]) > 3,
       doc)
    all_findings = doc["items"]
    st, h, data, p1 = server.call("GET", f"/v1/findings?as_of={AS_OF}&limit=2", admin)
    st, h, data, p2 = server.call(
        "GET", f"/v1/findings?as_of={AS_OF}&limit=2&cursor={p1['next_cursor']}", admin)
    ok(p1["items"] == all_findings[:2] and p2["items"] == all_findings[2:4], "pagination")
    ok(p2["limit"] == 2 and p2["next_cursor"] != p1["next_cursor"], p2)
    kind = all_findings[0]["kind"]
    st, h, data, doc = server.call("GET", f"/v1/findings?as_of={AS_OF}&kind={kind}&limit=1000",
                                   admin)
    ok(st == 200 and doc["items"] and all(f["kind"] == kind for f in doc["items"]), doc)
    party = all_findings[0]["party"]
    st, h, data, doc = server.call("GET", f"/v1/findings?as_of={AS_OF}&party={party}&limit=1000",
                                   admin)
    ok(st == 200 and doc["items"] and all(f["party"] == party for f in doc["items"]), doc)
    check_problem(*server.call("GET", "/v1/findings?kind=no_such_kind", admin), 400,
                  "findings.kind", "kind")
    check_problem(*server.call("GET", "/v1/findings?as_of=2026-02-30", admin), 400)
    check_problem(*server.call("GET", "/v1/findings?limit=5000", admin), 400, "query.integer",
                  "limit")

    st, h, data, doc = server.call("GET", "/v1/obligations?as_of=2026-06-30&limit=1000", admin)
    ok(st == 200 and doc["as_of"] == "2026-06-30" and "next_cursor" not in doc, doc)
    dues = [d["due"] for d in doc["items"]]
    ok(dues == sorted(dues), "obligations are not soonest due first")
    ok(all(d["overdue"] == (d["due"] < "2026-06-30") for d in doc["items"]), "overdue flags")

    ent = fx.enterprises("recycler")[0]
    st, h, data, doc = server.call("GET", f"/v1/enterprises/{ent['uscc']}", admin)
    ok(st == 200 and doc["view"] == "full" and doc["qualifications"], doc)
    st, h, data, doc = server.call("GET", f"/v1/enterprises/{ent['uscc']}")
    ok(st == 200 and doc["view"] == "public" and "qualifications" not in doc, doc)

    st, h, data, doc = server.call("GET", "/v1/outlets")
    ok(st == 200 and doc["items"], doc)
    div = doc["items"][0]["division"]
    st, h, data, doc2 = server.call("GET", f"/v1/outlets?division={div[:2]}0000")
    ok(st == 200 and doc2["items"] and all(o["division"].startswith(div[:2]) for o in doc2["items"]),
       doc2)
    check_problem(*server.call("GET", "/v1/outlets?division=12"), 400, field="division")

    info = next(r for r in fx.replayed if r["type"] == "model.disassembly_info")
    model = info["vehicle_model"]
    st, h, data, doc = server.call("GET", f"/v1/models/{model}/disassembly-info", tok["shop"],
                                   "repair of a customer's vehicle")
    ok(st == 200 and doc["vehicle_model"] == model and doc["items"], doc)
    ok(doc["items"][0]["report"]["document"] == info["document"], doc)
    check_problem(*server.call("GET", "/v1/models/NO-SUCH-MODEL/disassembly-info", tok["shop"],
                               "repair"), 404)

    st, h, data, doc = server.call("HEAD", "/healthz")
    ok(st == 200 and data == b"", f"HEAD: {st} {data!r}")

    # ------------------------------------------------------------ errors
    r = server.call("GET", "/v1/no-such-route")
    check_problem(*r, 404)
    r = server.call("GET", "/v1/batteries/")
    check_problem(*r, 404)
    r = server.call("DELETE", f"/v1/batteries/{code}")
    check_problem(*r, 405, "http.method")
    ok(r[1].get("allow") == "GET", f"Allow: {r[1].get('allow')}")
    r = server.call("GET", "/v1/reports")
    check_problem(*r, 405, "http.method")
    ok(r[1].get("allow") == "POST", f"Allow: {r[1].get('allow')}")
    r = server.call("PUT", "/healthz", body="{}")
    check_problem(*r, 405)
    check_problem(*server.call("GET", "/v1/batteries/NOT-A-CODE"), 400)
    ok(server.call("GET", "/v1/batteries/NOT-A-CODE")[3]["field"] == "code", "the field is the path parameter, named once")
    check_problem(*server.call("GET", "/v1/vehicles/LSVAB12345", admin, why), 400)
    unknown_code = code[:-1] + ("1" if code[-1] != "1" else "2")
    r = server.call("GET", f"/v1/batteries/{unknown_code}")
    ok(r[0] in (400, 404), f"unknown battery: {r[0]}")
    check_problem(*r, r[0])
    check_problem(*server.call("GET", f"/v1/reports/{x_uscc}/no-such-id", admin), 404)
    check_problem(*server.call("GET", f"/v1/enterprises/{x_uscc[:-1]}0"), 400)
    check_problem(*server.call("GET", "/healthz", "btk_" + "A" * 43), 401, "auth.token")
    check_problem(*server.call("GET", "/healthz", headers={"Authorization": "Basic eDp5"}), 401,
                  "auth.token")
    check_problem(*server.call("GET", "/healthz?verbose=1"), 400, "query.unknown_parameter",
                  "verbose")
    check_problem(*server.call("GET", "/v1/audit", tok["x"]), 403)
    check_problem(*server.call("GET", "/v1/audit"), 401)
    # Hostile input in paths and queries is refused cleanly, never echoed as an internal error.
    for path in ("/v1/batteries/%27%20OR%201=1--", "/v1/reports/x/%00", "/v1/vehicles/" + "A" * 5000,
                 "/v1/findings?as_of=%27;DROP%20TABLE%20report;--",
                 "/v1/models/%2e%2e%2f%2e%2e/disassembly-info"):
        r = server.call("GET", path, admin, why)
        ok(400 <= r[0] < 500, f"{path}: {r[0]} {r[2][:200]!r}")
        check_problem(*r, r[0])

    # Bytes that are not UTF-8 once percent-decoded, in the path, a query parameter's name or
    # value, or X-Purpose: 400 http.utf8 naming where, never a 500.
    for path, hdrs, field in (("/healthz?%ff=1", None, "query"),
                              (f"/v1/findings?as_of=%ff%fe", None, "as_of"),
                              ("/v1/batteries/%ff", None, "path"),
                              ("/v1/no-such-%c3%28", None, "path"),
                              ("/healthz", {"X-Purpose": b"audit \xff"}, "X-Purpose")):
        check_problem(*server.call("GET", path, admin, headers=hdrs), 400, "http.utf8", field)
    # X-Purpose: a line of at most 200 characters (not bytes) without control characters. The
    # transport already refuses ASCII controls in any header field (http.request); the front
    # refuses the rest.
    for bad in (b"inspection\x01", b"inspection\x7f"):
        check_problem(*server.call("GET", f"/v1/vehicles/{vin}", admin,
                                   headers={"X-Purpose": bad}), 400, "http.request")
    for bad in ("\u0085".encode(), ("x" * 201).encode()):
        check_problem(*server.call("GET", f"/v1/vehicles/{vin}", admin,
                                   headers={"X-Purpose": bad}), 400, "api.purpose", "X-Purpose")
    long_purpose = "\u68c0" * 200  # 200 characters, 600 bytes
    st, h, data, doc = server.call("GET", f"/v1/vehicles/{vin}", admin,
                                   headers={"X-Purpose": long_purpose.encode()})
    ok(st == 200, f"a purpose of 200 characters: {st} {data[:200]!r}")
    # Every answer is counted, the unmatched ones under route="unmatched".
    st, h, data, _ = server.call("GET", "/metrics")
    ok('battrace_http_requests_total{route="unmatched",code="4xx"} ' in data.decode() and
       'battrace_http_requests_total{route="unmatched",code="4xx"} 0' not in data.decode(),
       "metrics do not count the unmatched 4xx answers")
    # A refused token gets one answer whatever the reason: unknown, revoked or expired.
    revoked, expired = fx.token("enterprise:" + x_uscc), fx.token("enterprise:" + x_uscc)
    fx.revoke(revoked)
    engines.query(fx.store, "UPDATE token SET expires = created - 1 WHERE hash = ? RETURNING hash",
                  (hashlib.sha256(expired.encode()).digest(),))
    answers = []
    for t in ("btk_" + "A" * 43, revoked, expired, "not-a-token"):
        r = server.call("GET", "/healthz", t)
        check_problem(*r, 401, "auth.token", "Authorization")
        answers.append({k: v for k, v in r[3].items() if k != "request_id"})
    ok(all(a == answers[0] for a in answers), f"401 bodies tell refused tokens apart: {answers}")

    # ------------------------------------------------------------ audit trail
    reg_tok, reg_why = tok["reg"], "inspection 2026-11 of the provincial recycling chain"
    nat = next(g for g in fx.regulators() if g["division"] == "000000")
    tok["nat"] = fx.token("regulator:" + nat["id"])
    st, h, data, doc = server.call("GET", f"/v1/batteries/{code}/history", tok["nat"], reg_why)
    ok(st == 200, f"national regulator history: {st} {data[:300]!r}")
    st, h, data, doc = server.call("GET", f"/v1/vehicles/{vin}", tok["nat"], reg_why)
    ok(st == 200, f"national regulator vehicle: {st}")
    audit_request = h["x-request-id"]
    st, h, data, doc = server.call("GET", "/v1/audit?limit=1000", admin)
    ok(st == 200 and doc["items"], doc)
    entries = doc["items"]
    seqs = [e["seq"] for e in entries]
    ok(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "audit sequence")
    mine = [e for e in entries if e["principal"] == "regulator:" + nat["id"]]
    ok(any(e["record"] == "battery:" + code and e["purpose"] == reg_why for e in mine),
       f"the regulator's history read is not audited: {mine}")
    ok(any(e["record"] == "vehicle:" + vin and e["request_id"] == audit_request for e in mine),
       f"the regulator's vehicle read is not audited with its request id: {mine}")
    ok(any(e["principal"] == "enterprise:" + shop["uscc"] and e["record"] == "model:" + model and
           e["purpose"] == "repair of a customer's vehicle" for e in entries),
       "the disassembly information read is not audited")
    ok(any(e["principal"] == "admin" for e in entries), "admin reads are not audited")
    ok(all(len(e["hash"]) == 64 for e in entries), "audit hashes")
    st, h, data, doc2 = server.call("GET", f"/v1/audit?after={seqs[0]}&limit=1", admin)
    ok(st == 200 and [e["seq"] for e in doc2["items"]] == seqs[1:2], doc2)
    public_reads = [e for e in entries if e["principal"] == "public"]
    ok(not public_reads, f"public reads of public data audited: {public_reads[:2]}")

    rc = server.stop()
    ok(rc == 0, f"the server exited {rc} on SIGTERM")
finally:
    server.kill()

out = run([battrace, "verify", *engines.verify_args(battrace, fx.store)])
ok("verify: ok" in out, out)
ok("audit" in out, f"verify says nothing of the audit trail: {out}")
print(out.strip())

# ============================================================================ rate limit
with Server(battrace, fx.store, fx.work, "--quiet", "--rate-limit", "5",
            "--rate-burst", "5") as limited:
    statuses = []
    for i in range(15):
        r = limited.call("GET", "/healthz")
        statuses.append(r[0])
        if r[0] == 429:
            check_problem(*r, 429, "api.rate_limit")
            ok(int(r[1]["retry-after"]) >= 1, r[1])
            break
    ok(429 in statuses, f"no 429 after {len(statuses)} quick requests: {statuses}")
    ok(statuses[:5] == [200] * 5, f"the burst of 5 was not served: {statuses}")
    # Another principal has its own bucket.
    r = limited.call("GET", "/healthz", tok["admin"])
    ok(r[0] == 200, f"admin limited by the public's bucket: {r[0]}")
    time.sleep(1.3)
    ok(limited.call("GET", "/healthz")[0] == 200, "the bucket does not refill")
    ok(limited.stop() == 0, "rate-limited server exit")

# ================================================== per-address limit, access log of every answer
# The per-address limit comes before routing and authentication: bad tokens, 400s and 404s
# spend the address's bucket too, and over it nothing reaches the store. Every answer, the
# transport's own included, is one access log line with its request id.
with Server(battrace, fx.store, fx.work, "--address-rate-limit", "0.5", "--address-rate-burst",
            "7", "--max-body-mib", "1") as limited:
    answers = [limited.call("GET", "/healthz", "btk_" + "B" * 43),
               limited.call("GET", "/v1/no-such-route"),
               limited.call("GET", "/healthz?%ff=1"),
               limited.call("DELETE", "/healthz"),
               limited.call("GET", "/v1/audit", tok["x"])]
    big = b"[" + b" " * (1 << 20) + b"]"
    st, hdrs, body = raw_post(limited.port, "/v1/reports", tok["x"], len(big),
                              [big[i:i + 65536] for i in range(0, len(big), 65536)])
    answers.append((st, hdrs, body, None))
    ok([a[0] for a in answers] == [401, 404, 400, 405, 403, 413],
       f"answers before the limit: {[a[0] for a in answers]}")
    statuses = [limited.call("GET", "/healthz", "btk_" + "C" * 43)[0] for _ in range(3)]
    ok(statuses[0] == 401 and statuses[-1] == 429, f"bad tokens are not limited: {statuses}")
    r = limited.call("GET", "/v1/no-such-route", tok["admin"])
    check_problem(*r, 429, "api.rate_limit")
    ok(int(r[1]["retry-after"]) >= 1, r[1])
    answers.append(r)
    ok(limited.stop() == 0, "address-limited server exit")
    log = [json.loads(l) for l in open(limited.log_path) if l.startswith("{")]
    logged = {l["request_id"]: l for l in log if "status" in l}
    for st, hdrs, body, _ in answers:
        line = logged.get(hdrs.get("x-request-id"))
        ok(line is not None and line["status"] == st,
           f"answer {st} ({hdrs.get('x-request-id')}) not in the access log: {line}")
    ok(logged[answers[1][1]["x-request-id"]]["route"] == "unmatched", "404 route label")
    refused = [l for l in log if l.get("event") == "token_refused"]
    ok(refused and refused[0]["reason"] == "unknown token",
       f"the log does not keep why a token was refused: {refused}")

# ============================================================================ SIGTERM mid-POST
bigs = held[big_uscc]
body = json.dumps(bigs).encode()
half = len(body) // 2
stopped_at = {}
with Server(battrace, fx.store, fx.work) as server:
    def terminate():
        time.sleep(0.3)  # the server is reading the body
        server.proc.send_signal(15)
        stopped_at["t"] = time.monotonic()
        time.sleep(0.5)  # it keeps reading after the signal

    try:
        st, hdrs, resp = raw_post(server.port, "/v1/reports", tok["big"], len(body),
                                  [body[:half], body[half:]], pause_after=0, on_pause=terminate)
    except ConnectionError as e:
        st, resp = None, str(e).encode()
    try:
        rc = server.proc.wait(30)
    except Exception:
        rc = None
    ok(rc == 0, f"serve exited {rc} after SIGTERM during a POST")
    log = open(server.log_path).read()
    ok('"stopping"' in log and '"stopped"' in log, f"no stop lines in the log: {log[-500:]}")
    if st == 200:
        res = json.loads(resp)
        ok(res["accepted"] == len(bigs) and res["rejected"] == 0,
           f"the in-flight batch: {res['accepted']} accepted, {res['rejected']} rejected "
           f"of {len(bigs)}: {[r for r in res['results'] if r['outcome'] == 'rejected'][:2]}")
        in_flight = "completed"
    else:
        ok(st is not None and st >= 400 and st != 500, f"the in-flight POST: {st} {resp[:300]!r}")
        in_flight = f"refused with {st}"
out = run([battrace, "verify", *engines.verify_args(battrace, fx.store)])
ok("verify: ok" in out, out)
with Server(battrace, fx.store, fx.work, "--quiet") as server:
    last = bigs[-1]
    r = server.call("GET", f"/v1/reports/{big_uscc}/{last['id']}", tok["admin"])
    if in_flight == "completed":
        ok(r[0] == 200, f"the batch answered before SIGTERM is not in the store: {r[0]}")
    else:
        ok(r[0] == 404, f"a refused batch was stored: {r[0]}")
    ok(server.stop() == 0, "restarted server exit")
print(f"SIGTERM during a {len(bigs)}-report POST: {in_flight}; exit 0; verify ok")

# ============================================================================ writability
# /healthz follows the outcome of the server's last write: 503 unhealthy after a failed one,
# ok again after one succeeds. A write fails here because another connection holds the store's
# write lock (SQLite: BEGIN IMMEDIATE, past the server's 10 s busy timeout; PostgreSQL: the
# report table locked against writes, not reads, past a lock timeout set on the server's
# sessions).
def write_lock():
    """Holds the store's write lock until the returned function is called."""
    if engines.postgres():
        conninfo = fx.store[fx.store.index("--pg") + 1]
        locker = subprocess.Popen(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        locker.stdin.write("BEGIN; LOCK TABLE report IN EXCLUSIVE MODE;\n"
                           "SELECT 1;\n")
        locker.stdin.flush()
        time.sleep(1)

        def release():
            locker.stdin.write("ROLLBACK;\n")
            locker.stdin.close()
            locker.wait(30)
        return release
    db = sqlite3.connect(fx.store[fx.store.index("--db") + 1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")

    def release():
        db.execute("ROLLBACK")
        db.close()
    return release


health_env = dict(os.environ, PGOPTIONS="-c lock_timeout=2s")
with Server(battrace, fx.store, fx.work, "--quiet", env=health_env) as server:
    st, h, data, doc = server.call("GET", "/healthz")
    ok(st == 200 and doc["status"] == "ok" and doc["writable"] is True, f"{st} {doc}")
    release = write_lock()
    try:
        r = server.call("POST", "/v1/reports", tok["y"], body=held[y_uscc][:1], timeout=60)
        ok(r[0] == 503, f"a POST while the store cannot be written: {r[0]} {r[2][:300]!r}")
        assert_no_leak(r[2])
        st, h, data, doc = server.call("GET", "/healthz")
        ok(st == 503 and doc["status"] == "unhealthy" and doc["writable"] is False and
           doc["error"], f"/healthz after a failed write: {st} {doc}")
        assert_no_leak(data)
    finally:
        release()
    r = server.call("POST", "/v1/reports", tok["y"], body=held[y_uscc][:1], timeout=60)
    ok(r[0] == 200 and r[3]["accepted"] == 1, f"a POST once the lock is gone: {r[0]} {r[3]}")
    st, h, data, doc = server.call("GET", "/healthz")
    ok(st == 200 and doc["writable"] is True, f"/healthz after a good write: {st} {doc}")
    ok(server.stop() == 0, "writability server exit")
print("/healthz: 503 unhealthy after a failed write, ok after the next good one")

# ============================================================================ store files
# (the embedded store only: PostgreSQL's files are the cluster's)
if not engines.postgres():
    db = fx.store[fx.store.index("--db") + 1]
    # The store, its audit trail, their -wal and -shm, its key and the receipts file: the
    # owner's alone.
    with Server(battrace, fx.store, fx.work, "--quiet") as server:
        for path in (db, db + "-wal", db + "-shm", db + ".audit", db + ".audit-wal",
                     db + ".audit-shm", db + ".key", fx.receipts_file):
            mode = stat.S_IMODE(os.stat(path).st_mode)
            ok(mode == 0o600, f"{path} has mode {mode:04o}, not 0600")
        # With a writer at work (a -wal file), the read-only commands read through its WAL and
        # see its last commit.
        st, h, data, res = server.call("POST", "/v1/reports", tok["y"], body=held[y_uscc][1:3])
        ok(st == 200 and res["accepted"] == 2, f"{st} {res}")
        size = res["results"][1]["receipt"]["leaf_index"] + 1
        p = subprocess.run([battrace, "verify", "--db", db], capture_output=True, text=True)
        ok(p.returncode == 0 and f"verify: ok: {size} leaves" in p.stdout,
           f"verify beside a running server (want {size} leaves): {p.stdout} {p.stderr[:300]}")
        p = subprocess.run([battrace, "findings", "--db", db, "--as-of", AS_OF],
                           capture_output=True, text=True)
        ok(p.returncode == 0, f"findings beside a running server: {p.stderr[:300]}")
        ok(server.stop() == 0, "server exit")
    # A store file group or others may read is refused to the commands that write.
    loose = os.path.join(fx.work, "loose")
    os.makedirs(loose)
    for suffix in ("", ".key", ".audit"):
        shutil.copy2(db + suffix, os.path.join(loose, "store.db" + suffix))
    os.chmod(os.path.join(loose, "store.db"), 0o644)
    p = subprocess.run([battrace, "import", "--db", os.path.join(loose, "store.db"),
                        fx.receipts_file], capture_output=True, text=True)
    ok(p.returncode == 1 and "has mode 0644" in p.stderr and "chmod 600" in p.stderr,
       f"a store of mode 0644 opened to write: {p.returncode} {p.stderr}")
    # Its audit trail file too: it says who read what.
    os.chmod(os.path.join(loose, "store.db"), 0o600)
    os.chmod(os.path.join(loose, "store.db.audit"), 0o644)
    p = subprocess.run([battrace, "import", "--db", os.path.join(loose, "store.db"),
                        fx.receipts_file], capture_output=True, text=True)
    ok(p.returncode == 1 and "audit trail file" in p.stderr and "has mode 0644" in p.stderr,
       f"an audit trail file of mode 0644 opened to write: {p.returncode} {p.stderr}")

    # A read-only copy (file 0400 in a directory 0500) is examined without a single write: no
    # journal-mode switch, no migration, no -wal or -shm created, the file's bytes and mtime
    # unchanged.
    ok(not os.path.exists(db + "-wal"), "the store keeps a -wal file after its last writer")
    ro_dir = os.path.join(fx.work, "read-only")
    os.makedirs(ro_dir)
    ro = os.path.join(ro_dir, "store.db")
    for suffix in ("", ".key", ".audit"):
        shutil.copy2(db + suffix, ro + suffix)
    os.chmod(ro, 0o400)
    os.chmod(ro + ".audit", 0o400)
    os.chmod(ro_dir, 0o500)

    def state():
        return [(os.stat(f).st_mtime_ns, hashlib.sha256(open(f, "rb").read()).hexdigest())
                for f in (ro, ro + ".audit")]
    before = state()
    try:
        pack = next(r for r in fx.replayed if r["type"] == "vehicle.produced")
        for cmd, want in ((["verify", "--db", ro], "verify: ok"),
                          (["checkpoint", "--db", ro], "api.test/ledger"),
                          (["proof", "--db", ro, "--leaf", "0"], '"hashes"'),
                          (["findings", "--db", ro, "--as-of", AS_OF], "as of"),
                          (["obligations", "--db", ro, "--as-of", AS_OF], "as of"),
                          (["show", "battery", "--db", ro, pack["packs"][0]], pack["packs"][0]),
                          (["show", "vehicle", "--db", ro, pack["vin"]], pack["vin"])):
            p = subprocess.run([battrace, *cmd], capture_output=True, text=True)
            ok(p.returncode == 0 and want in p.stdout,
               f"{' '.join(cmd[:1])} on a read-only copy: {p.returncode} {p.stderr[:300]}")
        ok(sorted(os.listdir(ro_dir)) == ["store.db", "store.db.audit", "store.db.key"],
           f"files created beside a read-only store: {os.listdir(ro_dir)}")
        ok(state() == before, "a read-only command changed the store's files")
    finally:
        os.chmod(ro_dir, 0o700)
    print("store files: 0600; a 0644 store refused for writing; a read-only copy verified, "
          "shown and proven without a write")

    # A purpose stored with bytes that are not UTF-8 (by a server older than the X-Purpose
    # rules; PostgreSQL refuses such text itself) no longer breaks the audit pages holding it.
    engines.query(fx.store, "UPDATE audit SET purpose = CAST(? AS TEXT) WHERE seq = "
                  "(SELECT MIN(seq) FROM audit)", (b"inspection \xff\xfe",))
    with Server(battrace, fx.store, fx.work, "--quiet") as server:
        st, h, data, doc = server.call("GET", "/v1/audit?limit=5", tok["admin"])
        ok(st == 200 and "\ufffd" in doc["items"][0]["purpose"],
           f"an audit page holding a purpose that is not UTF-8: {st} {data[:300]!r}")
        ok(server.stop() == 0, "server exit")
print(f"api test: {ok.count} checks passed")
print("api test: ok")
