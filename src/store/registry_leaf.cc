// Registry changes as ledger leaves (see registry_leaf.h).
#include "store/registry_leaf.h"

#include <nlohmann/json.hpp>

#include "domain/registry.h"
#include "domain/registry_history.h"
#include "ledger/canonical_json.h"
#include "ledger/hash.h"

namespace battrace::store {
namespace {

constexpr std::string_view kTypePrefix = "registry.";

Status BadLeaf(const std::string& field, const std::string& message) {
  return Status::Invalid(field, "registry_leaf.invalid", message);
}

}  // namespace

RegistryRow ToRegistryRow(const RegistryRecord& record) {
  const nlohmann::json stored = RegistryRecordToJson(record);
  if (const auto* e = std::get_if<Enterprise>(&record)) {
    return {"enterprise", e->uscc.str(), e->division.code(), stored.dump()};
  }
  const auto& r = std::get<Regulator>(record);
  return {"regulator", r.id, r.division.code(), stored.dump()};
}

bool IsRegistryLeafType(std::string_view type) {
  return type == "registry.enterprise" || type == "registry.regulator";
}

Result<LeafInput> RegistryLeaf(const RegistryChange& change) {
  nlohmann::json record = nlohmann::json::parse(change.row.record, nullptr, false);
  if (!record.is_object()) {
    return Status::Invalid(
        "/record", "registry_leaf.invalid",
        "the record of " + change.row.kind + " " + change.row.key + " is not a JSON object");
  }
  nlohmann::json body = {{"type", std::string(kTypePrefix) + change.row.kind},
                         {"id", change.id},
                         {"reporter", std::string(kPlatformReporter)},
                         {"occurred", change.effective.ToString()},
                         {"record", std::move(record)}};
  LeafInput leaf;
  BATTRACE_ASSIGN_OR_RETURN(content, ledger::CanonicalJson(body));
  body["reported"] = FormatTimestamp(change.reported);
  // Like `reported`, the replay marker is left out of the content hash.
  if (change.replayed) body["receipt"] = std::string(kReplayedReceipt);
  BATTRACE_ASSIGN_OR_RETURN(full, ledger::CanonicalJson(body));
  leaf.reporter = std::string(kPlatformReporter);
  leaf.id = change.id;
  leaf.type = body["type"].get<std::string>();
  leaf.occurred = change.effective.ToString();
  leaf.reported = change.reported;
  leaf.body = std::move(full);
  leaf.leaf_hash = ledger::LeafHash(leaf.body);
  leaf.content_hash = ledger::LeafHash(content);
  return leaf;
}

Result<RegistryChange> ParseRegistryLeaf(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) return BadLeaf("", "a registry leaf is a JSON object");
  for (const auto& [name, value] : json.items()) {
    if (name != "type" && name != "id" && name != "reporter" && name != "occurred" &&
        name != "reported" && name != "record" && name != "receipt") {
      return BadLeaf("/" + name, "unknown member of a registry leaf");
    }
  }
  const auto text = [&](const char* name) -> Result<std::string> {
    if (!json.contains(name) || !json[name].is_string()) {
      return BadLeaf(std::string("/") + name, std::string(name) + " must be a string");
    }
    return json[name].get<std::string>();
  };
  BATTRACE_ASSIGN_OR_RETURN(type, text("type"));
  if (!IsRegistryLeafType(type)) {
    return BadLeaf("/type", "'" + type + "' is not registry.enterprise or registry.regulator");
  }
  BATTRACE_ASSIGN_OR_RETURN(reporter, text("reporter"));
  if (reporter != kPlatformReporter) {
    return BadLeaf("/reporter", "a registry leaf is filed by 'platform', not '" + reporter + "'");
  }
  BATTRACE_ASSIGN_OR_RETURN(id, text("id"));
  BATTRACE_ASSIGN_OR_RETURN(occurred, text("occurred"));
  BATTRACE_ASSIGN_OR_RETURN(effective, Date::Parse(occurred, "/occurred"));
  BATTRACE_ASSIGN_OR_RETURN(reported_text, text("reported"));
  BATTRACE_ASSIGN_OR_RETURN(reported, ParseTimestamp(reported_text, "/reported"));
  bool replayed = false;
  if (json.contains("receipt")) {
    BATTRACE_ASSIGN_OR_RETURN(receipt, text("receipt"));
    if (receipt != kReplayedReceipt) {
      return BadLeaf("/receipt", "receipt must be '" + std::string(kReplayedReceipt) + "', not '" +
                                     receipt + "'");
    }
    replayed = true;
  }
  if (!json.contains("record") || !json["record"].is_object()) {
    return BadLeaf("/record", "record must be an object");
  }
  auto record = ParseRegistryRecord(json["record"].dump());
  if (!record.ok()) {
    const Status& st = record.status();
    return Status::Invalid("/record" + st.field(), st.rule(), st.message());
  }
  RegistryChange change;
  change.row = ToRegistryRow(*record);
  if (type != std::string(kTypePrefix) + change.row.kind) {
    return BadLeaf("/type", type + " carries a record of kind " + change.row.kind);
  }
  change.effective = effective;
  change.reported = reported;
  change.replayed = replayed;
  change.id = std::move(id);
  return change;
}

Result<RegistryOutcome> RecordRegistryChange(WriteTxn& txn, const RegistryChange& change) {
  RegistryChange numbered = change;
  if (numbered.id.empty()) {
    const domain::RegistryVersion* latest =
        txn.RegistryVersions().Latest(change.row.kind, change.row.key);
    if (latest != nullptr && latest->record == change.row.record) {
      RegistryOutcome unchanged;
      unchanged.outcome = AppendOutcome::kDuplicate;
      unchanged.leaf_index = latest->leaf;
      return unchanged;
    }
    numbered.id = change.row.kind + "/" + change.row.key + "/" +
                  std::to_string(txn.RegistryVersions().Count(change.row.kind, change.row.key) + 1);
  }
  BATTRACE_ASSIGN_OR_RETURN(leaf, RegistryLeaf(numbered));
  BATTRACE_ASSIGN_OR_RETURN(appended, txn.Append(leaf));
  RegistryOutcome out{appended.outcome, appended.leaf_index, appended.leaf_hash, numbered.id};
  if (appended.outcome == AppendOutcome::kAccepted) {
    BATTRACE_RETURN_IF_ERROR(
        txn.PutRegistry(numbered.row, numbered.effective, appended.leaf_index));
  }
  return out;
}

Result<size_t> PutRegistry(Store& store, const std::vector<RegistryRow>& rows, Date effective,
                           Instant reported) {
  BATTRACE_ASSIGN_OR_RETURN(txn, store.BeginWrite());
  size_t appended = 0;
  for (const RegistryRow& row : rows) {
    BATTRACE_ASSIGN_OR_RETURN(outcome,
                              RecordRegistryChange(*txn, {row, effective, reported, false, {}}));
    if (outcome.outcome == AppendOutcome::kConflict) {
      return Status(StatusCode::kConflict,
                    "registry leaf '" + outcome.id + "' was stored with other content (leaf " +
                        std::to_string(outcome.leaf_index) + ")",
                    "/id", "registry_leaf.conflict");
    }
    if (outcome.outcome == AppendOutcome::kAccepted) ++appended;
  }
  BATTRACE_RETURN_IF_ERROR(txn->Commit());
  return appended;
}

}  // namespace battrace::store
