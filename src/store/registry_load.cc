#include "store/registry_load.h"

namespace battrace::store::common {

Result<LoadedRegistry> BuildRegistry(const std::vector<StoredRecord>& rows,
                                     const std::vector<StoredVersion>& versions) {
  LoadedRegistry out;
  std::vector<RegistryRecord> records;
  records.reserve(rows.size());
  for (const StoredRecord& r : rows) {
    auto record = ParseRegistryRecord(r.record);
    if (!record.ok()) {
      return Status::Corruption("registry record " + r.kind + " " + r.key +
                                " cannot be read: " + record.status().message());
    }
    out.history.AddUnversioned(r.kind, r.key, *record);
    records.push_back(std::move(record).value());
  }
  out.current = domain::RegistryIndex(records);
  for (const StoredVersion& v : versions) {
    auto record = ParseRegistryRecord(v.record);
    auto effective = Date::Parse(v.effective);
    if (!record.ok() || !effective.ok()) {
      return Status::Corruption("registry version of " + v.kind + " " + v.key + " at leaf " +
                                std::to_string(v.leaf) + " cannot be read");
    }
    out.history.Add(v.kind, v.key,
                    {*effective, static_cast<uint64_t>(v.leaf), v.record, std::move(*record)});
  }
  return out;
}

Status AddVersion(domain::RegistryHistory& history, const RegistryRow& row, Date effective,
                  uint64_t leaf) {
  BATTRACE_ASSIGN_OR_RETURN(record, ParseRegistryRecord(row.record));
  history.Add(row.kind, row.key, {effective, leaf, row.record, std::move(record)});
  return Status::Ok();
}

}  // namespace battrace::store::common
