// Bounded line splitting over a stream or a buffer (see line_source.h).
#include "ingest/line_source.h"

#include <algorithm>

namespace battrace::ingest {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;
constexpr size_t kTooLongPrefixBytes = 256;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

LineSource::LineSource(std::istream& in, size_t max_line_bytes)
    : in_(&in), storage_(kChunkBytes, '\0'), max_line_bytes_(max_line_bytes) {}

LineSource::LineSource(std::string_view buffer, size_t max_line_bytes)
    : buffered_(buffer), max_line_bytes_(max_line_bytes) {}

bool LineSource::Fill() {
  if (!buffered_.empty()) return true;
  if (in_ == nullptr || !status_.ok()) return false;
  in_->read(storage_.data(), static_cast<std::streamsize>(storage_.size()));
  const auto n = static_cast<size_t>(in_->gcount());
  if (in_->bad()) {
    status_ = Status::IOError("read failed after line " + std::to_string(number_));
    return false;
  }
  buffered_ = std::string_view(storage_.data(), n);
  return n > 0;
}

bool LineSource::Next(Line* line) {
  if (!Fill()) return false;
  line_.clear();
  const bool from_buffer = in_ == nullptr;  // then the whole line lies in the caller's buffer
  // Stream mode keeps at most the limit plus a "\r" and one byte, enough to tell a line of
  // exactly the limit from a longer one.
  const size_t keep = max_line_bytes_ + 2;
  bool truncated = false;
  std::string_view whole;
  while (true) {
    const size_t nl = buffered_.find('\n');
    const std::string_view piece = buffered_.substr(0, nl);
    if (from_buffer) {
      whole = piece;
    } else {
      const size_t room = keep - std::min(line_.size(), keep);
      truncated = truncated || piece.size() > room;
      line_.append(piece.substr(0, room));
    }
    if (nl != std::string_view::npos) {
      buffered_.remove_prefix(nl + 1);
      break;
    }
    buffered_ = {};
    if (!Fill()) break;
  }
  std::string_view text = from_buffer ? whole : std::string_view(line_);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (at_start_ && text.substr(0, kBom.size()) == kBom) {
    text.remove_prefix(kBom.size());
    bom_ = true;
  }
  at_start_ = false;
  line->number = ++number_;
  line->too_long = truncated || text.size() > max_line_bytes_;
  line->text = line->too_long ? text.substr(0, kTooLongPrefixBytes) : text;
  return true;
}

}  // namespace battrace::ingest
