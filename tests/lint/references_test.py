#!/usr/bin/env python3
"""Every repository path cited in a comment or a doc must exist.

Usage: references_test.py [--root DIR] [--self-test]

What is read:
  - comments of the code under src/, tests/, bench/, scripts/, tools/, web/static/, web/test/
    and .ci/, and of the top-level build and tool files (C++, JavaScript and CSS // and /* */
    comments; # comments and docstrings of Python, shell, CMake, YAML and Makefiles);
  - the whole text of docs/*.md, README.md, every other README.md and NOTICE.

What counts as a citation (a "path"):
  - a token of path characters with at least one slash whose first component is a top-level
    directory of the repository (src/, docs/, tests/, bench/, scripts/, web/, tools/, data/,
    rules/, .ci/) or a layer directory of src/ written src-relative (store/sqlite/,
    cli/import.cc), e.g. `docs/ledger-format.md`, `store/sqlite/`, `web/test/...`;
  - a bare document name ending in .md (`ledger-format.md`), resolved beside the citing file,
    in docs/ or at the top;
  - the target of a Markdown link that is not a URL or an anchor, resolved beside the citing
    file.
  A token right after "/", ":", "$", "@", "~" or a word character is part of something else
  (a URL, an absolute path, a shell variable, a package name) and is not a citation; so a
  path in another repository is written `repository:path`, as git writes `commit:path`. In a
  citation, `*` and `<name>` / `{name}` stand for any file name part, and a trailing `...`
  means "something under this directory".

A citation resolves if it names a tracked file or a directory holding one, relative to the
top, to src/ (for layer-relative paths) or to the citing file's directory. Each failure is
reported as "file:line: cites X, which does not exist".
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tempfile

TOP_DIRS = {"src", "docs", "tests", "bench", "scripts", "web", "tools", "data", "rules", ".ci"}
CODE_ROOTS = ("src/", "tests/", "bench/", "scripts/", "tools/", "web/static/", "web/test/", ".ci/",
              "CMakeLists.txt", "Makefile", ".clang-tidy", ".clang-format", ".gitignore")
CPP_LIKE = (".cc", ".h", ".cpp", ".hpp", ".c", ".js", ".mjs", ".cjs", ".ts", ".css")
HASH_LIKE = (".py", ".sh", ".bash", ".cmake", ".yaml", ".yml", ".toml")
HASH_NAMES = ("CMakeLists.txt", "Makefile", "run", ".clang-tidy", ".clang-format", ".gitignore")

PART = r"(?:[A-Za-z0-9_.\-*<>]|\{[^{}/\n]*\})"
PATH_TOKEN = re.compile(PART + r"+(?:/" + PART + r"*)+")
MD_NAME = re.compile(r"[A-Za-z0-9_\-]+\.md\b")
MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
NOT_AFTER = set("/:$@~.\\") | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


# --- comment extraction: (line number, text) pairs ---


def cpp_comments(text):
    """Comments of C-like code, skipping string, character, template and raw string literals."""
    out = []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append((line, text[i + 2:j]))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j
            for k, part in enumerate(text[i + 2:j].split("\n")):
                out.append((line + k, part))
            line += text.count("\n", i, j)
            i = j + 2
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not text[i - 1].isalnum()):
            m = re.match(r'R"([^(\s]{0,16})\(', text[i:])
            if not m:
                i += 1
                continue
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + m.end())
            j = n if j < 0 else j
            line += text.count("\n", i, j)
            i = j + len(end)
        elif c in "\"'`":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # C++14 digit separator: 1'000
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and (c == "`" or text[j] != "\n"):
                j += 2 if text[j] == "\\" else 1
            line += text.count("\n", i, min(j, n))
            i = j + 1
        else:
            i += 1
    return out


def hash_comments(text, python):
    """# comments (and Python docstrings), skipping quoted strings."""
    out = []
    lines = text.split("\n")
    in_doc = None
    for number, raw in enumerate(lines, 1):
        if in_doc:
            k = raw.find(in_doc)
            out.append((number, raw if k < 0 else raw[:k]))
            if k >= 0:
                in_doc = None
            continue
        i, n = 0, len(raw)
        while i < n:
            c = raw[i]
            if python and raw.startswith(('"""', "'''"), i):
                q = raw[i:i + 3]
                k = raw.find(q, i + 3)
                if k < 0:
                    out.append((number, raw[i + 3:]))
                    in_doc = q
                    break
                out.append((number, raw[i + 3:k]))
                i = k + 3
            elif c in "\"'":
                j = i + 1
                while j < n and raw[j] != c:
                    j += 2 if raw[j] == "\\" else 1
                i = j + 1
            elif c == "#" and (i == 0 or raw[i - 1] in " \t"):
                out.append((number, raw[i + 1:]))
                break
            else:
                i += 1
    return out


def whole_text(text):
    return list(enumerate(text.split("\n"), 1))


def code_kind(path):
    base = os.path.basename(path)
    if path.endswith(CPP_LIKE):
        return "cpp"
    if path.endswith(".py"):
        return "py"
    if path.endswith(HASH_LIKE) or base in HASH_NAMES:
        return "hash"
    return None


def scanned_files(files):
    """(path, kind) for every file whose comments or text are read."""
    for path in files:
        if "/node_modules/" in path or path.startswith("node_modules/"):
            continue
        if path in ("README.md", "NOTICE") or path.endswith("/README.md"):
            yield path, "doc"
        elif path.startswith("docs/") and path.endswith(".md"):
            yield path, "doc"
        elif path.startswith(CODE_ROOTS):
            kind = code_kind(path)
            if kind:
                yield path, kind


# --- citations ---


def citations(text, layers):
    """(kind, token) for every citation in one line of comment or doc text; `layers` are the
    directories of src/, which a path may start with."""
    found = []
    spans = []
    for m in MD_LINK.finditer(text):
        target = m.group(1)
        if re.match(r"[a-z][a-z0-9+.\-]*:", target) or target.startswith(("#", "/")):
            continue
        target = target.split("#", 1)[0]
        if target:
            found.append(("link", target))
            spans.append((m.start(1), m.end(1)))
    for m in PATH_TOKEN.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        if m.start() > 0 and text[m.start() - 1] in NOT_AFTER:
            continue
        tok = m.group(0)
        dots = tok.endswith("...")
        tok = tok.rstrip(".") + ("..." if dots else "")
        tok = tok.rstrip(",;:!?'\"`")
        first = tok.split("/", 1)[0]
        if first in TOP_DIRS or first in layers:
            found.append(("path", tok))
    for m in MD_NAME.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        if m.start() > 0 and text[m.start() - 1] in NOT_AFTER:
            continue
        found.append(("md", m.group(0)))
    return found


def expand(path):
    """The paths a citation stands for: {a,b} gives one per alternative; <name>, {name} and
    * stand for any file name part."""
    m = re.search(r"\{([^{}]*,[^{}]*)\}", path)
    if m:
        return [p for alt in m.group(1).split(",")
                for p in expand(path[:m.start()] + alt.strip() + path[m.end():])]
    return [re.sub(r"<[^>/]*>|\{[^}/]*\}", "*", path)]


class Tree:
    def __init__(self, files):
        self.files = set(files)
        self.dirs = set()
        for f in files:
            parts = f.split("/")
            for k in range(1, len(parts)):
                self.dirs.add("/".join(parts[:k]))

    def exists(self, path):
        """Whether a tracked file or a directory holding one is at `path` (a glob or not)."""
        path = os.path.normpath(path).replace(os.sep, "/")
        if "node_modules" in path.split("/"):
            # Installed from the package.json beside it (scripts/install-deps.sh), not tracked.
            owner = path.split("/node_modules")[0] if not path.startswith("node_modules") else ""
            return os.path.join(owner, "package.json").lstrip("/") in self.files
        if path.startswith("../") or path == "..":
            return False
        if path in (".", ""):
            return True
        if any(ch in path for ch in "*?["):
            return any(fnmatch.fnmatchcase(x, path) for x in self.files | self.dirs)
        return path in self.files or path in self.dirs


def resolves(tree, kind, tok, citing):
    here = os.path.dirname(citing)
    if kind == "md":
        return any(tree.exists(os.path.join(d, tok)) for d in (here, "docs", ""))
    for path in expand(tok):
        if path.endswith("..."):
            path = path[:-3]
        path = path.rstrip("/") or "."
        if kind == "link":
            ok = tree.exists(os.path.join(here, path))
        else:
            ok = any(tree.exists(os.path.join(base, path)) for base in ("", "src", here))
        if not ok:
            return False
    return True


def check(root, files):
    """Failure messages, one per unresolved citation."""
    tree = Tree(files)
    layers = {d.split("/")[1] for d in tree.dirs if d.startswith("src/") and d.count("/") == 1}
    problems = []
    for path, kind in scanned_files(sorted(files)):
        try:
            with open(os.path.join(root, path), encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        if kind == "cpp":
            parts = cpp_comments(text)
        elif kind in ("py", "hash"):
            parts = hash_comments(text, kind == "py")
        else:
            parts = whole_text(text)
        for number, part in parts:
            for ckind, tok in citations(part, layers):
                if not resolves(tree, ckind, tok, path):
                    problems.append(f"{path}:{number}: cites {tok}, which does not exist")
    return problems


def tracked_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                             capture_output=True).stdout.decode()
        return [f for f in out.split("\0") if f and os.path.exists(os.path.join(root, f))]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, subdirs, names in os.walk(root):
            subdirs[:] = [s for s in subdirs if s not in (".git", "node_modules")
                          and not s.startswith("build")]
            files += [os.path.relpath(os.path.join(d, x), root).replace(os.sep, "/")
                      for x in names]
        return files


# --- self-test: a small tree with good and bad citations ---

SELF_TEST_TREE = {
    "src/store/store.h": "// Engines in store/sqlite/ and store/postgres/; see docs/a.md.\n"
                         "// Gone: docs/missing.md and store/nowhere.cc.\n"
                         'const char* k = "docs/not-a-comment.md";  // https://x.org/docs/b.md\n'
                         "/* ledger-format.md, then\n   src/core/absent.h */\n",
    "src/store/sqlite/sqlite_store.cc": "// reads ../store.h, rules/*.json and data/...\n",
    "src/core/a.cc": "int x = 1'000;  // core/a.cc and docs/templates/<type>.csv\n"
                     "// /usr/include/x/y.h, $dir/docs/z.md, @scope/docs/pkg\n",
    "src/store/postgres/pg_store.cc": "// the other engine\n",
    "src/store/postgres/pg_store.h": "// store/postgres/pg_store.{h,cc} and\n"
                                     "// store/postgres/pg_store.{h, c}\n",
    "rules/r1.json": "{}\n",
    "web/package.json": "{}\n",
    "data/t.js": "// outside the code roots: src/web/gone.js\n",
    "docs/a.md": "See [the format](ledger-format.md), [gone](nothing.md), [web](https://e.org/x.md),\n"
                 "`tests/unit/...`, `docs/templates/`, scripts/none.sh, and [top](../README.md#x).\n",
    "docs/ledger-format.md": "# Ledger\n",
    "docs/templates/battery.csv": "a,b\n",
    "tests/unit/u.py": '"""Tests for docs/a.md and docs/gone.md."""\n'
                       'x = "# docs/str.md"  # and tests/unit/u.py, bench/absent/\n',
    "tests/unit/CMakeLists.txt": "# see scripts/lint.sh\n",
    "scripts/lint.sh": 'echo "$#" # see tests/unit/nope.sh\n',
    "README.md": "Layout: `src/store/` and `src/access/` and PLAN.md.\n"
                 "`web/node_modules/echarts/`, tools/node_modules/x; upstream:tests/elsewhere.py\n",
}

SELF_TEST_EXPECTED = {
    "src/store/store.h:2: cites docs/missing.md, which does not exist",
    "src/store/store.h:2: cites store/nowhere.cc, which does not exist",
    "src/store/store.h:5: cites src/core/absent.h, which does not exist",
    "docs/a.md:1: cites nothing.md, which does not exist",
    "docs/a.md:2: cites scripts/none.sh, which does not exist",
    "tests/unit/u.py:1: cites docs/gone.md, which does not exist",
    "tests/unit/u.py:2: cites bench/absent/, which does not exist",
    "scripts/lint.sh:1: cites tests/unit/nope.sh, which does not exist",
    "README.md:1: cites src/access/, which does not exist",
    "README.md:1: cites PLAN.md, which does not exist",
    "README.md:2: cites tools/node_modules/x, which does not exist",
    "src/store/postgres/pg_store.h:2: cites store/postgres/pg_store.{h, c}, which does not exist",
}


def self_test():
    with tempfile.TemporaryDirectory() as root:
        for path, text in SELF_TEST_TREE.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(text)
        got = set(check(root, list(SELF_TEST_TREE)))
    # The script under data/ is outside the code roots: its comment is not read.
    expected = SELF_TEST_EXPECTED
    ok = got == expected
    for line in sorted(expected - got):
        print(f"self-test: not reported: {line}")
    for line in sorted(got - expected):
        print(f"self-test: reported wrongly: {line}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    parser.add_argument("--self-test", action="store_true",
                        help="check the checker on a small tree, then the repository")
    args = parser.parse_args()
    if args.self_test and not self_test():
        print("references_test: the self-test failed")
        return 1
    root = os.path.abspath(args.root)
    problems = check(root, tracked_files(root))
    for p in problems:
        print(p)
    if problems:
        print(f"references_test: {len(problems)} citation(s) of paths that do not exist")
        return 1
    print("references_test: every cited path exists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
