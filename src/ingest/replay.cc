// Rebuilding the derived state from the ledger and comparing it (see replay.h).
#include "ingest/replay.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "ingest/pipeline.h"
#include "ledger/signing_key.h"
#include "store/derived.h"
#include "store/open.h"
#include "store/registry_leaf.h"
#include "store/rows.h"

namespace battrace::ingest {
namespace {

// Leaves per scratch transaction, as `battrace import` batches reports.
constexpr size_t kBatch = 20000;

// A temporary directory, removed with everything in it when this goes out of scope.
class ScratchDir {
 public:
  static Result<ScratchDir> Create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/battrace-replay-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return Status::IOError("cannot create a scratch directory under " + pattern);
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The item a stored leaf becomes when it is replayed.
Item ItemOf(const store::StoredReport& leaf) {
  Item item;
  item.line = leaf.leaf_index;
  if (store::IsRegistryLeafType(leaf.type)) {
    auto change = store::ParseRegistryLeaf(leaf.body);
    if (change.ok()) {
      item.registry = std::move(change).value();
    } else {
      item.report = change.status();
    }
    return item;
  }
  // Codes leniently: whatever the live store accepted (import --lenient included) is read back.
  item.report = ParseReport(leaf.body, {.replay = true, .codes = Strictness::kLenient});
  return item;
}

// Commits one batch of leaves to the scratch store; a leaf not accepted again at its own index
// is the difference.
Result<std::optional<std::string>> ReplayBatch(store::Store& scratch, const domain::Law& law,
                                               std::vector<Item>& items,
                                               std::vector<uint64_t>& leaves) {
  BATTRACE_ASSIGN_OR_RETURN(results, Commit(scratch, law, Prepare(items, 0)));
  for (size_t i = 0; i < results.size(); ++i) {
    const ItemResult& r = results[i];
    if (r.outcome != Outcome::kAccepted || r.leaf_index != leaves[i]) {
      std::string why = r.outcome == Outcome::kRejected ? "rejected: " + r.error.ToString()
                        : r.outcome == Outcome::kDuplicate
                            ? "a duplicate of leaf " + std::to_string(r.leaf_index)
                            : "accepted as leaf " + std::to_string(r.leaf_index);
      return std::optional<std::string>("leaf " + std::to_string(leaves[i]) + " (" + r.reporter +
                                        " / " + r.id + ") does not replay: " + why);
    }
  }
  items.clear();
  leaves.clear();
  return std::optional<std::string>();
}

// The first row where `table` differs between the two stores.
Result<std::optional<std::string>> CompareTable(store::Store& live, store::Store& scratch,
                                                const std::string& table, uint64_t* rows) {
  std::vector<std::string> replayed;
  BATTRACE_RETURN_IF_ERROR(scratch.ScanDerived(table, [&](const std::string& row) {
    replayed.push_back(row);
    return true;
  }));
  size_t n = 0;
  std::optional<std::string> difference;
  const auto differs = [&](const std::string& live_row, const std::string& replayed_row) {
    difference = table + " row " + std::to_string(n + 1) + " differs: live " + live_row +
                 " vs replayed " + replayed_row;
  };
  BATTRACE_RETURN_IF_ERROR(live.ScanDerived(table, [&](const std::string& row) {
    if (n >= replayed.size()) {
      differs(row, "(none)");
      return false;
    }
    if (row != replayed[n]) {
      differs(row, replayed[n]);
      return false;
    }
    ++n;
    return true;
  }));
  if (!difference && n < replayed.size()) differs("(none)", replayed[n]);
  *rows += n;
  return difference;
}

}  // namespace

Result<ReplayResult> ReplayLedger(store::Store& live, const domain::Law& law) {
  BATTRACE_ASSIGN_OR_RETURN(dir, ScratchDir::Create());
  const std::string db = dir.path() + "/replay.db";
  BATTRACE_ASSIGN_OR_RETURN(key, ledger::SigningKey::Generate(live.Origin()));
  BATTRACE_RETURN_IF_ERROR(key.WriteFile(store::DefaultKeyPath(db)));
  store::OpenOptions options;
  options.create = true;
  options.key_path = store::DefaultKeyPath(db);
  // One checkpoint is plenty: the scratch ledger is thrown away.
  options.checkpoints = {UINT64_MAX, int64_t{1} << 40};
  BATTRACE_ASSIGN_OR_RETURN(scratch, store::OpenStore({db, ""}, options, live.Origin()));

  ReplayResult result;
  std::vector<Item> items;
  std::vector<uint64_t> leaves;
  Status failure;
  BATTRACE_RETURN_IF_ERROR(live.ScanReports(0, [&](const store::StoredReport& leaf) {
    items.push_back(ItemOf(leaf));
    leaves.push_back(leaf.leaf_index);
    ++result.leaves;
    if (items.size() < kBatch) return true;
    auto batch = ReplayBatch(*scratch, law, items, leaves);
    if (!batch.ok()) {
      failure = batch.status();
      return false;
    }
    result.difference = *batch;
    return !result.difference;
  }));
  BATTRACE_RETURN_IF_ERROR(failure);
  if (!result.difference && !items.empty()) {
    BATTRACE_ASSIGN_OR_RETURN(batch, ReplayBatch(*scratch, law, items, leaves));
    result.difference = batch;
  }
  for (const store::common::DerivedTable& table : store::common::DerivedTables()) {
    if (result.difference) break;
    BATTRACE_ASSIGN_OR_RETURN(difference, CompareTable(live, *scratch, table.name, &result.rows));
    result.difference = difference;
  }
  return result;
}

}  // namespace battrace::ingest
