#!/usr/bin/env python3
"""The layer rules: docs/architecture.md's layer table, CMake and the includes of src/ agree.

    layers_test.py SOURCE_DIR LAYERS_TXT

The table (section "Layers") gives each layer's directory, the layers it `uses` and the
libraries it `links`. LAYERS_TXT is what CMakeLists.txt declared (battrace_layer(... LAYERS ...
LIBS ...)), one line a layer: "<layer>: layers <name>... ; libs <name>...". The test fails when
  - a file of src/<layer>/ includes "<other>/..." and <other> is not a layer <layer> uses;
  - a file of src/<layer>/ includes a library's header and <layer> does not link that library,
    or <layer> links a library that no file of src/<layer>/ includes;
  - CMake's layers or libraries of a layer differ from the table's, or a layer is in one and
    not in the other;
  - a directory of src/ is not in the table.
Each failure is one line naming the file, the rule and where to change it.
"""

import re
import sys
from pathlib import Path

DOC = "docs/architecture.md"

# A library's headers, as its short name in CMakeLists.txt (BATTRACE_LIB_<name>) and the table.
# Checked in order: the first pattern that matches an #include <...> names its library.
LIBRARY_HEADERS = [
    ("boost", re.compile(r"^boost/")),  # Asio's TLS headers pull in OpenSSL's libssl: below
    ("nlohmann_json", re.compile(r"^nlohmann/")),
    ("simdjson", re.compile(r"^simdjson\.h$")),
    ("fmt", re.compile(r"^fmt/")),
    ("sodium", re.compile(r"^sodium(\.h|/)")),
    ("openssl_crypto", re.compile(r"^openssl/")),
    ("sqlite", re.compile(r"^sqlite3\.h$")),
    ("libpq", re.compile(r"^(libpq-fe\.h|postgresql/)")),
    ("zstd", re.compile(r"^(zstd|zdict)\.h$")),
    ("libxml2", re.compile(r"^libxml/")),
    ("qrencode", re.compile(r"^qrencode\.h$")),
    ("libpng", re.compile(r"^png\.h$")),
    ("cli11", re.compile(r"^CLI/")),
    ("threads", re.compile(r"^(thread|future|condition_variable|mutex|shared_mutex|stop_token|"
                           r"semaphore|latch|barrier|pthread\.h)$")),
]
# Headers that need a second library besides their own.
ALSO_NEEDS = {
    re.compile(r"^boost/(asio|beast)/ssl(\.hpp|/)"): "openssl_ssl",
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def names(cell):
    """`a`, `b` -> ["a", "b"]; an em dash or "-" -> []."""
    cell = cell.strip()
    if cell in ("—", "-", ""):
        return []
    return [n.strip().strip("`").strip() for n in cell.split(",")]


def read_table(root, errors):
    """{layer: {"dir": ..., "uses": [...], "links": [...]}} from the table under "## Layers"."""
    text = (root / DOC).read_text(encoding="utf-8")
    m = re.search(r"^## Layers\n(.*?)(?=^## )", text, re.M | re.S)
    if not m:
        errors.append(f"{DOC}: no section '## Layers'")
        return {}
    rows = [l for l in m.group(1).splitlines() if l.startswith("|")]
    if len(rows) < 3:
        errors.append(f"{DOC}: no layer table in section 'Layers'")
        return {}
    head = [c.strip() for c in rows[0].strip().strip("|").split("|")]
    for col in ("layer", "directory", "uses", "links"):
        if col not in head:
            errors.append(f"{DOC}: the layer table has no column '{col}' (columns: {head})")
            return {}
    table = {}
    for row in rows[2:]:
        cells = [c.strip() for c in row.strip().strip("|").split(" | ")]
        if len(cells) != len(head):
            errors.append(f"{DOC}: layer table row has {len(cells)} cells, not {len(head)}: "
                          f"{row[:60]}...")
            continue
        c = dict(zip(head, cells))
        table[c["layer"]] = {"dir": c["directory"].strip("`").rstrip("/"),
                             "uses": names(c["uses"]), "links": names(c["links"])}
    return table


def read_cmake(path, errors):
    """{layer: {"uses": [...], "links": [...]}} from CMake's layers.txt."""
    cmake = {}
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"(\w+): layers ?(.*?) ; libs ?(.*)", line.strip())
        if not m:
            errors.append(f"{path}:{n}: cannot read '{line}'")
            continue
        cmake[m.group(1)] = {"uses": m.group(2).split(), "links": m.group(3).split()}
    return cmake


def main():
    root, layers_txt = Path(sys.argv[1]), sys.argv[2]
    errors = []
    table = read_table(root, errors)
    cmake = read_cmake(layers_txt, errors)
    if not table or not cmake:
        return report(errors)

    # The table against CMake.
    for layer in sorted(set(table) | set(cmake)):
        if layer not in cmake:
            errors.append(f"{layer}: in the layer table of {DOC} but not declared in "
                          f"CMakeLists.txt (battrace_layer)")
            continue
        if layer not in table:
            errors.append(f"{layer}: declared in CMakeLists.txt but not in the layer table of {DOC}")
            continue
        for what, word in (("uses", "LAYERS"), ("links", "LIBS")):
            t, c = set(table[layer][what]), set(cmake[layer][what])
            if t != c:
                diff = "; ".join(
                    s for s in (f"only the table has {sorted(t - c)}" if t - c else "",
                                f"only CMake has {sorted(c - t)}" if c - t else "") if s)
                errors.append(f"{layer}: '{what}' in {DOC} and {word} in CMakeLists.txt differ: "
                              f"{diff}")

    # Every directory of src/ is a layer of the table.
    by_dir = {v["dir"]: k for k, v in table.items()}
    for d in sorted(p for p in (root / "src").iterdir() if p.is_dir()):
        rel = d.relative_to(root).as_posix()
        if rel not in by_dir:
            errors.append(f"{rel}/: a directory of src/ that is not in the layer table of {DOC} "
                          f"(add a row, and battrace_layer in CMakeLists.txt)")

    # The includes of each layer's files.
    layer_dirs = {p.name for p in (root / "src").iterdir() if p.is_dir()} | set(table)
    for layer, row in sorted(table.items()):
        d = root / row["dir"]
        if not d.is_dir():
            continue  # declared, no sources yet: CMake builds no library for it
        allowed = set(row["uses"]) | {layer}
        links = set(row["links"])
        used_libs = set()
        for f in sorted(d.rglob("*")):
            if f.suffix not in (".cc", ".h") or not f.is_file():
                continue
            rel = f.relative_to(root).as_posix()
            text = f.read_text(encoding="utf-8", errors="replace")
            for m in INCLUDE.finditer(text):
                kind, inc = m.group(1), m.group(2)
                line = text.count("\n", 0, m.start()) + 1
                if kind == '"':
                    top = inc.split("/", 1)[0] if "/" in inc else None
                    if top in layer_dirs and top not in allowed:
                        errors.append(f"{rel}:{line}: includes \"{inc}\": layer {layer} may not use "
                                      f"{top} (uses: {', '.join(row['uses']) or 'none'}; "
                                      f"{DOC}, layer table)")
                    continue
                needs = [lib for lib, pat in LIBRARY_HEADERS if pat.search(inc)][:1]
                needs += [lib for pat, lib in ALSO_NEEDS.items() if pat.search(inc)]
                for lib in needs:
                    used_libs.add(lib)
                    if lib not in links:
                        errors.append(f"{rel}:{line}: includes <{inc}> ({lib}), which layer {layer} "
                                      f"does not link (links: {', '.join(sorted(links)) or 'none'};"
                                      f" CMakeLists.txt LIBS and {DOC})")
        for lib in sorted(links - used_libs):
            errors.append(f"{layer}: links {lib}, but no file of {row['dir']}/ includes its headers: "
                          f"drop it from LIBS in CMakeLists.txt and from {DOC}")
    return report(errors)


def report(errors):
    for e in errors:
        print(f"lint_layers: {e}")
    if errors:
        print(f"lint_layers: {len(errors)} problem(s)")
        return 1
    print("lint_layers: the includes, CMake's link dependencies and the layer table agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
