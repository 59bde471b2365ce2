#!/usr/bin/env python3
"""Writes the Excel corpus of this directory: CSV files as Excel on a Chinese-locale machine saves
them (GBK, UTF-8 with BOM, CRLF, full-width characters, Excel's date styles, numbers in
scientific notation), a sniffed .txt and two JSON arrays, each with its expectation file
<name>.expect.json (what `battrace import` must accept and reject, by line and rule).

The files are committed; run this only to change them (python3 make_corpus.py, in this
directory). tests/integration/excel_files_test.py imports each into a fresh store with
registry.ndjson and checks it against its expectation.
"""
import json

BM, VM, RC, RS = "91350900587527783P", "91440300708461136T", "914403002793835897", "91110000100000008J"
UNREGISTERED = "914403009999999995"  # a valid USCC no registry entry has
P = ["001PB240000003B3C02219%02d" % n for n in range(56, 66)]
V1, V2 = "LSVAB2BM5PN000001", "LGXCE4CB7RA000123"


def full_width(s):
    """Digits and letters as their full-width forms (U+FF10.., U+FF21.., U+FF41..)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in s)


def write(name, text, encoding, expect, bom=False, newline="\r\n"):
    data = text.replace("\n", newline).encode(encoding)
    with open(name, "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + data)
    with open(name + ".expect.json", "w") as f:
        json.dump(expect, f, ensure_ascii=False, indent=1)
        f.write("\n")


# 1. GBK, CRLF, Chinese headers, a file mixing vehicle.produced and battery.outbound rows.
rows = [
    "报告编号,报告类型,报送企业,发生日期,车辆识别代号,车辆类型,品牌,型号,车辆名称,电池包编码,电池编码,接收方,来源",
    f"g1,vehicle.produced,{VM},2026/4/3,{V1},M1,比亚迪,秦PLUS,秦PLUS EV,{P[0]},,,",
    f"g2,battery.outbound,{full_width(VM)},2026/7/1,,,,,,,{full_width(P[1])};{P[2]},{RC},repair",
    f"g3,battery.outbound,{VM},2026年7月1日,,,,,,,\u3000{P[3]}\u3000,{full_width(RC)},repair",
    f"g4,battery.outbound,{VM},20260701,,,,,,,{full_width(P[4].lower())},{RC},repair",
    f"g5,battery.outbound,9.14403E+17,2026/7/1,,,,,,,{P[5]},{RC},repair",
    f"g6,battery.outbound,{VM},46204,,,,,,,{P[6]},{RC},repair",
    f"g7,battery.outbound,{UNREGISTERED},2026/7/1,,,,,,,{P[7]},{RC},repair",
    f"g8,battery.outbound,{VM},2026/7/1,,,,,,,{P[8]},1.23E+23,repair",
]
write("gbk_chinese_headers.csv", "\n".join(rows) + "\n", "gb18030", {
    "format": "CSV", "encoding": "GB18030", "accepted": 5, "withheld": 0,
    "rejects": [[6, "reporter", "csv.scientific_notation"], [8, "/reporter", "auth.unregistered"],
                [9, "to", "csv.scientific_notation"]],
    "stored": {"g1": {"occurred": "2026-04-03", "contains": "比亚迪"},
               "g2": {"occurred": "2026-07-01", "contains": P[1]},
               "g3": {"occurred": "2026-07-01", "contains": P[3]},
               "g4": {"occurred": "2026-07-01", "contains": P[4]},
               "g6": {"occurred": "2026-07-01", "contains": P[6]}}})

# 2. UTF-8 with BOM, CRLF, English headers in other case and spacing, an upper-case extension;
#    vehicle.sold rows with each date style.
rows = [
    " ID ,TYPE, Reporter ,Occurred,VIN,Sale Date,DIVISION",
    f"u1,vehicle.sold,{VM},2026/7/10,{V1},2026-7-1,440305",
    f"u2,vehicle.sold,{VM},46213,{V2},20260701,440305",
    f"u3,vehicle.sold,{VM},2026年7月10日,{full_width(V1)},2026/7/1,{full_width('440305')}",
    f"u4,vehicle.sold,{VM},2026/7/10,{V2},60,440305",
    f"u5,vehicle.sold,{VM},2026/2/30,{V1},2026/2/1,440305",
]
write("UTF8_BOM_MIXED_CASE.CSV", "\n".join(rows) + "\n", "utf-8", {
    "format": "CSV", "encoding": "UTF-8 with BOM", "accepted": 3, "withheld": 0,
    "rejects": [[5, "sale_date", "csv.excel_date"], [6, "occurred", "date.exists"]],
    "stored": {"u1": {"occurred": "2026-07-10", "contains": "2026-07-01"},
               "u2": {"occurred": "2026-07-10", "contains": "2026-07-01"},
               "u3": {"occurred": "2026-07-10", "contains": V1}}}, bom=True)

# 3. A .txt file (sniffed: CSV), UTF-8 without BOM, LF: battery.inbound with a code list one of
#    whose entries Excel turned into a number.
rows = [
    "id,type,reporter,occurred,codes,from,mass_kg",
    f"t1,battery.inbound,{RC},2026-07-02,{P[1]};{P[2]},{VM},600",
    f"t2,battery.inbound,{RC},2026-07-02,{P[3]};1.23457E+23,{VM},600",
    f"t3,battery.inbound,{RC},2026-07-02,{P[4]},{VM},",
]
write("inbound_sniffed.txt", "\n".join(rows) + "\n", "utf-8", {
    "format": "CSV", "encoding": "ASCII", "accepted": 2, "withheld": 0,
    "rejects": [[3, "codes", "csv.scientific_notation"]],
    "stored": {"t1": {"occurred": "2026-07-02", "contains": P[2]}}}, newline="\n")

# 4. GBK with one row holding bytes that are neither GBK/GB 18030 nor UTF-8.
rows = [
    "报告编号,报告类型,报送企业,发生日期,电池编码,接收方,来源",
    f"b1,battery.outbound,{VM},2026/7/1,{P[1]},{RC},repair",
    f"b2,battery.outbound,{VM},2026/7/1,{P[2]},{RC},repair\udcff",
    f"b3,battery.outbound,{VM},2026/7/1,{P[3]},{RC},repair",
]
text = ("\n".join(rows) + "\n").replace("\n", "\r\n").encode("gb18030", errors="surrogateescape")
with open("bad_bytes.csv", "wb") as f:
    f.write(text)
with open("bad_bytes.csv.expect.json", "w") as f:
    json.dump({"format": "CSV", "encoding": "GB18030", "accepted": 2, "withheld": 0,
               "rejects": [[3, "", "csv.encoding"]], "stored": {}}, f, ensure_ascii=False, indent=1)
    f.write("\n")


def report(id_, type_, reporter, occurred, **body):
    return {"id": id_, "type": type_, "reporter": reporter, "occurred": occurred, **body}


# 5. A JSON array with one invalid element: nothing is stored.
arr = [report("j1", "battery.outbound", VM, "2026-07-01", codes=[P[1]], to=RC, source="repair"),
       report("j2", "battery.outbound", VM, "2026-07-01", codes=[P[2]], to=RC, source="nowhere"),
       report("j3", "battery.outbound", VM, "2026-07-01", codes=[P[3]], to=RC, source="repair")]
write("array_one_bad.json", json.dumps(arr, ensure_ascii=False, indent=1) + "\n", "utf-8", {
    "format": "JSON", "encoding": "UTF-8", "accepted": 0, "withheld": 2,
    "rejects": [[2, "/source", "report.enum"]], "stored": {}}, newline="\n")

# 6. A JSON array one of whose elements is refused only when stored (an unregistered reporter):
#    nothing is stored either.
arr = [report("k1", "battery.outbound", VM, "2026-07-01", codes=[P[1]], to=RC, source="repair"),
       report("k2", "battery.outbound", UNREGISTERED, "2026-07-01", codes=[P[2]], to=RC, source="repair")]
write("array_commit_reject.json", json.dumps(arr) + "\n", "utf-8", {
    "format": "JSON", "encoding": "UTF-8", "accepted": 0, "withheld": 1,
    "rejects": [[2, "/reporter", "auth.unregistered"]], "stored": {}}, newline="\n")

# 7. A valid JSON array, upper-case extension: stored whole.
arr = [report("a1", "battery.outbound", VM, "2026-07-01", codes=[P[1]], to=RC, source="repair"),
       report("a2", "battery.inbound", RC, "2026-07-02", codes=[P[1]], **{"from": VM})]
write("array_ok.JSON", json.dumps(arr) + "\n", "utf-8", {
    "format": "JSON", "encoding": "UTF-8", "accepted": 2, "withheld": 0, "rejects": [],
    "stored": {"a1": {"occurred": "2026-07-01", "contains": P[1]}}}, newline="\n")
