#!/usr/bin/env bash
# The ledger's proofs and signed checkpoints, checked by an independent verifier written from
# RFC 9162 and RFC 8032 alone (rfc9162_verify.py, Python standard library), and offline with
# `battrace verify --receipt` given nothing but the public key. The store is on the engine
# BATTRACE_TEST_ENGINE names (engines.sh).
# usage: proof_check.sh BATTRACE INGEST_TOOL VERIFY_PY WORKDIR
set -euo pipefail
battrace=$1 tool=$2 py=$3 work=$4
. "$(dirname "$0")/engines.sh"
engine_require
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$tool" generate 4000 all.ndjson registry.ndjson
head -n 3000 all.ndjson >first.ndjson
tail -n +3001 all.ndjson >second.ndjson
store_new "$PWD" t
"$battrace" init "${STORE[@]}" --origin proof.test/ledger >/dev/null
"$battrace" registry import "${STORE[@]}" registry.ndjson >/dev/null
# The registry's records are the first leaves; the reports follow.
base=$(wc -l <registry.ndjson)
"$battrace" pubkey "${STORE[@]}" >key.txt
key=$(cat key.txt)

"$battrace" import "${STORE[@]}" --replay --receipts receipts.ndjson first.ndjson >/dev/null
"$battrace" checkpoint "${READ[@]}" >cp1.txt
python3 "$py" note --key "$key" --note cp1.txt >cp1.json
old_root=$(python3 -c 'import json,sys; print(json.load(open("cp1.json"))["root"])')

for leaf in 0 1 $base $((base + 1499)) $((base + 2998)) $((base + 2999)); do
  "$battrace" proof "${READ[@]}" --leaf "$leaf" >p.json
  python3 "$py" proof-json --file p.json --key "$key" --note cp1.txt
done

"$battrace" import "${STORE[@]}" --replay second.ndjson >/dev/null
"$battrace" checkpoint "${READ[@]}" >cp2.txt
"$battrace" proof "${READ[@]}" --from $((base + 3000)) --to $((base + 4000)) >c.json
python3 "$py" proof-json --file c.json --key "$key" --note cp2.txt --old-root "$old_root"

# A tampered proof must be refused by the independent verifier.
"$battrace" proof "${READ[@]}" --leaf 7 >p.json
python3 -c '
import json, base64
p = json.load(open("p.json")); h = bytearray(base64.b64decode(p["hashes"][0])); h[0] ^= 1
p["hashes"][0] = base64.b64encode(bytes(h)).decode(); json.dump(p, open("bad.json", "w"))'
if python3 "$py" proof-json --file bad.json --key "$key" --note cp2.txt 2>/dev/null; then
  echo "proof check: a tampered proof was accepted" >&2
  exit 1
fi

# Offline: one receipt, the checkpoint, the proof and the public key.
sed -n 1234p receipts.ndjson >receipt.json
leaf=$(python3 -c 'import json; print(json.load(open("receipt.json"))["leaf_index"])')
"$battrace" proof "${READ[@]}" --leaf "$leaf" >rp.json
"$battrace" verify --receipt receipt.json --checkpoint cp2.txt --proof rp.json --key key.txt
python3 -c '
import json, base64
r = json.load(open("receipt.json")); h = bytearray(base64.b64decode(r["leaf_hash"])); h[5] ^= 0x40
r["leaf_hash"] = base64.b64encode(bytes(h)).decode(); json.dump(r, open("forged.json", "w"))'
if "$battrace" verify --receipt forged.json --checkpoint cp2.txt --proof rp.json --key key.txt; then
  echo "proof check: a forged receipt verified" >&2
  exit 1
fi
echo "proof check: ok"
