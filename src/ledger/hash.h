// Hashes of the battrace ledger: the RFC 9162 Merkle tree hashing of report leaves and
// interior nodes, and the text encodings (base64, hex) in which hashes leave the process.
//
// Every accepted report becomes a leaf; its leaf hash is SHA-256(0x00 || leaf data) and an
// interior node's hash is SHA-256(0x01 || left || right). The distinct prefixes keep a leaf
// from ever being mistaken for a node. See docs/ledger-format.md.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace battrace::ledger {

using Hash = std::array<uint8_t, 32>;

// SHA-256 of the concatenation of `parts` (for hashes other than the tree's, e.g. the audit
// trail's chain, store/audit.h).
Hash Sha256(std::initializer_list<std::string_view> parts);

// SHA-256(0x00 || data): the hash of a leaf whose data is `data`.
Hash LeafHash(std::string_view data);

// SHA-256(0x01 || left || right): the hash of an interior node.
Hash NodeHash(const Hash& left, const Hash& right);

// SHA-256 of the empty string: the root hash of the empty tree.
const Hash& EmptyRootHash();

// Standard base64 (RFC 4648 section 4, with padding) of arbitrary bytes.
std::string Base64Encode(std::span<const uint8_t> bytes);

// Decodes standard padded base64. Only the canonical encoding is accepted: no whitespace,
// no missing padding, no non-zero unused bits, so each byte string has exactly one text.
// `field` names the input in the error.
Result<std::vector<uint8_t>> Base64Decode(std::string_view text, const std::string& field);

// The 44-character base64 of a hash.
std::string HashToBase64(const Hash& hash);
// Parses the canonical base64 of exactly 32 bytes.
Result<Hash> HashFromBase64(std::string_view text, const std::string& field = "hash");

// The 64-character lower-case hex of a hash.
std::string HashToHex(const Hash& hash);
// Parses 64 hex digits (either case).
Result<Hash> HashFromHex(std::string_view text, const std::string& field = "hash");

}  // namespace battrace::ledger
