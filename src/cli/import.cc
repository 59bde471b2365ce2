// `battrace import` (reports) and `battrace registry import` (enterprises and regulators).
//
// Import reads NDJSON, CSV or JSON-array files (or stdin), in batches: while one batch is
// committed, the next is parsed and hashed on another thread (ingest/importer.h). Rejected lines go
// to the reject file with their line number and reason, and as they were read to a file beside it
// that can be corrected and imported again; the first rejects are printed. The good lines are still
// stored, except from a JSON array, which is stored whole or not at all. When the summary prints,
// everything counted as accepted is durable; re-running an interrupted import resumes without
// duplicates, because (reporter, id) is idempotent.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/clock.h"
#include "core/private_file.h"
#include "domain/registry.h"
#include "domain/rules.h"
#include "ingest/importer.h"
#include "ingest/pipeline.h"
#include "ingest/source.h"
#include "ledger/hash.h"
#include "store/registry_leaf.h"

namespace battrace::cli {
namespace {

struct ImportArgs {
  StoreArgs store;
  bool replay = false;
  bool lenient = false;
  std::string rejects;
  std::string receipts;
  std::string format;
  size_t batch = 20000;
  std::vector<std::string> files;
};

struct Totals {
  uint64_t accepted = 0, duplicates = 0, rejected = 0;
  uint64_t withheld = 0;  // valid, but not stored: their all-or-nothing file had a reject
  uint64_t warnings = 0;  // of accepted and duplicate reports; the first kShownWarnings printed
};

// The rejects printed on the terminal; the reject file has them all.
constexpr size_t kRejectsShown = 10;
// The most bytes of a rejected input the reject file's JSON line quotes.
constexpr size_t kRejectInputBytes = 4096;

// Where the rejected records of one input file go, as they were read (CSV: UTF-8 with a byte
// order mark, under the file's header row; NDJSON: the lines), so that they can be corrected
// and imported again: "<rejects>.<input's file name>" (stdin: "stdin.csv" or "stdin.ndjson"),
// with ".<n>" added when an earlier input of the run had the same name. None for a JSON array,
// which is imported whole: correct the file itself.
class RejectedInput {
 public:
  RejectedInput(const std::string& rejects, const std::string& file, const ingest::Source& source,
                std::vector<std::string>* used)
      : source_(source) {
    if (rejects.empty() || source.AllOrNothing()) return;
    std::string name =
        file == "-" ? "stdin." + Lower(source.FormatName()) : file.substr(file.rfind('/') + 1);
    path_ = rejects + "." + name;
    for (size_t n = 2; std::find(used->begin(), used->end(), path_) != used->end(); ++n) {
      path_ = rejects;
      path_ += ".";
      path_ += std::to_string(n);
      path_ += ".";
      path_ += name;
    }
    used->push_back(path_);
  }
  const std::string& path() const { return path_; }

  // Appends one rejected record; false when the file cannot be written.
  bool Write(const ingest::ItemResult& r, const ingest::Item& item) {
    // A record over the line limit was kept only in part, and a bad header stops the file: the
    // reject file names them.
    if (path_.empty() || item.raw.empty() || r.error.rule() == "ingest.line_too_long" ||
        r.error.rule() == "csv.header") {
      return true;
    }
    if (!out_.is_open()) {
      if (!CreatePrivateFile(path_).ok()) return false;
      out_.open(path_, std::ios::trunc | std::ios::binary);
      if (!source_.Header().empty()) out_ << "\xEF\xBB\xBF" << source_.Header() << "\r\n";
    }
    out_ << item.raw << (source_.Header().empty() ? "\n" : "\r\n");
    return static_cast<bool>(out_);
  }
  bool used() const { return out_.is_open(); }

 private:
  static std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  }
  const ingest::Source& source_;
  std::string path_;
  std::ofstream out_;
};

constexpr uint64_t kShownWarnings = 20;

// A one-line progress display on a terminal: bytes done, reports/s, ETA.
class Progress {
 public:
  explicit Progress(uint64_t total_bytes)
      : enabled_(isatty(STDERR_FILENO) != 0), total_(total_bytes), start_(Clock::now()) {}

  void Update(uint64_t bytes, uint64_t reports) {
    if (!enabled_) return;
    const double secs = Seconds();
    const double rate = secs > 0 ? reports / secs : 0;
    std::fprintf(stderr, "\r%llu reports, %.0f/s", static_cast<unsigned long long>(reports), rate);
    if (total_ > 0 && bytes > 0) {
      const double frac = static_cast<double>(bytes) / total_;
      const double eta = frac > 0 ? secs * (1 - frac) / frac : 0;
      std::fprintf(stderr, ", %5.1f%%, ETA %.0fs", 100 * frac, eta);
    }
    std::fprintf(stderr, "   ");
    std::fflush(stderr);
  }
  void Done() {
    if (enabled_) std::fprintf(stderr, "\n");
  }
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  uint64_t total_;
  Clock::time_point start_;
};

// Writes what one committed batch came to: each reject (terminal, reject file, file of
// rejected records) and each receipt. A withheld batch (ingest::ImportedBatch) counts its
// valid items as withheld, without receipts.
void WriteResults(const std::string& source, const ingest::ImportedBatch& batch,
                  std::ostream* rejects, RejectedInput* rejected_input, std::ostream* receipts,
                  Totals* totals) {
  for (size_t i = 0; i < batch.results.size(); ++i) {
    const ingest::ItemResult& r = batch.results[i];
    if (r.outcome == ingest::Outcome::kRejected) {
      if (totals->rejected < kRejectsShown) {
        std::cerr << source << ":" << r.line << ": "
                  << (r.error.field().empty() ? "" : r.error.field() + ": ") << r.error.message()
                  << " [" << r.error.rule() << "]\n";
      }
      ++totals->rejected;
      if (rejects) {
        const std::string& raw = batch.items[i].raw;
        nlohmann::json j = {{"source", source},
                            {"line", r.line},
                            {"code", StatusCodeName(r.error.code())},
                            {"field", r.error.field()},
                            {"rule", r.error.rule()},
                            {"message", r.error.message()},
                            {"input", raw.substr(0, kRejectInputBytes)}};
        *rejects << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        if (!rejected_input->Write(r, batch.items[i])) {
          std::cerr << "cannot write " << rejected_input->path() << "\n";
        }
      }
      continue;
    }
    if (batch.withheld) {
      ++totals->withheld;
      continue;
    }
    ++(r.outcome == ingest::Outcome::kAccepted ? totals->accepted : totals->duplicates);
    nlohmann::json warnings = nlohmann::json::array();
    for (const ReportWarning& w : r.warnings) {
      if (++totals->warnings <= kShownWarnings) {
        std::cerr << "warning: " << source << ":" << r.line << ": " << w.field << " [" << w.rule
                  << "]: " << w.message << "\n";
      }
      warnings.push_back({{"field", w.field}, {"rule", w.rule}, {"message", w.message}});
    }
    if (receipts) {
      nlohmann::json receipt = {{"reporter", r.reporter},
                                {"id", r.id},
                                {"leaf_index", r.leaf_index},
                                {"leaf_hash", ledger::HashToBase64(r.leaf_hash)}};
      if (!warnings.empty()) receipt["warnings"] = std::move(warnings);
      *receipts << receipt.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  }
}

int RunImport(const ImportArgs& a) {
  auto opened = a.store.Open(true);
  if (!opened.ok()) return Fail(opened.status());
  store::Store& store = **opened;
  // Both files hold reports' identities and content: created 0600 (an existing file keeps its
  // mode).
  for (const std::string* path : {&a.rejects, &a.receipts}) {
    if (path->empty()) continue;
    if (Status st = CreatePrivateFile(*path); !st.ok()) return Fail(st);
  }
  std::ofstream rejects_file, receipts_file;
  if (!a.rejects.empty()) rejects_file.open(a.rejects, std::ios::app);
  if (!a.receipts.empty()) receipts_file.open(a.receipts, std::ios::app);
  std::ostream* rejects = a.rejects.empty() ? nullptr : &rejects_file;
  std::ostream* receipts = a.receipts.empty() ? nullptr : &receipts_file;
  if ((rejects && !rejects_file) || (receipts && !receipts_file)) {
    return Fail(Status::IOError("cannot open the reject or receipt file for writing"));
  }

  const Result<RuleSet>& rules = RuleSet::Default();
  if (!rules.ok()) return Fail(rules.status());
  const Result<LegalCalendar>& calendar = LegalCalendar::Default();
  if (!calendar.ok()) return Fail(calendar.status());
  const domain::Law law{*rules, *calendar};

  ParseOptions options;
  options.replay = a.replay;
  options.codes = a.lenient ? Strictness::kLenient : Strictness::kStrict;
  uint64_t total_bytes = 0;
  for (const auto& f : a.files)
    total_bytes += ingest::SourceSize(f);
  Progress progress(total_bytes);
  Totals totals;
  uint64_t bytes_before = 0;
  // With --replay, the times the files supply are marked and kept to one window for the run.
  ingest::Importer importer(store, law,
                            {.batch = a.batch, .replay = a.replay, .clock = &SystemClock()});

  std::optional<ingest::Format> format = ingest::Format::kAuto;
  if (!a.format.empty()) format = ingest::FormatFromName(a.format);
  std::vector<std::string> rejected_paths;
  std::vector<std::string> notes;
  for (const std::string& file : a.files) {
    auto source = ingest::OpenSource(file, options, *format);
    if (!source.ok()) return Fail(source.status());
    RejectedInput rejected_input(a.rejects, file, **source, &rejected_paths);
    const uint64_t withheld_before = totals.withheld;
    const Status st = importer.Import(
        **source, {.committed =
                       [&](const ingest::ImportedBatch& batch) {
                         WriteResults(file, batch, rejects, &rejected_input, receipts, &totals);
                       },
                   .progress =
                       [&](uint64_t bytes_read) {
                         progress.Update(bytes_before + bytes_read,
                                         totals.accepted + totals.duplicates + totals.rejected);
                       }});
    if (!st.ok()) {
      progress.Done();
      (void)store.SignCheckpoint();  // what was committed before stays provable
      if (st.rule() != "replay.window") return Fail(st);
      return Fail(Status(st.code(), file + ", " + st.message(), st.field(), st.rule()));
    }
    bytes_before += (*source)->BytesRead();
    std::string note = "import: " + file + ": read as " + std::string((*source)->FormatName()) +
                       ", " + std::string((*source)->EncodingName());
    if (totals.withheld > withheld_before) {
      note += "; nothing of it stored (" + std::to_string(totals.withheld - withheld_before) +
              " valid reports withheld): a JSON array or an EPCIS document is imported whole "
              "or not at all";
    }
    if (rejected_input.used()) note += "; its rejected records: " + rejected_input.path();
    notes.push_back(std::move(note));
  }
  auto cp = store.SignCheckpoint();
  if (!cp.ok()) return Fail(cp.status());
  if (rejects) rejects_file.flush();
  if (receipts) receipts_file.flush();
  progress.Done();
  for (const std::string& note : notes)
    std::cout << note << "\n";
  if (totals.rejected > kRejectsShown) {
    std::cerr << "... and " << totals.rejected - kRejectsShown << " more rejects\n";
  }
  if (totals.rejected > 0) {
    std::cerr << (a.rejects.empty()
                      ? std::string("give --rejects FILE for the full list of rejects and a file "
                                    "of the rejected records to correct and import again")
                      : "the full list of rejects: " + a.rejects)
              << "\n";
  }
  const double secs = progress.Seconds();
  const uint64_t n = totals.accepted + totals.duplicates + totals.rejected + totals.withheld;
  std::cout << "import: " << totals.accepted << " accepted, " << totals.duplicates
            << " duplicates, " << totals.rejected << " rejected"
            << (totals.withheld > 0 ? ", " + std::to_string(totals.withheld) + " withheld" : "")
            << " (" << n << " reports in " << static_cast<int64_t>(secs * 1000) / 1000.0 << " s, "
            << static_cast<int64_t>(secs > 0 ? n / secs : 0) << " reports/s); ledger size "
            << cp->size;
  if (totals.warnings > 0) {
    std::cout << "; " << totals.warnings << " warnings";
    if (totals.warnings > kShownWarnings) {
      std::cout << " (the first " << kShownWarnings << " on stderr"
                << (receipts ? ", all in the receipt file)" : ")");
    }
  }
  std::cout << "\n";
  return totals.rejected > 0 ? 1 : 0;
}

struct RegistryImportArgs {
  StoreArgs store;
  std::string effective;  // YYYY-MM-DD; empty: the day of recording in Beijing time
  std::vector<std::string> files;
};

int RunRegistryImport(const RegistryImportArgs& a) {
  const Instant now = SystemClock().Now();
  Date effective = BeijingDate(now);
  if (!a.effective.empty()) {
    auto parsed = Date::Parse(a.effective, "--effective");
    if (!parsed.ok()) return Fail(parsed.status());
    effective = *parsed;
  }
  auto opened = a.store.Open(true);
  if (!opened.ok()) return Fail(opened.status());
  std::vector<store::RegistryRow> rows;
  uint64_t bad = 0;
  for (const std::string& file : a.files) {
    auto records = ingest::ReadRegistry(file);
    if (!records.ok()) return Fail(records.status());
    for (const auto& [line, record] : *records) {
      if (!record.ok()) {
        ++bad;
        const Status& st = record.status();
        std::cerr << file << ":" << line << ": " << (st.field().empty() ? "" : st.field() + ": ")
                  << st.message() << " [" << st.rule() << "]\n";
        continue;
      }
      rows.push_back(store::ToRegistryRow(*record));
    }
  }
  if (bad > 0) {
    std::cerr << "registry import: " << bad << " invalid records; nothing was stored\n";
    return 1;
  }
  auto appended = store::PutRegistry(**opened, rows, effective, now);
  if (!appended.ok()) return Fail(appended.status());
  auto cp = (*opened)->SignCheckpoint();
  if (!cp.ok()) return Fail(cp.status());
  std::cout << "registry import: " << rows.size() << " records stored: " << *appended
            << " changed (appended to the ledger, effective " << effective.ToString() << "), "
            << rows.size() - *appended << " unchanged; ledger size " << cp->size << "\n";
  return 0;
}

}  // namespace

void RegisterImport(CLI::App& app, CommandList& commands) {
  {
    auto a = std::make_shared<ImportArgs>();
    auto* cmd = app.add_subcommand("import", "Load reports from NDJSON or CSV files ('-': stdin)");
    a->store.AddTo(cmd, true);
    cmd->add_flag("--replay", a->replay,
                  "take `reported` times from the input, marked as replayed: any into a store "
                  "without reports (history loads), else from its last leaf's time to now");
    cmd->add_flag("--lenient", a->lenient, "read battery codes leniently (warnings, not errors)");
    cmd->add_option("--rejects", a->rejects,
                    "append rejects here (JSON per line); the rejected records as read go to "
                    "FILE.<input file name>");
    cmd->add_option("--format", a->format,
                    "csv, ndjson or json (an array); default: by extension (.csv, .json, "
                    ".ndjson/.jsonl; .txt and '-' sniffed)")
        ->check(CLI::IsMember({"csv", "ndjson", "json"}));
    cmd->add_option("--receipts", a->receipts, "append receipts here (JSON per line)");
    cmd->add_option("--batch", a->batch, "reports per transaction")->check(CLI::Range(1, 1000000));
    cmd->add_option("FILE", a->files, "NDJSON (.ndjson/.jsonl), CSV (.csv) or JSON (.json) files")
        ->required();
    commands.push_back({cmd, [a] { return RunImport(*a); }});
  }
  {
    auto* registry = app.add_subcommand("registry", "The registry of enterprises and regulators");
    registry->require_subcommand(1);
    auto* cmd = registry->add_subcommand(
        "import", "Load registry records (NDJSON); each change becomes a ledger leaf");
    auto a = std::make_shared<RegistryImportArgs>();
    a->store.AddTo(cmd, true);
    cmd->add_option("--effective", a->effective,
                    "the day the records take effect, YYYY-MM-DD (default: today, Beijing time)");
    cmd->add_option("FILE", a->files, "NDJSON files ('-': stdin)")->required();
    commands.push_back({cmd, [a] { return RunRegistryImport(*a); }});
  }
}

}  // namespace battrace::cli
