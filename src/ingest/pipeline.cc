#include "ingest/pipeline.h"

#include <algorithm>

#include "domain/engine.h"
#include "ledger/canonical_json.h"

namespace battrace::ingest {

namespace {

// `content` is scratch space for the canonical form without `reported`, kept between reports so
// that its buffer is allocated once per batch.
Status PrepareOne(Item& item, Instant now, bool mark_supplied, std::string* content,
                  Prepared* out) {
  if (item.registry) {
    // Its leaf is numbered and built in the transaction (store::RecordRegistryChange).
    out->registry = std::move(item.registry);
    if (out->registry->reported == 0) {
      out->registry->reported = now;
    } else if (mark_supplied) {
      out->registry->replayed = true;
    }
    return Status::Ok();
  }
  if (!item.report.ok()) return item.report.status();
  Report report = std::move(item.report).value();
  if (!report.reported) {
    report.reported = now;
  } else if (mark_supplied) {
    report.replayed = true;
  }
  BATTRACE_RETURN_IF_ERROR(CheckAgainstReceipt(report));
  // The leaf data is the canonical stored form; the content hash, which recognises a re-send,
  // is that of the same form without the platform-set `reported`. One canonicalization of the
  // form without it gives both: CanonicalJsonWithMember inserts `reported` where it sorts.
  nlohmann::json stored = ReportToJson(report);
  const auto reported = stored.find("reported");
  const nlohmann::json reported_value = std::move(*reported);
  stored.erase(reported);
  std::string body;
  if (report.replayed) {
    // The marker is left out of the content hash too (a replayed report re-sent is a duplicate):
    // the content from the form without either, the leaf data from the form with both.
    stored.erase("receipt");
    BATTRACE_RETURN_IF_ERROR(
        ledger::CanonicalJsonWithMember(stored, "reported", reported_value, content, &body));
    stored["receipt"] = std::string(store::kReplayedReceipt);
    std::string without_reported;
    BATTRACE_RETURN_IF_ERROR(ledger::CanonicalJsonWithMember(stored, "reported", reported_value,
                                                             &without_reported, &body));
  } else {
    BATTRACE_RETURN_IF_ERROR(
        ledger::CanonicalJsonWithMember(stored, "reported", reported_value, content, &body));
  }
  // The stored form is done with: its texts of the reporter and `occurred` are the leaf's.
  store::LeafInput& leaf = out->leaf;
  leaf.reporter = std::move(stored.at("reporter").get_ref<std::string&>());
  leaf.id = report.id;
  leaf.type = std::string(ReportTypeName(report.type()));
  leaf.occurred = std::move(stored.at("occurred").get_ref<std::string&>());
  leaf.reported = *report.reported;
  leaf.body = std::move(body);
  leaf.leaf_hash = ledger::LeafHash(leaf.body);
  leaf.content_hash = ledger::LeafHash(*content);
  out->report = std::move(report);
  return Status::Ok();
}

// A correction must name an earlier report of the same reporter and type; returns what the
// engine needs of that original.
Result<std::optional<domain::Original>> CheckCorrection(store::Store& store, const Report& report) {
  const auto* c = std::get_if<Correction>(&report.body);
  if (c == nullptr) return std::optional<domain::Original>();
  BATTRACE_ASSIGN_OR_RETURN(original, store.GetReport(report.reporter.str(), c->corrects));
  if (!original) {
    return Status::Invalid("/corrects", "correction.original_unknown",
                           "no report '" + c->corrects + "' from " + report.reporter.str() +
                               " to correct (a correction may only correct its reporter's own "
                               "earlier report)");
  }
  const std::string_view type = ReportTypeName(TypeOf(c->report->body));
  if (original->type != type) {
    return Status::Invalid("/report/type", "correction.type_mismatch",
                           "report '" + c->corrects + "' is a " + original->type +
                               "; its correction must carry a " + original->type + ", not a " +
                               std::string(type));
  }
  return std::optional<domain::Original>(
      domain::Original{original->reported, original->leaf_index});
}

// The day whose registry a report is judged against: the date of the facts it states (for a
// correction, those of the report it carries).
Date FactDate(const Report& report) {
  if (const auto* c = std::get_if<Correction>(&report.body)) return c->report->occurred;
  return report.occurred;
}

// The transaction as the rules see it for one report: its rows and history, and the registry as
// it stood on the report's date (docs/findings.md, "The registry as it stood").
class AsOfView : public domain::StateView {
 public:
  AsOfView(store::WriteTxn& txn, const domain::RegistryIndex& registry)
      : txn_(txn), registry_(registry) {}
  Result<std::optional<domain::BatteryState>> GetBattery(const std::string& code) override {
    return txn_.GetBattery(code);
  }
  Result<std::optional<domain::VehicleState>> GetVehicle(const std::string& vin) override {
    return txn_.GetVehicle(vin);
  }
  Result<std::optional<domain::OutletState>> GetOutlet(const std::string& id) override {
    return txn_.GetOutlet(id);
  }
  Result<std::optional<domain::ModelState>> GetModel(const std::string& maker,
                                                     const std::string& model) override {
    return txn_.GetModel(maker, model);
  }
  const domain::RegistryIndex& Registry() override { return registry_; }
  const domain::RegistryIndex& RegistryOn(Date day) override {
    return txn_.RegistryVersions().AsOf(day);
  }
  Result<std::vector<uint64_t>> BatteryLeaves(const std::string& code) override {
    return txn_.BatteryLeaves(code);
  }
  Result<std::vector<uint64_t>> VehicleLeaves(const std::string& vin) override {
    return txn_.VehicleLeaves(vin);
  }
  Result<std::optional<Report>> ReportAt(uint64_t leaf) override { return txn_.ReportAt(leaf); }

 private:
  store::WriteTxn& txn_;
  const domain::RegistryIndex& registry_;
};

// Records the rows the rules engine asks for, answering that none exists: a dry run over a
// batch names the rows its evaluation will read (store::ReadSet).
class ReadRecorder : public domain::StateView {
 public:
  ReadRecorder(store::ReadSet* rows, domain::RegistryHistory& registry)
      : rows_(rows), registry_(registry) {}
  // The report about to be evaluated, whose registry Registry() gives.
  void SetDate(Date day) { day_ = day; }
  Result<std::optional<domain::BatteryState>> GetBattery(const std::string& code) override {
    rows_->batteries.push_back(code);
    return std::optional<domain::BatteryState>();
  }
  Result<std::optional<domain::VehicleState>> GetVehicle(const std::string& vin) override {
    rows_->vehicles.push_back(vin);
    return std::optional<domain::VehicleState>();
  }
  Result<std::optional<domain::OutletState>> GetOutlet(const std::string& id) override {
    rows_->outlets.push_back(id);
    return std::optional<domain::OutletState>();
  }
  Result<std::optional<domain::ModelState>> GetModel(const std::string& maker,
                                                     const std::string& model) override {
    rows_->models.emplace_back(maker, model);
    return std::optional<domain::ModelState>();
  }
  const domain::RegistryIndex& Registry() override { return registry_.AsOf(day_); }

 private:
  store::ReadSet* rows_;
  domain::RegistryHistory& registry_;
  Date day_;
};

store::ReadSet ReadSetOf(const std::vector<Prepared>& batch, store::WriteTxn& txn,
                         const domain::Law& law) {
  store::ReadSet rows;
  ReadRecorder recorder(&rows, txn.RegistryVersions());
  for (const Prepared& p : batch) {
    if (!p.error.ok() || !p.report) continue;
    rows.reports.emplace_back(p.leaf.reporter, p.leaf.id);
    recorder.SetDate(FactDate(*p.report));
    // Only an authorized report is judged (the rules take its reporter's registry entry).
    if (!domain::Authorize(*p.report, recorder.Registry()).ok()) continue;
    (void)domain::Evaluate(*p.report, 0, recorder, law, std::nullopt);
  }
  return rows;
}

// Whether the store holds a report (a leaf not filed by the platform).
Result<bool> HoldsReports(store::Store& store) {
  bool found = false;
  BATTRACE_RETURN_IF_ERROR(store.ScanReports(0, [&](const store::StoredReport& leaf) {
    found = leaf.reporter != store::kPlatformReporter;
    return !found;
  }));
  return found;
}

// An error of the store (or the rules engine) while the item `p` was written: the batch fails,
// naming the item, and its transaction rolls back. Code, field and rule are kept.
Status InItem(const Prepared& p, const Status& st) {
  std::string what = "line " + std::to_string(p.line);
  if (!p.registry) what += " (report '" + p.leaf.id + "' from " + p.leaf.reporter + ")";
  return Status(st.code(), what + ": " + st.message() + "; nothing of this batch was stored",
                st.field(), st.rule());
}

// The window of a replay (ReplayWindow) while one batch commits, the ledger standing still.
class WindowCheck {
 public:
  // REQUIRES: the batch's write transaction is open.
  static Result<WindowCheck> Open(store::Store& store, ReplayWindow* replay) {
    WindowCheck check;
    if (replay == nullptr) return check;
    if (!replay->history_load) {
      BATTRACE_ASSIGN_OR_RETURN(holds, HoldsReports(store));
      replay->history_load = !holds;
    }
    if (*replay->history_load) return check;
    check.active_ = true;
    check.now_ = replay->clock->Now();
    BATTRACE_ASSIGN_OR_RETURN(size, store.TreeSize());
    if (size > 0) {
      BATTRACE_ASSIGN_OR_RETURN(last, store.GetReportAt(size - 1));
      if (last) check.floor_ = last->reported;
      check.floor_leaf_ = size - 1;
    }
    return check;
  }

  // A leaf is about to be kept at `leaf` with receipt time `reported`; `replayed`: supplied.
  Status Appended(uint64_t line, uint64_t leaf, Instant reported, bool replayed) {
    if (!active_) return Status::Ok();
    if (replayed && (reported < floor_ || reported > now_)) {
      return Status(StatusCode::kFailedPrecondition,
                    "line " + std::to_string(line) + ": the replayed receipt time " +
                        FormatTimestamp(reported) + " lies outside its window, from " +
                        FormatTimestamp(floor_) + " (the receipt time of the leaf before it, " +
                        "ledger leaf " + std::to_string(floor_leaf_) + ") to " +
                        FormatTimestamp(now_) +
                        " (now): into a store that holds reports, `import --replay` takes "
                        "times neither before the ledger's last leaf nor in the future; nothing "
                        "of this batch was stored",
                    "/reported", "replay.window");
    }
    floor_ = std::max(floor_, reported);
    floor_leaf_ = leaf;
    return Status::Ok();
  }

 private:
  bool active_ = false;
  Instant floor_ = 0, now_ = 0;
  uint64_t floor_leaf_ = 0;
};

}  // namespace

std::vector<Prepared> Prepare(std::vector<Item>& items, Instant now, bool mark_supplied) {
  std::vector<Prepared> out(items.size());
  std::string content;
  for (size_t i = 0; i < items.size(); ++i) {
    out[i].line = items[i].line;
    out[i].error = PrepareOne(items[i], now, mark_supplied, &content, &out[i]);
  }
  return out;
}

Result<std::vector<ItemResult>> Commit(store::Store& store, const domain::Law& law,
                                       std::vector<Prepared> batch, ReplayWindow* replay,
                                       bool all_or_nothing) {
  std::vector<ItemResult> results(batch.size());
  BATTRACE_ASSIGN_OR_RETURN(txn, store.BeginWrite());
  BATTRACE_ASSIGN_OR_RETURN(window, WindowCheck::Open(store, replay));
  if (txn->WantsReadSet()) BATTRACE_RETURN_IF_ERROR(txn->Warm(ReadSetOf(batch, *txn, law)));
  for (size_t i = 0; i < batch.size(); ++i) {
    Prepared& p = batch[i];
    ItemResult& r = results[i];
    r.line = p.line;
    if (p.registry) {
      auto recorded_or = store::RecordRegistryChange(*txn, *p.registry);
      if (!recorded_or.ok()) return InItem(p, recorded_or.status());
      store::RegistryOutcome& recorded = *recorded_or;
      r.reporter = std::string(store::kPlatformReporter);
      r.id = recorded.id;
      r.leaf_index = recorded.leaf_index;
      r.leaf_hash = recorded.leaf_hash;
      r.outcome = recorded.outcome == store::AppendOutcome::kAccepted ? Outcome::kAccepted
                                                                      : Outcome::kDuplicate;
      if (recorded.outcome == store::AppendOutcome::kAccepted) {
        BATTRACE_RETURN_IF_ERROR(window.Appended(p.line, recorded.leaf_index, p.registry->reported,
                                                 p.registry->replayed));
      }
      if (recorded.outcome == store::AppendOutcome::kConflict) {
        r.outcome = Outcome::kRejected;
        r.error = Status(StatusCode::kConflict,
                         "registry leaf '" + recorded.id +
                             "' was already stored with other content (ledger leaf " +
                             std::to_string(recorded.leaf_index) + ")",
                         "/id", "report.conflict");
      }
      continue;
    }
    r.reporter = p.leaf.reporter;
    r.id = p.leaf.id;
    std::optional<domain::Original> original;
    // Only a well-formed report has a date to look the registry up on.
    std::optional<AsOfView> view;
    if (p.error.ok()) {
      view.emplace(*txn, txn->RegistryVersions().AsOf(FactDate(*p.report)));
      p.error = domain::Authorize(*p.report, view->Registry());
    }
    if (p.error.ok()) {
      auto checked = CheckCorrection(store, *p.report);
      if (checked.ok()) {
        original = *checked;
      } else {
        p.error = checked.status();
      }
    }
    if (!p.error.ok()) {
      r.error = p.error;
      continue;
    }
    auto appended_or = txn->Append(p.leaf);
    if (!appended_or.ok()) return InItem(p, appended_or.status());
    const store::AppendResult& appended = *appended_or;
    r.leaf_index = appended.leaf_index;
    r.leaf_hash = appended.leaf_hash;
    switch (appended.outcome) {
      case store::AppendOutcome::kAccepted: {
        r.outcome = Outcome::kAccepted;
        BATTRACE_RETURN_IF_ERROR(
            window.Appended(p.line, appended.leaf_index, p.leaf.reported, p.report->replayed));
        auto effects = domain::Evaluate(*p.report, appended.leaf_index, *view, law, original);
        if (!effects.ok()) return InItem(p, effects.status());
        if (Status st = txn->Apply(std::move(effects).value(), appended.leaf_index); !st.ok()) {
          return InItem(p, st);
        }
        break;
      }
      case store::AppendOutcome::kDuplicate:
        r.outcome = Outcome::kDuplicate;
        break;
      case store::AppendOutcome::kConflict:
        r.error =
            Status(StatusCode::kConflict,
                   "report '" + p.leaf.id + "' from " + p.leaf.reporter +
                       " was already filed with other content (ledger leaf " +
                       std::to_string(appended.leaf_index) + "); file a correction to change it",
                   "/id", "report.conflict");
        break;
    }
    if (r.outcome != Outcome::kRejected) r.warnings = std::move(p.report->warnings);
  }
  if (all_or_nothing && std::any_of(results.begin(), results.end(), [](const ItemResult& r) {
        return r.outcome == Outcome::kRejected;
      })) {
    return results;  // the transaction rolls back as it goes
  }
  BATTRACE_RETURN_IF_ERROR(txn->Commit());
  return results;
}

}  // namespace battrace::ingest
