#!/usr/bin/env python3
"""A second, independent reading of docs/findings.md, to check the simulator's answer key.

The simulator records its answer key from what it injected; this script derives the findings
from its registry and reports instead, as the engine will, and prints the differences. It is a
test oracle for the simulator only (tests/integration/simulate_import.sh), kept small: it knows
the report shapes the simulator writes, not every corner of the contract.

    answer_key_check.py BATTRACE RULES_DIR SIMULATION_DIR AS_OF
Prints "answer key check: ok (N findings)" when both agree, else every difference.
"""
import datetime
import glob
import json
import subprocess
import sys

BT, RULES, D, ASOF = sys.argv[1:5]
rules = {}
for path in sorted(glob.glob(f"{RULES}/*.json")):
    d = json.load(open(path))
    rules[d["name"]] = (d["effective_from"], d.get("effective_to", "9999-12-31"), {r["duty"]: r for r in d["rules"]})
cache = {}
def due(duty, anchor):
    for name, (a, b, rs) in rules.items():
        if a <= anchor < b and duty in rs:
            r = rs[duty]; k = (anchor, r["period"])
            if k not in cache:
                cache[k] = subprocess.run([BT, "calendar", "due", "--anchor", anchor, "--period", r["period"]], capture_output=True, text=True).stdout.strip()
            return r["article"], cache[k]
    return None
YEARS = "123456789ABCDEFGHJKLMNPRSTVWXY"  # GB/T 34014 production-date letters from 2011
MONTHS = "123456789ABC"
DAYS = "123456789ABCDEFGHJKLMNPRSTVWXY0"
def code_date(c):
    y, m, d = c[14:17]
    return "%04d-%02d-%02d" % (2011 + YEARS.index(y), MONTHS.index(m) + 1, DAYS.index(d) + 1)
def qualified(u, day):
    q = ents[u]["qualifications"]
    return all(any(x["type"] == t and x["valid_from"] <= day <= x["valid_to"] for x in q) for t in ("investment_filing", "eia", "discharge_permit"))
def bj(ts):
    t = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")) + datetime.timedelta(hours=8)
    return t.date().isoformat()
ents = {}; regs = set()
for line in open(f"{D}/registry.ndjson"):
    r = json.loads(line)
    if r["kind"] == "enterprise": ents[r["uscc"]] = r
    else: regs.add((r["department"], r["division"]))
def role(u, x): return u in ents and x in ents[u]["roles"]
def auth(dep, party):
    if party not in ents: return "000000"
    dv = ents[party]["division"]
    for c in [dv, dv[:4] + "00", dv[:2] + "0000", "000000"]:
        if (dep, c) in regs: return c
    return dv
findings = []
def find(kind, art, party, subj, d, ev, dep="MIIT"):
    findings.append((kind, art, party, subj, d or "", tuple(ev), dep, auth(dep, party)))
bat = {}; veh = {}; handed = set(); inb = set(); removed = set(); swapped = set(); outlets = {}; ever_outlet = set(); info = set(); firstmodel = set()
duties = {}
def open_duty(key, art, d, ev):
    if key not in duties: duties[key] = [art, d, ev, False]
def discharge(key):
    if key in duties: duties[key][3] = True
def B(c): return bat.setdefault(c, {"produced": False, "complete": False, "parent": None, "cust": None, "vin": None, "producer": None})
def unknown(rep, codes, ref):
    for c in codes:
        b = bat.get(c)
        if not b or not (b["produced"] or b["parent"] or b["cust"] or b["vin"]): find("unknown_battery", "10", rep, c, None, [ref])
def held(frm, b):
    return frm in (b["producer"], b["cust"]) or (b["vin"] is not None and (veh[b["vin"]]["maker"] if b["vin"] in veh else maker_of_vin(b["vin"])) == frm)
def maker_of_vin(v):
    for u, e in ents.items():
        if v[:3] in e.get("wmi", []): return u
def vin_named(rep, v, occ, ref):
    if v not in veh or not veh[v].get("produced"):
        m = maker_of_vin(v)
        if m:
            x = due("24.2a", occ)
            if x: open_duty(("24.2a", m, v), x[0], x[1], ref)
sales = []; sold = set()
for line in open(f"{D}/reports.ndjson"):
    r = json.loads(line); t = r["type"]; rep = r["reporter"]; occ = r["occurred"]; day = bj(r["reported"]); ref = rep + "/" + r["id"]
    def late(duty):
        x = due(duty, occ)
        if x and day > x[1]: find("late_report", x[0], rep, ref, x[1], [ref])
    if occ > day: find("implausible_fact", "24", rep, ref, None, [ref])
    if t == "battery.produced":
        c = r["code"]; b = B(c)
        if b["produced"]: find("duplicate_code", "10", rep, c, None, [ref]); continue
        if c[:3] not in ents[rep]["manufacturer_codes"]: find("impersonated_code", "10", rep, c, None, [ref])
        if occ < code_date(c): find("implausible_fact", "10", rep, c, None, [ref])
        for p in r.get("parts", []):
            pb = B(p)
            if pb["parent"] and pb["parent"] != c: find("conflicting_custody", "10", rep, p, None, [ref])
            pb["parent"] = c
        b["produced"] = True; b["producer"] = rep
        if b["cust"] is None: b["cust"] = rep
        if all(k in r for k in ["model", "rated_capacity_ah", "rated_energy_kwh", "mass_kg", "materials"]) and (c[3] == "C" or r.get("parts")):
            b["complete"] = True; discharge(("12", c))
    elif t == "vehicle.produced":
        late("24.2a"); v = r["vin"]
        if maker_of_vin(v) not in (None, rep): find("impersonated_vin", "24", rep, v, None, [ref])
        veh[v] = {"produced": True, "maker": rep, "swappable": r["swappable"], "packs": set(r["packs"]), "scrapped": False}
        discharge(("24.2a", rep, v))
        for p in r["packs"]:
            b = B(p)
            if b["vin"] and b["vin"] != v: find("conflicting_custody", "10", rep, p, None, [ref])
            b["vin"] = v; b["cust"] = rep
            if not b["complete"]:
                x = due("24.2a", occ); bm = next((u for u, e in ents.items() if p[:3] in e.get("manufacturer_codes", [])), rep)
                if ("12", p) not in duties: duties[("12", p)] = ["12", x[1], ref, False, bm]
        mk = (rep, r["model"])
        if mk not in firstmodel:
            firstmodel.add(mk)
            if mk not in info:
                x = due("24.1", occ)
                if x: open_duty(("24.1", rep, r["model"]), x[0], x[1], ref)
    elif t == "vehicle.sold":
        late("24.2b"); v = r["vin"]
        if v not in veh: find("unknown_vehicle", "24", rep, v, None, [ref])
        vin_named(rep, v, occ, ref)
        if v in sold: find("implausible_fact", "24", rep, v, None, [ref])
        else: sold.add(v); sales.append((v, r["division"], ref, rep))
    elif t == "battery.replaced":
        v = r["vin"]; vin_named(rep, v, occ, ref); vm = maker_of_vin(v); unknown(rep, r["removed"], ref)
        if role(rep, "vehicle_maker"): late("24.5b")
        else: late("24.5a" if vm in ents[rep]["cooperates_with"] else "24.5c")
        holder = r.get("repairer", rep)
        for c in r["removed"]:
            removed.add(c); discharge(("24.5b", vm, c))
            for u in ents: discharge(("24.5c", u, c))
            b = B(c); b["vin"] = None; b["cust"] = holder
            if v in veh: veh[v]["packs"].discard(c)
        for c in r["installed"]:
            b = B(c)
            if b["vin"] and b["vin"] != v: find("conflicting_custody", "10", rep, c, None, [ref])
            b["vin"] = v; b["cust"] = holder
            if v in veh: veh[v]["packs"].add(c)
    elif t == "battery.swapped":
        late("24.4a"); v = r["vin"]; vin_named(rep, v, occ, ref); unknown(rep, [r["removed"]], ref)
        c = r["removed"]; swapped.add(c); discharge(("24.4a", rep, c)); b = B(c); b["vin"] = None; b["cust"] = rep
        if v in veh: veh[v]["packs"].discard(c)
        c = r["installed"]; b = B(c)
        if b["vin"] and b["vin"] != v: find("conflicting_custody", "10", rep, c, None, [ref])
        b["vin"] = v; b["cust"] = rep
        if v in veh: veh[v]["packs"].add(c)
    elif t == "vehicle.scrapped":
        late("24.8"); v = r["vin"]; vin_named(rep, v, occ, ref); discharge(("24.8v", rep, v)); unknown(rep, r["packs_present"], ref)
        if v in veh:
            veh[v]["scrapped"] = True
            if not veh[v]["swappable"] and any(p not in r["packs_present"] for p in veh[v]["packs"]):
                find("scrapped_without_battery", "21", rep, v, None, [ref], "MOFCOM")
        for c in r["packs_present"]:
            b = B(c); b["vin"] = None; b["cust"] = rep
    elif t == "battery.outbound":
        src = r["source"]; to = r["to"]
        if src in ("rnd", "production", "installation"): late("24.2c" if role(rep, "vehicle_maker") else "24.3")
        elif src == "repair" and role(rep, "battery_maker"): late("24.3")
        elif src == "swap" and role(rep, "swap_operator"): late("24.4b")
        elif src == "outlet" and (role(rep, "battery_maker") or role(rep, "vehicle_maker")): late("24.6c")
        elif src == "dismantling" and role(rep, "dismantler"): late("24.8")
        dis = role(rep, "dismantler") and src == "dismantling"; unknown(rep, r["codes"], ref)
        for c in r["codes"]:
            if role(to, "ebike_maker"): find("prohibited_use", "22", rep, c, None, [ref])
            elif not role(to, "recycler") and not (r.get("outlet") in outlets and outlets[r["outlet"]] == to):
                find("unlicensed_destination", "20", rep, c, None, [ref], "MOFCOM" if dis else "MIIT")
            elif role(to, "recycler") and not qualified(to, occ):
                find("unlicensed_destination", "20", rep, c, None, [ref], "MOFCOM" if dis else "MIIT")
            b = B(c)
            exc = b["vin"] and any(role(rep, x) for x in ("repair_shop", "swap_operator", "dismantler"))
            if b["cust"] and b["cust"] != rep and not exc: find("conflicting_custody", "10", rep, c, None, [ref])
            if (role(to, "battery_maker") or role(to, "vehicle_maker")) and (to, c) not in inb:
                x = due("24.6b", occ); open_duty(("24.6b", to, c), x[0], x[1], ref)
            if role(to, "recycler") and (to, c) not in inb:
                x = due("24.7a", occ); open_duty(("24.7a", to, c), x[0], x[1], ref)
            if src == "repair" and b["vin"] and c not in removed:
                vm = maker_of_vin(b["vin"])
                if vm in ents[rep].get("cooperates_with", []): x = due("24.5b", occ); open_duty(("24.5b", vm, c), x[0], x[1], ref)
                else: x = due("24.5c", occ); open_duty(("24.5c", rep, c), x[0], x[1], ref)
            if src == "swap" and b["vin"] and c not in swapped:
                x = due("24.4a", occ); open_duty(("24.4a", rep, c), x[0], x[1], ref)
            discharge(("out", rep, c)); handed.add((c, rep, to)); b["cust"] = to
    elif t == "battery.inbound":
        frm = r["from"]
        late("24.7a" if role(rep, "recycler") else "24.6b")
        if role(rep, "recycler"):
            q = {x["type"]: x for x in ents[rep]["qualifications"]}
            for typ, art, dep in [("investment_filing", "34", "NDRC"), ("eia", "35", "MEE"), ("discharge_permit", "35", "MEE")]:
                if typ not in q or not (q[typ]["valid_from"] <= occ <= q[typ]["valid_to"]): find("unqualified_recycler", art, rep, typ, None, [ref], dep)
        unknown(rep, r["codes"], ref)
        if r.get("outlet") and r["outlet"] not in ever_outlet:
            x = due("24.6a", occ); open_duty(("24.6a", rep, r["outlet"]), x[0], x[1], ref)
        for c in r["codes"]:
            b = B(c)
            if b["cust"] and b["cust"] not in (frm, rep): find("conflicting_custody", "10", rep, c, None, [ref])
            if (c, frm, rep) not in handed and held(frm, b):
                d = {"swap_operator": "24.4b", "dismantler": "24.8", "vehicle_maker": "24.2c", "battery_maker": "24.3"}
                for ro, du in d.items():
                    if role(frm, ro): x = due(du, occ); open_duty(("out", frm, c), x[0], x[1], ref); break
            if role(frm, "dismantler") and b["vin"] and not veh.get(b["vin"], {}).get("scrapped"):
                x = due("24.8", occ); open_duty(("24.8v", frm, b["vin"]), x[0], x[1], ref)
            inb.add((rep, c)); discharge(("24.6b", rep, c)); discharge(("24.7a", rep, c)); b["cust"] = rep
    elif t == "battery.utilized":
        late("utilized"); unknown(rep, r["codes"], ref)
        for c in r["codes"]: B(c)["cust"] = rep
    elif t == "product.outbound": late("24.7b")
    elif t.startswith("outlet."):
        late("24.6a"); o = r["outlet"]["id"]
        if t == "outlet.closed": outlets.pop(o, None)
        else: outlets[o] = rep; ever_outlet.add(o); discharge(("24.6a", rep, o))
    elif t == "battery.health": unknown(rep, [r["code"]], ref)
    elif t == "model.disassembly_info":
        late("24.1"); info.add((rep, r["vehicle_model"])); discharge(("24.1", rep, r["vehicle_model"]))
for key, d in duties.items():
    if d[3] or not d[1] < ASOF: continue
    if key[0] == "12": find("missing_digital_id", "12", d[4], key[1], d[1], [d[2]])
    else: find("overdue_report", d[0], key[1], key[2], d[1], [d[2]])
# coverage
odiv = {}
for line in open(f"{D}/reports.ndjson"):
    r = json.loads(line)
    if r["type"] in ("outlet.registered", "outlet.changed"): odiv[r["outlet"]["id"]] = (r["reporter"], r["outlet"]["division"])
act = [odiv[o] for o in outlets]
seen = set()
for vin, dv, ref, rep in sales:
    v = veh.get(vin)
    if not v: continue
    m = v["maker"]
    k = (m, dv[:4])
    if k not in seen:
        seen.add(k)
        if not any(o == m and d[:4] == dv[:4] for o, d in act): find("outlet_coverage_gap", "15", m, dv[:4] + "00", None, [ref])
    for p in v["packs"]:
        bm = next((u for u, e in ents.items() if p[:3] in e.get("manufacturer_codes", [])), None)
        if bm and (bm, dv[:2]) not in seen:
            seen.add((bm, dv[:2]))
            if not any(o == bm and d[:2] == dv[:2] for o, d in act): find("outlet_coverage_gap", "14", bm, dv[:2] + "0000", None, [ref])
mine = set(findings)
key = set((f["kind"], f["article"], f["party"], f["subject"], f.get("due", ""), tuple(f["evidence"]), f["authority"]["department"], f["authority"]["division"]) for f in json.load(open(f"{D}/answer-key.json")))
only_here = sorted(mine - key)
only_key = sorted(key - mine)
for x in only_here:
    print("derived here, not in the answer key:", x)
for x in only_key:
    print("in the answer key, not derived here:", x)
if len(findings) != len(mine):
    print("the same finding derived twice:", len(findings) - len(mine))
if only_here or only_key or len(findings) != len(mine):
    sys.exit(1)
print(f"answer key check: ok ({len(key)} findings)")
