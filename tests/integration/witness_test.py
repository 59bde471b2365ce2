#!/usr/bin/env python3
"""Witnessing end to end (C2SP tlog-witness, tlog-cosignature; docs/ledger-format.md section 8).

A regulator's witness (`battrace witness`) follows the ledger's key; `battrace serve --witness`
pushes each new checkpoint to it and stores the cosignature it gets back. The test checks:
  * the checkpoint served by GET /v1/ledger/checkpoint and `battrace checkpoint` carries the
    witness's cosignature, before and after reports are posted;
  * `battrace verify --witness-key W --min-cosignatures 1` passes on the store and on a receipt
    with its note, and fails with another witness's key; the independent verifier
    (rfc9162_verify.py note --witness-key) agrees;
  * the operator, holding the ledger's signing key, cannot get a rewritten history cosigned:
    a forged checkpoint of the same size with another root (a fork) is refused with 409 and the
    witness keeps its state; a smaller tree (a rollback) is refused; a bad consistency proof
    gets 422; an origin the witness does not follow 404; a note not signed by the followed key
    403;
  * the witness's state survives its restart.

Forged checkpoints are signed here with the ledger's own key file by a pure-Python RFC 8032
signer, as an operator rewriting history would sign them.

usage: witness_test.py BATTRACE WORKDIR
"""
import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engines  # noqa: E402
import rfc9162_verify as rfc  # noqa: E402
from api_support import Checks, Fixture, Listener, Server, run  # noqa: E402

WITNESS_LINE = re.compile(r"battrace witness on http://127\.0\.0\.1:(\d+)/")
EM_DASH = "\u2014"
ok = Checks()


# ------------------------------------------------------------------ Ed25519 signing (RFC 8032)

def _encode(point):
    x, y, z, _ = point
    zi = rfc.inv(z)
    x, y = x * zi % rfc.P, y * zi % rfc.P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def ed25519_sign(seed, message):
    """RFC 8032 section 5.1.6."""
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    public = _encode(rfc.scalar_mult(a, rfc.BASE))
    r = int.from_bytes(hashlib.sha512(h[32:] + message).digest(), "little") % rfc.L
    big_r = _encode(rfc.scalar_mult(r, rfc.BASE))
    k = int.from_bytes(hashlib.sha512(big_r + public + message).digest(), "little") % rfc.L
    return big_r + ((r + k * a) % rfc.L).to_bytes(32, "little"), public


def sign_note(body, name, seed):
    """A C2SP signed note of `body` by the Ed25519 key `seed` named `name` (type 0x01)."""
    sig, public = ed25519_sign(seed, body.encode())
    key_id = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
    return body + "\n" + EM_DASH + " " + name + " " + base64.b64encode(key_id + sig).decode() + "\n"


def key_file_seed(path):
    """The seed of a battrace key file (PRIVATE+KEY+<name>+<id>+base64(0x01 || seed))."""
    text = open(path).read().strip()
    raw = base64.b64decode(text.split("+", 4)[4])
    assert raw[0] == 1 and len(raw) == 33
    return raw[1:]


def checkpoint_body(origin, size, root):
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


# ------------------------------------------------------------------ the witness process

class Witness(Listener):
    """`battrace witness` on 127.0.0.1 and a free port; stopped with SIGTERM."""

    def __init__(self, battrace, work, key, state, logs):
        args = [battrace, "witness", "--key", key, "--state", state, "--listen", "127.0.0.1:0"]
        for log in logs:
            args += ["--log", log]
        super().__init__(args, WITNESS_LINE, os.path.join(work, f"witness-{time.monotonic_ns()}.log"))

    def add_checkpoint(self, body):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("POST", "/add-checkpoint", body=body.encode(),
                         headers={"Content-Type": "text/plain"})
            res = conn.getresponse()
            return res.status, res.getheader("Content-Type", ""), res.read().decode()
        finally:
            conn.close()


def wait_for_cosigned(server, witness_name, min_size, timeout=30):
    """The checkpoint note once GET /v1/ledger/checkpoint serves one of at least `min_size`
    leaves that carries a line by `witness_name`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st, _, data, doc = server.call("GET", "/v1/ledger/checkpoint")
        if st == 200 and doc["size"] >= min_size and \
                f"\n{EM_DASH} {witness_name} " in doc["note"]:
            return doc
        time.sleep(0.2)
    raise AssertionError(f"no checkpoint of >= {min_size} leaves cosigned by {witness_name} "
                         f"within {timeout}s: {open(server.log_path).read()[-3000:]}")


def verify_note(fx, note_path, witness_keys, min_cosignatures):
    args = [sys.executable, rfc.__file__, "note", "--key", fx.key, "--note", note_path]
    for w in witness_keys:
        args += ["--witness-key", w]
    args += ["--min-cosignatures", str(min_cosignatures)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def main():
    engines.require()
    battrace, work = sys.argv[1], sys.argv[2]
    fx = Fixture(battrace, work, vehicles=40, keep_back=120)
    log_key_path = fx.store[fx.store.index("--key") + 1] if "--key" in fx.store \
        else fx.store[fx.store.index("--db") + 1] + ".key"
    origin = "api.test/ledger"

    # The regulator's witness, and a second witness that never sees this log.
    wkey, wstate = os.path.join(work, "witness.key"), os.path.join(work, "witness-state.db")
    out = run([battrace, "witness", "keygen", "--name", "witness.regulator.test/w1",
               "--key", wkey])
    cosigner = run([battrace, "witness", "pubkey", "--key", wkey]).strip()
    ok(cosigner in out and cosigner.startswith("witness.regulator.test/w1+"), out)
    ok(base64.b64decode(cosigner.split("+", 2)[2])[0] == 0x04, cosigner)
    other_key = os.path.join(work, "other-witness.key")
    run([battrace, "witness", "keygen", "--name", "witness.other.test/w9", "--key", other_key])
    other = run([battrace, "witness", "pubkey", "--key", other_key]).strip()

    witness = Witness(battrace, work, wkey, wstate, [fx.key])
    try:
        url = f"http://127.0.0.1:{witness.port}"
        server = Server(battrace, fx.store, work, "--quiet", "--witness", f"{url}={cosigner}")
        try:
            # The imported ledger's checkpoint is pushed on the first signing tick.
            first = wait_for_cosigned(server, "witness.regulator.test/w1", 1)
            size1 = first["size"]
            ok(first["note"].count(f"{EM_DASH} witness.regulator.test/w1 ") == 1, first["note"])

            # New reports: a new checkpoint, pushed with a consistency proof from size1.
            uscc = max({r["reporter"] for r in fx.held_back},
                       key=lambda u: sum(r["reporter"] == u for r in fx.held_back))
            batch = [r for r in fx.held_back if r["reporter"] == uscc][:20]
            st, _, data, res = server.call("POST", "/v1/reports", fx.token("enterprise:" + uscc),
                                           body=batch)
            ok(st == 200 and res["accepted"] == len(batch), f"POST: {st} {data[:300]!r}")
            second = wait_for_cosigned(server, "witness.regulator.test/w1", size1 + len(batch))
            size2 = second["size"]
            note_path = os.path.join(work, "cosigned.note")
            with open(note_path, "w") as f:
                f.write(second["note"])
            ok(run([battrace, "checkpoint", *fx.read]) == second["note"],
               "battrace checkpoint serves another note than the API")
        finally:
            ok(server.stop() == 0, "serve did not stop cleanly")

        # battrace verify: the store, then a receipt with the cosigned note.
        verify = [battrace, "verify", *engines.verify_args(battrace, fx.store)]
        out = run(verify + ["--witness-key", cosigner, "--min-cosignatures", "1"])
        ok("verify: ok" in out, out)
        p = subprocess.run(verify + ["--witness-key", other], capture_output=True, text=True,
                           timeout=300)
        ok(p.returncode == 1 and "0 valid cosignature" in p.stderr, (p.returncode, p.stderr))
        receipt = fx.receipts[0]
        receipt_path = os.path.join(work, "receipt.json")
        with open(receipt_path, "w") as f:
            json.dump(receipt, f)
        proof_path = os.path.join(work, "proof.json")
        with open(proof_path, "w") as f:
            f.write(run([battrace, "proof", *fx.read, "--leaf", str(receipt["leaf_index"]),
                         "--size", str(size2)]))
        receipt_args = [battrace, "verify", "--receipt", receipt_path, "--checkpoint", note_path,
                        "--proof", proof_path, "--key", fx.key]
        out = run(receipt_args + ["--witness-key", cosigner, "--min-cosignatures", "1"])
        ok("verify: ok" in out, out)
        p = subprocess.run(receipt_args + ["--witness-key", cosigner, "--witness-key", other,
                                           "--min-cosignatures", "2"],
                           capture_output=True, text=True, timeout=60)
        ok(p.returncode == 1 and "1 valid cosignature" in p.stderr, (p.returncode, p.stderr))
        # A cosignature moved onto another checkpoint is tampering, not a missing signature.
        seed = key_file_seed(log_key_path)
        moved = sign_note(checkpoint_body(origin, size2, secrets.token_bytes(32)), origin, seed)
        moved += second["note"].split("\n\n")[-1].splitlines(keepends=True)[-1]
        moved_path = os.path.join(work, "moved.note")
        with open(moved_path, "w") as f:
            f.write(moved)
        p = verify_note(fx, moved_path, [cosigner], 1)
        ok(p.returncode == 1, ("moved cosignature accepted", p.stderr))

        # The independent verifier.
        p = verify_note(fx, note_path, [cosigner], 1)
        ok(p.returncode == 0 and "1 of 1 witnesses cosigned" in p.stderr, p.stderr)
        p = verify_note(fx, note_path, [cosigner, other], 2)
        ok(p.returncode == 1, ("two cosignatures required, one present", p.stderr))

        # ---------------------------------------------------------- the operator turns rogue
        root2 = base64.b64decode(second["note"].split("\n")[2])
        fork = sign_note(checkpoint_body(origin, size2, secrets.token_bytes(32)), origin, seed)
        st, ctype, body = witness.add_checkpoint(f"old {size2}\n\n" + fork)
        ok(st == 409, f"fork: {st} {body!r}")
        # A rollback: the smaller checkpoint cosigned earlier, from the current size or its own.
        st, _, body = witness.add_checkpoint(f"old {size2}\n\n" + first["note"])
        ok(st == 400, f"rollback from {size2}: {st} {body!r}")
        st, ctype, body = witness.add_checkpoint(f"old {size1}\n\n" + first["note"])
        ok(st == 409 and body == f"{size2}\n" and ctype.startswith("text/x.tlog.size"),
           f"rollback: {st} {ctype} {body!r}")
        # A longer forged tree with a proof that does not hold.
        longer = sign_note(checkpoint_body(origin, size2 + 3, secrets.token_bytes(32)), origin,
                           seed)
        junk = base64.b64encode(secrets.token_bytes(32)).decode()
        st, _, body = witness.add_checkpoint(f"old {size2}\n{junk}\n{junk}\n\n" + longer)
        ok(st == 422, f"bad proof: {st} {body!r}")
        # An origin it does not follow, and the followed origin signed by another key.
        stranger = secrets.token_bytes(32)
        alien = sign_note(checkpoint_body("other.test/ledger", 1, secrets.token_bytes(32)),
                          "other.test/ledger", stranger)
        st, _, body = witness.add_checkpoint("old 0\n\n" + alien)
        ok(st == 404, f"unknown origin: {st} {body!r}")
        impostor = sign_note(checkpoint_body(origin, size2, root2), origin, stranger)
        st, _, body = witness.add_checkpoint(f"old {size2}\n\n" + impostor)
        ok(st == 403, f"foreign key: {st} {body!r}")
        st, _, body = witness.add_checkpoint("junk")
        ok(st == 400, f"junk: {st} {body!r}")
        # None of that moved the witness: it still holds size2, root2 ...
        st, ctype, body = witness.add_checkpoint("old 0\n\n" + second["note"])
        ok(st == 409 and body == f"{size2}\n", f"state after refusals: {st} {body!r}")
        # ... and cosigns the honest checkpoint again.
        st, _, body = witness.add_checkpoint(f"old {size2}\n\n" + second["note"])
        ok(st == 200 and body.startswith(f"{EM_DASH} witness.regulator.test/w1 "),
           f"honest again: {st} {body!r}")
        ok(witness.stop() == 0, "witness did not stop cleanly")

        # A restarted witness remembers.
        witness = Witness(battrace, work, wkey, wstate, [fx.key])
        st, _, body = witness.add_checkpoint(f"old {size2}\n\n" + fork)
        ok(st == 409, f"fork after restart: {st} {body!r}")
        st, _, body = witness.add_checkpoint("old 0\n\n" + second["note"])
        ok(st == 409 and body == f"{size2}\n", f"state after restart: {st} {body!r}")
    finally:
        witness.kill()

    # A witness that is down never blocks writes; the checkpoint is signed all the same.
    dead = Server(battrace, fx.store, work, "--quiet", "--witness-timeout-ms", "200",
                  "--witness", f"http://127.0.0.1:9={cosigner}")
    try:
        batch = [r for r in fx.held_back if r["reporter"] == uscc][20:25]
        st, _, data, res = dead.call("POST", "/v1/reports", fx.token("enterprise:" + uscc),
                                     body=batch, timeout=10)
        ok(st == 200 and res["accepted"] == len(batch), f"POST with a dead witness: {st}")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            st, _, _, doc = dead.call("GET", "/v1/ledger/checkpoint")
            if doc["size"] >= size2 + len(batch):
                break
            time.sleep(0.2)
        ok(doc["size"] >= size2 + len(batch), "no checkpoint signed with the witness down")
        ok(dead.stop() == 0, "serve did not stop cleanly")
        ok('"event":"witness"' in open(dead.log_path).read(), "the failed push is not logged")
    finally:
        dead.kill()
    print(f"witness: ok ({ok.count} checks)")


if __name__ == "__main__":
    main()
