#!/usr/bin/env python3
"""The QR resolves both ways (docs/api.md, "The passport page"), end to end over a real server.

- GET /b/{code} answers the EU battery passport (passport/eu.h) with `Accept: application/json`
  (q-values respected; a browser's Accept gets the page) or `?format=json`, at the caller's
  access class: the public without credentials, a legitimate interest for the admin (by bearer
  token or by session cookie) and the battery's maker, the authority for a regulator stating a
  purpose; a read above the public's is in the audit log. `Vary: Accept`. The declared model data are in it and
  on the page (in both languages); a bad code, an unknown one and a bad `format` are problems
  when JSON was asked for, pages otherwise.
- GET /01/{gtin}/21/{serial} (and HEAD), the GS1 Digital Link: 302 to /b/{code} keeping the
  query, for a GTIN-13 too; an unknown pair is 404 and a wrong check digit 400 naming its rule,
  as a page or a problem by the same negotiation.

usage: passport_link_test.py BATTRACE WORKDIR
"""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Fixture, Server, check_problem  # noqa: E402

engines.require()
battrace, work = sys.argv[1:3]
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=60, keep_back=50)
checks = 0
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
GTIN14 = "06901234567892"  # GTIN-13 6901234567892 in its 14-digit form
SERIAL = "EU/WEB-1"  # a '/' is in GS1 character set 82: percent-encoded in the link


def ok(cond, msg):
    global checks
    checks += 1
    if not cond:
        sys.exit(f"passport link test: FAILED: {msg}")


# A battery.produced not filed yet, with a serial, and its model declared by its maker first.
produced = next(r for r in reversed(fx.held_back) if r["type"] == "battery.produced")
maker = produced["reporter"]
code = produced["code"]
produced = dict(produced, serial=SERIAL)
declared = {
    "type": "battery_model.declared", "id": "eu-web-decl-1", "reporter": maker,
    "occurred": produced["occurred"], "model": produced["model"], "category": "ev",
    "gtin": GTIN14[1:],
    "chemistry": {"short_name": "NMC", "clear_name": "lithium nickel manganese cobalt oxide"},
    "carbon_footprint": {"per_kwh": 73.25, "class": "C",
                         "stages": {"raw_material_extraction": 50.5, "main_production": 20.0}},
    "recycled_content": {"cobalt": {"pre_consumer": 3.0, "post_consumer": 11.5}},
    "renewable_content_pct": 9.5,
    "materials": [{"name": "NMC 622", "mass_kg": 987.65, "critical": True,
                   "component": "cathode"}],
    "hazardous_substances": [{"name": "LiPF6", "cas": "21324-40-3", "class": "acute_toxicity",
                              "concentration_pct": 1.5, "component": "electrolyte"}],
    "extinguishing_agents": ["water"],
    "lifetime": {"cycle_life": 2500, "capacity_threshold_pct": 70},
}
admin = fx.token("admin")
maker_token = fx.token(f"enterprise:{maker}")
regulator = fx.token(f"regulator:{fx.regulators()[0]['id']}")
link = f"/01/{GTIN14}/21/{urllib.parse.quote(SERIAL, safe='')}"

with Server(battrace, fx.store, work, "--rate-limit", "0") as server:
    st, _, data, res = server.call("POST", "/v1/reports", maker_token, body=[declared, produced])
    ok(st == 200 and res["accepted"] == 2, f"filing the declaration and the production: {st} "
       f"{data[:600]!r}")

    # --- /b/{code}: JSON by Accept or format, HTML for a browser ---
    for headers, query in (({"Accept": "application/json"}, ""),
                           ({"Accept": "text/html;q=0.5, application/json"}, ""),
                           ({"Accept": BROWSER}, "?format=json"),
                           ({}, "?format=json")):
        st, h, data, doc = server.call("GET", f"/b/{code}{query}", headers=headers)
        ok(st == 200 and h["content-type"].startswith("application/json"),
           f"JSON for {headers} {query}: {st} {h.get('content-type')}")
        ok("Accept" in h.get("vary", ""), f"Vary: {h.get('vary')}")
        ok(doc["profile"] == "eu" and doc["access"] == "public" and doc["battery"] == code,
           f"the public passport: {str(doc)[:300]}")
    cf = doc["carbonFootprint"]
    ok(cf["batteryCarbonFootprint"] == 73.25 and cf["carbonFootprintPerformanceClass"] == "C",
       f"the declared carbon footprint: {cf}")
    ok("987.65" not in data.decode(), "a material's mass (commercial) in the public passport")
    for headers, query in (({"Accept": BROWSER}, ""), ({}, ""),
                           ({"Accept": "application/json;q=0.5, text/html"}, ""),
                           ({"Accept": "application/json"}, "?format=html"),
                           ({"Accept": "*/*"}, "")):
        st, h, body, _ = server.call("GET", f"/b/{code}{query}", headers=headers)
        ok(st == 200 and h["content-type"] == "text/html; charset=utf-8",
           f"HTML for {headers} {query}: {st} {h.get('content-type')}")
        ok("Accept" in h.get("vary", ""), f"Vary of the page: {h.get('vary')}")

    # --- the caller's access class ---
    for token, purpose, want in ((admin, None, "legitimate"), (maker_token, None, "legitimate"),
                                 (regulator, None, "public"),
                                 (regulator, "market surveillance 2026-12", "authority")):
        st, _, data, doc = server.call("GET", f"/b/{code}?format=json", token, purpose)
        ok(st == 200 and doc["access"] == want, f"access {want}: {st} {str(doc)[:200]}")
    ok("987.65" in data.decode(), "a material's mass for the authority")
    st, h, _, _ = server.call("POST", "/v1/session", body={"token": admin},
                              headers={"X-Battrace-CSRF": "1"})
    cookie = h["set-cookie"].split(";")[0]
    st, _, _, doc = server.call("GET", f"/b/{code}", headers={"Cookie": cookie,
                                                              "Accept": "application/json"})
    ok(st == 200 and doc["access"] == "legitimate", f"by the session cookie: {st} {doc}")
    st, _, _, audit = server.call("GET", "/v1/audit?limit=1000", admin)
    reads = [e for e in audit["items"] if e.get("action", "").startswith("passport_")]
    ok(len(reads) >= 4 and all(e["record"] == f"battery:{code}" for e in reads),
       f"the reads above the public's are audited: {reads[:3]}")

    # --- errors: problems when JSON was asked for, pages otherwise ---
    bad = code[:-1]
    unknown = code[:-7] + ("0000000" if code[-7:] != "0000000" else "0000001")
    check_problem(*server.call("GET", f"/b/{bad}", headers={"Accept": "application/json"}),
                  400, field="code")
    check_problem(*server.call("GET", f"/b/{unknown}?format=json"), 404)
    check_problem(*server.call("GET", f"/b/{code}?format=xml",
                               headers={"Accept": "application/json"}),
                  400, "passport.format", "format")
    st, h, body, _ = server.call("GET", f"/b/{code}?format=xml&lang=en")
    ok(st == 400 and h["content-type"].startswith("text/html")
       and "passport.format" in body.decode(), f"a bad format as a page: {st}")

    # --- the page shows the declared EU attributes, in both languages ---
    for lang, words in (("en", ["EU battery passport", "73.25 kg CO₂e per kWh", "11.5 %",
                                "2500 cycles", "LiPF6"]),
                        ("zh-CN", ["欧盟电池护照", "73.25 千克二氧化碳当量/千瓦时", "11.5%"])):
        st, _, body, _ = server.call("GET", f"/b/{code}?lang={lang}")
        html = body.decode()
        for w in words:
            ok(w in html, f"{lang} page: {w!r} missing")
        ok("987.65" not in html, "a material's mass on the page")

    # --- the GS1 Digital Link ---
    for gtin in (GTIN14, GTIN14[1:]):
        path = f"/01/{gtin}/21/{urllib.parse.quote(SERIAL, safe='')}"
        for method in ("GET", "HEAD"):
            st, h, body, _ = server.call(method, path + "?format=json&lang=en")
            ok(st == 302 and h.get("location") == f"/b/{code}?format=json&lang=en",
               f"{method} {path}: {st} {h.get('location')}")
    st, h, _, _ = server.call("GET", link)
    ok(st == 302 and h.get("location") == f"/b/{code}", f"no query: {h.get('location')}")
    st, _, _, doc = server.call("GET", h["location"], headers={"Accept": "application/json"})
    ok(st == 200 and doc["battery"] == code, "the link's passport")
    st, h, body, _ = server.call("GET", f"/01/{GTIN14}/21/NO-SUCH-SERIAL?lang=en")
    ok(st == 404 and h["content-type"].startswith("text/html")
       and "No battery is registered under this GTIN and serial" in body.decode(),
       f"unknown pair as a page: {st}")
    check_problem(*server.call("GET", f"/01/{GTIN14}/21/NO-SUCH-SERIAL",
                               headers={"Accept": "application/json"}), 404)
    wrong = GTIN14[:-1] + str((int(GTIN14[-1]) + 1) % 10)
    st, h, body, _ = server.call("GET", f"/01/{wrong}/21/A1?lang=en")
    ok(st == 400 and "gtin.check_digit" in body.decode() and h["content-type"].startswith(
        "text/html"), f"a wrong check digit as a page: {st}")
    check_problem(*server.call("GET", f"/01/{wrong}/21/A1?format=json"), 400,
                  "gtin.check_digit", "gtin")
    check_problem(*server.call("GET", f"/01/{GTIN14}/21/{'X' * 21}?format=json"), 400,
                  "gs1_serial.length", "serial")
    st, _, body, _ = server.call("GET", "/metrics")
    ok('route="GET /01/{gtin}/21/{serial...}",code="3xx"' in body.decode(),
       "the Digital Link in the metrics")

print(f"passport link test: ok ({checks} checks)")
