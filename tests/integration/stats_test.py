#!/usr/bin/env python3
"""The aggregate routes (GET /v1/stats/findings, /v1/stats/trend, /v1/stats/flows) against a real
`battrace serve` on a simulated store.

Checked, for the admin, the national and a provincial regulator and an enterprise:
- /v1/stats/findings counts exactly what GET /v1/findings lists for the same as_of (each finding
  under its authority division's ancestor at the level, by kind, by cell); the default level is
  the one below the viewer's jurisdiction; `division` narrows (403 beyond the jurisdiction);
- /v1/stats/trend: each month's count is what GET /v1/findings lists with from/to that month,
  kind and division filters included;
- /v1/stats/flows: the batteries of the stored battery.outbound reports, summed by the provinces
  of the registered seats of sender and receiver, scoped alike, with from/to on the occurred
  date;
- the public gets 401; bad parameters 400 with their rule.

The store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: stats_test.py BATTRACE WORKDIR
"""
import calendar
import collections
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import AS_OF, Checks, Fixture, Server, check_problem  # noqa: E402

engines.require()
battrace, work = sys.argv[1:3]
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=300, keep_back=1)
ok = Checks()


def get(srv, path, token, **query):
    q = urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
    status, hdrs, data, doc = srv.call("GET", path + ("?" + q if q else ""), token)
    ok(status == 200, f"GET {path}?{q}: {status} {data[:300]!r}")
    return doc


def all_findings(srv, token, **query):
    """Every finding GET /v1/findings lists for `query`, page after page by cursor."""
    items, cursor = [], None
    while True:
        page = get(srv, "/v1/findings", token, limit=1000, cursor=cursor, **query)
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def level_of(code):
    if code == "000000":
        return 0
    if code.endswith("0000"):
        return 1
    return 2 if code.endswith("00") else 3


def counted_under(code, level):
    if level_of(code) <= level:
        return code
    return code[:2] + "0000" if level == 1 else code[:4] + "00" if level == 2 else code


LEVELS = {"province": 1, "city": 2, "county": 3}
seat = {e["uscc"]: e["division"] for e in fx.registry if e["kind"] == "enterprise"}
regulators = fx.regulators()
national = next(r for r in regulators if r["division"] == "000000")
# The provincial regulator whose province has the most findings' parties seated in it.
provinces = collections.Counter(d[:2] + "0000" for d in seat.values())
provincial = next(r for r in sorted(regulators, key=lambda r: -provinces[r["division"]])
                  if level_of(r["division"]) == 1)
ent_counts = collections.Counter()

with Server(battrace, fx.store, work, "--quiet", "--rate-limit", "0",
            "--address-rate-limit", "0") as srv:
    tokens = {"admin": fx.token("admin"),
              "national": fx.token("regulator:" + national["id"]),
              "provincial": fx.token("regulator:" + provincial["id"])}
    admin_all = all_findings(srv, tokens["admin"], as_of=AS_OF)
    ok(len(admin_all) > 20, f"the simulation yields too few findings: {len(admin_all)}")
    ent_counts.update(f["party"] for f in admin_all)
    party = ent_counts.most_common(1)[0][0]
    tokens["enterprise"] = fx.token("enterprise:" + party)
    scope = {"admin": "000000", "national": "000000", "provincial": provincial["division"],
             "enterprise": None}

    # Findings by kind and division: exactly what the list holds.
    for who, token in tokens.items():
        listed = all_findings(srv, token, as_of=AS_OF)
        if who == "enterprise":
            ok(listed and all(f["party"] == party for f in listed), "enterprise: not its own")
        for level_name in (None, "province", "city", "county"):
            stats = get(srv, "/v1/stats/findings", token, as_of=AS_OF, level=level_name)
            default = {"000000": "province", None: "province"}.get(scope[who], "city")
            ok(stats["level"] == (level_name or default), f"{who}: level {stats['level']}")
            level = LEVELS[stats["level"]]
            ok(stats["as_of"] == AS_OF, f"{who}: as_of {stats['as_of']}")
            ok(stats["total"] == len(listed), f"{who}/{level_name}: total {stats['total']} "
               f"!= {len(listed)} listed")
            kinds = collections.Counter(f["kind"] for f in listed)
            ok({k["kind"]: k["count"] for k in stats["by_kind"]} == dict(kinds),
               f"{who}: by_kind {stats['by_kind']} != {kinds}")
            divs = collections.Counter(counted_under(f["authority"]["division"], level)
                                       for f in listed)
            ok({d["division"]: d["count"] for d in stats["by_division"] if d["count"]} ==
               dict(divs), f"{who}/{level_name}: by_division {stats['by_division']} != {divs}")
            # Every division of the level in the scope is listed, with 0 when it has none.
            inside = (scope[who] or "000000").rstrip("0")[:level_of(scope[who] or "000000") * 2]
            want_zero = {d["division"] for d in stats["by_division"] if d["count"] == 0}
            ok(all(level_of(c) == level and c.startswith(inside) for c in want_zero),
               f"{who}/{level_name}: a listed division outside the scope or level: {want_zero}")
            national_scope = (scope[who] or "000000") == "000000"
            ok(len([d for d in stats["by_division"] if level_of(d["division"]) == level]) >=
               ({1: 31, 2: 300, 3: 2800}[level] if national_scope else 1),
               f"{who}/{level_name}: too few divisions listed")
            cells = collections.Counter((f["kind"], counted_under(f["authority"]["division"],
                                                                  level)) for f in listed)
            ok({(c["kind"], c["division"]): c["count"] for c in stats["cells"]} == dict(cells),
               f"{who}/{level_name}: cells differ")
            ok(all(d["name"] for d in stats["by_division"] if d["division"] != "000000"),
               f"{who}: a division without a name: {stats['by_division']}")
            if who == "provincial":
                ok(all(d["division"].startswith(provincial["division"][:2])
                       for d in stats["by_division"]),
                   f"provincial: a division outside {provincial['division']}: "
                   f"{stats['by_division']}")
        # A division at the level, narrowed: the list filtered by it.
        stats = get(srv, "/v1/stats/findings", token, as_of=AS_OF)
        for d in stats["by_division"][:3]:
            if level_of(d["division"]) != LEVELS[stats["level"]]:
                continue
            narrowed = get(srv, "/v1/stats/findings", token, as_of=AS_OF,
                           division=d["division"])
            ok(narrowed["total"] == d["count"] ==
               len(all_findings(srv, token, as_of=AS_OF, division=d["division"])),
               f"{who}: division {d['division']}: {narrowed['total']} != {d['count']}")

    # Inside the simulated window the counts are still the list's, kind by kind and cell by
    # cell (the duties discharged since are counted in unit_store).
    for as_of in ("2026-05-20", "2026-07-20", "2026-09-20"):
        listed = all_findings(srv, tokens["admin"], as_of=as_of)
        kinds = collections.Counter(f["kind"] for f in listed)
        stats = get(srv, "/v1/stats/findings", tokens["admin"], as_of=as_of, level="county")
        ok({k["kind"]: k["count"] for k in stats["by_kind"]} == dict(kinds),
           f"{as_of}: by_kind {stats['by_kind']} != {kinds}")
        cells = collections.Counter((f["kind"], counted_under(f["authority"]["division"], 3))
                                    for f in listed)
        ok({(c["kind"], c["division"]): c["count"] for c in stats["cells"]} == dict(cells),
           f"{as_of}: cells differ")

    # The provincial regulator: beyond its jurisdiction is 403, the public 401.
    outside = next(r["division"] for r in regulators
                   if level_of(r["division"]) == 1 and r["division"] != provincial["division"])
    check_problem(*srv.call("GET", f"/v1/stats/findings?division={outside}",
                            tokens["provincial"]), 403)
    check_problem(*srv.call("GET", f"/v1/stats/flows?division={outside}",
                            tokens["provincial"]), 403)
    for path in ("/v1/stats/findings", "/v1/stats/trend", "/v1/stats/flows"):
        check_problem(*srv.call("GET", path), 401)
    # Bad parameters.
    check_problem(*srv.call("GET", "/v1/stats/findings?level=street", tokens["admin"]), 400,
                  "query.enum", "level")
    check_problem(*srv.call("GET", "/v1/stats/findings?division=123", tokens["admin"]), 400,
                  None, "division")
    check_problem(*srv.call("GET", "/v1/stats/trend?from=2026-13", tokens["admin"]), 400,
                  "query.month", "from")
    check_problem(*srv.call("GET", "/v1/stats/trend?from=2026-9", tokens["admin"]), 400,
                  "query.month", "from")
    check_problem(*srv.call("GET", "/v1/stats/trend?from=2026-09&to=2026-04",
                            tokens["admin"]), 400, "findings.range", "from")
    check_problem(*srv.call("GET", "/v1/stats/trend?from=2000-01&to=2026-04",
                            tokens["admin"]), 400, "stats.months", "to")
    check_problem(*srv.call("GET", "/v1/stats/trend?kind=nonsense", tokens["admin"]), 400,
                  "findings.kind", "kind")
    check_problem(*srv.call("GET", "/v1/stats/flows?from=2026-02-30", tokens["admin"]), 400,
                  None, "from")
    check_problem(*srv.call("GET", "/v1/stats/flows?from=2026-09-01&to=2026-08-01",
                            tokens["admin"]), 400, "findings.range", "from")

    # The trend: each month as the list filtered by that month.
    months = ["2026-%02d" % m for m in range(3, 12)]
    for who, token in tokens.items():
        for kind in (None, "overdue_report"):
            trend = get(srv, "/v1/stats/trend", token, as_of=AS_OF, kind=kind,
                        **{"from": months[0], "to": months[-1]})
            ok([m["month"] for m in trend["months"]] == months, f"{who}: months {trend}")
            for m in trend["months"]:
                last = calendar.monthrange(int(m["month"][:4]), int(m["month"][5:]))[1]
                listed = all_findings(srv, token, as_of=AS_OF, kind=kind,
                                      **{"from": m["month"] + "-01",
                                         "to": f"{m['month']}-{last}"})
                ok(m["count"] == len(listed),
                   f"{who}/{kind}: {m['month']} counts {m['count']}, the list {len(listed)}")
                ok(m["by_kind"] == dict(collections.Counter(f["kind"] for f in listed)),
                   f"{who}: {m['month']} by kind {m['by_kind']}")
            ok(sum(m["count"] for m in trend["months"]) > 0 or who == "enterprise",
               f"{who}: an empty trend")
    default = get(srv, "/v1/stats/trend", tokens["admin"], as_of=AS_OF)
    ok([m["month"] for m in default["months"]][0] == "2025-11" and
       default["months"][-1]["month"] == "2026-10", f"default trend months: {default}")

    # Flows: the stored outbound reports by the provinces of the seats.
    def expected_flows(keep, first=None, last=None):
        out = collections.Counter()
        for r in fx.replayed:
            if r["type"] != "battery.outbound":
                continue
            if (first and r["occurred"] < first) or (last and r["occurred"] > last):
                continue
            s, t = seat.get(r["reporter"]), seat.get(r["to"])
            if s is None or t is None or not keep(r, s, t):
                continue
            out[(s[:2] + "0000", t[:2] + "0000")] += len(r["codes"])
        return out

    prov = provincial["division"][:2]
    keeps = {"admin": lambda r, s, t: True, "national": lambda r, s, t: True,
             "provincial": lambda r, s, t: s.startswith(prov) or t.startswith(prov),
             "enterprise": lambda r, s, t: party in (r["reporter"], r["to"])}
    for who, token in tokens.items():
        for first, last in ((None, None), ("2026-06-01", "2026-08-31")):
            flows = get(srv, "/v1/stats/flows", token, **{"from": first, "to": last})
            want = expected_flows(keeps[who], first, last)
            got = {(f["from"], f["to"]): f["batteries"] for f in flows["flows"]}
            ok(got == dict(want), f"{who} {first}..{last}: flows {got} != {dict(want)}")
            ok(flows["total"] == sum(want.values()), f"{who}: flows total {flows['total']}")
            ok(all(f["from_name"] and f["to_name"] for f in flows["flows"]), "a flow unnamed")
            if who == "admin" and first is None:
                ok(sum(want.values()) > 0, "the simulation hands no battery over")
    narrowed = get(srv, "/v1/stats/flows", tokens["admin"], division=provincial["division"])
    ok({(f["from"], f["to"]): f["batteries"] for f in narrowed["flows"]} ==
       dict(expected_flows(keeps["provincial"])), "admin narrowed to a province")

    # The reads are audited.
    actions, after = set(), 0
    while True:
        page = get(srv, "/v1/audit", tokens["admin"], after=after, limit=1000)["items"]
        if not page:
            break
        actions |= {e["action"] for e in page}
        after = page[-1]["seq"]
    ok({"findings_stats", "handovers"} <= actions, f"audit actions {actions}")

print(f"stats test: ok ({ok.count} checks)")
