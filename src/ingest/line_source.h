// Physical lines of a bulk file, bounded in length: the layer under the NDJSON and CSV readers.
// Private to src/ingest.
//
// Reads from a std::istream in chunks or walks a memory buffer, strips the line ending ("\n" or
// "\r\n") and a UTF-8 byte order mark at the start, and never holds more than the line limit of
// one line in memory: a longer line is reported as too long and skipped to its end.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

#include "core/status.h"

namespace battrace::ingest {

class LineSource {
 public:
  // REQUIRES: `in` (or the bytes of `buffer`) outlives the source.
  LineSource(std::istream& in, size_t max_line_bytes);
  LineSource(std::string_view buffer, size_t max_line_bytes);

  struct Line {
    size_t number = 0;      // 1-based
    std::string_view text;  // without its line ending; valid until the next call
    bool too_long = false;  // then `text` holds only the line's first bytes
  };

  // The next line, or false at the end of input (or on a read error: see status()).
  bool Next(Line* line);
  // IOError when the stream failed other than by reaching its end; OK otherwise.
  Status status() const { return status_; }
  // Whether the input began with a UTF-8 byte order mark (known after the first Next).
  bool bom() const { return bom_; }

 private:
  // Makes at least one more byte available in buffered_; false at the end of input.
  bool Fill();

  std::istream* in_ = nullptr;
  std::string storage_;        // stream mode: the chunk buffer
  std::string_view buffered_;  // unread bytes (of storage_ or of the caller's buffer)
  std::string line_;           // stream mode: the line being assembled
  size_t max_line_bytes_;
  size_t number_ = 0;
  bool at_start_ = true;
  bool bom_ = false;
  Status status_;
};

}  // namespace battrace::ingest
