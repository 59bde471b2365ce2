#!/usr/bin/env python3
"""The capture driver of bench/api/run.sh: POSTs every batch of batches.tsv once to
/v1/reports, each with its reporter's token, over CONNECTIONS keep-alive connections that take
the batches in file order. Prints one line the script reads: RESULT key=value ...

usage: post_batches.py HOST PORT BATCHES.tsv TOKENS.tsv CONNECTIONS [DEADLINE_SECONDS]
TOKENS.tsv: USCC <TAB> token, one per line.
"""
import http.client
import re
import sys
import threading
import time

HEAD = re.compile(rb'"accepted":(\d+),"duplicates":(\d+),"rejected":(\d+)')


def main():
    host, port, batches_path, tokens_path, connections = sys.argv[1:6]
    deadline = float(sys.argv[6]) if len(sys.argv) > 6 else 3600.0
    tokens = dict(line.rstrip("\n").split("\t", 1) for line in open(tokens_path) if line.strip())
    batches = []
    for line in open(batches_path, "rb"):
        reporter, body = line.rstrip(b"\n").split(b"\t", 1)
        batches.append((b"Bearer " + tokens[reporter.decode()].encode(), body))
    lock = threading.Lock()
    state = {"next": 0, "accepted": 0, "duplicates": 0, "rejected": 0, "errors": 0,
             "statuses": {}, "latencies": [], "first_error": ""}
    start = time.monotonic()
    stop_at = start + deadline

    def worker():
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        while True:
            with lock:
                i = state["next"]
                if i >= len(batches) or time.monotonic() > stop_at:
                    break
                state["next"] = i + 1
            auth, body = batches[i]
            t0 = time.monotonic()
            try:
                conn.request("POST", "/v1/reports", body=body,
                             headers={"Authorization": auth, "Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=120)
                status, data = -1, str(e).encode()
            dt = time.monotonic() - t0
            m = HEAD.search(data[:200]) if status == 200 else None
            with lock:
                state["latencies"].append(dt)
                state["statuses"][status] = state["statuses"].get(status, 0) + 1
                if m:
                    state["accepted"] += int(m.group(1))
                    state["duplicates"] += int(m.group(2))
                    state["rejected"] += int(m.group(3))
                else:
                    state["errors"] += 1
                    if not state["first_error"]:
                        state["first_error"] = f"{status} {data[:300]!r}"
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(int(connections))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    lat = sorted(state["latencies"]) or [0.0]
    pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))]
    reports = state["accepted"] + state["duplicates"] + state["rejected"]
    sent = state["next"]
    if state["first_error"]:
        print("first error: " + state["first_error"], file=sys.stderr)
    print(f"RESULT batches={sent} of={len(batches)} reports={reports} seconds={seconds:.3f} "
          f"accepted={state['accepted']} duplicates={state['duplicates']} "
          f"rejected={state['rejected']} failed_requests={state['errors']} "
          f"batch_p50_ms={pct(50) * 1000:.1f} batch_p99_ms={pct(99) * 1000:.1f} "
          f"statuses={','.join(f'{k}:{v}' for k, v in sorted(state['statuses'].items()))}")


if __name__ == "__main__":
    main()
