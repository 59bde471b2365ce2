#!/usr/bin/env python3
"""The public passport page and the QR label, end to end (docs/api.md, "The passport page").

- `battrace label --format png` decodes with zbarimg to the battery's URL; `--format svg`
  names it; a bad base URL or code is a usage error naming its rule.
- GET /b/{code} over a real `battrace serve`: HTML with the page headers, in zh-CN by default,
  in en by ?lang=en (which sets the battrace_lang cookie), by the cookie, or by Accept-Language;
  the battery's maker, never its custodian or VIN (read through the admin API); a malformed code
  is 400 naming its rule, an unregistered one 404; the province form lists that province's open
  outlets; a city instead of a province is 400 (passport.province); a parameter a messaging
  app adds to a shared link is ignored.
- GET /b/{code}/qr.svg: the label of this server's origin; a bad Host is refused.
- Both routes are counted in /metrics.

usage: passport_test.py BATTRACE WORKDIR
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Checks, Fixture, Server, run  # noqa: E402

engines.require()
battrace, work = sys.argv[1:3]
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=60, keep_back=1)
ok = Checks()


def text_of(html):
    """The page's visible text, roughly: tags and the embedded JSON dropped."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


# --- the label from the command line ---
pack = next(p for r in fx.replayed if r["type"] == "vehicle.produced" for p in r["packs"])
png = os.path.join(work, "label.png")
run([battrace, "label", "--code", pack, "--format", "png", "--base-url",
     "https://trace.example.cn/", "--out", png])
decoded = subprocess.run(["zbarimg", "--raw", "-q", png], capture_output=True, text=True)
ok(decoded.returncode == 0, f"zbarimg: {decoded.returncode} {decoded.stderr}")
ok(decoded.stdout.strip() == f"https://trace.example.cn/b/{pack}", f"decoded {decoded.stdout!r}")
svg = run([battrace, "label", "--code", pack.lower()])
ok(svg.startswith("<svg") and f"<title>http://127.0.0.1:8080/b/{pack}</title>" in svg,
   f"svg label: {svg[:300]}")
for args, rule in ((["--code", pack, "--base-url", "trace.example.cn"], "label.base_url"),
                   (["--code", pack[:-1]], "battery_code.length")):
    p = subprocess.run([battrace, "--lang", "en", "label", *args], capture_output=True, text=True)
    ok(p.returncode == 2 and rule in p.stderr, f"label {args}: {p.returncode} {p.stderr}")

# --- the page over a real server ---
admin = fx.token("admin")
with Server(battrace, fx.store, work) as server:
    st, _, _, full = server.call("GET", f"/v1/batteries/{pack}", admin)
    ok(st == 200 and full["view"] == "full", f"admin view: {st} {full}")
    secrets = [s for s in (full.get("custodian"), full.get("vin"), full.get("model")) if s]
    ok(full.get("custodian") and full.get("vin"), f"a pack with custodian and VIN: {full}")
    maker = full["maker"]["name"]

    st, h, body, _ = server.call("GET", f"/b/{pack}")
    html = body.decode()
    ok(st == 200 and h["content-type"] == "text/html; charset=utf-8", f"/b: {st} {h}")
    ok("script-src 'self'" in h.get("content-security-policy", "")
       and h.get("x-content-type-options") == "nosniff", f"page headers: {h}")
    ok('<html lang="zh-CN">' in html and "动力电池护照" in html, "zh-CN by default")
    ok(maker in html and pack in html, "the maker's name and the code")
    for secret in secrets:
        ok(secret not in html, f"{secret} shown on the public page")
    ok('id="receipt"' in html, "the receipt data")

    st, h, body, _ = server.call("GET", f"/b/{pack}?lang=en")
    ok(st == 200 and "Battery passport" in body.decode(), "?lang=en")
    ok("battrace_lang=en" in h.get("set-cookie", ""), f"the language cookie: {h}")
    st, h, body, _ = server.call("GET", f"/b/{pack}?lang=fr")
    ok(st == 200 and '<html lang="zh-CN">' in body.decode() and "set-cookie" not in h,
       f"an unknown ?lang= is passed over and not kept: {st} {h}")
    st, _, body, _ = server.call("GET", f"/b/{pack}", headers={"Cookie": "x=1; battrace_lang=en"})
    ok('<html lang="en">' in body.decode(), "the cookie's language")
    st, _, body, _ = server.call("GET", f"/b/{pack}", headers={"Accept-Language": "en-GB"})
    ok('<html lang="en">' in body.decode(), "Accept-Language")

    st, _, body, _ = server.call("GET", "/b/114PE24000000SG57009999?lang=en")
    ok(st == 400 and "battery_code." in body.decode() and "not a valid" in body.decode(),
       f"malformed: {st} {body[:300]!r}")
    unknown = pack[:-7] + ("0000000" if pack[-7:] != "0000000" else "0000001")
    st, _, body, _ = server.call("GET", f"/b/{unknown}?lang=en")
    ok(st == 404 and "Not registered" in body.decode(), f"unregistered: {st}")

    st, _, _, outlets = server.call("GET", "/v1/outlets")
    open_outlets = [o for o in outlets["items"] if not o["closed"]]
    ok(open_outlets, "the simulated world has open outlets")
    province = open_outlets[0]["division"][:2] + "0000"
    st, _, body, _ = server.call("GET", f"/b/{pack}?lang=en&province={province}")
    shown = text_of(body.decode())
    ok(st == 200, f"province: {st}")
    for o in open_outlets:
        ok((o["id"] in shown) == o["division"].startswith(province[:2]), f"outlet {o['id']}")
    for o in outlets["items"]:
        if o["closed"]:
            ok(o["id"] not in shown, f"closed outlet {o['id']} shown")
    st, _, body, _ = server.call("GET", f"/b/{pack}?province={open_outlets[0]['division'][:4]}00")
    ok(st == 400 and "passport.province" in body.decode(), f"a city: {st} {body[:300]!r}")
    st, _, body, _ = server.call("GET", f"/b/{pack}?from=singlemessage&isappinstalled=0")
    ok(st == 200 and maker in body.decode(), f"a parameter a messaging app adds: {st}")
    st, _, _, doc = server.call("GET", f"/b/{pack}/qr.svg?colour=red")
    ok(st == 400 and doc["rule"] == "query.unknown_parameter", f"unknown parameter: {st}")

    st, h, body, _ = server.call("GET", f"/b/{pack}/qr.svg")
    ok(st == 200 and h["content-type"] == "image/svg+xml", f"qr.svg: {st} {h}")
    ok(f"<title>http://127.0.0.1:{server.port}/b/{pack}</title>" in body.decode(), "its URL")
    st, _, _, doc = server.call("GET", f"/b/{pack}/qr.svg", headers={"Host": "evil/x y"})
    ok(st == 400 and doc["rule"] == "http.host", f"bad Host: {st} {doc}")
    st, _, body, _ = server.call("GET", "/metrics")
    metrics = body.decode()
    ok('route="GET /b/{code}",code="2xx"' in metrics, "the page in the metrics")
    ok('route="GET /b/{code}/qr.svg",code="2xx"' in metrics, "the label in the metrics")

print(f"passport test: ok ({ok.count} checks)")
