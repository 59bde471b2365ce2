#include "store/open_checks.h"

#include "store/schema.h"

namespace battrace::store::common {

Result<int> ParseSchemaVersion(std::string_view text) {
  int version = 0;
  bool ok = !text.empty() && text.size() <= 9 && text.front() != '0';
  for (char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) version = version * 10 + (c - '0');
  }
  if (!ok) {
    std::string shown(text.substr(0, 40));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    }
    return Status::Corruption("the store's meta schema_version is not a version number: '" + shown +
                              "' (restore the store from a backup)");
  }
  return version;
}

Status CheckSchemaVersion(int version) {
  if (version <= LatestSchemaVersion()) return Status::Ok();
  return Status::FailedPrecondition("the store has schema version " + std::to_string(version) +
                                    ", newer than this battrace knows (" +
                                    std::to_string(LatestSchemaVersion()) +
                                    "): use a newer battrace; the store was not changed");
}

Status OlderSchemaReadOnly(int version) {
  return Status::FailedPrecondition(
      "the store has schema version " + std::to_string(version) + ", older than this battrace's (" +
      std::to_string(LatestSchemaVersion()) +
      "), and was opened read-only: a command that writes (e.g. `battrace import`) migrates it");
}

Status CheckOpenOptions(const OpenOptions& options) {
  if (options.read_only && (options.create || options.key_path)) {
    return Status::Internal("a store opened read-only is neither created nor signed");
  }
  return Status::Ok();
}

}  // namespace battrace::store::common
