#!/usr/bin/env python3
"""docs/openapi.yaml and the server's route table say the same thing.

1. The paths x methods of the spec equal `battrace serve --routes`, both ways.
2. Each operation's path parameters are the pattern's {names}, both ways.
3. Each route's query parameters in the spec are the ones the server accepts: a real server is
   probed, and for every spec parameter the answer must not be rule query.unknown_parameter,
   while a made-up parameter, and any other route's parameter, must be (400, field = its name).
   A page (x-battrace-any-query) must take any parameter instead.
4. Every operation documents the errors every route can give (400, 401, 405, 429, 503; 413 for
   POST), each as application/problem+json. Another error may be an HTML page instead (the
   passport page's 404), documented as text/html alone.

The server's store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: openapi_routes_test.py BATTRACE OPENAPI_YAML WORKDIR
"""
import os
import shutil
import sys
import urllib.parse

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Server, check_problem, run  # noqa: E402

engines.require()
battrace, spec_path, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
spec = yaml.safe_load(open(spec_path))
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def parameters(path_item, op):
    out = []
    for p in path_item.get("parameters", []) + op.get("parameters", []):
        out.append(resolve(p))
    return out


# ---------------------------------------------------------------- 1. routes, both ways
server_routes = set()
# A store that was never initialized: --routes prints the table without opening it.
for line in run([battrace, "serve", *engines.store_args(work, "absent"),
                 "--routes"]).splitlines():
    if line.strip():
        method, pattern = line.split()
        server_routes.add((method.upper(), pattern))
spec_routes = set()
for path, item in spec["paths"].items():
    for m in METHODS:
        if m in item:
            spec_routes.add((m.upper(), path))
for r in sorted(server_routes - spec_routes):
    fail(f"route {r[0]} {r[1]} is served but missing in docs/openapi.yaml")
for r in sorted(spec_routes - server_routes):
    fail(f"route {r[0]} {r[1]} is in docs/openapi.yaml but not served")
print(f"routes: {len(server_routes)} served, {len(spec_routes)} in the spec")

# ---------------------------------------------------------------- 2. path parameters
for method, path in sorted(spec_routes):
    item = spec["paths"][path]
    op = item[method.lower()]
    # "{path...}", a catch-all of the rest of the path, is declared as the parameter "path...".
    names = {seg[1:-1] for seg in path.split("/") if seg.startswith("{") and seg.endswith("}")}
    declared = {p["name"] for p in parameters(item, op) if p["in"] == "path"}
    if names != declared:
        fail(f"{method} {path}: path parameters {sorted(declared)} in the spec, "
             f"{sorted(names)} in the pattern")
    for p in parameters(item, op):
        if p["in"] == "path" and not p.get("required"):
            fail(f"{method} {path}: path parameter {p['name']} must be required")

# ---------------------------------------------------------------- 4. documented errors
for method, path in sorted(spec_routes):
    op = spec["paths"][path][method.lower()]
    responses = op.get("responses", {})
    wanted = ["200", "400", "401", "405", "429", "503"] + (["413"] if method == "POST" else [])
    for code in wanted:
        if code not in responses:
            fail(f"{method} {path}: response {code} not documented")
            continue
        if code == "200":
            continue
        content = resolve(responses[code]).get("content", {})
        if "application/problem+json" not in content:
            fail(f"{method} {path}: response {code} is not application/problem+json")
    for code, r in responses.items():
        # 2xx: answers (201, 202 of a capture); 304: no body.
        if not code.startswith("2") and code != "default" and not code.startswith("3"):
            content = resolve(r).get("content", {})
            if code not in wanted and list(content) == ["text/html"]:
                continue  # an HTML page's own error (GET /b/{code}: 404, not registered)
            schema = content.get("application/problem+json", {}).get("schema")
            if not schema or resolve(schema) is not spec["components"]["schemas"]["Problem"]:
                fail(f"{method} {path}: response {code} does not use the Problem schema")

# ---------------------------------------------------------------- 3. query parameters, probed
SAMPLE = {"as_of": "2026-06-30", "kind": "late_report", "party": "91350900587527783P",
          "division": "000000", "limit": "1", "leaf": "0", "size": "1",
          "from": "0", "to": "1", "after": "0"}
MADE_UP = "zz_no_such_parameter"
# Every query parameter some route takes: on a route whose spec lacks it, the server must refuse
# it too, so that the server accepting more than the spec says is caught as well.
ALL_QUERY = sorted({p["name"] for m, path in spec_routes
                    for p in parameters(spec["paths"][path], spec["paths"][path][m.lower()])
                    if p["in"] == "query"} | set(SAMPLE))
store = engines.store_args(work, "probe")
run([battrace, "init", *store, "--origin", "openapi.test/ledger"])
with Server(battrace, store, work, "--quiet", "--rate-limit", "0") as server:
    for method, path in sorted(server_routes & spec_routes):
        item = spec["paths"][path]
        op = item[method.lower()]
        concrete = "/".join("x" if seg.startswith("{") else seg for seg in path.split("/"))
        body = "[]" if method == "POST" else None
        query = [p["name"] for p in parameters(item, op) if p["in"] == "query"]
        if op.get("x-battrace-any-query"):
            # A page takes any query parameter (its script reads them): a made-up one too.
            # A page with a path parameter ("x" here) may answer its own HTML page of error (the
            # passport of a malformed code: 400), never a problem refusing the parameter.
            status, hdrs, data, doc = server.call(method, concrete + f"?{MADE_UP}=1", body=body)
            # A page under /app/ sends the signed-out to sign-in, the page and its query in next.
            to_signin = (status == 303 and "303" in op.get("responses", {})
                         and hdrs.get("location", "").startswith("/signin?next=")
                         and MADE_UP in hdrs.get("location", ""))
            html = hdrs.get("content-type", "").startswith("text/html")
            if status != 200 and not to_signin and not (html and "{" in path):
                fail(f"{method} {path}: a page refuses a query parameter ({status})")
            continue
        for name in query:
            value = SAMPLE.get(name, "1")
            target = concrete + "?" + urllib.parse.urlencode({name: value})
            status, hdrs, data, doc = server.call(method, target, body=body)
            if doc and doc.get("rule") == "query.unknown_parameter":
                fail(f"{method} {path}: the server refuses the spec's query parameter {name!r}")
        for name in ALL_QUERY:
            if name in query:
                continue
            target = concrete + "?" + urllib.parse.urlencode({name: SAMPLE.get(name, "1")})
            status, hdrs, data, doc = server.call(method, target, body=body)
            if not (status == 400 and doc and doc.get("rule") == "query.unknown_parameter"):
                fail(f"{method} {path}: the server accepts query parameter {name!r}, "
                     f"which the spec does not list for it ({status})")
        status, hdrs, data, doc = server.call(method, concrete + f"?{MADE_UP}=1", body=body)
        try:
            check_problem(status, hdrs, data, doc, 400, "query.unknown_parameter", MADE_UP)
        except AssertionError as e:
            fail(f"{method} {path}: a made-up query parameter is not refused: {e}")
        # The message names the parameters the route takes? At least the parameter itself.
        if doc and MADE_UP not in doc.get("detail", ""):
            fail(f"{method} {path}: the refusal does not name the parameter: {doc}")
    rc = server.stop()
    if rc != 0:
        fail(f"the server exited {rc} on SIGTERM")

if failures:
    print(f"openapi routes: {len(failures)} failures")
    sys.exit(1)
print("openapi routes: ok")
