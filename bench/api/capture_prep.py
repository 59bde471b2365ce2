#!/usr/bin/env python3
"""Prepares the capture half of bench/api/run.sh from a simulator's reports.ndjson.

Walks the reports in their order and fills one batch per reporter; a batch is sent when it holds
BATCH reports, the rest at the end. The reports lose `reported` (only `import --replay` may set
it). Writes, in the order the batches are sent:
  batches.tsv    one line per batch: USCC <TAB> the JSON array of its reports (POST /v1/reports)
  import.ndjson  the same reports, one per line, in the same order (battrace import)
  reporters.txt  the reporters of the batches, one per line (they need a token each)
"""
import json
import os
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: capture_prep.py REPORTS.ndjson OUT_DIR BATCH")
    src, out, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    pending = {}  # reporter -> [report lines]
    order = []    # reporters in the order of their first report (flush order at the end)
    n_reports = n_batches = 0
    with open(os.path.join(out, "batches.tsv"), "w") as batches, \
         open(os.path.join(out, "import.ndjson"), "w") as flat:

        def flush(reporter):
            nonlocal n_batches
            lines = pending.pop(reporter)
            batches.write(reporter + "\t[" + ",".join(lines) + "]\n")
            flat.write("\n".join(lines) + "\n")
            n_batches += 1

        with open(src) as f:
            for raw in f:
                if not raw.strip():
                    continue
                report = json.loads(raw)
                report.pop("reported", None)
                reporter = report["reporter"]
                line = json.dumps(report, separators=(",", ":"), ensure_ascii=False)
                if reporter not in pending:
                    pending[reporter] = []
                    if reporter not in order:
                        order.append(reporter)
                pending[reporter].append(line)
                n_reports += 1
                if len(pending[reporter]) == batch:
                    flush(reporter)
        for reporter in order:
            if reporter in pending:
                flush(reporter)
    with open(os.path.join(out, "reporters.txt"), "w") as f:
        f.write("".join(r + "\n" for r in order))
    print(f"{n_reports} reports in {n_batches} batches of at most {batch}, "
          f"{len(order)} reporters")


if __name__ == "__main__":
    main()
