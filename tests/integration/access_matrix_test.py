#!/usr/bin/env python3
"""Who may read what: every principal x every route, against a real `battrace serve`.

The store is a simulated world (api_support.Fixture). The subjects are chosen from it so that
the relations the access rules (src/access/access.h, docs/api.md) turn on are known:

  P    a pack made by BM, installed by VM in vehicle V, scrapped with V by DISM and handed on
       by battery.outbound reports, each filed by a holder, to the recycler RECY: BM, VM, DISM
       and RECY hold or held P, by custody the chain proves (domain/holders.h);
  V    that vehicle (made by VM, scrapped by DISM; no replacement or swap);
  R0   BM's battery.produced report of P;
  M    V's model, whose disassembly information VM filed;
  BM   also the enterprise whose registry record is read.

Principals (columns): the public (no token); BM, VM, DISM, RECY; SHOP (a repair shop) and SWAP
(a swap operator) that never touched P or V; OTHER, an enterprise unrelated to them; REG, the
MIIT regulator of BM's province (which also holds V's maker or sale division); REG-NP, the same
regulator without X-Purpose; REG-X, the regulator of a province where no holder of P, nor V's
maker or sale, is; NAT, the national regulator ("000000"); ADMIN; REVOKED (BM's token, revoked)
and EXPIRED (BM's token, expired). Everyone but REG-NP and the public sends X-Purpose.

P_UNKNOWN and V_UNKNOWN are a battery code and a VIN of another simulated world, absent here. A
record the principal may not see is answered as one that does not exist: the same 404 body
(but for its request id), so no token holder can probe which records exist.

Cells: a status, or for 200 answers what the body must be:
  pub  200, the public view (no custodian, vin, parts, model, parent; an enterprise: name,
       roles and seat only)
  full 200, the full view
  own  200, only the principal's own items (every finding's / obligation's party is itself)
  jur  200, only items of its jurisdiction (every authority division inside its own)
  all  200, unfiltered
  400p 400 with rule access.purpose_required
  401t 401 with rule auth.token (a token that is revoked or expired)

The store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: access_matrix_test.py BATTRACE WORKDIR
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import AS_OF, Fixture, Server, check_problem, run  # noqa: E402

MATRIX = """
route                                          | public | BM   | VM   | DISM | RECY | SHOP | SWAP | OTHER | REG  | REG-NP | REG-X | NAT  | ADMIN | REVOKED | EXPIRED
GET  /healthz                                  | 200    | 200  | 200  | 200  | 200  | 200  | 200  | 200   | 200  | 200    | 200   | 200  | 200   | 401t    | 401t
GET  /metrics                                  | 200    | 200  | 200  | 200  | 200  | 200  | 200  | 200   | 200  | 200    | 200   | 200  | 200   | 401t    | 401t
POST /v1/reports                               | 401    | 200  | 200  | 200  | 200  | 200  | 200  | 200   | 403  | 403    | 403   | 403  | 403   | 401t    | 401t
GET  /v1/reports/{BM}/{R0}                     | 401    | 200  | 404  | 404  | 404  | 404  | 404  | 404   | 200  | 400p   | 404   | 200  | 200   | 401t    | 401t
GET  /v1/reports/{BM}/no-such-report           | 401    | 404  | 404  | 404  | 404  | 404  | 404  | 404   | 404  | 400p   | 404   | 404  | 404   | 401t    | 401t
GET  /v1/batteries/{P}                         | pub    | full | full | full | full | pub  | pub  | pub   | full | pub    | pub   | full | full  | 401t    | 401t
GET  /v1/batteries/{P}/history                 | 401    | 200  | 200  | 200  | 200  | 404  | 404  | 404   | 200  | 400p   | 404   | 200  | 200   | 401t    | 401t
GET  /v1/batteries/{P_UNKNOWN}/history         | 401    | 404  | 404  | 404  | 404  | 404  | 404  | 404   | 404  | 400p   | 404   | 404  | 404   | 401t    | 401t
GET  /v1/vehicles/{V}                          | 401    | 404  | 200  | 200  | 404  | 404  | 404  | 404   | 200  | 400p   | 404   | 200  | 200   | 401t    | 401t
GET  /v1/vehicles/{V_UNKNOWN}                  | 401    | 404  | 404  | 404  | 404  | 404  | 404  | 404   | 404  | 400p   | 404   | 404  | 404   | 401t    | 401t
GET  /v1/findings?as_of={AS_OF}&limit=1000     | 401    | own  | own  | own  | own  | own  | own  | own   | jur  | jur    | jur   | all  | all   | 401t    | 401t
GET  /v1/findings?party={OTHER}                | 401    | 403  | 403  | 403  | 403  | 403  | 403  | own   | jur  | jur    | jur   | all  | all   | 401t    | 401t
GET  /v1/findings?division={X_DIV}             | 401    | own  | own  | own  | own  | own  | own  | own   | 403  | 403    | jur   | all  | all   | 401t    | 401t
GET  /v1/obligations?as_of=2026-06-30&limit=1000 | 401  | own  | own  | own  | own  | own  | own  | own   | jur  | jur    | jur   | all  | all   | 401t    | 401t
GET  /v1/obligations?party={OTHER}             | 401    | 403  | 403  | 403  | 403  | 403  | 403  | own   | jur  | jur    | jur   | all  | all   | 401t    | 401t
GET  /v1/enterprises/{BM}                      | pub    | full | pub  | pub  | pub  | pub  | pub  | pub   | full | full   | pub   | full | full  | 401t    | 401t
GET  /v1/outlets                               | 200    | 200  | 200  | 200  | 200  | 200  | 200  | 200   | 200  | 200    | 200   | 200  | 200   | 401t    | 401t
GET  /v1/models/{M}/disassembly-info           | 401    | 403  | 403  | 200  | 200  | 200  | 403  | 403   | 403  | 403    | 403   | 403  | 200   | 401t    | 401t
GET  /v1/ledger/checkpoint                     | 200    | 200  | 200  | 200  | 200  | 200  | 200  | 200   | 200  | 200    | 200   | 200  | 200   | 401t    | 401t
GET  /v1/ledger/proof/inclusion?leaf=0         | 200    | 200  | 200  | 200  | 200  | 200  | 200  | 200   | 200  | 200    | 200   | 200  | 200   | 401t    | 401t
GET  /v1/ledger/proof/consistency?from=1       | 200    | 200  | 200  | 200  | 200  | 200  | 200  | 200   | 200  | 200    | 200   | 200  | 200   | 401t    | 401t
GET  /v1/audit                                 | 401    | 403  | 403  | 403  | 403  | 403  | 403  | 403   | 403  | 403    | 403   | 403  | 200   | 401t    | 401t
"""
# Rows that turn on X-Purpose for enterprises (the matrix's principals all send one but REG-NP):
# (principal, route, expected) sent WITHOUT X-Purpose.
WITHOUT_PURPOSE = [
    ("SHOP", "GET /v1/models/{M}/disassembly-info", "400p"),
    ("DISM", "GET /v1/models/{M}/disassembly-info", "400p"),
    ("BM", "GET /v1/batteries/{P}/history", "200"),   # enterprises need no purpose for their own
    ("ADMIN", "GET /v1/vehicles/{V}", "200"),
]
PURPOSE = "access matrix test: supervision of the recycling chain"
PUBLIC_BATTERY_FORBIDDEN = ["custodian", "vin", "parts", "model", "parent", "digital_id_complete"]
PUBLIC_ENTERPRISE_KEYS = {"kind", "uscc", "name", "roles", "division", "view"}

engines.require()
battrace, work = sys.argv[1:3]
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=150, keep_back=50)
reports = fx.replayed
regions = {e["uscc"]: e["division"] for e in fx.registry if e["kind"] == "enterprise"}


def names(r):
    """A report's text but its id (ids often embed a VIN), to find the codes and VINs it names."""
    return json.dumps({k: v for k, v in r.items() if k != "id"})


def province(div):
    return div[:2] + "0000"


def inside(jurisdiction, div):
    if jurisdiction == "000000":
        return True
    j = jurisdiction.rstrip("0")
    j = j + "0" * (len(j) % 2)
    return div.startswith(j)


# ---------------------------------------------------------------- choose the subjects
def candidates():
    by_role = {role: {e["uscc"] for e in fx.enterprises(role)}
               for role in ("recycler", "dismantler", "battery_maker", "vehicle_maker")}
    for s in reports:
        if s["type"] != "vehicle.scrapped" or not s["packs_present"]:
            continue
        v = s["vin"]
        p = s["packs_present"][0]
        naming_v = [r for r in reports if v in names(r)]
        if any(r["type"] in ("battery.replaced", "battery.swapped") for r in naming_v):
            continue
        produced_v = [r for r in naming_v if r["type"] == "vehicle.produced"]
        sold = [r for r in naming_v if r["type"] == "vehicle.sold"]
        produced_p = [r for r in reports if r["type"] == "battery.produced" and r["code"] == p]
        # Custody handed on by outbounds whose sender holds P at that point (ledger order).
        holders = {s["reporter"]} | {r["reporter"] for r in produced_v}
        for r in reports:
            if r["type"] == "battery.outbound" and p in r["codes"] and r["reporter"] in holders:
                holders.add(r["to"])
        inbound = [r for r in reports if r["type"] == "battery.inbound" and p in r["codes"]
                   and r["reporter"] in by_role["recycler"] and r["reporter"] in holders]
        if not (produced_v and sold and produced_p and inbound):
            continue
        if p not in produced_v[0]["packs"]:
            continue
        naming_p = [r for r in reports if p in names(r)]
        v_reporters = {r["reporter"] for r in naming_v}
        if produced_p[0]["reporter"] in v_reporters or inbound[0]["reporter"] in v_reporters:
            continue  # BM and RECY must not have reported on V itself
        yield {
            "P": p, "V": v, "BM": produced_p[0]["reporter"], "R0": produced_p[0]["id"],
            "VM": produced_v[0]["reporter"], "M": produced_v[0]["model"], "DISM": s["reporter"],
            "RECY": inbound[0]["reporter"], "sale": sold[0]["division"],
            "p_reporters": {r["reporter"] for r in naming_p},
            "v_reporters": v_reporters,
        }


regulators = fx.regulators()
miit_provinces = {g["division"]: g for g in regulators
                  if g["department"] == "MIIT" and g["division"].endswith("0000")
                  and g["division"] != "000000"}
chosen = None
for c in candidates():
    reg = miit_provinces.get(province(regions[c["BM"]]))
    if not reg:
        continue
    if not (inside(reg["division"], c["sale"]) or inside(reg["division"], regions[c["VM"]])):
        continue
    c["REG"] = reg
    chosen = c
    break
if chosen is None:
    # No pack whose maker shares a province with its vehicle's maker or sale: take the first
    # candidate and a regulator of BM's province that the test registers itself.
    chosen = next(candidates())
    reg_div = province(regions[chosen["BM"]])
    chosen["REG"] = {"kind": "regulator", "id": "miit-matrix-prov", "department": "MIIT",
                     "division": reg_div}
    fx.add_registry([chosen["REG"]])
    ok_vehicle = inside(reg_div, chosen["sale"]) or inside(reg_div, regions[chosen["VM"]])
    assert ok_vehicle, "no subject fits the matrix's REG column; the simulation changed"
c = chosen
touched = c["p_reporters"] | c["v_reporters"] | {c["BM"], c["VM"], c["DISM"], c["RECY"]}
busy = {province(regions[u]) for u in touched} | {province(c["sale"])}
reg_x = next((g for d, g in sorted(miit_provinces.items()) if d not in busy), None)
if reg_x is None:
    free = next(d for d in ("650000", "640000", "630000", "620000", "540000", "460000")
                if d not in busy)
    reg_x = {"kind": "regulator", "id": "miit-matrix-other", "department": "MIIT",
             "division": free}
    fx.add_registry([reg_x])
nat = next(g for g in regulators if g["division"] == "000000" and g["department"] == "MIIT")


def pick(role):
    return next(e["uscc"] for e in fx.enterprises(role) if e["uscc"] not in touched)


ent = {"BM": c["BM"], "VM": c["VM"], "DISM": c["DISM"], "RECY": c["RECY"],
       "SHOP": pick("repair_shop"), "SWAP": pick("swap_operator"),
       "OTHER": next(u for u in (e["uscc"] for e in fx.enterprises("battery_maker")
                                 + fx.enterprises("vehicle_maker")) if u not in touched)}
print("subjects:", {k: c[k] for k in ("P", "V", "BM", "R0", "VM", "M", "DISM", "RECY", "sale")})
print("principals:", ent, "REG", c["REG"]["id"], c["REG"]["division"], "REG-X", reg_x["id"],
      reg_x["division"], "NAT", nat["id"])

tokens = {k: fx.token("enterprise:" + u) for k, u in ent.items()}
tokens["REG"] = tokens["REG-NP"] = fx.token("regulator:" + c["REG"]["id"])
tokens["REG-X"] = fx.token("regulator:" + reg_x["id"])
tokens["NAT"] = fx.token("regulator:" + nat["id"])
tokens["ADMIN"] = fx.token("admin")
tokens["public"] = None
tokens["REVOKED"] = fx.token("enterprise:" + c["BM"])
fx.revoke(tokens["REVOKED"])
tokens["EXPIRED"] = fx.token("enterprise:" + c["BM"], days=1)
# Below the CLI, on the store itself (either engine): the token table keys tokens by SHA-256.
expired = engines.query(fx.store, "UPDATE token SET expires = created - 1 WHERE hash = ? "
                        "RETURNING hash", (hashlib.sha256(tokens["EXPIRED"].encode()).digest(),))
assert len(expired) == 1, "the expired token's row was not found by its SHA-256"
jurisdiction = {"REG": c["REG"]["division"], "REG-NP": c["REG"]["division"],
                "REG-X": reg_x["division"], "NAT": "000000"}
# A battery code and a VIN that are valid but absent: from another simulated world.
elsewhere = os.path.join(fx.work, "elsewhere")
run([battrace, "simulate", "--out", elsewhere, "--vehicles", "5", "--seed", "7"])
known = open(os.path.join(fx.work, "sim", "reports.ndjson")).read()
produced = [json.loads(l) for l in open(os.path.join(elsewhere, "reports.ndjson"))
            if '"vehicle.produced"' in l]
absent = next(r for r in produced if r["vin"] not in known and r["packs"][0] not in known)
values = {"P": c["P"], "V": c["V"], "BM": c["BM"], "R0": c["R0"], "M": c["M"],
          "OTHER": ent["OTHER"], "X_DIV": reg_x["division"], "AS_OF": AS_OF,
          "P_UNKNOWN": absent["packs"][0], "V_UNKNOWN": absent["vin"]}
answers_404 = {}  # (principal, route pattern) -> the 404 body without its request id

# ---------------------------------------------------------------- run the matrix
lines = [l for l in MATRIX.strip().splitlines()]
header = [h.strip() for h in lines[0].split("|")]
columns = header[1:]
failures = []
cells = 0


def check(principal, route, want, purpose):
    global cells
    cells += 1
    method, path = route.split(None, 1)
    for k, v in values.items():
        path = path.replace("{" + k + "}", v)
    body = "[]" if method == "POST" else None
    r = server.call(method, path, tokens[principal], purpose, body=body)
    status, hdrs, data, doc = r
    where = f"{principal:8} {method} {path}"
    try:
        if want in ("400p", "401t", "400", "401", "403", "404"):
            rule = {"400p": "access.purpose_required", "401t": "auth.token"}.get(want)
            check_problem(*r, int(want[:3]), rule)
            if want == "404":
                answers_404[(principal, " ".join(route.split()))] = {k: v for k, v in doc.items()
                                                   if k != "request_id"}
            return
        assert status == 200, f"status {status}, wanted 200 ({want}): {data[:300]!r}"
        if want == "pub":
            if "/batteries/" in path:
                assert doc["view"] == "public", doc
                leaked = [f for f in PUBLIC_BATTERY_FORBIDDEN if f in doc]
                assert not leaked, f"the public battery view shows {leaked}"
            else:
                assert doc["view"] == "public", doc
                assert set(doc) == PUBLIC_ENTERPRISE_KEYS, f"public enterprise view: {sorted(doc)}"
        elif want == "full":
            assert doc["view"] == "full", doc
            if "/batteries/" in path:
                assert doc["parts"] and doc["custodian"] and "vin" in doc and "model" in doc, doc
            else:
                assert "manufacturer_codes" in doc and "qualifications" in doc, doc
        elif want in ("own", "jur", "all"):
            items = doc["items"]
            assert len(items) <= doc["limit"]
            if want == "own":
                bad = [i for i in items if i["party"] != ent[principal]]
                assert not bad, f"another party's items: {bad[:2]}"
            if want == "jur":
                bad = [i for i in items if not inside(jurisdiction[principal],
                                                      i["authority"]["division"])]
                assert not bad, f"items outside {jurisdiction[principal]}: {bad[:2]}"
            if want == "all" and "findings?as_of" in path:
                assert len(items) >= 3, "admin/national see the findings"
        elif want == "200":
            pass
        else:
            raise AssertionError(f"unknown cell {want!r}")
    except (AssertionError, KeyError, TypeError) as e:
        failures.append(f"{where}: expected {want}: {e}")
        print("FAIL:", failures[-1])


# ---------------------------------------------------------------- filing a report is no custody
# Write-to-read attempts: an enterprise files a report naming a battery or a VIN it never held,
# then reads. Access follows the custody the chain proves (domain/holders.h), not the filing.
def pick_other(role, taken):
    return next(e["uscc"] for e in fx.enterprises(role) if e["uscc"] not in taken)


INTRUDER = pick_other("recycler", touched | set(ent.values()))  # a recycler that never held P
IMPOSTOR = pick_other("battery_maker", touched | set(ent.values()) | {INTRUDER})
shop_named = {r.get("vin") for r in reports if r["reporter"] == ent["SHOP"]}
V2_PRODUCED = next(r for r in reports if r["type"] == "vehicle.produced"
                   and r["vin"] not in shop_named and r["vin"] != c["V"]
                   and r["reporter"] not in (ent["SHOP"], ent["OTHER"])
                   and not any(r["vin"] in names(x) for x in reports
                               if x["type"] in ("vehicle.scrapped", "battery.replaced",
                                                "battery.swapped")))
V2, Q = V2_PRODUCED["vin"], V2_PRODUCED["packs"][0]
elsewhere_packs = [p for r in produced for p in r["packs"]
                   if p not in known and p != values["P_UNKNOWN"]]
X_NEW = elsewhere_packs[0]  # a new pack, installed by the repair shop's report
impostor_codes = set(fx.enterprise(IMPOSTOR).get("manufacturer_codes", []))
Y_IMPERSONATED = next(p for p in elsewhere_packs[1:] if p[:3] not in impostor_codes)
tokens["INTRUDER"] = fx.token("enterprise:" + INTRUDER)
tokens["IMPOSTOR"] = fx.token("enterprise:" + IMPOSTOR)
tokens["VM2"] = fx.token("enterprise:" + V2_PRODUCED["reporter"])  # the maker of V2
print("write-to-read:", {"INTRUDER": INTRUDER, "IMPOSTOR": IMPOSTOR, "V2": V2, "Q": Q,
                         "X_NEW": X_NEW, "Y": Y_IMPERSONATED})


def file_reports(server, who, batch):
    st, _, data, doc = server.call("POST", "/v1/reports", tokens[who], body=batch)
    assert st == 200, f"{who} filing: {st} {data[:300]!r}"
    bad = [r for r in doc["results"] if r["outcome"] != "accepted"]
    assert not bad, f"{who} filing was not accepted: {bad}"


def expect(server, who, path, want, like=None):
    """GET `path` as `who`: want "public" / "full" (a battery), 200, or 404 (answered exactly as
    the 404 of `like`, an absent record's path)."""
    global cells
    cells += 1
    r = server.call("GET", path, tokens[who], PURPOSE)
    status, _, data, doc = r
    try:
        if want == 404:
            got = check_problem(*r, 404)
            other = check_problem(*server.call("GET", like, tokens[who], PURPOSE), 404)
            got.pop("request_id")
            other.pop("request_id")
            assert got == other, f"hidden {got} vs absent {other}"
        else:
            assert status == 200, f"status {status}: {data[:300]!r}"
            if want in ("public", "full"):
                assert doc["view"] == want, f"view {doc['view']}, wanted {want}"
    except AssertionError as e:
        failures.append(f"write-to-read {who} GET {path}: expected {want}: {e}")
        print("FAIL:", failures[-1])


def write_to_read(server):
    p, hist = values["P"], "/v1/batteries/" + values["P"] + "/history"
    unknown_hist = "/v1/batteries/" + values["P_UNKNOWN"] + "/history"
    unknown_vehicle = "/v1/vehicles/" + values["V_UNKNOWN"]
    # (a) A recycler that never touched P files one battery.inbound of it: public view only.
    file_reports(server, "INTRUDER", [{
        "type": "battery.inbound", "id": "matrix-ib-1", "reporter": INTRUDER,
        "occurred": "2026-10-15", "codes": [p], "from": c["DISM"]}])
    expect(server, "INTRUDER", "/v1/batteries/" + p, "public")
    expect(server, "INTRUDER", hist, 404, unknown_hist)
    # (b) A repair shop files a battery.replaced for a VIN it never serviced, "removing" P
    # (recorded in no vehicle) and installing a new pack: no vehicle record, no P.
    file_reports(server, "SHOP", [{
        "type": "battery.replaced", "id": "matrix-rp-1", "reporter": ent["SHOP"],
        "occurred": "2026-10-15", "vin": V2, "removed": [p], "installed": [X_NEW]}])
    expect(server, "SHOP", "/v1/vehicles/" + V2, 404, unknown_vehicle)
    expect(server, "SHOP", "/v1/batteries/" + p, "public")
    expect(server, "SHOP", hist, 404, unknown_hist)
    expect(server, "SHOP", "/v1/batteries/" + X_NEW + "/history", 404, unknown_hist)
    # An impersonated production (a manufacturer code registered to another) proves nothing.
    file_reports(server, "IMPOSTOR", [{
        "type": "battery.produced", "id": "matrix-bp-1", "reporter": IMPOSTOR,
        "occurred": "2026-10-15", "code": Y_IMPERSONATED}])
    expect(server, "IMPOSTOR", "/v1/batteries/" + Y_IMPERSONATED, "public")
    expect(server, "IMPOSTOR", "/v1/batteries/" + Y_IMPERSONATED + "/history", 404, unknown_hist)
    # An outbound by a firm that never held the pack hands nothing on: the receiver (the
    # projection's custodian now) sees the public view.
    file_reports(server, "SHOP", [{
        "type": "battery.outbound", "id": "matrix-ob-0", "reporter": ent["SHOP"],
        "occurred": "2026-10-16", "codes": [Q], "to": ent["OTHER"], "source": "repair"}])
    expect(server, "OTHER", "/v1/batteries/" + Q, "public")
    expect(server, "OTHER", "/v1/batteries/" + Q + "/history", 404, unknown_hist)
    # (c) The legitimate chain still reads: the maker of V2 its vehicle and pack; BM, VM, DISM
    # and RECY P (the matrix above); and an outbound by a holder (RECY) hands P on to INTRUDER.
    expect(server, "VM2", "/v1/vehicles/" + V2, 200)
    expect(server, "VM2", "/v1/batteries/" + Q, "full")
    expect(server, "VM", "/v1/batteries/" + p, "full")
    expect(server, "DISM", hist, 200)
    expect(server, "RECY", hist, 200)
    file_reports(server, "RECY", [{
        "type": "battery.outbound", "id": "matrix-ob-1", "reporter": c["RECY"],
        "occurred": "2026-10-16", "codes": [p], "to": INTRUDER, "source": "recycling"}])
    expect(server, "INTRUDER", "/v1/batteries/" + p, "full")
    expect(server, "INTRUDER", hist, 200)


server = Server(battrace, fx.store, fx.work, "--quiet", "--rate-limit", "0")
try:
    for line in lines[1:]:
        parts = [p.strip() for p in line.split("|")]
        route, wants = parts[0], parts[1:]
        assert len(wants) == len(columns), f"row {route}: {len(wants)} cells"
        for principal, want in zip(columns, wants):
            purpose = None if principal in ("public", "REG-NP") else PURPOSE
            check(principal, route, want, purpose)
    for principal, route, want in WITHOUT_PURPOSE:
        check(principal, route, want, None)
    # A hidden record's 404 is the unknown record's 404, word for word.
    compared = 0
    for hidden, unknown in (("GET  /v1/reports/{BM}/{R0}", "GET  /v1/reports/{BM}/no-such-report"),
                            ("GET  /v1/batteries/{P}/history",
                             "GET  /v1/batteries/{P_UNKNOWN}/history"),
                            ("GET  /v1/vehicles/{V}", "GET  /v1/vehicles/{V_UNKNOWN}")):
        for principal in columns:
            a = answers_404.get((principal, " ".join(hidden.split())))
            b = answers_404.get((principal, " ".join(unknown.split())))
            if a is not None:
                compared += 1
            if a is not None and a != b:
                failures.append(f"{principal} tells a hidden record from an absent one: "
                                f"{a} vs {b}")
                print("FAIL:", failures[-1])
    if compared < 15:
        failures.append(f"only {compared} hidden records compared with absent ones")
        print("FAIL:", failures[-1])
    # Every protected read that was answered is in the audit trail, with its purpose.
    st, h, data, audit = server.call("GET", "/v1/audit?limit=1000", tokens["ADMIN"])
    assert st == 200, data
    seen = {(e["principal"], e["record"], e["purpose"]) for e in audit["items"]}
    for who, record in (("regulator:" + c["REG"]["id"], "battery:" + c["P"]),
                        ("regulator:" + nat["id"], "vehicle:" + c["V"]),
                        ("enterprise:" + ent["SHOP"], "model:" + c["M"]),
                        ("regulator:" + c["REG"]["id"], f"report:{c['BM']}/{c['R0']}")):
        if (who, record, PURPOSE) not in seen:
            failures.append(f"audit: no entry of {who} reading {record} with its purpose")
            print("FAIL:", failures[-1])
    refused = [e for e in audit["items"] if e["principal"] == "regulator:" + reg_x["id"]
               and e["record"] in ("battery:" + c["P"], "vehicle:" + c["V"])]
    if any(e["record"] == "vehicle:" + c["V"] for e in refused):
        failures.append(f"audit: a refused read is recorded as a read: {refused}")
        print("FAIL:", failures[-1])
    write_to_read(server)
    rc = server.stop()
    if rc != 0:
        failures.append(f"the server exited {rc} on SIGTERM")
        print("FAIL:", failures[-1])
finally:
    server.kill()

print(f"{cells} cells checked")
if failures:
    print(f"access matrix: {len(failures)} failures")
    sys.exit(1)
print("access matrix: ok")
