#!/usr/bin/env python3
"""The paths of a list's first pages, for bench/web/run.sh: follows `next_cursor`.

usage: pages.py BASE_URL PATH PAGES SECONDS [HEADER ...]
GETs BASE_URL + PATH (a list route with `limit`, answering {items, next_cursor}) with the given
headers ("Name: value"), then the next page with `cursor=<next_cursor>`, and so on: prints PATH
and the path of every further page read, up to PAGES paths in all (fewer when the list ends,
or once SECONDS have passed: a slow list is not walked for long).
Exits 1 with the answer's status and problem when a page is refused.
"""
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def main():
    base, path, pages, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    headers = dict(h.split(": ", 1) for h in sys.argv[5:])
    deadline = time.monotonic() + seconds
    current = path
    for _ in range(pages):
        if time.monotonic() > deadline:
            return
        print(current, flush=True)
        request = urllib.request.Request(base + current, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                body = json.load(answer)
        except urllib.error.HTTPError as e:
            sys.exit(f"{current}: {e.code} {e.read().decode('utf-8', 'replace')}")
        cursor = body.get("next_cursor")
        if not cursor:
            return
        current = path + "&cursor=" + urllib.parse.quote(cursor, safe="")


if __name__ == "__main__":
    main()
