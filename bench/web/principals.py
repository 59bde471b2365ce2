#!/usr/bin/env python3
"""Principals and query values of bench/web/run.sh, from a simulated data set's files.

usage: principals.py SIM_DIR
Prints lines of `name value` for the shell to read:
  national   regulator:<id>   the national MIIT regulator (another department when none)
  provincial regulator:<id>   the MIIT regulator (or another) of the province handling the most
                              findings of the answer key: the heaviest provincial jurisdiction
  enterprise enterprise:<USCC> the party of the most findings of the answer key
  province   <code>           that province's GB/T 2260 code
  kinds      <kind,kind,...>  the finding kinds of the answer key, most frequent first
"""
import collections
import json
import sys


def main():
    sim = sys.argv[1]
    regulators = []
    with open(f"{sim}/registry.ndjson", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["kind"] == "regulator":
                regulators.append(record)
    with open(f"{sim}/answer-key.json", encoding="utf-8") as f:
        findings = json.load(f)
    if not findings:
        sys.exit("the answer key has no findings: no principal to measure")
    by_province = collections.Counter(x["authority"]["division"][:2] + "0000" for x in findings)
    by_party = collections.Counter(x["party"] for x in findings)
    by_kind = collections.Counter(x["kind"] for x in findings)

    def regulator(division):
        found = sorted((r for r in regulators if r["division"] == division),
                       key=lambda r: (r["department"] != "MIIT", r["id"]))
        if not found:
            sys.exit(f"no regulator of division {division} in the registry")
        return found[0]["id"]

    province = next(p for p, _ in by_province.most_common()
                    if any(r["division"] == p for r in regulators))
    print("national", "regulator:" + regulator("000000"))
    print("provincial", "regulator:" + regulator(province))
    print("enterprise", "enterprise:" + by_party.most_common(1)[0][0])
    print("province", province)
    print("kinds", ",".join(k for k, _ in by_kind.most_common()))


if __name__ == "__main__":
    main()
