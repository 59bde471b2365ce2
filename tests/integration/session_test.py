#!/usr/bin/env python3
"""Browser sessions, GET /v1/me and the admin's token routes, against a real `battrace serve`.

Checked:
- POST /v1/session: a token signs in; the cookie is HttpOnly, SameSite=Strict, Path=/, with a
  Max-Age no longer than the session's lifetime, not Secure over plain HTTP; a bad token, a bad
  body, a missing X-Battrace-CSRF and a foreign Origin are refused (401, 400, 403 auth.csrf), and
  a refused sign-in is logged without the token;
- the cookie authenticates GET requests as the session's principal; a cookie-authenticated POST
  without X-Battrace-CSRF, or with a foreign Origin, is 403 auth.csrf; with both right, it passes;
- DELETE /v1/session ends the session server-side: the old cookie replayed is the public and the
  answer clears the cookie;
- revoking the token (CLI, or DELETE /v1/tokens/{id}) ends its sessions at the next request;
- a session's Max-Age never reaches past its token's expiry; at most 16 sessions per principal,
  the oldest ending first (the idle time and the lifetime, which need a clock the test can move,
  are checked in tests/unit/server/session_test.cc);
- GET /v1/me for the public, an enterprise, a regulator and the admin;
- GET /v1/tokens (paged by cursor, every token once, newest first), POST /v1/tokens (the token
  once, then usable), DELETE /v1/tokens/{id} (then refused), all admin-only (401, 403) and each
  in the audit trail; bad ids, cursors and bodies are 400 with their rules;
- GET /v1/audit newest first (order=desc, before).

The store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: session_test.py BATTRACE WORKDIR
"""
import http.client
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import Checks, Fixture, Server, check_problem  # noqa: E402

engines.require()
battrace, work = sys.argv[1:3]
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=40, keep_back=50)
ok = Checks()


def request(port, method, path, body=None, cookie=None, token=None, headers=None):
    """(status, headers by lower-case name (every Set-Cookie under "set-cookie*"), body bytes,
    JSON or None)."""
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None and not isinstance(body, (str, bytes)):
        body = json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        data = res.read()
        hdrs = {k.lower(): v for k, v in res.getheaders()}
        hdrs["set-cookie*"] = res.msg.get_all("Set-Cookie") or []
        doc = json.loads(data) if data and "json" in hdrs.get("content-type", "") else None
        return res.status, hdrs, data, doc
    finally:
        conn.close()


def set_cookies(hdrs):
    return hdrs["set-cookie*"]


def sign_in(port, token, headers=None):
    h = {"X-Battrace-CSRF": "1"}
    h.update(headers or {})
    status, hdrs, data, doc = request(port, "POST", "/v1/session", {"token": token}, headers=h)
    ok(status == 200, f"sign-in: {status} {data[:300]!r}")
    cookies = set_cookies(hdrs)
    ok(len(cookies) == 1, f"sign-in sets one cookie: {cookies}")
    pair = cookies[0].split(";")[0]
    ok(pair.startswith("battrace_session=") and len(pair) > 40, f"session cookie: {pair}")
    return pair, cookies[0], doc


def attributes(set_cookie):
    out = {}
    for part in set_cookie.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        out[name.lower()] = value
    return out


ent = fx.enterprises("battery_maker")[0]
regulator = fx.regulators()[0]
tok = {
    "admin": fx.token("admin"),
    "ent": fx.token("enterprise:" + ent["uscc"]),
    "reg": fx.token("regulator:" + regulator["id"]),
    "short": fx.token("enterprise:" + ent["uscc"], days=1),
}
csrf = {"X-Battrace-CSRF": "1"}

with Server(battrace, fx.store, work) as srv:
    port = srv.port
    log_path = srv.log_path

    # --- sign-in and the cookie
    cookie, header, doc = sign_in(port, tok["ent"])
    ok(doc["principal"] == "enterprise:" + ent["uscc"] and doc["expires"].endswith("Z"),
       f"sign-in answer: {doc}")
    attrs = attributes(header)
    ok("httponly" in attrs and attrs.get("samesite") == "Strict" and attrs.get("path") == "/",
       f"cookie attributes: {header}")
    ok("secure" not in attrs, f"no Secure over plain HTTP: {header}")
    ok(0 < int(attrs["max-age"]) <= 12 * 3600, f"Max-Age within 12 hours: {header}")

    # The cookie authenticates as the session's principal.
    status, _, _, me = request(port, "GET", "/v1/me", cookie=cookie)
    ok(status == 200 and me["principal"] == "enterprise:" + ent["uscc"], f"me by cookie: {me}")
    status, _, _, obligations = request(port, "GET", "/v1/obligations?party=" + ent["uscc"],
                                        cookie=cookie)
    ok(status == 200 and "items" in obligations, f"obligations by cookie: {status}")

    # Refused sign-ins: a bad token, bad bodies, no CSRF header, a foreign Origin.
    secret = "btk_" + "x" * 43
    check_problem(*request(port, "POST", "/v1/session", {"token": secret}, headers=csrf), 401,
                  rule="auth.token")
    log = open(log_path).read()
    ok("signin_refused" in log and secret not in log, "a refused sign-in is logged, its token not")
    for body in ['{"token": 5}', '{"token": "a", "more": 1}', "[]", "not json"]:
        check_problem(*request(port, "POST", "/v1/session", body,
                               headers={**csrf, "Content-Type": "application/json"}), 400,
                      rule="session.body")
    check_problem(*request(port, "POST", "/v1/session", {"token": tok["ent"]}), 403,
                  rule="auth.csrf", field="X-Battrace-CSRF")
    check_problem(*request(port, "POST", "/v1/session", {"token": tok["ent"]},
                           headers={**csrf, "Origin": "http://evil.example"}), 403,
                  rule="auth.csrf", field="Origin")

    # CSRF on cookie-authenticated requests other than GET/HEAD.
    filing = [fx.held_back[0]] if fx.held_back[0]["reporter"] == ent["uscc"] else []
    status, hdrs, data, doc = request(port, "POST", "/v1/reports", filing, cookie=cookie)
    check_problem(status, hdrs, data, doc, 403, rule="auth.csrf", field="X-Battrace-CSRF")
    status, hdrs, data, doc = request(port, "POST", "/v1/reports", filing, cookie=cookie,
                                      headers={**csrf, "Origin": "http://evil.example"})
    check_problem(status, hdrs, data, doc, 403, rule="auth.csrf", field="Origin")
    status, _, data, doc = request(port, "POST", "/v1/reports", filing, cookie=cookie,
                                   headers={**csrf, "Origin": f"http://127.0.0.1:{port}"})
    ok(status == 200 and doc["rejected"] == 0, f"a same-origin POST passes: {status} {data[:300]!r}")
    # A bearer token needs no CSRF header: no cookie, nothing a browser sends by itself.
    status, _, _, _ = request(port, "POST", "/v1/reports", [], token=tok["ent"])
    ok(status == 200, f"bearer POST without the CSRF header: {status}")

    # --- sign-out ends the session server-side
    status, hdrs, _, doc = request(port, "DELETE", "/v1/session", cookie=cookie, headers=csrf)
    ok(status == 200 and doc == {"signed_out": True}, f"sign-out: {status} {doc}")
    cleared = set_cookies(hdrs)
    ok(len(cleared) == 1 and cleared[0].startswith("battrace_session=;")
       and attributes(cleared[0]).get("max-age") == "0", f"sign-out clears the cookie: {cleared}")
    status, hdrs, _, me = request(port, "GET", "/v1/me", cookie=cookie)
    ok(status == 200 and me == {"principal": "public", "kind": "public"},
       f"the old cookie replayed is the public: {me}")
    ok(any(v.startswith("battrace_session=;") for v in set_cookies(hdrs)),
       "a stale cookie is cleared")
    status, _, _, _ = request(port, "GET", "/v1/obligations?party=" + ent["uscc"], cookie=cookie)
    ok(status == 401, f"the old cookie reads nothing protected: {status}")

    # --- revoking the token ends its sessions
    victim = fx.token("enterprise:" + ent["uscc"])
    cookie_a, _, _ = sign_in(port, victim)
    cookie_b, _, _ = sign_in(port, victim)
    ok(request(port, "GET", "/v1/me", cookie=cookie_a)[3]["kind"] == "enterprise", "signed in")
    fx.revoke(victim)
    for c in (cookie_a, cookie_b):
        me = request(port, "GET", "/v1/me", cookie=c)[3]
        ok(me["kind"] == "public", f"a revoked token's session ends: {me}")
    ok("session_ended" in open(log_path).read(), "the ended session is logged")

    # --- GET /v1/me for each kind
    me = request(port, "GET", "/v1/me")[3]
    ok(me == {"principal": "public", "kind": "public"}, f"public me: {me}")
    me = request(port, "GET", "/v1/me", token=tok["ent"])[3]
    ok(me["kind"] == "enterprise" and me["id"] == ent["uscc"] and me["name"] == ent["name"]
       and me["division"] == ent["division"] and sorted(me["roles"]) == sorted(ent["roles"])
       and me["division_name"] and "department" not in me, f"enterprise me: {me}")
    me = request(port, "GET", "/v1/me", token=tok["reg"])[3]
    ok(me["kind"] == "regulator" and me["id"] == regulator["id"]
       and me["department"] == regulator["department"] and me["division"] == regulator["division"]
       and me["division_name"] and "roles" not in me and "name" not in me, f"regulator me: {me}")
    me = request(port, "GET", "/v1/me", token=tok["admin"])[3]
    ok(me == {"principal": "admin", "kind": "admin"}, f"admin me: {me}")

    # --- tokens: admin only
    for who, want in ((None, 401), (tok["ent"], 403), (tok["reg"], 403)):
        check_problem(*request(port, "GET", "/v1/tokens", token=who), want)
        check_problem(*request(port, "POST", "/v1/tokens", {"principal": "admin"}, token=who),
                      want)
        check_problem(*request(port, "DELETE", "/v1/tokens/0123456789abcdef", token=who), want)

    # Every token, once, newest first, across pages of 2.
    seen, cursor, pages = [], None, 0
    while True:
        path = "/v1/tokens?limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, _, data, page = request(port, "GET", path, token=tok["admin"])
        ok(status == 200 and page["limit"] == 2 and len(page["items"]) <= 2, f"page: {data!r}")
        seen += page["items"]
        pages += 1
        cursor = page.get("next_cursor")
        if not cursor:
            break
    ok(len(seen) == len({t["id"] for t in seen}), "no token listed twice")
    ok([t["created"] for t in seen] == sorted((t["created"] for t in seen), reverse=True),
       "newest first")
    ok(all(len(t["id"]) == 16 and "token" not in t for t in seen), "ids only, never the text")
    states = {t["state"] for t in seen}
    ok("live" in states and "revoked" in states, f"states: {states}")
    ok(len(seen) >= 6 and pages == (len(seen) + 1) // 2, f"{len(seen)} tokens in {pages} pages")
    check_problem(*request(port, "GET", "/v1/tokens?cursor=nope", token=tok["admin"]), 400,
                  rule="query.cursor", field="cursor")

    # Issue, use, revoke, refused.
    status, _, data, issued = request(port, "POST", "/v1/tokens",
                                      {"principal": "regulator:" + regulator["id"], "days": 7},
                                      token=tok["admin"])
    ok(status == 200 and issued["token"].startswith("btk_") and issued["state"] == "live",
       f"issued: {status} {data!r}")
    listed = request(port, "GET", "/v1/tokens?limit=1", token=tok["admin"])[3]["items"][0]
    ok(listed["id"] == issued["id"] and "token" not in listed, "the new token is listed first")
    ok(request(port, "GET", "/v1/me", token=issued["token"])[3]["kind"] == "regulator",
       "the issued token works")
    new_cookie, _, _ = sign_in(port, issued["token"])
    status, _, _, revoked = request(port, "DELETE", "/v1/tokens/" + issued["id"],
                                    token=tok["admin"])
    ok(status == 200 and revoked["state"] == "revoked" and revoked["revoked"], f"{revoked}")
    check_problem(*request(port, "GET", "/v1/me", token=issued["token"]), 401, rule="auth.token")
    ok(request(port, "GET", "/v1/me", cookie=new_cookie)[3]["kind"] == "public",
       "revoking through the API ends the token's sessions")
    status, _, _, again = request(port, "DELETE", "/v1/tokens/" + issued["id"], token=tok["admin"])
    ok(status == 200 and again["revoked"] == revoked["revoked"], "a second revocation changes nothing")
    check_problem(*request(port, "DELETE", "/v1/tokens/00000000000000zz", token=tok["admin"]), 400,
                  rule="tokens.id", field="id")
    check_problem(*request(port, "DELETE", "/v1/tokens/0000000000000000", token=tok["admin"]), 404)
    for body, field, rule in (('{"principal": "nobody"}', "/principal", "auth.principal"),
                              ('{"principal": "admin", "days": 0}', "/days", "auth.days"),
                              ('{"principal": "admin", "days": "7"}', "/days", "tokens.body"),
                              ('{"days": 7}', "/principal", "tokens.body"),
                              ('{"principal": "enterprise:91350900587527783P"}', "/principal",
                               "auth.unregistered_principal")):
        check_problem(*request(port, "POST", "/v1/tokens", body, token=tok["admin"],
                               headers={"Content-Type": "application/json"}), 400,
                      rule=rule, field=field)

    # An admin signed in by cookie manages tokens too, with the CSRF header.
    admin_cookie, _, _ = sign_in(port, tok["admin"])
    check_problem(*request(port, "POST", "/v1/tokens", {"principal": "admin", "days": 1},
                           cookie=admin_cookie), 403, rule="auth.csrf")
    status, _, _, by_cookie = request(port, "POST", "/v1/tokens", {"principal": "admin", "days": 1},
                                      cookie=admin_cookie, headers=csrf)
    ok(status == 200, f"issued by cookie: {status}")

    # --- the audit trail: each token route audited, newest first on request
    status, _, _, newest = request(port, "GET", "/v1/audit?order=desc&limit=5", token=tok["admin"])
    ok(status == 200 and newest["order"] == "desc", f"newest first: {newest}")
    seqs = [e["seq"] for e in newest["items"]]
    ok(seqs == sorted(seqs, reverse=True) and len(seqs) == 5, f"descending: {seqs}")
    ok(newest["items"][0]["action"] == "POST /v1/tokens"
       and newest["items"][0]["record"] == "token:" + by_cookie["id"], f"{newest['items'][0]}")
    older = request(port, "GET", f"/v1/audit?order=desc&before={seqs[-1]}&limit=5",
                    token=tok["admin"])[3]
    ok(all(e["seq"] < seqs[-1] for e in older["items"]), "before pages back")
    everything = request(port, "GET", "/v1/audit?limit=1000", token=tok["admin"])[3]["items"]
    actions = {(e["action"], e["record"]) for e in everything}
    ok(("POST /v1/tokens", "token:" + issued["id"]) in actions, "issuing is audited")
    ok(("DELETE /v1/tokens/{id}", "token:" + issued["id"]) in actions, "revoking is audited")
    ok(("GET /v1/tokens", "tokens") in actions, "listing is audited")
    check_problem(*request(port, "GET", "/v1/audit?order=desc&after=3", token=tok["admin"]), 400,
                  rule="audit.paging")
    check_problem(*request(port, "GET", "/v1/audit?before=3", token=tok["admin"]), 400,
                  rule="audit.paging")

# --- the bound per principal: the 17th sign-in of one principal ends its oldest session.
# A session lives --session-hours, but never past its token's expiry.
with Server(battrace, fx.store, work, "--session-idle-minutes", "5", "--session-hours", "48") as srv:
    _, short_header, _ = sign_in(srv.port, tok["short"])
    ok(23 * 3600 < int(attributes(short_header)["max-age"]) <= 24 * 3600,
       f"a 1-day token caps its session: {short_header}")
    _, long_header, _ = sign_in(srv.port, tok["admin"])
    ok(47 * 3600 < int(attributes(long_header)["max-age"]) <= 48 * 3600,
       f"--session-hours 48: {long_header}")
    cookies = [sign_in(srv.port, tok["reg"])[0] for _ in range(17)]
    kinds = [request(srv.port, "GET", "/v1/me", cookie=c)[3]["kind"] for c in cookies]
    ok(kinds[0] == "public" and all(k == "regulator" for k in kinds[1:]),
       f"at most 16 sessions per principal, the oldest ends: {kinds}")

print(f"session test: ok ({ok.count} checks)")
