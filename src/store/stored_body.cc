#include "store/stored_body.h"

#include <zdict.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <new>

namespace battrace::store::common {
namespace {

constexpr int kLevel = 3;
// A zstd frame's magic number, as its first 4 bytes (RFC 8878, 3.1.1): left out of the stored
// form, which says itself that a frame follows.
constexpr std::array<char, 4> kMagic = {'\x28', '\xB5', '\x2F', '\xFD'};
constexpr size_t kMaxIdBytes = 4;  // ids below 2^28
constexpr size_t kRuns = 20;

Status Damaged(const std::string& what) {
  return Status::Corruption("the stored report body " + what);
}

void AppendId(int64_t id, std::string& out) {
  auto v = static_cast<uint64_t>(id);
  do {
    const auto low = static_cast<unsigned char>(v & 0x7F);
    v >>= 7;
    out += static_cast<char>(v != 0 ? (low | 0x80) : low);
  } while (v != 0);
}

}  // namespace

// A dictionary as zstd uses it (each holds its own copy of the bytes).
struct BodyCodec::Prepared {
  ZSTD_DDict* ddict = nullptr;
  ZSTD_CDict* cdict = nullptr;  // only for a dictionary this codec compresses with (Prepare)
  ~Prepared() {
    ZSTD_freeDDict(ddict);
    ZSTD_freeCDict(cdict);
  }
};

struct BodyCodec::Contexts {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  ~Contexts() {
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
  }
};

BodyCodec::BodyCodec(const DictionaryPolicy& policy, Loader load)
    : policy_(policy), load_(std::move(load)), zstd_(std::make_unique<Contexts>()) {
  if (zstd_->cctx == nullptr || zstd_->dctx == nullptr) throw std::bad_alloc();
  // The frame says its size; the stored form says which dictionary, and the leaf hash checks
  // the content.
  ZSTD_CCtx_setParameter(zstd_->cctx, ZSTD_c_compressionLevel, kLevel);
  ZSTD_CCtx_setParameter(zstd_->cctx, ZSTD_c_contentSizeFlag, 1);
  ZSTD_CCtx_setParameter(zstd_->cctx, ZSTD_c_checksumFlag, 0);
  ZSTD_CCtx_setParameter(zstd_->cctx, ZSTD_c_dictIDFlag, 0);
}

BodyCodec::~BodyCodec() = default;

std::string_view BodyCodec::Encode(std::string_view body) {
  const bool raw_allowed = !body.empty() && body.front() == kRawBody;
  if (compress_with_ == nullptr && raw_allowed) return body;
  frame_.resize(ZSTD_compressBound(body.size()));
  ZSTD_CCtx_reset(zstd_->cctx, ZSTD_reset_session_only);
  ZSTD_CCtx_refCDict(zstd_->cctx, compress_with_ != nullptr ? compress_with_->cdict : nullptr);
  const size_t n =
      ZSTD_compress2(zstd_->cctx, frame_.data(), frame_.size(), body.data(), body.size());
  // Compressing into ZSTD_compressBound bytes fails only when memory does: the body is stored
  // as it is.
  if (ZSTD_isError(n) != 0 || n < kMagic.size()) return body;
  out_.assign(1, kZstdBody);
  AppendId(compress_with_ != nullptr ? current_.id : 0, out_);
  out_.append(frame_.data() + kMagic.size(), n - kMagic.size());
  if (raw_allowed && out_.size() >= body.size()) return body;
  return out_;
}

Status BodyCodec::Decode(std::string_view stored, std::string& body) {
  if (stored.empty()) return Damaged("is empty");
  if (stored.front() == kRawBody) {
    body.assign(stored);
    return Status::Ok();
  }
  if (stored.front() != kZstdBody) {
    char first[8];
    std::snprintf(first, sizeof first, "0x%02x", static_cast<unsigned char>(stored.front()));
    return Damaged(std::string("has an unknown form (first byte ") + first + ")");
  }
  int64_t id = 0;
  size_t at = 1;
  for (size_t shift = 0;; shift += 7) {
    if (at >= stored.size() || at > kMaxIdBytes) {
      return Damaged("has a dictionary id cut short or longer than " + std::to_string(kMaxIdBytes) +
                     " bytes");
    }
    const auto byte = static_cast<unsigned char>(stored[at++]);
    id |= static_cast<int64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  const ZSTD_DDict* ddict = nullptr;
  if (id != 0) {
    BATTRACE_ASSIGN_OR_RETURN(prepared, Find(id));
    if (prepared == nullptr) {
      return Damaged("names dictionary " + std::to_string(id) + ", which the store does not hold");
    }
    ddict = prepared->ddict;
  }
  in_.assign(kMagic.data(), kMagic.size());
  in_.append(stored.substr(at));
  const unsigned long long size = ZSTD_getFrameContentSize(in_.data(), in_.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return Damaged("holds no zstd frame");
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) return Damaged("holds a zstd frame that omits its size");
  if (size > kMaxBodyBytes) {
    return Damaged("holds a zstd frame of " + std::to_string(size) +
                   " bytes, more than any report");
  }
  const size_t frame = ZSTD_findFrameCompressedSize(in_.data(), in_.size());
  if (ZSTD_isError(frame) != 0) {
    return Damaged(std::string("holds a broken zstd frame: ") + ZSTD_getErrorName(frame));
  }
  if (frame != in_.size()) {
    return Damaged("has " + std::to_string(in_.size() - frame) + " bytes after its zstd frame");
  }
  body.resize(size);
  const size_t n = ZSTD_decompress_usingDDict(zstd_->dctx, body.data(), body.size(), in_.data(),
                                              in_.size(), ddict);
  if (ZSTD_isError(n) != 0) {
    body.clear();
    return Damaged(std::string("does not decompress: ") + ZSTD_getErrorName(n));
  }
  if (n != size) {
    body.clear();
    return Damaged("decompresses to " + std::to_string(n) + " bytes, not the " +
                   std::to_string(size) + " its frame says");
  }
  return Status::Ok();
}

Result<const BodyCodec::Prepared*> BodyCodec::Find(int64_t id) {
  if (auto it = prepared_.find(id); it != prepared_.end()) return it->second.get();
  BATTRACE_ASSIGN_OR_RETURN(row, load_(id));
  if (!row) return static_cast<const Prepared*>(nullptr);
  auto prepared = std::make_unique<Prepared>();
  prepared->ddict = ZSTD_createDDict(row->bytes.data(), row->bytes.size());
  if (prepared->ddict == nullptr) {
    return Status::Corruption("dictionary " + std::to_string(id) +
                              " of the store is not one zstd can use");
  }
  return prepared_.emplace(id, std::move(prepared)).first->second.get();
}

Status BodyCodec::Follow(int64_t latest_id) {
  if (pending_) {
    // Trained by a transaction that did not commit: its stage is tried again.
    pending_.reset();
    tried_stage_ = 0;
  }
  if (latest_id <= current_.id) return Status::Ok();
  BATTRACE_ASSIGN_OR_RETURN(row, load_(latest_id));
  if (!row) {
    return Status::Corruption("dictionary " + std::to_string(latest_id) +
                              " of the store cannot be read back");
  }
  BATTRACE_RETURN_IF_ERROR(Prepare(*row));
  Adopt();
  return Status::Ok();
}

Result<bool> BodyCodec::TrainIfDue(Store& store, uint64_t size,
                                   const std::function<Status(const BodyDictionary&)>& insert) {
  const uint64_t stage = DictionaryStage(policy_, size);
  if (stage == 0 || stage <= tried_stage_) return false;
  if (DictionaryStage(policy_, static_cast<uint64_t>(current_.trained_at_leaf)) >= stage) {
    return false;
  }
  tried_stage_ = stage;
  BATTRACE_ASSIGN_OR_RETURN(bytes, TrainOnLedger(store, size, policy_));
  if (!bytes) return false;
  const BodyDictionary dictionary{current_.id + 1, static_cast<int64_t>(size), *std::move(bytes)};
  BATTRACE_RETURN_IF_ERROR(Prepare(dictionary));
  BATTRACE_RETURN_IF_ERROR(insert(dictionary));
  return true;
}

Status BodyCodec::Prepare(const BodyDictionary& dictionary) {
  auto prepared = std::make_unique<Prepared>();
  const std::string& bytes = dictionary.bytes;
  prepared->ddict = ZSTD_createDDict(bytes.data(), bytes.size());
  prepared->cdict = ZSTD_createCDict(bytes.data(), bytes.size(), kLevel);
  if (prepared->ddict == nullptr || prepared->cdict == nullptr) {
    return Status::Corruption("dictionary " + std::to_string(dictionary.id) +
                              " is not one zstd can use");
  }
  pending_ = std::move(prepared);
  pending_id_ = dictionary.id;
  pending_trained_at_ = dictionary.trained_at_leaf;
  return Status::Ok();
}

void BodyCodec::Adopt() {
  if (!pending_) return;
  std::unique_ptr<Prepared>& slot = prepared_[pending_id_];
  slot = std::move(pending_);
  compress_with_ = slot.get();
  current_.id = pending_id_;
  current_.trained_at_leaf = pending_trained_at_;
}

uint64_t DictionaryStage(const DictionaryPolicy& policy, uint64_t size) {
  if (policy.first_at == 0 || size < policy.first_at) return 0;
  uint64_t stage = policy.first_at;
  while (policy.growth > 1 && stage <= size / policy.growth)
    stage *= policy.growth;
  return stage;
}

std::vector<std::pair<uint64_t, uint64_t>> SampleRuns(uint64_t size, size_t sample) {
  if (size <= sample) return {{0, size}};
  const uint64_t run = std::max<uint64_t>(sample / kRuns, 1);
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  for (uint64_t r = 0; r < kRuns; ++r)
    runs.emplace_back(size / kRuns * r, run);
  return runs;
}

std::optional<std::string> TrainDictionary(const std::vector<std::string>& samples,
                                           size_t capacity) {
  std::string joined;
  std::vector<size_t> sizes;
  sizes.reserve(samples.size());
  for (const std::string& s : samples) {
    joined += s;
    sizes.push_back(s.size());
  }
  std::string dictionary(capacity, '\0');
  const size_t n = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), joined.data(),
                                         sizes.data(), static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n) != 0 || n == 0) return std::nullopt;
  dictionary.resize(n);
  return dictionary;
}

Result<std::optional<std::string>> TrainOnLedger(Store& store, uint64_t size,
                                                 const DictionaryPolicy& policy) {
  std::vector<std::string> samples;
  for (const auto& run : SampleRuns(size, policy.sample)) {
    uint64_t taken = 0;
    BATTRACE_RETURN_IF_ERROR(store.ScanReports(run.first, [&](const StoredReport& r) {
      samples.push_back(r.body);
      return ++taken < run.second;
    }));
  }
  return TrainDictionary(samples, policy.capacity);
}

}  // namespace battrace::store::common
