#!/usr/bin/env python3
"""Independent offline verifier for battrace ledger proofs and signed checkpoints.

Written from the specifications alone, with the Python standard library only:
  * RFC 9162 section 2.1 (Merkle tree hashing, PATH, PROOF/SUBPROOF): the proofs are checked
    by rebuilding the roots from the recursive definitions, not with the RFC's bit-walking
    verification loop that battrace's C++ code uses, so the two implementations check each
    other;
  * RFC 8032 section 5.1.7 (Ed25519 verification), in pure Python (slow, fine for tests);
  * C2SP signed-note and tlog-checkpoint;
  * C2SP tlog-cosignature (cosignature/v1: witness cosignatures of a checkpoint).

Commands (exit status 0 = verified, 1 = not verified, 2 = usage error):

  rfc9162_verify.py inclusion --leaf-hash B64 --index N --size M --root B64 --proof B64,B64,...
  rfc9162_verify.py consistency --from N --to M --old-root B64 --new-root B64 --proof B64,...
  rfc9162_verify.py note --key VERIFIER_KEY_TEXT --note FILE
                        [--witness-key COSIGNER_KEY_TEXT ... [--min-cosignatures N]]
  rfc9162_verify.py proof-json --file PROOF.json (--root B64 [--old-root B64]
                                                  | --key VERIFIER_KEY_TEXT --note FILE)

An empty --proof "" is an empty proof. `note` prints the checkpoint (origin, size, root) as
JSON when the verified note text is a checkpoint. With --witness-key it also requires valid
cosignatures (type 0x04 keys) by at least N of those witnesses (default: all of them), and
prints how many it found.

Proof JSON files (hashes are standard base64 of 32 bytes):
  inclusion:   {"leaf_index": N, "tree_size": M, "leaf_hash": B64, "hashes": [B64, ...]}
  consistency: {"from": N, "to": M, "hashes": [B64, ...]}
For an inclusion proof the root is --root, or the root of the signed checkpoint given with
--note/--key (whose size must equal tree_size). For a consistency proof the new root is
--root or the checkpoint's (whose size must equal "to"), and the old root is --old-root.
Other members are ignored.
"""

import argparse
import base64
import binascii
import hashlib
import json
import sys


# ---------------------------------------------------------------- RFC 9162 Merkle trees

def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n):
    """The largest power of two smaller than n (n > 1): the RFC's k."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root_from_inclusion(index, size, leaf, proof):
    """Root implied by PATH(index, D[size]) = proof, or None if the proof has the wrong length.

    PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])   if m < k
                  = PATH(m - k, D[k:n]) : MTH(D[0:k]) otherwise
    so the last element of the proof is the sibling of the top-level split.
    """
    if size == 1:
        return leaf if not proof else None
    if not proof:
        return None
    k = split(size)
    sibling, rest = proof[-1], proof[:-1]
    if index < k:
        left = root_from_inclusion(index, k, leaf, rest)
        return None if left is None else node_hash(left, sibling)
    right = root_from_inclusion(index - k, size - k, leaf, rest)
    return None if right is None else node_hash(sibling, right)


def verify_inclusion(index, size, leaf, proof, root):
    if not 0 <= index < size:
        return False
    return root_from_inclusion(index, size, leaf, list(proof)) == root


def roots_from_consistency(m, n, complete, proof, old_root):
    """(old root, new root) implied by SUBPROOF(m, D[n], complete) = proof, or None.

    SUBPROOF(m, D[m], true)  = {}            (the old tree itself, known to the verifier)
    SUBPROOF(m, D[m], false) = {MTH(D[m])}
    SUBPROOF(m, D[n], b)     = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])          if m <= k
                             = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])  if m > k
    """
    if m == n:
        if complete:
            return (old_root, old_root) if not proof else None
        return (proof[0], proof[0]) if len(proof) == 1 else None
    if not proof:
        return None
    k = split(n)
    sibling, rest = proof[-1], proof[:-1]
    if m <= k:
        sub = roots_from_consistency(m, k, complete, rest, old_root)
        return None if sub is None else (sub[0], node_hash(sub[1], sibling))
    sub = roots_from_consistency(m - k, n - k, False, rest, old_root)
    return None if sub is None else (node_hash(sibling, sub[0]), node_hash(sibling, sub[1]))


def verify_consistency(first, second, old_root, new_root, proof):
    if not 0 < first <= second:
        return False
    roots = roots_from_consistency(first, second, True, list(proof), old_root)
    return roots == (old_root, new_root)


# ---------------------------------------------------------------- RFC 8032 Ed25519

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def inv(x):
    return pow(x, P - 2, P)


def point_add(a, b):
    """Addition in extended homogeneous coordinates (X, Y, Z, T), RFC 8032 5.1.4."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = t1 * 2 * D * t2 % P
    dd = z1 * 2 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def scalar_mult(s, point):
    result = (0, 1, 1, 0)  # the neutral element
    while s > 0:
        if s & 1:
            result = point_add(result, point)
        point = point_add(point, point)
        s >>= 1
    return result


def point_equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def decode_point(raw):
    """RFC 8032 5.1.3; None if the 32 bytes are not a point."""
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if (v * x * x - u) % P != 0:
        if (v * x * x + u) % P != 0:
            return None
        x = x * SQRT_M1 % P
    if x == 0 and sign == 1:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


BASE_Y = 4 * inv(5) % P
BASE = decode_point(BASE_Y.to_bytes(32, "little"))


def ed25519_verify(public_key, message, signature):
    """RFC 8032 5.1.7 (cofactored check [8][S]B = [8]R + [8][k]A)."""
    if len(signature) != 64:
        return False
    a = decode_point(public_key)
    r = decode_point(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little")
    left = scalar_mult(8 * s, BASE)
    right = scalar_mult(8, point_add(r, scalar_mult(k % L, a)))
    return point_equal(left, right)


# ---------------------------------------------------------------- C2SP signed notes

EM_DASH = "\u2014"


def b64decode(text):
    """Strict standard base64 (RFC 4648 section 4)."""
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("non-canonical base64")
    return raw


def parse_verifier_key(text, key_type=0x01):
    """(name, key id, public key) of a vkey of signature type `key_type` (0x01 note signer,
    0x04 cosignature/v1 witness)."""
    name, key_id_hex, key_b64 = text.split("+", 2)
    key = b64decode(key_b64)
    if not name or len(key_id_hex) != 8 or len(key) != 33 or key[0] != key_type:
        raise ValueError("not an Ed25519 verifier key of type 0x%02x" % key_type)
    key_id = int(key_id_hex, 16)
    expected = hashlib.sha256(name.encode("utf-8") + b"\n" + key).digest()[:4]
    if int.from_bytes(expected, "big") != key_id:
        raise ValueError("key id does not match the key")
    return name, key_id, key[1:]


def open_note(note, verifier_key):
    """The note text (str) if `note` (bytes) carries a valid signature by the key, else None."""
    name, key_id, public_key = parse_verifier_key(verifier_key)
    try:
        text = note.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        return None
    cut = text.rfind("\n\n")
    if cut < 0:
        return None
    body, signatures = text[: cut + 1], text[cut + 2:]
    lines = signatures[:-1].split("\n") if signatures else []
    if not lines:
        return None
    verified = False
    for line in lines:
        if not line.startswith(EM_DASH + " "):
            return None
        parts = line[2:].split(" ")
        if len(parts) != 2 or not parts[0] or "+" in parts[0]:
            return None
        try:
            blob = b64decode(parts[1])
        except (ValueError, binascii.Error):
            return None
        if len(blob) < 5:
            return None
        if parts[0] != name or int.from_bytes(blob[:4], "big") != key_id:
            continue
        if not ed25519_verify(public_key, body.encode("utf-8"), blob[4:]):
            return None
        verified = True
    return body if verified else None


def note_signatures(note):
    """(name, key id, signature bytes) of each signature line of a note (bytes) already opened."""
    text = note.decode("utf-8")
    lines = text[text.rfind("\n\n") + 2:-1].split("\n")
    out = []
    for line in lines:
        name, sig = line[2:].split(" ")
        blob = b64decode(sig)
        out.append((name, int.from_bytes(blob[:4], "big"), blob[4:]))
    return out


def count_cosignatures(note, body, witness_keys):
    """How many of the witnesses have a valid cosignature/v1 on the note text `body`; None if a
    line by one of them does not verify (C2SP tlog-cosignature)."""
    cosigned = set()
    for key_text in witness_keys:
        name, key_id, public_key = parse_verifier_key(key_text, 0x04)
        for sig_name, sig_id, blob in note_signatures(note):
            if sig_name != name or sig_id != key_id:
                continue
            if len(blob) != 8 + 64:
                return None
            timestamp = int.from_bytes(blob[:8], "big")
            if timestamp >= 2**63:
                return None
            message = ("cosignature/v1\ntime %d\n" % timestamp + body).encode("utf-8")
            if not ed25519_verify(public_key, message, blob[8:]):
                return None
            cosigned.add(key_text)
    return len(cosigned)


def parse_checkpoint(text):
    """(origin, size, root bytes) of a tlog-checkpoint note text, or None."""
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(not line for line in lines):
        return None
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (len(size) > 1 and size[0] == "0"):
        return None
    try:
        root_hash = b64decode(root)
    except (ValueError, binascii.Error):
        return None
    if len(root_hash) != 32:
        return None
    return origin, int(size), root_hash


# ---------------------------------------------------------------- command line

def hash_arg(text):
    raw = b64decode(text)
    if len(raw) != 32:
        raise ValueError("a hash is 32 bytes")
    return raw


def proof_arg(text):
    return [hash_arg(h) for h in text.split(",")] if text else []


def checkpoint_from_args(args):
    with open(args.note, "rb") as f:
        text = open_note(f.read(), args.key)
    return None if text is None else parse_checkpoint(text)


def run(args):
    if args.command == "inclusion":
        return verify_inclusion(args.index, args.size, hash_arg(args.leaf_hash),
                                proof_arg(args.proof), hash_arg(args.root))
    if args.command == "consistency":
        return verify_consistency(args.first, args.second, hash_arg(args.old_root),
                                  hash_arg(args.new_root), proof_arg(args.proof))
    if args.command == "note":
        with open(args.note, "rb") as f:
            text = open_note(f.read(), args.key)
        if text is None:
            return False
        if args.witness_key:
            needed = len(args.witness_key) if args.min_cosignatures is None \
                else args.min_cosignatures
            with open(args.note, "rb") as f:
                count = count_cosignatures(f.read(), text, args.witness_key)
            if count is None:
                print("a cosignature by a given witness does not verify", file=sys.stderr)
                return False
            print("%d of %d witnesses cosigned (%d required)"
                  % (count, len(args.witness_key), needed), file=sys.stderr)
            if count < needed:
                return False
        checkpoint = parse_checkpoint(text)
        if checkpoint is not None:
            origin, size, root = checkpoint
            print(json.dumps({"origin": origin, "size": size,
                              "root": base64.b64encode(root).decode("ascii")}))
        return True
    # proof-json
    with open(args.file, "rb") as f:
        doc = json.load(f)
    size = None
    if args.root is not None:
        root = hash_arg(args.root)
    elif args.note is not None and args.key is not None:
        checkpoint = checkpoint_from_args(args)
        if checkpoint is None:
            return False
        _, size, root = checkpoint
    else:
        raise ValueError("proof-json needs --root, or --note and --key")
    hashes = [hash_arg(h) for h in doc["hashes"]]
    if "leaf_index" in doc:
        if size is not None and size != doc["tree_size"]:
            return False
        return verify_inclusion(doc["leaf_index"], doc["tree_size"], hash_arg(doc["leaf_hash"]),
                                hashes, root)
    if args.old_root is None:
        raise ValueError("a consistency proof needs --old-root")
    if size is not None and size != doc["to"]:
        return False
    return verify_consistency(doc["from"], doc["to"], hash_arg(args.old_root), root, hashes)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inclusion")
    p.add_argument("--leaf-hash", required=True)
    p.add_argument("--index", type=int, required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--proof", required=True)
    p = sub.add_parser("consistency")
    p.add_argument("--from", dest="first", type=int, required=True)
    p.add_argument("--to", dest="second", type=int, required=True)
    p.add_argument("--old-root", required=True)
    p.add_argument("--new-root", required=True)
    p.add_argument("--proof", required=True)
    p = sub.add_parser("note")
    p.add_argument("--key", required=True)
    p.add_argument("--note", required=True)
    p.add_argument("--witness-key", action="append", default=[])
    p.add_argument("--min-cosignatures", type=int)
    p = sub.add_parser("proof-json")
    p.add_argument("--file", required=True)
    p.add_argument("--root")
    p.add_argument("--old-root")
    p.add_argument("--key")
    p.add_argument("--note")
    args = parser.parse_args(argv)
    try:
        ok = run(args)
    except (ValueError, KeyError, TypeError, binascii.Error, OSError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    print("verified" if ok else "NOT verified", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
