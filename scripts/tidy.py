#!/usr/bin/env python3
"""clang-tidy (the repository's .clang-tidy) over src/, in parallel; any finding fails.

    tidy.py BUILD_DIR [FILE...]

BUILD_DIR holds the compile database (the sanitized build's: clang's own flags). Without FILE,
every src/*.cc that git knows. scripts/lint.sh calls this; `make lint` and the ctest lint_tidy
go through lint.sh.

A file found clean is remembered by a key: SHA-256 of clang-tidy's version, .clang-tidy, the
compile command and the file's preprocessed text (every header it includes, expanded). A later
run skips a file whose key is remembered, so only what changed, directly or through a header,
is checked again. The keys live in $BATTRACE_TIDY_CACHE (default ~/.cache/battrace/tidy);
BATTRACE_TIDY_CACHE=off checks every file.
"""

import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FINDING = re.compile(r"^\S+:\d+:\d+: (warning|error):", re.M)


def cache_dir():
    value = os.environ.get("BATTRACE_TIDY_CACHE", str(Path.home() / ".cache/battrace/tidy"))
    return None if value in ("off", "") else Path(value)


def preprocess_command(entry):
    """The entry's compile command, writing the preprocessed source to stdout."""
    args = entry.get("arguments") or shlex.split(entry["command"])
    if "ccache" in os.path.basename(args[0]):
        args = args[1:]
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True  # no object, no dependency file
        elif a not in ("-c", "-MD", "-MMD"):
            out.append(a)
    return out + ["-E", "-o", "-"]


def key_of(entry, salt):
    pre = subprocess.run(preprocess_command(entry), cwd=entry["directory"], capture_output=True)
    if pre.returncode != 0:
        return None  # clang-tidy will say why
    h = hashlib.sha256(salt)
    h.update(entry.get("command", " ".join(entry.get("arguments", []))).encode())
    h.update(pre.stdout)
    return h.hexdigest()


def check(path, entry, build, salt, cache):
    key = key_of(entry, salt) if cache else None
    if key and (cache / key).exists():
        return path, "", 0, True
    r = subprocess.run(["clang-tidy", "-p", str(build), "--quiet", path], cwd=ROOT,
                       capture_output=True, text=True)
    noise = re.compile(r"^\d+ warnings? generated\.$|^Suppressed \d+ warnings|^Use -header-filter")
    err = "\n".join(l for l in r.stderr.splitlines() if l.strip() and not noise.search(l))
    text = r.stdout + (err + "\n" if err else "")
    clean = r.returncode == 0 and not FINDING.search(r.stdout)
    if clean and key:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / key).touch()
    return path, text, r.returncode, False


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    build = Path(sys.argv[1]).resolve()
    db_path = build / "compile_commands.json"
    if not db_path.exists():
        print(f"tidy: no compile database in {build}: configure the sanitized build first "
              f"(make lint)", file=sys.stderr)
        return 2
    files = sys.argv[2:] or subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "src/*.cc"], cwd=ROOT,
        capture_output=True, text=True, check=True).stdout.split()
    db = {str(Path(e["directory"], e["file"]).resolve()): e for e in json.load(open(db_path))}
    version = subprocess.run(["clang-tidy", "--version"], capture_output=True).stdout
    salt = version + (ROOT / ".clang-tidy").read_bytes()
    cache = cache_dir()

    start = time.time()
    failed, skipped = [], 0
    missing = [f for f in files if str((ROOT / f).resolve()) not in db]
    for f in missing:
        print(f"tidy: {f} is not in {db_path}: reconfigure the build")
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        jobs = [pool.submit(check, f, db[str((ROOT / f).resolve())], build, salt, cache)
                for f in files if f not in missing]
        for job in concurrent.futures.as_completed(jobs):
            path, text, rc, cached = job.result()
            skipped += cached
            if rc != 0 or FINDING.search(text):
                failed.append(path)
                sys.stdout.write(text)
                sys.stdout.flush()
    took = time.time() - start
    n = len(files) - len(missing)
    if failed or missing:
        print(f"tidy: findings in {len(failed)} of {n} files ({', '.join(sorted(failed))}), "
              f"{len(missing)} not in the compile database; {took:.0f} s")
        return 1
    print(f"tidy: clang-tidy clean ({n} files, {n - skipped} checked, {skipped} unchanged since "
          f"a clean run; {took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
