#!/usr/bin/env python3
"""The demo principals of a registry: the first enterprise of each role, a provincial and the
national regulator (MIIT when it has one, else any department). One line each on stdout,
"<principal> <what>":

  enterprise:<uscc> <role>
  regulator:<id> provincial (<department> <division>)
  regulator:<id> national (<department> <division>)

Used by `make demo` (scripts/demo.sh) and the browser tests' store (scripts/web_fixture.sh).

usage: demo_principals.py REGISTRY_NDJSON
"""
import json
import sys

enterprises, regulators = {}, []
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["kind"] == "enterprise":
        for role in r["roles"]:
            enterprises.setdefault(role, r["uscc"])
    elif r["kind"] == "regulator":
        regulators.append(r)
for role, uscc in enterprises.items():
    print(f"enterprise:{uscc} {role}")


def pick(fits, what):
    found = [r for r in regulators if fits(r["division"])]
    found.sort(key=lambda r: (r["department"] != "MIIT", r["division"], r["id"]))
    if found:
        print(f"regulator:{found[0]['id']} {what} ({found[0]['department']} {found[0]['division']})")
    else:
        print(f"- no {what} regulator in the registry", file=sys.stderr)


pick(lambda d: d.endswith("0000") and d != "000000", "provincial")
pick(lambda d: d == "000000", "national")
