// A Store that fails on purpose, so that rollback paths are tested without killing processes.
//
// StoreWrapper forwards every Store call to a target store, and every WriteTxn call to a
// wrapper around the target's transaction; each call that can fail passes through two hooks,
// BeforeCall and AfterCall, named by "Store::<Method>" or "WriteTxn::<Method>". An error from
// BeforeCall is returned instead of the call (the target never sees it); an error from AfterCall
// is returned instead of the call's result (the target ran it). FaultStore uses the hooks to fail
// the n-th call of a method, or of any method, with an IOError.
//
// What "after" means per call:
// - Store::BeginWrite: the target's transaction began and is rolled back (destroyed) unseen.
// - WriteTxn::Append, Apply, PutRegistry: the target wrote into the open transaction; the caller,
//   told it failed, drops the transaction, which must undo the write (and the frontier).
// - WriteTxn::Commit: the target committed, but the caller hears of a failure, as when the
//   connection drops after a COMMIT was sent. What was committed stays; the caller must not
//   have assumed it was not.
// - Store::AppendAudit and other one-call writes: the target's own transaction committed.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "store/store.h"

namespace battrace::testing {

class StoreWrapper;

// Forwards every call to the target store's transaction, through the store wrapper's hooks.
class WriteTxnWrapper : public store::WriteTxn {
 public:
  WriteTxnWrapper(StoreWrapper& hooks, std::unique_ptr<store::WriteTxn> target)
      : hooks_(hooks), target_(std::move(target)) {}

  store::WriteTxn& target() { return *target_; }

  // domain::StateView
  Result<std::optional<domain::BatteryState>> GetBattery(const std::string& code) override {
    return Run("WriteTxn::GetBattery", [&] { return target_->GetBattery(code); });
  }
  Result<std::optional<domain::VehicleState>> GetVehicle(const std::string& vin) override {
    return Run("WriteTxn::GetVehicle", [&] { return target_->GetVehicle(vin); });
  }
  Result<std::optional<domain::OutletState>> GetOutlet(const std::string& id) override {
    return Run("WriteTxn::GetOutlet", [&] { return target_->GetOutlet(id); });
  }
  Result<std::optional<domain::ModelState>> GetModel(const std::string& maker,
                                                     const std::string& model) override {
    return Run("WriteTxn::GetModel", [&] { return target_->GetModel(maker, model); });
  }
  const domain::RegistryIndex& Registry() override { return target_->Registry(); }
  const domain::RegistryIndex& RegistryOn(Date day) override { return target_->RegistryOn(day); }
  Result<std::vector<uint64_t>> BatteryLeaves(const std::string& code) override {
    return Run("WriteTxn::BatteryLeaves", [&] { return target_->BatteryLeaves(code); });
  }
  Result<std::vector<uint64_t>> VehicleLeaves(const std::string& vin) override {
    return Run("WriteTxn::VehicleLeaves", [&] { return target_->VehicleLeaves(vin); });
  }
  Result<std::optional<Report>> ReportAt(uint64_t leaf) override {
    return Run("WriteTxn::ReportAt", [&] { return target_->ReportAt(leaf); });
  }

  // store::WriteTxn
  bool WantsReadSet() const override { return target_->WantsReadSet(); }
  Status Warm(const store::ReadSet& rows) override {
    return Run("WriteTxn::Warm", [&] { return target_->Warm(rows); });
  }
  Result<store::AppendResult> Append(const store::LeafInput& report) override {
    return Run("WriteTxn::Append", [&] { return target_->Append(report); });
  }
  Status Apply(domain::Effects&& effects, uint64_t leaf) override {
    return Run("WriteTxn::Apply", [&] { return target_->Apply(std::move(effects), leaf); });
  }
  Status Commit() override {
    return Run("WriteTxn::Commit", [&] { return target_->Commit(); });
  }
  domain::RegistryHistory& RegistryVersions() override { return target_->RegistryVersions(); }
  Status PutRegistry(const store::RegistryRow& row, Date effective, uint64_t leaf) override {
    return Run("WriteTxn::PutRegistry", [&] { return target_->PutRegistry(row, effective, leaf); });
  }

 private:
  template <typename F>
  auto Run(std::string_view method, F&& f) -> decltype(f());

  StoreWrapper& hooks_;
  std::unique_ptr<store::WriteTxn> target_;
};

// Forwards every call to the target store (model: LevelDB's EnvWrapper). Subclasses override
// the hooks, or single methods.
class StoreWrapper : public store::Store {
 public:
  explicit StoreWrapper(store::Store& target) : target_(&target) {}
  explicit StoreWrapper(std::unique_ptr<store::Store> owned)
      : owned_(std::move(owned)), target_(owned_.get()) {}

  store::Store& target() { return *target_; }

  // Called before and after each call that can fail, from the calling thread. An error from
  // BeforeCall is returned instead of making the call; one from AfterCall instead of the call's
  // result (the call ran).
  virtual Status BeforeCall(std::string_view method) {
    (void)method;
    return Status::Ok();
  }
  virtual Status AfterCall(std::string_view method) {
    (void)method;
    return Status::Ok();
  }

  template <typename F>
  auto Run(std::string_view method, F&& f) -> decltype(f()) {
    if (Status st = BeforeCall(method); !st.ok()) return st;
    auto result = f();
    if (Status st = AfterCall(method); !st.ok()) return st;
    return result;
  }

  // ledger::NodeReader
  Status GetNodes(std::span<const ledger::NodeId> ids, std::span<ledger::Hash> out) override {
    return Run("Store::GetNodes", [&] { return target_->GetNodes(ids, out); });
  }

  // store::Store
  Result<std::unique_ptr<store::WriteTxn>> BeginWrite() override {
    auto txn = Run("Store::BeginWrite", [&] { return target_->BeginWrite(); });
    if (!txn.ok()) return txn.status();
    return std::unique_ptr<store::WriteTxn>(
        std::make_unique<WriteTxnWrapper>(*this, std::move(txn).value()));
  }
  Result<std::optional<store::RegistryRow>> GetRegistry(const std::string& kind,
                                                        const std::string& key) override {
    return Run("Store::GetRegistry", [&] { return target_->GetRegistry(kind, key); });
  }
  Result<std::optional<store::StoredReport>> GetReport(const std::string& reporter,
                                                       const std::string& id) override {
    return Run("Store::GetReport", [&] { return target_->GetReport(reporter, id); });
  }
  Result<std::optional<store::StoredReport>> GetReportAt(uint64_t leaf) override {
    return Run("Store::GetReportAt", [&] { return target_->GetReportAt(leaf); });
  }
  Status ScanReports(uint64_t from,
                     const std::function<bool(const store::StoredReport&)>& fn) override {
    return Run("Store::ScanReports", [&] { return target_->ScanReports(from, fn); });
  }
  Result<uint64_t> TreeSize() override {
    return Run("Store::TreeSize", [&] { return target_->TreeSize(); });
  }
  Result<std::vector<store::StoredCheckpoint>> ListCheckpoints() override {
    return Run("Store::ListCheckpoints", [&] { return target_->ListCheckpoints(); });
  }
  Result<std::optional<store::StoredCheckpoint>> LatestCheckpoint() override {
    return Run("Store::LatestCheckpoint", [&] { return target_->LatestCheckpoint(); });
  }
  Result<store::StoredCheckpoint> SignCheckpoint() override {
    return Run("Store::SignCheckpoint", [&] { return target_->SignCheckpoint(); });
  }
  Status AddCheckpointSignatures(uint64_t size, std::string_view lines) override {
    return Run("Store::AddCheckpointSignatures",
               [&] { return target_->AddCheckpointSignatures(size, lines); });
  }
  std::string Origin() const override { return target_->Origin(); }
  std::string PinnedVerifierKey() const override { return target_->PinnedVerifierKey(); }
  bool KeepsLevel(int level) const override { return target_->KeepsLevel(level); }
  Result<std::optional<domain::BatteryState>> GetBattery(const std::string& code) override {
    return Run("Store::GetBattery", [&] { return target_->GetBattery(code); });
  }
  Result<std::optional<domain::VehicleState>> GetVehicle(const std::string& vin) override {
    return Run("Store::GetVehicle", [&] { return target_->GetVehicle(vin); });
  }
  Result<std::vector<domain::BatteryState>> BatteriesInVehicle(const std::string& vin) override {
    return Run("Store::BatteriesInVehicle", [&] { return target_->BatteriesInVehicle(vin); });
  }
  Result<std::vector<std::string>> PartsOf(const std::string& code) override {
    return Run("Store::PartsOf", [&] { return target_->PartsOf(code); });
  }
  Result<std::vector<uint64_t>> BatteryHistory(const std::string& code) override {
    return Run("Store::BatteryHistory", [&] { return target_->BatteryHistory(code); });
  }
  Result<std::vector<store::StoredReport>> BatteryHistoryReports(const std::string& code) override {
    return Run("Store::BatteryHistoryReports",
               [&] { return target_->BatteryHistoryReports(code); });
  }
  Result<std::vector<uint64_t>> VehicleHistory(const std::string& vin) override {
    return Run("Store::VehicleHistory", [&] { return target_->VehicleHistory(vin); });
  }
  Result<std::optional<std::string>> CorrectedBy(const std::string& reporter,
                                                 const std::string& id) override {
    return Run("Store::CorrectedBy", [&] { return target_->CorrectedBy(reporter, id); });
  }
  Result<store::Page<domain::Finding>> Findings(Date as_of, const store::FindingFilter& filter,
                                                store::FindingSort sort,
                                                const std::optional<store::SortKey>& after,
                                                size_t limit) override {
    return Run("Store::Findings",
               [&] { return target_->Findings(as_of, filter, sort, after, limit); });
  }
  Result<store::Page<domain::Duty>> Obligations(Date as_of, const store::ObligationFilter& filter,
                                                store::DutySort sort,
                                                const std::optional<store::SortKey>& after,
                                                size_t limit) override {
    return Run("Store::Obligations",
               [&] { return target_->Obligations(as_of, filter, sort, after, limit); });
  }
  Result<std::vector<store::FindingTally>> TallyFindings(Date as_of,
                                                         const store::FindingFilter& filter,
                                                         bool by_month) override {
    return Run("Store::TallyFindings",
               [&] { return target_->TallyFindings(as_of, filter, by_month); });
  }
  Result<std::vector<store::HandoverTally>> TallyHandovers(std::optional<Date> from,
                                                           std::optional<Date> to) override {
    return Run("Store::TallyHandovers", [&] { return target_->TallyHandovers(from, to); });
  }
  Result<uint64_t> CountOpenDuties() override {
    return Run("Store::CountOpenDuties", [&] { return target_->CountOpenDuties(); });
  }
  Result<std::vector<domain::OutletState>> Outlets(const std::string& division) override {
    return Run("Store::Outlets", [&] { return target_->Outlets(division); });
  }
  Result<std::vector<domain::BatteryState>> ListBatteries(const store::ListScope& scope,
                                                          const std::vector<std::string>& after,
                                                          size_t limit) override {
    return Run("Store::ListBatteries", [&] { return target_->ListBatteries(scope, after, limit); });
  }
  Result<std::vector<domain::VehicleState>> ListVehicles(const store::ListScope& scope,
                                                         const std::vector<std::string>& after,
                                                         size_t limit) override {
    return Run("Store::ListVehicles", [&] { return target_->ListVehicles(scope, after, limit); });
  }
  Result<std::vector<store::StoredReport>> DisassemblyInfo(
      const std::string& vehicle_model) override {
    return Run("Store::DisassemblyInfo", [&] { return target_->DisassemblyInfo(vehicle_model); });
  }
  Result<std::vector<store::StoredReport>> ModelDeclarations(const std::string& maker,
                                                             const std::string& model) override {
    return Run("Store::ModelDeclarations",
               [&] { return target_->ModelDeclarations(maker, model); });
  }
  Result<std::optional<std::string>> FindByDigitalLink(const std::string& gtin14,
                                                       const std::string& serial) override {
    return Run("Store::FindByDigitalLink",
               [&] { return target_->FindByDigitalLink(gtin14, serial); });
  }
  Status ScanDerived(std::string_view table,
                     const std::function<bool(const std::string& row)>& fn) override {
    return Run("Store::ScanDerived", [&] { return target_->ScanDerived(table, fn); });
  }
  Status PutToken(const store::TokenRow& token) override {
    return Run("Store::PutToken", [&] { return target_->PutToken(token); });
  }
  Result<std::optional<store::TokenRow>> FindToken(const ledger::Hash& hash) override {
    return Run("Store::FindToken", [&] { return target_->FindToken(hash); });
  }
  Result<bool> RevokeToken(const ledger::Hash& hash, Instant at) override {
    return Run("Store::RevokeToken", [&] { return target_->RevokeToken(hash, at); });
  }
  Result<std::vector<store::TokenRow>> ListTokens(const std::optional<store::TokenCursor>& after,
                                                  size_t limit) override {
    return Run("Store::ListTokens", [&] { return target_->ListTokens(after, limit); });
  }
  Result<std::vector<store::TokenRow>> FindTokensByPrefix(std::string_view prefix,
                                                          size_t limit) override {
    return Run("Store::FindTokensByPrefix",
               [&] { return target_->FindTokensByPrefix(prefix, limit); });
  }
  Status AppendAudit(std::vector<store::AuditEntry>& entries) override {
    return Run("Store::AppendAudit", [&] { return target_->AppendAudit(entries); });
  }
  Result<std::vector<store::AuditEntry>> ListAudit(const store::AuditPage& page) override {
    return Run("Store::ListAudit", [&] { return target_->ListAudit(page); });
  }
  Result<store::EpcisCaptureResult> CaptureEpcis(store::EpcisCapture& capture) override {
    return Run("Store::CaptureEpcis", [&] { return target_->CaptureEpcis(capture); });
  }
  Result<std::optional<store::EpcisJob>> GetEpcisJob(const std::string& capture_id) override {
    return Run("Store::GetEpcisJob", [&] { return target_->GetEpcisJob(capture_id); });
  }
  Result<std::vector<store::EpcisEvent>> QueryEpcis(const store::EpcisFilter& filter) override {
    return Run("Store::QueryEpcis", [&] { return target_->QueryEpcis(filter); });
  }
  Result<std::vector<store::EpcisEvent>> GetEpcisEvents(const std::string& event_id) override {
    return Run("Store::GetEpcisEvents", [&] { return target_->GetEpcisEvents(event_id); });
  }

 private:
  std::unique_ptr<store::Store> owned_;
  store::Store* target_;
};

template <typename F>
auto WriteTxnWrapper::Run(std::string_view method, F&& f) -> decltype(f()) {
  return hooks_.Run(method, std::forward<F>(f));
}

// Fails chosen calls with an IOError (model: LevelDB's fault_injection_test.cc). Calls are
// counted per method and overall, from 1, whether or not they fail; the counts and the faults
// may be read and changed from any thread.
class FaultStore final : public StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;

  enum class When {
    kBefore,  // the call fails without reaching the target
    kAfter,   // the target runs the call, then the caller is told it failed
  };
  // Any method, for FailNth: the n-th call of the store and its transactions overall.
  static constexpr std::string_view kAnyCall = "*";

  // Fails the n-th call of `method` ("WriteTxn::Commit", "Store::AppendAudit", ... or kAnyCall)
  // counted from now; one fault at a time replaces the previous one.
  void FailNth(std::string_view method, uint64_t n, When when = When::kBefore) {
    std::lock_guard lock(mu_);
    fault_ = Fault{std::string(method), CountLocked(method) + n, when, false};
  }
  // Fails every call of `method` from now until Clear().
  void FailAll(std::string_view method, When when = When::kBefore) {
    std::lock_guard lock(mu_);
    fault_ = Fault{std::string(method), 0, when, true};
  }
  void Clear() {
    std::lock_guard lock(mu_);
    fault_.reset();
  }

  // Calls of `method` (or kAnyCall) so far, and the faults injected so far.
  uint64_t calls(std::string_view method) const {
    std::lock_guard lock(mu_);
    return CountLocked(method);
  }
  uint64_t injected() const {
    std::lock_guard lock(mu_);
    return injected_;
  }

  Status BeforeCall(std::string_view method) override {
    std::lock_guard lock(mu_);
    ++counts_[std::string(method)];
    ++total_;
    return FailLocked(method, When::kBefore);
  }
  Status AfterCall(std::string_view method) override {
    std::lock_guard lock(mu_);
    return FailLocked(method, When::kAfter);
  }

 private:
  struct Fault {
    std::string method;
    uint64_t at = 0;  // the call count (of `method`) that fails; 0 with `every`
    When when = When::kBefore;
    bool every = false;
  };

  uint64_t CountLocked(std::string_view method) const {
    if (method == kAnyCall) return total_;
    auto it = counts_.find(std::string(method));
    return it == counts_.end() ? 0 : it->second;
  }

  // The call counted last was of `method` (BeforeCall counted it; AfterCall follows it on the
  // same thread, or on another one that counted since: then its count is ahead and the n-th call
  // has passed, as for a call that began before the fault was set).
  Status FailLocked(std::string_view method, When when) {
    if (!fault_ || fault_->when != when) return Status::Ok();
    if (fault_->method != kAnyCall && fault_->method != method) return Status::Ok();
    if (!fault_->every && CountLocked(fault_->method) != fault_->at) return Status::Ok();
    ++injected_;
    return Status::IOError("injected fault: " + std::string(method) + " failed (" +
                           (when == When::kBefore ? "before" : "after") + " the store ran it)");
  }

  mutable std::mutex mu_;
  std::map<std::string, uint64_t, std::less<>> counts_;
  uint64_t total_ = 0;
  std::optional<Fault> fault_;
  uint64_t injected_ = 0;
};

}  // namespace battrace::testing
