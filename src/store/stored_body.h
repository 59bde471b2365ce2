// The stored form of a report's body (docs/data-model.md, "report" and "body_dictionary"), the
// same on both engines: the canonical JSON as it is, or compressed with zstd and a dictionary
// the store trained from its own reports. The leaf hash stays the hash of the canonical JSON:
// every reader decodes the stored form before it hashes or parses a body. The row description
// of `report` (store/tables.h, codec rows::CompressedBody) is the one place that writes and
// reads the form.
//
// A stored body, by its first byte:
//   '{'   the canonical JSON itself (a body is a JSON object): the bodies appended before the
//         store had a dictionary, and every body of a store from before schema version 10;
//   0x01  zstd: the id of the dictionary (an unsigned LEB128 number of at most 4 bytes; 0: no
//         dictionary), then one zstd frame (RFC 8878) without its 4-byte magic number, which
//         says its content size and carries no checksum and no dictionary id.
// Anything else, a header cut short, a dictionary the store does not hold, a frame that does not
// decompress or whose size is not what it says: Corruption, never a crash.
//
// BodyCodec is one connection's zstd state: the contexts, the dictionary new bodies are
// compressed with, and every dictionary read so far, prepared once (preparing a dictionary costs
// more than decoding a thousand bodies). Not thread-safe: a connection is used by one thread at
// a time. A writer also keeps here which dictionary stage it has trained (DictionaryPolicy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace battrace::store::common {

inline constexpr char kRawBody = '{';
inline constexpr char kZstdBody = '\x01';
// No report is this large: a frame that claims more is damage, not a reason to allocate.
inline constexpr size_t kMaxBodyBytes = size_t{64} << 20;

// A row of body_dictionary.
struct BodyDictionary {
  int64_t id = 0;               // 1, 2, ...: in the order the store trained them
  int64_t trained_at_leaf = 0;  // the ledger's size when it was trained
  std::string bytes;            // the zstd dictionary (ZDICT_trainFromBuffer)
};

class BodyCodec {
 public:
  // Reads the dictionary `id` from the store; nullopt when it holds none of that id.
  using Loader = std::function<Result<std::optional<BodyDictionary>>(int64_t id)>;

  // `load` is called the first time a body names a dictionary this codec has not prepared.
  BodyCodec(const DictionaryPolicy& policy, Loader load);
  ~BodyCodec();
  BodyCodec(const BodyCodec&) = delete;
  BodyCodec& operator=(const BodyCodec&) = delete;

  // The stored form of `body` (canonical JSON): compressed with the dictionary in use, or the
  // body itself when there is none or compressing would not make it smaller. A body that does
  // not start with '{' (no report's) is compressed all the same, without a dictionary when
  // there is none, so that it is never taken for a raw one. The view is valid until the next
  // Encode.
  std::string_view Encode(std::string_view body);
  // The canonical JSON that `stored` holds, into `body`. Corruption naming what is wrong with
  // `stored`; the loader's errors as they are.
  Status Decode(std::string_view stored, std::string& body);

  // The dictionary new bodies are compressed with; id 0 when none.
  int64_t current_id() const { return current_.id; }
  // Compresses new bodies with the store's dictionary `latest_id` (0: none) from now on, when it
  // is newer than the one in use: a writer calls it under the write lock, so that a dictionary
  // another connection trained is used here too.
  Status Follow(int64_t latest_id);

  // Inside a writer's transaction that leaves the ledger at `size` leaves (REQUIRES: Follow was
  // called under its write lock): when a dictionary is due, trains one on a sample of the
  // ledger of `store` (TrainOnLedger), numbered after the one in use, and hands it to `insert`
  // (the engine's statement). Due: `size` has reached a stage (DictionaryStage) past the one
  // the dictionary in use was trained in, and this codec has not tried that stage yet (a sample
  // zstd cannot train on is not tried again at every commit). True when it stored one: once the
  // transaction has committed, Adopt() compresses with it.
  Result<bool> TrainIfDue(Store& store, uint64_t size,
                          const std::function<Status(const BodyDictionary&)>& insert);
  // Compresses new bodies with the dictionary TrainIfDue stored. REQUIRES: its transaction
  // committed.
  void Adopt();

 private:
  struct Prepared;
  Result<const Prepared*> Find(int64_t id);
  // Checks that zstd takes `dictionary` (Corruption if not) and keeps it ready for Adopt, until
  // Adopt or the next Follow.
  Status Prepare(const BodyDictionary& dictionary);

  DictionaryPolicy policy_;
  Loader load_;
  struct Contexts;
  std::unique_ptr<Contexts> zstd_;
  std::map<int64_t, std::unique_ptr<Prepared>> prepared_;  // by dictionary id
  BodyDictionary current_;  // bytes left empty: they live in prepared_
  const Prepared* compress_with_ = nullptr;
  std::unique_ptr<Prepared> pending_;  // prepared, its row not yet committed
  int64_t pending_id_ = 0, pending_trained_at_ = 0;
  uint64_t tried_stage_ = 0;
  std::string frame_, out_;  // Encode's scratch
  std::string in_;           // Decode's: the frame with its magic number
};

// The ledger size at which the dictionary of the ledger of `size` leaves is trained: the
// largest first_at × growth^n that is at most `size`; 0 when `size` is below first_at.
uint64_t DictionaryStage(const DictionaryPolicy& policy, uint64_t size);

// The leaves a dictionary is trained on when the ledger has `size` leaves, as runs (first leaf,
// count): all of them when there are at most `sample`, else 20 runs of sample / 20 consecutive
// leaves spread evenly over the ledger, the first at leaf 0.
std::vector<std::pair<uint64_t, uint64_t>> SampleRuns(uint64_t size, size_t sample);

// A zstd dictionary of at most `capacity` bytes trained on `samples` (bodies); nullopt when zstd
// cannot train on them (too few, or too small): the store then keeps its bodies as they are.
std::optional<std::string> TrainDictionary(const std::vector<std::string>& samples,
                                           size_t capacity);

// Reads the SampleRuns of the ledger of `size` leaves from `store` (inside the writer's
// transaction) and trains on their bodies.
Result<std::optional<std::string>> TrainOnLedger(Store& store, uint64_t size,
                                                 const DictionaryPolicy& policy);

}  // namespace battrace::store::common
