// The WriteTxn overrides every engine implements, declared once: this file is included inside the
// public part of each engine's class body (PgWriteTxn in postgres/pg_internal.h, SqliteWriteTxn in
// sqlite/sqlite_internal.h) and nowhere else, so it has no include guard and no includes of its
// own. What one engine adds (an override of a method with a default, a helper) is declared beside
// the include.
Result<AppendResult> Append(const LeafInput& report) override;
Status Apply(domain::Effects&& effects, uint64_t leaf) override;
Status Commit() override;
Result<std::optional<domain::BatteryState>> GetBattery(const std::string& code) override;
Result<std::optional<domain::VehicleState>> GetVehicle(const std::string& vin) override;
Result<std::optional<domain::OutletState>> GetOutlet(const std::string& id) override;
Result<std::optional<domain::ModelState>> GetModel(const std::string& maker,
                                                   const std::string& model) override;
const domain::RegistryIndex& Registry() override;
Result<std::vector<uint64_t>> BatteryLeaves(const std::string& code) override;
Result<std::vector<uint64_t>> VehicleLeaves(const std::string& vin) override;
Result<std::optional<Report>> ReportAt(uint64_t leaf) override;
domain::RegistryHistory& RegistryVersions() override;
Status PutRegistry(const RegistryRow& row, Date effective, uint64_t leaf) override;
