// The Store overrides every engine implements, declared once: this file is included inside the
// public part of each engine's class body (PgStore in postgres/pg_internal.h, SqliteStore in
// sqlite/sqlite_internal.h) and nowhere else, so it has no include guard and no includes of its
// own. What one engine adds (an override of a method with a default, a helper) is declared beside
// the include.
Result<std::unique_ptr<WriteTxn>> BeginWrite() override;
Result<std::optional<RegistryRow>> GetRegistry(const std::string& kind,
                                               const std::string& key) override;
Result<std::optional<StoredReport>> GetReport(const std::string& reporter,
                                              const std::string& id) override;
Result<std::optional<StoredReport>> GetReportAt(uint64_t leaf) override;
Status ScanReports(uint64_t from, const std::function<bool(const StoredReport&)>& fn) override;
Result<uint64_t> TreeSize() override;
Result<std::vector<StoredCheckpoint>> ListCheckpoints() override;
Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override;
Result<StoredCheckpoint> SignCheckpoint() override;
Status AddCheckpointSignatures(uint64_t size, std::string_view lines) override;
std::string Origin() const override {
  return origin_;
}
std::string PinnedVerifierKey() const override {
  return pinned_key_;
}
Result<std::optional<domain::BatteryState>> GetBattery(const std::string& code) override;
Result<std::optional<domain::VehicleState>> GetVehicle(const std::string& vin) override;
Result<std::vector<domain::BatteryState>> BatteriesInVehicle(const std::string& vin) override;
Result<std::vector<std::string>> PartsOf(const std::string& code) override;
Result<std::vector<uint64_t>> BatteryHistory(const std::string& code) override;
Result<std::vector<StoredReport>> BatteryHistoryReports(const std::string& code) override;
Result<std::vector<uint64_t>> VehicleHistory(const std::string& vin) override;
Result<std::optional<std::string>> CorrectedBy(const std::string& reporter,
                                               const std::string& id) override;
Result<Page<domain::Finding>> Findings(Date as_of, const FindingFilter& filter, FindingSort sort,
                                       const std::optional<SortKey>& after, size_t limit) override;
Result<Page<domain::Duty>> Obligations(Date as_of, const ObligationFilter& filter, DutySort sort,
                                       const std::optional<SortKey>& after, size_t limit) override;
Result<std::vector<FindingTally>> TallyFindings(Date as_of, const FindingFilter& filter,
                                                bool by_month) override;
Result<std::vector<HandoverTally>> TallyHandovers(std::optional<Date> from,
                                                  std::optional<Date> to) override;
Result<uint64_t> CountOpenDuties() override;
Result<std::vector<domain::OutletState>> Outlets(const std::string& division) override;
Result<std::vector<domain::BatteryState>> ListBatteries(const ListScope& scope,
                                                        const std::vector<std::string>& after,
                                                        size_t limit) override;
Result<std::vector<domain::VehicleState>> ListVehicles(const ListScope& scope,
                                                       const std::vector<std::string>& after,
                                                       size_t limit) override;
Result<std::vector<StoredReport>> DisassemblyInfo(const std::string& vehicle_model) override;
Result<std::vector<StoredReport>> ModelDeclarations(const std::string& maker,
                                                    const std::string& model) override;
Result<std::optional<std::string>> FindByDigitalLink(const std::string& gtin14,
                                                     const std::string& serial) override;
Status ScanDerived(std::string_view table,
                   const std::function<bool(const std::string& row)>& fn) override;
Status PutToken(const TokenRow& token) override;
Result<std::optional<TokenRow>> FindToken(const ledger::Hash& hash) override;
Result<bool> RevokeToken(const ledger::Hash& hash, Instant at) override;
Result<std::vector<TokenRow>> ListTokens(const std::optional<TokenCursor>& after,
                                         size_t limit) override;
Result<std::vector<TokenRow>> FindTokensByPrefix(std::string_view prefix, size_t limit) override;
Status AppendAudit(std::vector<AuditEntry>& entries) override;
Result<std::vector<AuditEntry>> ListAudit(const AuditPage& page) override;
Result<EpcisCaptureResult> CaptureEpcis(EpcisCapture& capture) override;
Result<std::optional<EpcisJob>> GetEpcisJob(const std::string& capture_id) override;
Result<std::vector<EpcisEvent>> QueryEpcis(const EpcisFilter& filter) override;
Result<std::vector<EpcisEvent>> GetEpcisEvents(const std::string& event_id) override;
Status GetNodes(std::span<const ledger::NodeId> ids, std::span<ledger::Hash> out) override;
bool KeepsLevel(int level) const override {
  return common::KeepsLevel(level);
}
