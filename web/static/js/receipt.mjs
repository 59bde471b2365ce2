// The ledger receipt of a battery's passport page (/b/{code}), checked in the browser: the
// page embeds the production report's leaf (index, hash), the inclusion proof up to the latest
// signed checkpoint, the checkpoint note and the ledger's verifier key
// (<script type="application/json" id="receipt">). This script verifies the note's Ed25519
// signature with the key (docs/ledger-format.md 4.2, 4.3) and recomputes the checkpoint's root
// from the leaf hash and the proof (RFC 9162 2.1.3.2), with WebCrypto alone, and says in
// #receipt-status whether the leaf is recorded in the signed ledger. Where the browser has no
// Ed25519, it says the receipt was not checked here. It is loaded by every passport page, and
// marks the page ready when it is done (body[data-ready="1"]).

const encoder = new TextEncoder();

function fromBase64(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

// The verifier key text "<name>+<key id hex>+<base64(0x01 || public key)>", its key id
// recomputed (docs/ledger-format.md 4.3). A name holds no '+'; the base64 may.
async function parseKey(text) {
  const [name, idHex, ...base64Parts] = text.split('+');
  const keyB64 = base64Parts.join('+');
  if (!name || !idHex || !keyB64) throw new Error('malformed verifier key');
  const typed = fromBase64(keyB64);
  if (typed.length !== 33 || typed[0] !== 1) throw new Error('not an Ed25519 verifier key');
  const id = (await sha256(concat(encoder.encode(name), new Uint8Array([0x0a]), typed))).slice(0, 4);
  const hex = Array.from(id, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== idHex) throw new Error('the key id does not match the key');
  return { name, id, publicKey: typed.slice(1) };
}

// The signed note split at its last blank line: the body (with its final newline) and the
// signature of `key` found among the signature lines.
function openNote(note, key) {
  const cut = note.lastIndexOf('\n\n');
  if (cut < 0) throw new Error('no signature lines');
  const body = note.slice(0, cut + 1);
  for (const line of note.slice(cut + 2).split('\n')) {
    if (!line.startsWith('\u2014 ')) continue;
    const [name, sigB64] = line.slice(2).split(' ');
    if (name !== key.name || !sigB64) continue;
    const sig = fromBase64(sigB64);
    if (sig.length === 68 && equal(sig.slice(0, 4), key.id)) return { body, signature: sig.slice(4) };
  }
  throw new Error('the note carries no signature of the ledger key');
}

// RFC 9162 2.1.3.2: the root that `hashes` lead to from leaf `index` of a tree of `size`
// leaves, or null when the proof does not fit the tree.
async function rootFromProof(index, size, leafHash, hashes) {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  const node = (left, right) => sha256(concat(new Uint8Array([1]), left, right));
  for (const p of hashes) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await node(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// 'ok', 'mismatch' or 'unsupported' (no Ed25519 in this browser's WebCrypto).
export async function checkReceipt(receipt) {
  let key;
  let opened;
  try {
    key = await parseKey(receipt.key);
    opened = openNote(receipt.note, key);
  } catch {
    return 'mismatch';
  }
  const [, sizeLine, rootLine] = opened.body.split('\n');
  if (Number(sizeLine) !== receipt.tree_size) return 'mismatch';
  const root = await rootFromProof(
    receipt.leaf_index,
    receipt.tree_size,
    fromBase64(receipt.leaf_hash),
    receipt.hashes.map(fromBase64),
  );
  if (!root || !equal(root, fromBase64(rootLine))) return 'mismatch';
  let publicKey;
  try {
    publicKey = await crypto.subtle.importKey('raw', key.publicKey, { name: 'Ed25519' }, false, [
      'verify',
    ]);
  } catch {
    return 'unsupported';
  }
  const valid = await crypto.subtle.verify(
    'Ed25519',
    publicKey,
    opened.signature,
    encoder.encode(opened.body),
  );
  return valid ? 'ok' : 'mismatch';
}

async function main() {
  const data = document.getElementById('receipt');
  const status = document.getElementById('receipt-status');
  if (!data || !status) return;
  status.textContent = status.dataset.checking;
  status.dataset.outcome = 'checking';
  let outcome;
  try {
    outcome = await checkReceipt(JSON.parse(data.textContent));
  } catch {
    outcome = 'mismatch';
  }
  status.textContent = status.dataset[outcome];
  status.dataset.outcome = outcome;
}

// body[data-ready="1"] once the page is final, as the app's pages say it (tests wait for it).
main().finally(() => {
  document.body.dataset.ready = '1';
});
