#!/usr/bin/env python3
"""Findings for regulators and messages in zh-CN and en, end to end (docs/api.md, "Languages";
docs/findings.md, "For regulators" and "Queries").

Against a real `battrace serve` over a simulated store:
- GET /v1/findings with `Accept-Language: zh-CN`: Content-Language zh-CN, each finding keeps the
  pinned members of the en answer and adds the party's registered name and division, the
  article in words, the action and the message in Chinese; the same page in en has them in
  English; `battrace findings --json --lang zh-CN` gives the same items.
- `department`, `from` and `to` narrow exactly as findings.md defines a finding's date, and
  `total` counts what matches.
- Error answers in zh-CN: a Chinese title and rule sentence, the English message in detail_en.
- The public passport's recycling guidance in Chinese.

The store is on the engine BATTRACE_TEST_ENGINE names (engines.py).

usage: lang_test.py BATTRACE WORKDIR
"""
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import AS_OF, Checks, Fixture, Server, run  # noqa: E402

engines.require()
battrace, work = sys.argv[1:3]
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=150, keep_back=1)
ZH = {"Accept-Language": "zh-CN"}
CJK = re.compile(r"[\u4e00-\u9fff]")
PINNED = ("kind", "article", "party", "subject", "due", "evidence", "authority", "detail")
ok = Checks()


def all_findings(server, token, query="", headers=None):
    """Every finding of the query, page by page, and the Content-Language of the answers."""
    items, cursor, langs = [], "", set()
    while True:
        st, h, data, doc = server.call(
            "GET", f"/v1/findings?as_of={AS_OF}&limit=1000{query}{cursor}", token,
            headers=headers)
        ok(st == 200, f"findings{query}: {st} {data[:300]!r}")
        langs.add(h.get("content-language"))
        items += doc["items"]
        if "next_cursor" not in doc:
            return items, langs
        cursor = "&cursor=" + doc["next_cursor"]


def beijing_day(ts):
    t = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")) + datetime.timedelta(hours=8)
    return t.date().isoformat()


admin = fx.token("admin")
names = {e["uscc"]: e for e in fx.registry if e["kind"] == "enterprise"}
reported = {f"{r['reporter']}/{r['id']}": r["reported"] for r in fx.replayed}

with Server(battrace, fx.store, fx.work, "--quiet") as server:
    # ------------------------------------------------------------ findings, zh-CN and en
    zh, zh_langs = all_findings(server, admin, headers=ZH)
    en, en_langs = all_findings(server, admin)
    ok(zh_langs == {"zh-CN"} and en_langs == {"en"}, f"Content-Language {zh_langs} {en_langs}")
    ok(len(zh) > 20 and len(zh) == len(en), f"{len(zh)} zh findings, {len(en)} en")
    kinds = {f["kind"] for f in zh}
    ok({"late_report", "overdue_report"} <= kinds, f"kinds {kinds}")
    for z, e in zip(zh, en):
        ok([z[k] for k in PINNED if k in z] == [e[k] for k in PINNED if k in e],
           f"pinned members differ between languages: {z} {e}")
        party = names.get(z["party"])
        if party:
            ok(z["party_name"] == party["name"] and z["party_division"] == party["division"],
               f"party name/division: {z}")
            ok(party["name"] in z["message"] and party["name"] in e["message"], z["message"])
        else:
            ok("party_name" not in z and "party_division" not in z, f"unregistered party: {z}")
        ok(z["article_text"] == e["article_text"], "article_text depends on the language")
        zt, et = z["article_text"]["zh-CN"], z["article_text"]["en"]
        ok(zt.startswith("《") and "条" in zt, f"article in words: {zt}")
        ok(et.startswith("Interim ") and ", Article " in et, f"article in English: {et}")
        ok(CJK.search(z["message"]) and CJK.search(z["action"]), f"zh message/action: {z}")
        ok(not CJK.search(e["action"]) and not CJK.search(e["message"].replace(
            z.get("party_name", ""), "")), f"en message: {e}")
        if z["kind"] != "unqualified_recycler":  # its subject is shown in words
            ok(z["subject"] in z["message"] and z["subject"] in e["message"], f"subject: {e}")
        ok(zt in z["message"] and et in e["message"], "the message cites the article in words")
        if "due" in z:
            ok(z["due"] in z["message"], f"due date not in the message: {z['message']}")
        if z["article"].startswith("24.") and z["article"][3:4] == "2":
            ok(zt.endswith("第二十四条第二项") and et.endswith("Article 24(2)"), zt)
        if z["kind"] == "overdue_report":
            ok(z["action"].startswith("报送") and e["action"].startswith("File the "), e["action"])
        configurable = z["article"] in ("24.8", "12", "2018-9")
        ok(("period_note" in z) == (configurable and z["kind"] in ("late_report",
                                                                     "overdue_report")),
           f"period_note: {z}")
        if z["kind"] == "missing_digital_id":
            ok(z["missing"] and set(z["missing"]) <= {"battery.produced", "model",
                                                     "ratings_or_parts"}, z)
            ok(z["detail"].endswith("; missing: " + ", ".join(z["missing"])), z["detail"])

    # The CLI says the same.
    cli = json.loads(run([battrace, "findings", *fx.read, "--as-of", AS_OF, "--json",
                          "--lang", "zh-CN"]))
    ok(cli == zh, "battrace findings --json --lang zh-CN differs from the API's zh-CN items")
    table = run([battrace, "--lang", "zh-CN", "findings", *fx.read, "--as-of", AS_OF])
    lines = table.splitlines()
    ok(lines[0].startswith("KIND") and "说明" in lines[0], lines[0])
    ok(len(lines) == len(zh) + 2, f"{len(lines)} table lines for {len(zh)} findings")

    # ------------------------------------------------------------ department, from, to
    for dep in sorted({f["authority"]["department"] for f in en}):
        part, _ = all_findings(server, admin, f"&department={dep}")
        ok(part == [f for f in en if f["authority"]["department"] == dep],
           f"department={dep}: {len(part)} findings")
    frm, to = "2026-06-01", "2026-07-31"
    part, _ = all_findings(server, admin, f"&from={frm}&to={to}")

    def dated(f):
        if f["kind"] in ("overdue_report", "missing_digital_id"):
            return f["due"]
        if f["kind"] == "outlet_coverage_gap":
            return beijing_day(reported[f["evidence"][0]])
        return beijing_day(reported[f["evidence"][-1]])

    expected = [f for f in en if frm <= dated(f) <= to]
    ok(part == expected and 0 < len(part) < len(en),
       f"from/to: {len(part)} findings, expected {len(expected)} of {len(en)}: "
       f"{[(f['kind'], dated(f)) for f in expected if f not in part]} "
       f"{[(f['kind'], dated(f)) for f in part if f not in expected]}")
    both, _ = all_findings(server, admin, f"&from={frm}&to={to}&department=MIIT")
    ok(both == [f for f in expected if f["authority"]["department"] == "MIIT"], "from/to + dep")

    # ------------------------------------------------------------ errors in zh-CN
    for query, rule, field, english in (
            ("&kind=nope", "findings.kind", "kind", "unknown finding kind 'nope'"),
            ("&department=MOH", "findings.department", "department", "unknown department 'MOH'"),
            ("&from=2026-08-01&to=2026-07-01", "findings.range", "from", "is after to"),
            ("&colour=red", "query.unknown_parameter", "colour", "unknown query parameter")):
        st, h, data, doc = server.call("GET", f"/v1/findings?as_of={AS_OF}{query}", admin,
                                       headers=ZH)
        ok(st == 400 and doc["rule"] == rule and doc["field"] == field, f"{query}: {st} {doc}")
        ok(h.get("content-language") == "zh-CN" and doc["title"] == "请求有误", f"{query}: {doc}")
        ok(doc["detail"].startswith(f"字段 {field}：") and CJK.search(doc["detail"]), doc)
        ok(english in doc["detail_en"], f"detail_en: {doc}")
        st, h, data, doc = server.call("GET", f"/v1/findings?as_of={AS_OF}{query}", admin)
        ok(st == 400 and english in doc["detail"] and "detail_en" not in doc, f"en: {doc}")
        ok(doc["title"] == "Bad request" and h.get("content-language") == "en", doc)
    st, h, data, doc = server.call("GET", f"/v1/findings?as_of={AS_OF}", "btk_not-a-token",
                                   headers={"Accept-Language": "en;q=0.3, zh-Hans;q=0.8"})
    ok(st == 401 and doc["title"] == "需要身份认证" and doc.get("rule") == "auth.token", doc)
    ok("访问令牌" in doc["detail"] and doc["detail_en"], doc)

    # ------------------------------------------------------------ the public guidance
    code = next(r["code"] for r in fx.replayed if r["type"] == "battery.produced")
    st, h, data, doc = server.call("GET", f"/v1/batteries/{code}", headers=ZH)
    ok(st == 200 and CJK.search(doc["recycling_guidance"]), f"guidance: {doc}")
    ok(h.get("content-language") == "zh-CN", h)
    st, h, data, en_doc = server.call("GET", f"/v1/batteries/{code}")
    ok(not CJK.search(en_doc["recycling_guidance"]), en_doc)
    ok({k: v for k, v in doc.items() if k != "recycling_guidance"} ==
       {k: v for k, v in en_doc.items() if k != "recycling_guidance"}, "only guidance differs")

print(f"lang test: ok ({ok.count} checks, {len(en)} findings)")
