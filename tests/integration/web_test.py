#!/usr/bin/env python3
"""The pages' HTTP side, end to end (docs/api.md, "Pages"; docs/architecture.md, "The pages").

Against a real `battrace serve` over a fresh store:
- every page path (/, /outlets, /signin, /app, /app/, /app/<anything>) answers the one HTML
  shell, in the language of ?lang=, else the battrace_lang cookie, else Accept-Language, else
  zh-CN; any query parameter is taken; no inline script or style;
- every file of web/static is served at /assets/<path>, byte for byte, with its content type,
  and so are the vendored ECharts and i18next modules; gzip (when accepted) decodes to the same
  bytes; ETag + If-None-Match gives 304 (either representation's tag); HEAD has no body;
- the security headers on every page, asset, favicon and asset 404 (a problem document);
- GET /v1/divisions: provinces, a province's cities, a city's counties, none under a county,
  a bad parent refused with the division's rule;
- the answers are counted in /metrics under their routes.

The store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: web_test.py BATTRACE REPO WORKDIR
"""
import gzip
import http.client
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Checks, Server, check_problem, run  # noqa: E402

engines.require()
battrace, repo, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
ok = Checks()


def raw(port, method, path, headers=None):
    """(status, headers, body) of a request, the body as the server sent it (gzip unread)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
    finally:
        conn.close()


def secure(hdrs, what):
    ok(hdrs.get("content-security-policy") == CSP, f"{what}: CSP {hdrs.get('content-security-policy')!r}")
    ok(hdrs.get("x-content-type-options") == "nosniff", f"{what}: no nosniff")
    ok(hdrs.get("referrer-policy") == "same-origin", f"{what}: Referrer-Policy")


store = engines.store_args(work, "store")
run([battrace, "init", *store, "--origin", "web.test/ledger"])
# A page under /app/ is for the signed-in (the others are sent to /signin): the admin's token.
admin = run([battrace, "token", "issue", *engines.read_args(store), "--principal", "admin"]).split()[-1]
static = os.path.join(repo, "web", "static")
files = {}
for root, _, names in os.walk(static):
    for name in names:
        full = os.path.join(root, name)
        files[os.path.relpath(full, static).replace(os.sep, "/")] = open(full, "rb").read()
modules = os.path.join(repo, "web", "node_modules")
files["vendor/echarts.esm.min.mjs"] = open(
    os.path.join(modules, "echarts", "dist", "echarts.esm.min.mjs"), "rb").read()
files["vendor/i18next.mjs"] = open(
    os.path.join(modules, "i18next", "dist", "esm", "i18next.js"), "rb").read()
TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".css": "text/css",
         ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
         ".ico": "image/x-icon"}

with Server(battrace, store, work, "--quiet", "--rate-limit", "0") as server:
    # ------------------------------------------------------------ the shell
    shells = {}
    for path in ["/", "/outlets", "/signin", "/app/overview",
                 "/app/battery/ABC/x", "/?code=X&utm_source=qr", "/outlets?division=440000"]:
        st, h, body, _ = server.call("GET", path, headers={"Accept-Language": "en"},
                                     token=admin if path.startswith("/app/") else None)
        ok(st == 200, f"{path}: {st} {body[:200]!r}")
        ok(h["content-type"] == "text/html; charset=utf-8", f"{path}: {h['content-type']}")
        secure(h, path)
        ok(h.get("cache-control") == "no-cache", f"{path}: Cache-Control")
        ok("Accept-Language" in h.get("vary", "") and "Cookie" in h.get("vary", ""),
           f"{path}: Vary {h.get('vary')}")
        shells[path] = body
    ok(len(set(shells.values())) == 1, "every page path answers the same shell")
    # Signed out, /app/ pages send to sign-in; signed in, /app and /app/ to the home page.
    for path, token, to in (("/app", None, "/signin?next=/app"),
                            ("/app/overview", None, "/signin?next=/app/overview"),
                            ("/app/", admin, "/app/audit"), ("/app", admin, "/app/audit")):
        st, h, body, _ = server.call("GET", path, token=token)
        ok(st == 303 and h.get("location") == to, f"{path}: {st} {h.get('location')}")
        secure(h, path)
    shell = shells["/"].decode()
    ok('<script type="module" src="/assets/js/main.mjs"></script>' in shell, "main module")
    ok(re.search(r"<script(?![^>]*\bsrc=)", shell) is None, "an inline script")
    ok("style=" not in shell and "<style" not in shell, "an inline style")
    for css in [p for p in files if p.startswith("css/") and p.endswith(".css")]:
        ok(f'href="/assets/{css}"' in shell, f"the shell does not link {css}")
    ok('href="/assets/img/favicon.svg"' in shell, "the SVG icon is not linked")
    ok("<noscript>" in shell, "no noscript sentence")

    def lang_of(path, headers):
        st, h, body, _ = server.call("GET", path, headers=headers)
        m = re.search(r'<html lang="([^"]+)">', body.decode())
        ok(m and h.get("content-language") == m.group(1), f"{path}: Content-Language")
        return m.group(1)

    ok(lang_of("/", {}) == "zh-CN", "the default language is zh-CN")
    ok(lang_of("/", {"Accept-Language": "en-GB,en;q=0.8"}) == "en", "Accept-Language en")
    ok(lang_of("/", {"Accept-Language": "fr"}) == "zh-CN", "Accept-Language fr")
    ok(lang_of("/", {"Accept-Language": "en", "Cookie": "battrace_lang=zh-CN"}) == "zh-CN",
       "the cookie outranks Accept-Language")
    ok(lang_of("/outlets?lang=en", {"Cookie": "a=b; battrace_lang=zh-CN"}) == "en",
       "?lang= outranks the cookie")
    ok(lang_of("/?lang=xx", {"Accept-Language": "en"}) == "en", "an unknown ?lang= is passed over")

    # Revalidation of the shell.
    st, h, _, _ = server.call("GET", "/")
    st, h2, body, _ = server.call("GET", "/", headers={"If-None-Match": h["etag"]})
    ok(st == 304 and body == b"", f"the shell's If-None-Match: {st}")

    # ------------------------------------------------------------ assets
    ok(len(files) >= 12, f"only {len(files)} asset files")
    for path, want in sorted(files.items()):
        url = "/assets/" + path
        st, h, body, _ = server.call("GET", url)
        ok(st == 200, f"{url}: {st}")
        ok(body == want, f"{url}: the body is not the file")
        ext = os.path.splitext(path)[1]
        ok(h["content-type"].split(";")[0] == TYPES[ext], f"{url}: {h['content-type']}")
        secure(h, url)
        ok(h.get("cache-control") == "no-cache", f"{url}: Cache-Control")
        etag = h.get("etag", "")
        ok(re.fullmatch(r'"[0-9a-f]{32}"', etag), f"{url}: ETag {etag!r}")
        ok("content-encoding" not in h, f"{url}: gzip without Accept-Encoding")
        st, hz, zbody = raw(server.port, "GET", url, {"Accept-Encoding": "gzip, br"})
        if hz.get("content-encoding") == "gzip":
            ok(gzip.decompress(zbody) == want, f"{url}: the gzip is not the file")
            ok(hz.get("vary") == "Accept-Encoding", f"{url}: Vary")
            ok(hz["etag"] != etag, f"{url}: one tag for two representations")
            st, _, _ = raw(server.port, "GET", url,
                           {"Accept-Encoding": "gzip", "If-None-Match": hz["etag"]})
            ok(st == 304, f"{url}: the gzip tag does not revalidate")
        else:
            ok(zbody == want, f"{url}: no gzip and not the file")
        for tag in (etag, f'W/{etag}', f'"other", {etag}', "*"):
            st, h3, body, _ = server.call("GET", url, headers={"If-None-Match": tag})
            ok(st == 304 and body == b"", f"{url}: If-None-Match {tag}: {st}")
            ok(h3.get("etag") == etag, f"{url}: 304 without its ETag")
            secure(h3, url + " (304)")
        st, _, body, _ = server.call("GET", url, headers={"If-None-Match": '"other"'})
        ok(st == 200 and body == want, f"{url}: a stale tag")
        st, h4, body, _ = server.call("HEAD", url)
        ok(st == 200 and body == b"" and h4.get("etag") == etag, f"HEAD {url}")
    big = files["vendor/echarts.esm.min.mjs"]
    st, h, zbody = raw(server.port, "GET", "/assets/vendor/echarts.esm.min.mjs",
                       {"Accept-Encoding": "gzip"})
    ok(h.get("content-encoding") == "gzip" and len(zbody) < len(big) / 2,
       f"ECharts gzipped to {len(zbody)} of {len(big)}")

    for url in ["/assets/nope.js", "/assets/js/nope.mjs", "/assets/js", "/assets/js/main.mjs/"]:
        st, h, body, doc = server.call("GET", url)
        check_problem(st, h, body, doc, 404)
        secure(h, url)
    st, h, body, doc = server.call("GET", "/assets/js/main.mjs?v=1")
    check_problem(st, h, body, doc, 400, "query.unknown_parameter", "v")
    st, h, body, doc = server.call("POST", "/assets/js/main.mjs", body="x")
    check_problem(st, h, body, doc, 405, "http.method")

    st, h, body, _ = server.call("GET", "/favicon.ico")
    ok(st == 200 and h["content-type"] == "image/x-icon" and body == files["img/favicon.ico"],
       f"favicon: {st} {h.get('content-type')}")
    ok(body[:4] == b"\x00\x00\x01\x00", "the favicon is not an icon file")
    secure(h, "/favicon.ico")

    # ------------------------------------------------------------ divisions
    st, h, body, doc = server.call("GET", "/v1/divisions")
    ok(st == 200 and doc["parent"] == "000000", f"/v1/divisions: {st}")
    provinces = doc["items"]
    ok(len(provinces) >= 31 and all(re.fullmatch(r"\d{2}0000", p["code"]) for p in provinces),
       f"{len(provinces)} provinces")
    ok({"code": "440000", "name": "广东省"} in provinces, "广东省 missing")
    ok([p["code"] for p in provinces] == sorted(p["code"] for p in provinces), "code order")
    st, h, body, doc = server.call("GET", "/v1/divisions?parent=440000")
    ok(doc["name"] == "广东省" and {"code": "440300", "name": "深圳市"} in doc["items"],
       f"Guangdong's cities: {doc}")
    ok(all(c["code"].startswith("44") and c["code"].endswith("00") for c in doc["items"]),
       "a city outside Guangdong")
    st, h, body, doc = server.call("GET", "/v1/divisions?parent=440300")
    ok(any(c["name"] == "南山区" for c in doc["items"]), "Shenzhen's counties")
    ok(all(c["code"].startswith("4403") and not c["code"].endswith("00") for c in doc["items"]),
       "a county outside Shenzhen")
    st, h, body, doc = server.call("GET", "/v1/divisions?parent=110000")
    ok([c["code"] for c in doc["items"]] == ["110100"], f"Beijing's city rows: {doc['items']}")
    st, h, body, doc = server.call("GET", "/v1/divisions?parent=440305")
    ok(st == 200 and doc["items"] == [], "a county has no divisions")
    st, h, body, doc = server.call("GET", "/v1/divisions?parent=44")
    check_problem(st, h, body, doc, 400, "division.format", "parent")
    st, h, body, doc = server.call("GET", "/v1/divisions?parent=449900")
    check_problem(st, h, body, doc, 400, "division.unknown", "parent")

    # ------------------------------------------------------------ metrics
    st, h, body, _ = server.call("GET", "/metrics")
    text = body.decode()
    for route in ["/assets/{path...}", "/favicon.ico", "/", "/app/{page...}", "/v1/divisions"]:
        ok(re.search(r'battrace_http_requests_total\{route="GET ' + re.escape(route) +
                     r'",code="2xx"\} [1-9]', text), f"/metrics does not count GET {route}")
    rc = server.stop()
    ok(rc == 0, f"the server exited {rc}")

print(f"web test: ok ({ok.count} checks)")
