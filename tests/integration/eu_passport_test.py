#!/usr/bin/env python3
"""The EU battery passport end to end (docs/passport.md), over a simulated store.

- Every battery's passport, at each access class (public, legitimate, authority), from
  GET /v1/batteries/{code}/passport?profile=eu: each aspect is valid against its Battery Pass
  schema (tests/data/batterypass/) field by field: `required` removed everywhere, every field
  present checked, formats included.
- A lower access class never holds a field of a higher one (the JSON paths of its aspects are
  a subset), and the legitimate-interest fields are not the public's.
- A battery's passport equals what its reports declared, field by field: a battery_model.declared
  and two battery.health reports filed over the API for one pack.
- A re-made battery (battery.produced with origin_codes) links to its origins' passports; a
  utilized battery's passport is ceased and kept.
- The caller's class: the public and other enterprises public, the producer and a repair shop
  legitimate, a regulator with a stated purpose authority (without one, public); reads above the
  public class are audited.
- A correction of the declaration replaces it, and is in the provenance.
- `battrace passport` prints the same passport; its errors.

usage: eu_passport_test.py BATTRACE SCHEMA_DIR WORKDIR
"""
import json
import os
import re
import subprocess
import sys
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Fixture, Server, run  # noqa: E402

import jsonschema  # noqa: E402

engines.require()
battrace, schema_dir, work = sys.argv[1:4]
checks = 0


def ok(cond, msg):
    global checks
    checks += 1
    if not cond:
        sys.exit(f"eu passport test: FAILED: {msg}")


# --- the schemas, field by field ---
ASPECTS = {
    "generalProductInformation": "GeneralProductInformation-schema.json",
    "carbonFootprint": "CarbonFootprintForBatteries-schema.json",
    "circularity": "Circularity-schema.json",
    "materialComposition": "MaterialComposition-schema.json",
    "performance": "PerformanceAndDurability-schema.json",
    "labels": "Labeling-schema.json",
    "supplyChainDueDiligence": "SupplyChainDueDiligence-schema.json",
}
# The formats the schemas use, checked here whatever optional packages jsonschema finds.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")  # RFC 3986 absolute URI
formats = jsonschema.FormatChecker()


@formats.checks("date-time")
def is_date_time(value):
    return not isinstance(value, str) or bool(RFC3339.match(value))


@formats.checks("uri")
def is_uri(value):
    return not isinstance(value, str) or bool(URI.match(value))


def without_required(node):
    if isinstance(node, dict):
        return {k: without_required(v) for k, v in node.items()
                if not (k == "required" and isinstance(v, list))}
    if isinstance(node, list):
        return [without_required(v) for v in node]
    return node


validators = {}
for aspect, name in ASPECTS.items():
    with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validators[aspect] = cls(without_required(schema), format_checker=formats)
# The checker checks: a wrong type, pattern, enum or format fails.
ok(list(validators["generalProductInformation"].iter_errors({"batteryStatus": "Ceased"})),
   "an unknown batteryStatus passes")
ok(list(validators["performance"].iter_errors(
    {"batteryTechicalProperties": {"lifetimeReferenceTest": "GB/T 31484-2015"}})),
   "a test name passes as a URI")
ok(list(validators["performance"].iter_errors(
    {"batteryCondition": {"stateOfCharge": {"lastUpdate": "2026-11-30"}}})),
   "a date passes as a date-time")


def validate(passport, what):
    for aspect, v in validators.items():
        ok(aspect in passport and isinstance(passport[aspect], dict), f"{what}: no {aspect}")
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in v.iter_errors(passport[aspect])]
        ok(not errors, f"{what}: {aspect} is not valid: {errors[:5]}")
    ok(re.fullmatch(r"urn:uuid:[0-9a-f]{32}", passport["passportIdentifier"]),
       f"{what}: identifier {passport['passportIdentifier']}")
    ok(passport["generalProductInformation"]["batteryPassportIdentifier"]
       == passport["passportIdentifier"], f"{what}: two identifiers")


def paths(node, at=""):
    if isinstance(node, dict):
        out = set()
        for k, v in node.items():
            out |= paths(v, f"{at}/{k}")
        return out
    if isinstance(node, list):
        out = {at} if not node else set()
        for v in node:
            out |= paths(v, f"{at}/[]")
        return out
    return {at}


def aspect_paths(passport):
    out = set()
    for aspect in ASPECTS:
        out |= paths(passport[aspect], "/" + aspect)
    return out


LEGITIMATE_ONLY = {
    "/generalProductInformation/batteryStatus",
    "/performance/batteryCondition",
    "/performance/batteryTechicalProperties/expectedLifetime",
    "/circularity/dismantlingAndRemovalInformation",
    "/materialComposition/batteryMaterials/[]/batteryMaterialMass",
    "/materialComposition/batteryMaterials/[]/batteryMaterialLocation",
    "/materialComposition/hazardousSubstances/[]/hazardousSubstanceConcentration",
}
AUTHORITY_ONLY = {"/labels/resultOfTestReport"}


def check_classes(by_class, what):
    pub, legit, auth = (aspect_paths(by_class[a]) for a in ("public", "legitimate", "authority"))
    ok(pub <= legit, f"{what}: public fields not in the legitimate class: {pub - legit}")
    ok(legit <= auth, f"{what}: legitimate fields not in the authority class: {legit - auth}")
    for p in pub:
        ok(not any(p.startswith(x) for x in LEGITIMATE_ONLY | AUTHORITY_ONLY),
           f"{what}: {p} shown to the public")
    for p in legit:
        ok(not any(p.startswith(x) for x in AUTHORITY_ONLY), f"{what}: {p} in the legitimate class")
    kinds = {a: {r["type"] for r in by_class[a]["provenance"]} for a in by_class}
    ok("battery.health" not in kinds["public"], f"{what}: health reports in the public provenance")


# --- a simulated store, and the reports only this test files ---
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=60, keep_back=200)
reports = fx.replayed
produced = {r["code"]: r for r in reports if r["type"] == "battery.produced"}
installs = {p: r for r in reports if r["type"] == "vehicle.produced" for p in r["packs"]}
pack = next(c for c in installs if c in produced and produced[c].get("model")
            and produced[c].get("mass_kg") is not None)
maker = produced[pack]["reporter"]
model = produced[pack]["model"]
vehicle_maker = installs[pack]["reporter"]
utilized = next((c for r in reports if r["type"] == "battery.utilized" for c in r["codes"]), None)
shop = fx.enterprises("repair_shop")[0]
other_maker = next(e for e in fx.enterprises("battery_maker") if e["uscc"] != maker)
regulator = next(r for r in fx.regulators() if r["division"] == "000000")
WHY = "EU market surveillance"

DECLARED = {
    "model": model, "category": "ev",
    "chemistry": {"short_name": "LFP", "clear_name": "lithium iron phosphate"},
    "carbon_footprint": {"per_kwh": 61.5, "class": "B",
                         "stages": {"raw_material_extraction": 40.1, "main_production": 15.2,
                                    "distribution": 1.1, "recycling": 5.1},
                         "study": "https://example.com/cfp.pdf"},
    "recycled_content": {"nickel": {"pre_consumer": 4.0, "post_consumer": 8.0},
                         "cobalt": {"pre_consumer": 2.0, "post_consumer": 11.0}},
    "renewable_content_pct": 12.0,
    "materials": [{"name": "LiFePO4", "cas": "15365-14-7", "mass_kg": 120.5, "critical": True,
                   "component": "cathode"},
                  {"name": "polyethylene", "mass_kg": 3.0, "critical": False,
                   "component": "separator"}],
    "hazardous_substances": [{"name": "LiPF6", "cas": "21324-40-3", "class": "acute_toxicity",
                              "concentration_pct": 1.2, "component": "electrolyte"}],
    "extinguishing_agents": ["water", "CO2"],
    "lifetime": {"expected_years": 10, "cycle_life": 3000,
                 "cycle_life_test": "https://example.com/cycle-test.pdf",
                 "capacity_threshold_pct": 70},
    "electrical": {"voltage_min_v": 280, "voltage_nominal_v": 350, "voltage_max_v": 400,
                   "power_rated_kw": 150, "power_max_kw": 200, "round_trip_efficiency_pct": 94,
                   "internal_resistance_mohm": 80},
    "idle_temperature_c": {"min": -20, "max": 45},
    "warranty_months": 96,
    "documents": {"declaration_of_conformity": "https://example.com/doc.pdf",
                  "test_report": "https://example.com/test.pdf",
                  "dismantling_manual": "https://example.com/manual.pdf",
                  "due_diligence_report": "https://example.com/dd.pdf"},
}
HEALTH = [  # the later measurement filed first: the passport goes by `measured`
    ("2026-10-20", "2026-10-20T09:00:00+08:00",
     {"soh_capacity_pct": 92.5, "soc_pct": 64, "full_cycles": 812,
      "extreme_temperature_hours": {"high": 12.5, "low": 3.0, "high_charging": 0.5,
                                    "low_charging": 0},
      "accidents": [{"date": "2026-10-02", "description": "rear collision, pack inspected"}]}),
    ("2026-10-10", "2026-10-10T09:00:00+08:00",
     {"soh_capacity_pct": 95.0, "remaining_capacity_ah": 250.0, "remaining_energy_kwh": 70.5,
      "energy_throughput_kwh": 6100, "capacity_throughput_ah": 17500,
      "deep_discharge_events": 0, "overcharge_events": 1}),
]


def file(server, token, report):
    st, _, data, doc = server.call("POST", "/v1/reports", token, body=json.dumps([report]))
    ok(st == 200 and doc and doc["accepted"] == 1, f"filing {report['type']}: {st} {data[:600]!r}")
    return doc["results"][0]["receipt"]


tok = {"admin": fx.token("admin"), "maker": fx.token("enterprise:" + maker),
       "vmaker": fx.token("enterprise:" + vehicle_maker),
       "shop": fx.token("enterprise:" + shop["uscc"]),
       "other": fx.token("enterprise:" + other_maker["uscc"]),
       "reg": fx.token("regulator:" + regulator["id"])}


def passport(server, code, token=None, purpose=None):
    st, _, data, doc = server.call("GET", f"/v1/batteries/{code}/passport?profile=eu", token,
                                   purpose)
    ok(st == 200 and doc, f"passport of {code}: {st} {data[:300]!r}")
    return doc


with Server(battrace, fx.store, work) as server:
    file(server, tok["maker"], {"id": "eu-decl-1", "type": "battery_model.declared",
                                "reporter": maker,
                                "occurred": "2026-10-01", **DECLARED})
    for i, (day, measured, fields) in enumerate(HEALTH):
        file(server, tok["vmaker"], {"id": f"eu-health-{i}", "type": "battery.health",
                                     "reporter": vehicle_maker,
                                     "occurred": day, "code": pack, "measured": measured,
                                     **fields})
    # A re-made battery: a held-back battery.produced of another battery, made from the pack.
    remade = next((r for r in fx.held_back if r["type"] == "battery.produced"
                   and r["code"] not in produced), None)
    if remade:
        remade = dict(remade, origin_codes=[pack], origin_kind="remanufactured")
        file(server, fx.token("enterprise:" + remade["reporter"]), remade)

    # Errors.
    for query, rule in (("", "query.required"), ("?profile=us", "query.enum")):
        st, _, _, doc = server.call("GET", f"/v1/batteries/{pack}/passport{query}")
        ok(st == 400 and doc["rule"] == rule, f"passport{query}: {st} {doc}")
    st, _, _, doc = server.call("GET", f"/v1/batteries/{pack[:-1]}/passport?profile=eu")
    ok(st == 400 and doc["rule"] == "battery_code.length", f"a short code: {st} {doc}")
    known = "\n".join(json.dumps(r) for r in reports + fx.held_back)
    absent = next(c for c in (pack[:-7] + f"{n:07d}" for n in range(1, 10**6)) if c not in known)
    st, _, _, doc = server.call("GET", f"/v1/batteries/{absent}/passport?profile=eu")
    ok(st == 404, f"an unknown code: {st} {doc}")

    # The caller's class.
    for who, purpose, want in (
            (None, None, "public"), ("other", None, "public"), ("vmaker", None, "public"),
            ("maker", None, "legitimate"), ("shop", None, "legitimate"),
            ("admin", None, "legitimate"), ("reg", WHY, "authority"), ("reg", None, "public")):
        doc = passport(server, pack, tok.get(who), purpose)
        ok(doc["access"] == want, f"{who} with purpose {purpose!r}: {doc['access']}, not {want}")

    # Every battery at each class: valid field by field, and nested.
    by_code = {}
    for code in sorted(produced) + ([remade["code"]] if remade else []):
        by_class = {"public": passport(server, code),
                    "legitimate": passport(server, code, tok["admin"]),
                    "authority": passport(server, code, tok["reg"], WHY)}
        for a, p in by_class.items():
            ok(p["access"] == a and p["battery"] == code and p["profile"] == "eu",
               f"{code} {a}: {p['access']} {p['battery']}")
            validate(p, f"{code} at {a}")
        check_classes(by_class, code)
        by_code[code] = by_class
    print(f"eu passport test: {len(by_code)} batteries valid at 3 access classes", flush=True)

    st, _, _, audit = server.call("GET", "/v1/audit?limit=1000", tok["admin"])
    ok(st == 200, f"audit: {st}")
    entries = audit["items"]
    ok(any(e["action"] == "passport_authority" and e["record"] == "battery:" + pack
           and e["principal"] == "regulator:" + regulator["id"] and e["purpose"] == WHY
           for e in entries), "the regulator's passport read is not audited")
    ok(any(e["action"] == "passport_legitimate" and e["principal"] == "enterprise:" + shop["uscc"]
           for e in entries), "the repair shop's passport read is not audited")
    ok(not any(e["action"].startswith("passport_") and e["principal"] == "public"
               for e in entries), "a public passport read is audited")

# --- the passport equals what the reports declared ---
p = by_code[pack]["authority"]
src = produced[pack]
g = p["generalProductInformation"]
ok(g["productIdentifier"] == pack and g["batteryCategory"] == "ev", f"identity: {g}")
ok(g["manufacturerInformation"]["identifier"] == maker
   and g["manufacturerInformation"]["contactName"] == fx.enterprise(maker)["name"], f"maker: {g}")
ok(g["batteryMass"] == src["mass_kg"], f"mass: {g}")
ok(g["batteryStatus"] == "Original", f"status: {g}")
cf = p["carbonFootprint"]
ok(cf == {"batteryCarbonFootprint": 61.5, "carbonFootprintPerformanceClass": "B",
          "carbonFootprintStudy": "https://example.com/cfp.pdf",
          "carbonFootprintPerLifecycleStage": [
              {"lifecycleStage": "RawMaterialExtraction", "carbonFootprint": 40.1},
              {"lifecycleStage": "MainProduction", "carbonFootprint": 15.2},
              {"lifecycleStage": "Distribution", "carbonFootprint": 1.1},
              {"lifecycleStage": "Recycling", "carbonFootprint": 5.1}]}, f"carbon footprint: {cf}")
c = p["circularity"]
ok(c["recycledContent"] == [
    {"recycledMaterial": "Nickel", "preConsumerShare": 4.0, "postConsumerShare": 8.0},
    {"recycledMaterial": "Cobalt", "preConsumerShare": 2.0, "postConsumerShare": 11.0}]
   and c["renewableContent"] == 12.0
   and c["safetyMeasures"] == {"extinguishingAgent": ["water", "CO2"]}
   and c["dismantlingAndRemovalInformation"] == [
       {"documentType": "DismantlingManual", "documentURL": "https://example.com/manual.pdf"}],
   f"circularity: {c}")
m = p["materialComposition"]
ok(m["batteryChemistry"] == {"shortName": "LFP", "clearName": "lithium iron phosphate"}
   and m["batteryMaterials"] == [
       {"batteryMaterialName": "LiFePO4", "batteryMaterialIdentifier": "15365-14-7",
        "batteryMaterialMass": 120.5, "isCriticalRawMaterial": True,
        "batteryMaterialLocation": {"componentName": "cathode"}},
       {"batteryMaterialName": "polyethylene", "batteryMaterialMass": 3.0,
        "isCriticalRawMaterial": False, "batteryMaterialLocation": {"componentName": "separator"}}]
   and m["hazardousSubstances"] == [
       {"hazardousSubstanceName": "LiPF6", "hazardousSubstanceIdentifier": "21324-40-3",
        "hazardousSubstanceClass": "AcuteToxicity", "hazardousSubstanceConcentration": 1.2,
        "hazardousSubstanceLocation": {"componentName": "electrolyte"}}],
   f"materials: {m}")
t = p["performance"]["batteryTechicalProperties"]
want = {"minimumVoltage": 280, "maximumVoltage": 400, "ratedMaximumPower": 200000,
        "roundtripEfficiency": 94, "expectedLifetime": 10, "expectedNumberOfCycles": 3000,
        "lifetimeReferenceTest": "https://example.com/cycle-test.pdf",
        "capacityThresholdForExhaustion": 70,
        "temperatureRangeIdleState": {"minimum": -20, "maximum": 45},
        "initialInternalResistance": [{"batteryComponent": "pack", "ohmicResistance": 0.08}]}
for field, report_field in (("ratedCapacity", "rated_capacity_ah"),
                            ("ratedEnergy", "rated_energy_kwh"),
                            ("nominalVoltage", "nominal_voltage_v")):
    if report_field in src:
        want[field] = src[report_field]
ok(t == want, f"technical properties: {t} != {want}")
h = p["performance"]["batteryCondition"]
later, earlier = HEALTH[0][1], HEALTH[1][1]


def last(value, when):
    return {"value": value, "at": datetime.fromisoformat(when)}


def cond(key):
    return {"value": h[key][key + "Value"], "at": datetime.fromisoformat(h[key]["lastUpdate"])}


ok(cond("capacityFade") == last(7.5, later), f"capacity fade: {h}")
ok(cond("remainingCapacity") == last(250.0, earlier), f"remaining capacity: {h}")
ok(cond("remainingEnergy") == last(70.5, earlier), f"remaining energy: {h}")
ok(cond("stateOfCharge") == last(64, later), f"SoC: {h}")
ok(cond("numberOfFullCycles") == last(812, later), f"cycles: {h}")
ok(cond("energyThroughput") == last(6100, earlier), f"energy throughput: {h}")
ok(cond("capacityThroughput") == last(17500, earlier), f"capacity throughput: {h}")
temps = dict(h["temperatureInformation"])
temps.pop("lastUpdate")
ok(temps == {"timeExtremeHighTemp": 750, "timeExtremeLowTemp": 180,
             "timeExtremeHighTempCharging": 30, "timeExtremeLowTempCharging": 0},
   f"temperatures (minutes): {h}")
events = [e["negativeEvent"] for e in h["negativeEvents"]]
ok(events == ["deep discharge events: 0", "overcharge events: 1",
              "accident 2026-10-02: rear collision, pack inspected"], f"events: {events}")
ok(p["labels"] == {"declarationOfConformity": "https://example.com/doc.pdf",
                   "resultOfTestReport": "https://example.com/test.pdf"}, f"labels: {p['labels']}")
ok(p["supplyChainDueDiligence"] == {
    "supplyChainDueDiligenceReport": "https://example.com/dd.pdf"}, "due diligence")
kinds = [(r["type"], r["reporter"]) for r in p["provenance"]]
ok(("battery.produced", maker) in kinds and ("battery_model.declared", maker) in kinds
   and kinds.count(("battery.health", vehicle_maker)) >= 2, f"provenance: {kinds}")
ok(all(len(r["leaf_hash"]) == 44 and isinstance(r["leaf_index"], int) for r in p["provenance"]),
   "receipts")
pub = by_code[pack]["public"]
ok([x["batteryMaterialName"] for x in pub["materialComposition"]["batteryMaterials"]]
   == ["LiFePO4"], "the public see the critical raw materials only")

# --- a re-made battery links to its origin; a utilized one is ceased ---
if remade:
    r = by_code[remade["code"]]["legitimate"]
    ok(r["origins"] == [{"passportIdentifier": p["passportIdentifier"], "battery": pack}],
       f"origins: {r['origins']}")
    ok(r["generalProductInformation"]["batteryStatus"] == "Remanufactured", "remanufactured")
    ok(r["passportIdentifier"] != p["passportIdentifier"], "a new passport")
    ok(by_code[remade["code"]]["public"]["origins"] == r["origins"], "origins are public")
else:
    print("eu passport test: no held-back battery.produced to re-make", flush=True)
ok(utilized is not None, "the simulation utilized no battery")
for a, u in by_code[utilized].items():
    ok(u["ceased"]["date"] and u["ceased"]["by"] and isinstance(u["ceased"]["leaf_index"], int),
       f"utilized {utilized} at {a}: {u.get('ceased')}")
ok(by_code[utilized]["legitimate"]["generalProductInformation"]["batteryStatus"] == "Waste",
   "a utilized battery is waste")
ok(all("ceased" not in by_code[pack][a] for a in by_code[pack]), "a pack in use is not ceased")

# --- the command line ---
for access in ("public", "legitimate", "authority"):
    out = run([battrace, "passport", *fx.read, "--code", pack.lower(), "--profile", "eu",
               "--access", access])
    ok(json.loads(out) == by_code[pack][access], f"battrace passport --access {access}")
out = run([battrace, "passport", *fx.read, "--code", pack, "--profile", "eu"])
ok(json.loads(out)["access"] == "public", "the default class")
for args, rule in ((["--code", pack, "--profile", "us"], "--profile"),
                   (["--code", pack, "--profile", "eu", "--access", "x"], "--access"),
                   (["--code", pack[:-1], "--profile", "eu"], "battery_code.length")):
    q = subprocess.run([battrace, "--lang", "en", "passport", *fx.read, *args],
                       capture_output=True, text=True)
    ok(q.returncode != 0 and rule in q.stderr, f"passport {args}: {q.returncode} {q.stderr}")

# --- a correction of the declaration replaces it ---
fixed = dict(DECLARED, carbon_footprint=dict(DECLARED["carbon_footprint"], per_kwh=58.0))
with Server(battrace, fx.store, work) as server:
    file(server, tok["maker"], {"id": "eu-decl-1-fix", "type": "correction", "reporter": maker,
                                "occurred": "2026-10-01", "corrects": "eu-decl-1",
                                "reason": "carbon footprint recalculated",
                                "report": {"type": "battery_model.declared",
                                           "occurred": "2026-10-01", **fixed}})
    q = passport(server, pack)
ok(q["carbonFootprint"]["batteryCarbonFootprint"] == 58.0, f"corrected: {q['carbonFootprint']}")
used = [(r["type"], r["id"]) for r in q["provenance"]]
ok(("battery_model.declared", "eu-decl-1") in used and ("correction", "eu-decl-1-fix") in used,
   f"the correction in the provenance: {used}")

print(f"eu passport test: ok ({checks} checks)")
