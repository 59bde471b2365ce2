#!/usr/bin/env python3
"""The paged lists GET /v1/findings and GET /v1/obligations (docs/api.md, "Pagination", "CSV"),
against a real `battrace serve`, for the admin, a regulator and an enterprise:
- walking the pages by next_cursor yields every item exactly once, in the order of each sort
  (findings: kind, date, -date; obligations: due, -due), the same items as one large page and as
  the CSV download;
- a cursor altered, cut, or sent with another query is refused (400 query.cursor); offset is an
  unknown parameter; limit, sort and format are checked;
- CSV: text/csv with a UTF-8 byte order mark, an attachment, by format=csv and by Accept, the
  message in the request's language, a registered name beginning with "=" neutralised;
- the CSV download streamed, over a larger world whose lists run to several pieces (1,000
  items, then twice as many each piece): chunked without Content-Length, its rows the JSON
  pages' items exactly, in order (no item lost or repeated at a piece's boundary); audited
  once; whole to an HTTP/1.0 client, the connection closing at its end; a client that stops
  reading is dropped at the write deadline (10 s) with its download cut short (no final chunk)
  while other requests are answered, and the server's peak memory grows by far less per stalled
  download than a whole list would take; while --max-downloads stream, one more is refused
  (503 api.downloads, Retry-After), and a dropped download gives its place back;
- the obligations' new filters (type, due_from, due_to) and their rules;
- the CLI's pages (`battrace findings|obligations --limit --cursor`, docs/findings.md "Pages and
  NDJSON"): walked to the end they give the --all NDJSON lines, which are the --json array, in
  order, and the API's items; a cursor of the API continues the CLI's list and the other way
  round; a cursor of another query is refused on --cursor; --all goes with no page or --json.

usage: lists_test.py BATTRACE WORKDIR
"""
import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
from api_support import AS_OF, Checks, Fixture, Server, check_problem  # noqa: E402

engines.require()
battrace, work = sys.argv[1:3]
fx = Fixture(battrace, os.path.join(work, "fixture"), vehicles=300, keep_back=1)
BOM = b"\xef\xbb\xbf"
DUTIES_AS_OF = "2026-06-30"
ok = Checks()


def walk(server, token, route, query, limit=7):
    """Every item of the query, page by page, and the number of pages."""
    items, cursor, pages = [], None, 0
    while True:
        q = dict(query, limit=limit)
        if cursor:
            q["cursor"] = cursor
        st, h, data, doc = server.call("GET", f"{route}?{urllib.parse.urlencode(q)}", token)
        ok(st == 200, f"{route} {q}: {st} {data[:300]!r}")
        ok(len(doc["items"]) <= limit and doc["limit"] == limit, doc)
        items += doc["items"]
        pages += 1
        cursor = doc.get("next_cursor")
        if cursor is None:
            return items, pages
        ok(len(doc["items"]) == limit, f"a page short of the limit has a next_cursor: {doc}")


def one_page(server, token, route, query):
    st, h, data, doc = server.call("GET", f"{route}?{urllib.parse.urlencode(dict(query, limit=1000))}",
                                   token)
    ok(st == 200 and "next_cursor" not in doc, f"{route}: {st} {data[:300]!r}")
    ok(set(doc) == {"items", "limit", "as_of"}, f"page members: {sorted(doc)}")
    return doc["items"]


def csv_rows(server, token, route, query, lang="en", accept=False):
    q = dict(query)
    headers = {"Accept-Language": lang}
    if accept:
        headers["Accept"] = "text/csv"
    else:
        q["format"] = "csv"
    st, h, data, doc = server.call("GET", f"{route}?{urllib.parse.urlencode(q)}", token,
                                   headers=headers)
    ok(st == 200 and h["content-type"] == "text/csv; charset=utf-8", (st, h, data[:200]))
    ok(data.startswith(BOM), "no byte order mark")
    ok(h.get("content-disposition", "").startswith("attachment; filename="), h)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


def key(item):
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def check_list(server, token, who):
    for route, sorts, as_of in (("/v1/findings", ("kind", "date", "-date"), AS_OF),
                                ("/v1/obligations", ("due", "-due"), DUTIES_AS_OF)):
        whole = None
        for sort in sorts:
            query = {"as_of": as_of, "sort": sort}
            items, pages = walk(server, token, route, query)
            keys = [key(i) for i in items]
            ok(len(keys) == len(set(keys)), f"{who} {route} {sort}: an item shown twice")
            ok(sorted(keys) == sorted(key(i) for i in one_page(server, token, route, query)),
               f"{who} {route} {sort}: the pages differ from one page")
            if whole is None:
                whole = sorted(keys)
                ok(len(items) > 7 or who == "enterprise", f"{who} {route}: too few items to page")
            ok(sorted(keys) == whole, f"{who} {route} {sort}: another set of items than sort "
                                      f"{sorts[0]}")
            field = {"kind": "kind", "date": "date", "-date": "date", "due": "due",
                     "-due": "due"}[sort]
            values = [i[field] for i in items]
            ok(values == sorted(values, reverse=sort.startswith("-")),
               f"{who} {route}: not in the order of {sort}")
            rows = csv_rows(server, token, route, {"as_of": as_of, "sort": sort})
            ok(len(rows) == len(items) + 1, f"{who} {route} csv: {len(rows) - 1} rows, "
                                            f"{len(items)} items")
        print(f"  {who} {route}: {len(whole)} items")


def cli(*args):
    r = subprocess.run([battrace, "--lang", "en", *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def cli_ok(*args):
    rc, out, err = cli(*args)
    ok(rc == 0, f"battrace {' '.join(args)}: {rc} {err.strip()}")
    return out


def cli_page(command, options, limit, cursor=None):
    page = json.loads(cli_ok(command, *fx.read, *options, "--json", "--limit", str(limit),
                             *(["--cursor", cursor] if cursor else [])))
    ok(set(page) <= {"items", "limit", "next_cursor", "as_of"} and page["limit"] == limit
       and len(page["items"]) <= limit, f"{command} page: {sorted(page)}")
    return page


def cli_walk(command, options, limit=7):
    """Every item of the CLI's list, page by page, and the number of pages."""
    items, cursor, pages = [], None, 0
    while True:
        page = cli_page(command, options, limit, cursor)
        items += page["items"]
        pages += 1
        cursor = page.get("next_cursor")
        if cursor is None:
            return items, pages
        ok(len(page["items"]) == limit, f"a CLI page short of the limit has a next_cursor: {page}")


def check_cli(server, token):
    for command, sorts, as_of in (("findings", ("kind", "date", "-date"), AS_OF),
                                  ("obligations", ("due", "-due"), DUTIES_AS_OF)):
        route = "/v1/" + command
        for sort in sorts:
            options = ["--as-of", as_of, f"--sort={sort}"]
            items, pages = cli_walk(command, options)
            keys = [key(i) for i in items]
            ok(pages > 2 and len(keys) == len(set(keys)), f"CLI {command} {sort}: {pages} pages, "
                                                           f"{len(keys) - len(set(keys))} repeated")
            lines = cli_ok(command, *fx.read, *options, "--all").splitlines()
            ok([json.loads(l) for l in lines] == items,
               f"CLI {command} {sort}: the pages are not the --all lines")
            whole = json.loads(cli_ok(command, *fx.read, *options, "--json"))
            ok(whole == items, f"CLI {command} {sort}: --json is not the --all lines")
            api = one_page(server, token, route, {"as_of": as_of, "sort": sort})
            ok(api == items, f"CLI {command} {sort}: not the API's list")
            # The API's cursor continues the CLI's list, and the other way round.
            query = urllib.parse.urlencode({"as_of": as_of, "sort": sort, "limit": 5})
            st, h, data, p1 = server.call("GET", f"{route}?{query}", token)
            p2 = cli_page(command, options, 5, p1["next_cursor"])
            ok(p1["items"] + p2["items"] == items[:10], f"CLI {command} {sort}: after the API's "
                                                        f"cursor")
            c1 = cli_page(command, options, 5)
            st, h, data, c2 = server.call(
                "GET", f"{route}?{query}&cursor={urllib.parse.quote(c1['next_cursor'])}", token)
            ok(st == 200 and c1["items"] + c2["items"] == items[:10],
               f"API {route} {sort}: after the CLI's cursor: {st} {data[:200]!r}")
        print(f"  CLI {command}: {len(items)} items in {pages} pages of 7")
        # A cursor is refused for another query: another sort, date, filter or list.
        first = cli_page(command, ["--as-of", as_of], 3)["next_cursor"]
        other = {"findings": ["--kind", "late_report"], "obligations": ["--party", fx_findings_party]}
        for wrong in (["--as-of", as_of, f"--sort={sorts[1]}"], ["--as-of", "2026-09-29"],
                      ["--as-of", as_of, *other[command]]):
            rc, out, err = cli(command, *fx.read, *wrong, "--cursor", first)
            ok(rc == 2 and out == "" and "--cursor: " in err and "[query.cursor]" in err,
               f"CLI {command} {wrong}: {rc} {err.strip()}")
        twin = "obligations" if command == "findings" else "findings"
        rc, out, err = cli(twin, *fx.read, "--as-of", as_of, "--cursor", first)
        ok(rc == 2 and "[query.cursor]" in err, f"CLI {twin} with a {command} cursor: {rc} {err}")
        for extra in (["--json"], ["--limit", "5"], ["--cursor", first]):
            rc, out, err = cli(command, *fx.read, "--as-of", as_of, "--all", *extra)
            ok(rc == 2 and out == "" and "--all" in err and extra[0] in err,
               f"CLI {command} --all {extra}: {rc} {err.strip()}")
        for bad in (["--limit", "0"], ["--limit", "1001"], ["--sort", "party"]):
            rc, out, err = cli(command, *fx.read, "--as-of", as_of, *bad)
            ok(rc == 2 and out == "" and bad[0] in err, f"CLI {command} {bad}: {rc} {err.strip()}")


fx_findings_party = None
with Server(battrace, fx.store, work, "--quiet", "--rate-limit", "0") as server:
    admin = fx.token("admin")
    st, h, data, doc = server.call("GET", f"/v1/findings?as_of={AS_OF}&limit=1", admin)
    first = doc["items"][0]
    fx_findings_party = first["party"]
    regulator = next(r for r in fx.regulators() if r["division"] == first["authority"]["division"]
                     and r["division"] != "000000")
    reg = fx.token("regulator:" + regulator["id"])
    ent = fx.token("enterprise:" + fx_findings_party)
    for token, who in ((admin, "admin"), (reg, "regulator"), (ent, "enterprise")):
        check_list(server, token, who)

    # Findings carry their date; a range of one day keeps that day's findings only.
    everything = one_page(server, admin, "/v1/findings", {"as_of": AS_OF, "sort": "date"})
    ok(all("date" in f for f in everything), "a finding without its date")
    day = everything[len(everything) // 2]["date"]
    ranged = one_page(server, admin, "/v1/findings", {"as_of": AS_OF, "from": day, "to": day})
    ok(ranged and sorted(map(key, ranged)) == sorted(key(f) for f in everything
                                                     if f["date"] == day), f"findings of {day}")

    # Cursors: bound to their query, refused when altered.
    st, h, data, p1 = server.call("GET", f"/v1/findings?as_of={AS_OF}&limit=3", admin)
    cursor = p1["next_cursor"]
    for target in (f"/v1/findings?as_of={AS_OF}&limit=3&sort=date&cursor={cursor}",
                   f"/v1/findings?as_of=2026-09-30&limit=3&cursor={cursor}",
                   f"/v1/findings?as_of={AS_OF}&kind=late_report&cursor={cursor}",
                   f"/v1/obligations?as_of={AS_OF}&cursor={cursor}",
                   f"/v1/findings?as_of={AS_OF}&cursor={cursor[:-1]}",
                   f"/v1/findings?as_of={AS_OF}&cursor={cursor[:5] + ('A' if cursor[5] != 'A' else 'B') + cursor[6:]}",
                   f"/v1/findings?as_of={AS_OF}&cursor=not-a-cursor",
                   f"/v1/findings?as_of={AS_OF}&cursor="):
        check_problem(*server.call("GET", target, admin), 400, "query.cursor", "cursor")
    # The same cursor with another page size continues the same list.
    st, h, data, p2 = server.call("GET", f"/v1/findings?as_of={AS_OF}&limit=5&cursor={cursor}",
                                  admin)
    by_kind = one_page(server, admin, "/v1/findings", {"as_of": AS_OF})
    ok(st == 200 and p1["items"] == by_kind[:3] and p2["items"] == by_kind[3:8],
       "the page after a cursor")
    check_problem(*server.call("GET", "/v1/findings?offset=2", admin), 400,
                  "query.unknown_parameter", "offset")
    check_problem(*server.call("GET", "/v1/obligations?offset=2", admin), 400,
                  "query.unknown_parameter", "offset")
    check_problem(*server.call("GET", "/v1/findings?limit=0", admin), 400, "query.integer", "limit")
    check_problem(*server.call("GET", "/v1/findings?limit=1001", admin), 400, "query.integer",
                  "limit")
    check_problem(*server.call("GET", "/v1/findings?sort=party", admin), 400, "query.enum", "sort")
    check_problem(*server.call("GET", "/v1/obligations?sort=date", admin), 400, "query.enum",
                  "sort")
    check_problem(*server.call("GET", "/v1/findings?format=xlsx", admin), 400, "query.enum",
                  "format")
    check_cli(server, admin)

    # Obligations: type and due range, filtered in the query.
    duties = one_page(server, admin, "/v1/obligations", {"as_of": DUTIES_AS_OF})
    ok(len(duties) > 7, f"{len(duties)} duties")
    kind = duties[len(duties) // 2]["fulfils"]
    typed = one_page(server, admin, "/v1/obligations", {"as_of": DUTIES_AS_OF, "type": kind})
    ok(typed and sorted(map(key, typed)) == sorted(key(d) for d in duties if d["fulfils"] == kind),
       f"duties of type {kind}")
    lo, hi = duties[len(duties) // 4]["due"], duties[3 * len(duties) // 4]["due"]
    ranged = one_page(server, admin, "/v1/obligations",
                      {"as_of": DUTIES_AS_OF, "due_from": lo, "due_to": hi})
    ok(ranged and sorted(map(key, ranged)) == sorted(key(d) for d in duties if lo <= d["due"] <= hi),
       f"duties due {lo}..{hi}")
    ok(lo < hi, f"duties due on one day only: {lo}")
    check_problem(*server.call("GET", f"/v1/obligations?due_from={hi}&due_to={lo}", admin), 400,
                  "obligations.range", "due_from")
    check_problem(*server.call("GET", "/v1/obligations?type=battery.lost", admin), 400,
                  "obligations.type", "type")
    check_problem(*server.call("GET", "/v1/obligations?due_to=2026-02-30", admin), 400, None,
                  "due_to")

    # CSV: by Accept too, in the request's language; the header row.
    rows = csv_rows(server, admin, "/v1/findings", {"as_of": AS_OF}, lang="zh-CN", accept=True)
    ok(rows[0][:3] == ["kind", "date", "article"] and len(rows) == len(everything) + 1, rows[0])
    message = rows[0].index("message")
    ok(any("\u4e00" <= ch <= "\u9fff" for ch in rows[1][message]), rows[1])
    rows = csv_rows(server, admin, "/v1/obligations", {"as_of": DUTIES_AS_OF})
    ok(rows[0][:3] == ["due", "overdue", "kind"] and len(rows) == len(duties) + 1, rows[0])

# A registered name that a spreadsheet would run as a formula is neutralised.
evil = '=HYPERLINK("http://evil.example/","x")'
for r in fx.registry:
    if r.get("uscc") == fx_findings_party:
        r["name"] = evil
fx.add_registry([])
with Server(battrace, fx.store, work, "--quiet", "--rate-limit", "0") as server:
    rows = csv_rows(server, fx.token("admin"), "/v1/findings",
                    {"as_of": AS_OF, "party": fx_findings_party})
    name = rows[0].index("party_name")
    ok(len(rows) > 1 and all(r[name] == "'" + evil for r in rows[1:]), rows[1])
    st, h, data, doc = server.call(
        "GET", f"/v1/findings?as_of={AS_OF}&party={fx_findings_party}", fx.token("admin"))
    ok(doc["items"][0]["party_name"] == evil, "the JSON keeps the name as registered")


# -- The CSV download streamed (docs/api.md, "CSV").
# The items the server reads for a download's first piece, then twice as many each piece up to
# 8,000 (kCsvPiece, kCsvPieceMax, server/handlers_findings.cc): pieces end after 1,000, 3,000,
# 7,000 items.
PIECE = 1000
STALLED = 6  # downloads whose clients stop reading
WRITE_TIMEOUT = 10  # seconds, the server's default write deadline
# The peak memory one stalled download may add, KiB: a reader connection's page cache (16 MiB at
# most, server/store_pool.cc) and a piece. The findings download answered whole took 37 MiB each.
STALLED_KIB = 20 * 1024


def csv_cells(values):
    """The cells as the server writes them (server/csv_export.h): one beginning with = + - @, a
    tab or a carriage return behind an apostrophe."""
    return ["'" + v if v and v[0] in "=+-@\t\r" else v for v in values]


def finding_row(f):
    a = f["authority"]
    return csv_cells([f["kind"], f.get("date", ""), f["article"], f["party"],
                      f.get("party_name", ""), f["subject"], f.get("due", ""),
                      a.get("department", ""), a.get("division", ""), " ".join(f["evidence"]),
                      f["message"], f["action"], f["detail"]])


def duty_row(d):
    a = d["authority"]
    return csv_cells([d["due"], "true" if d["overdue"] else "false", d["kind"], d["duty"],
                      d["fulfils"], d["article"], d["party"], d["subject"], d["anchor"],
                      a.get("department", ""), a.get("division", ""), d["evidence"], d["detail"]])


def raw_get(port, path, token, version="1.1", rcvbuf=None, timeout=30):
    """A socket that sent `GET path` over HTTP/`version`; `rcvbuf` caps its receive buffer."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET {path} HTTP/{version}\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"
              .encode())
    return s


def read_to_end(s, what):
    """What `s` receives until the server closes the connection."""
    data = b""
    try:
        while chunk := s.recv(1 << 16):
            data += chunk
    except socket.timeout:
        ok(False, f"{what}: the server did not close the connection ({len(data)} bytes read)")
    finally:
        s.close()
    return data


def vm_hwm_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def check_streamed():
    big = Fixture(battrace, os.path.join(work, "big"), vehicles=2000, keep_back=1, violations=0.6)
    # As many downloads may stream at once as stall below (--max-downloads).
    with Server(battrace, big.store, work, "--quiet", "--rate-limit", "0", "--threads", "8",
                "--max-downloads", str(STALLED)) as server:
        admin = big.token("admin")
        downloads = {}
        # The findings run to four pieces (the third a whole one), the duties to two.
        for route, sort, pieces, to_row in (("/v1/findings", "kind", 4, finding_row),
                                            ("/v1/findings", "-date", 4, finding_row),
                                            ("/v1/obligations", "due", 2, duty_row)):
            query = {"as_of": AS_OF, "sort": sort}
            items, pages = walk(server, admin, route, query, limit=PIECE)
            ok(len(items) > (2 ** (pieces - 1) - 1) * PIECE,
               f"{route}: {len(items)} items, fewer than {pieces} pieces")
            st, h, data, doc = server.call(
                "GET", f"{route}?{urllib.parse.urlencode(dict(query, format='csv'))}", admin)
            ok(st == 200 and h.get("transfer-encoding") == "chunked" and "content-length" not in h,
               f"{route} {sort} csv: {st} {h}")
            ok(data.startswith(BOM), f"{route} {sort} csv: no byte order mark")
            rows = list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))
            want = [to_row(i) for i in items]
            wrong = next((i for i, (a, b) in enumerate(zip(rows[1:], want)) if a != b), None)
            ok(len(rows) == len(want) + 1 and wrong is None,
               f"{route} {sort} csv: {len(rows) - 1} rows for {len(want)} items; first "
               f"differing row {wrong}")
            # Audited once, at its start, whatever the number of pieces.
            st, _, _, audit = server.call("GET", "/v1/audit?order=desc&limit=100", admin)
            mine = [e for e in audit["items"] if e["request_id"] == h["x-request-id"]]
            ok(len(mine) == 1, f"{route} {sort} csv: audited {len(mine)} times")
            downloads[(route, sort)] = data
            print(f"  csv {route} {sort}: {len(items)} rows, {len(data)} bytes, chunked")

        path = f"/v1/findings?as_of={AS_OF}&format=csv"
        whole = downloads[("/v1/findings", "kind")]
        # HTTP/1.0: the bytes of the download, and the end of the connection marks its end.
        data = read_to_end(raw_get(server.port, path, admin, version="1.0"), "HTTP/1.0 csv")
        head, _, body = data.partition(b"\r\n\r\n")
        ok(head.startswith(b"HTTP/1.0 200 ") and b"content-length" not in head.lower()
           and b"transfer-encoding" not in head.lower(), head)
        ok(body == whole, f"HTTP/1.0 csv: {len(body)} bytes, not the download's {len(whole)}")

        # Clients that stop reading: dropped at the write deadline, the others still answered.
        base = vm_hwm_kib(server.proc.pid)
        stalled = [raw_get(server.port, path, admin, rcvbuf=4096, timeout=WRITE_TIMEOUT + 20)
                   for _ in range(STALLED)]
        for s in stalled:
            first = s.recv(1024)
            ok(first.startswith(b"HTTP/1.1 200 "), first[:200])
        # One more download while they hold every place: 503, to retry later; the JSON pages
        # are not downloads.
        st, h, data, doc = server.call("GET", path, admin)
        check_problem(st, h, data, doc, 503, "api.downloads")
        ok("--max-downloads" in doc["detail"], f"a refused download says why: {doc}")
        ok(h.get("retry-after") == "5", f"a refused download's Retry-After: {h}")
        start = time.monotonic()
        worst = 0
        while time.monotonic() - start < WRITE_TIMEOUT + 3:
            t = time.monotonic()
            st, h, data, doc = server.call("GET", f"/v1/findings?as_of={AS_OF}&limit=10", admin)
            worst = max(worst, time.monotonic() - t)
            ok(st == 200 and worst < 2, f"beside stalled downloads: {st} in {worst:.2f} s")
            time.sleep(0.5)
        grown = vm_hwm_kib(server.proc.pid) - base
        for s in stalled:
            rest = read_to_end(s, "a stalled download")
            ok(not rest.endswith(b"\r\n0\r\n\r\n"),
               "a stalled download ended with the final chunk: it fit the socket buffers")
        ok(grown < STALLED * STALLED_KIB,
           f"peak memory grew {grown} KiB with {STALLED} stalled downloads of {len(whole)} bytes")
        print(f"  {STALLED} stalled csv downloads dropped at the write deadline; lookups beside "
              f"them at worst {worst * 1000:.0f} ms; peak memory +{grown // 1024} MiB")
        # The stalled downloads gave their places back when they were dropped.
        st, h, data, doc = server.call("GET", path, admin)
        ok(st == 200 and data == whole, "the download after the stalled ones")
        ok(server.stop() == 0, "the server did not stop cleanly")


check_streamed()
print(f"lists: ok ({ok.count} checks)")
