// Ledger subcommands: `init` (a new store, its signing key and a first admin token), `pubkey`,
// `checkpoint`, `proof` (inclusion and consistency proofs as JSON) and `verify` (the whole
// ledger, or one receipt offline with nothing but the public key).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "domain/rules.h"
#include "ingest/pipeline.h"
#include "ingest/replay.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/receipt.h"
#include "server/auth.h"
#include "store/open.h"
#include "store/proof_docs.h"
#include "store/verify.h"

namespace battrace::cli {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<nlohmann::json> ReadJsonFile(const std::string& path) {
  BATTRACE_ASSIGN_OR_RETURN(text, ReadFile(path));
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Invalid(path, "json.syntax", path + " is not a JSON object");
  }
  return j;
}

// A verifier key given as its text, as a file holding it, or as the signing key file it
// belongs to.
std::string VerifierKeyArg(const std::string& arg) {
  std::string text = arg;
  if (auto file = ReadFile(arg); file.ok()) {
    if (file->starts_with("PRIVATE+KEY+")) {
      auto key = ledger::SigningKey::FromFile(arg);
      return key.ok() ? key->VerifierKey() : arg;  // the name, never the secret, in errors
    }
    text = *file;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

int RunInit(const StoreArgs& args, const std::string& origin) {
  auto key_path = args.KeyPath();
  if (!key_path.ok()) return Fail(key_path.status());
  const store::Location where = args.Where();
  if (!where.postgres()) {
    std::ifstream exists(args.db);
    if (exists) return Fail(Status::FailedPrecondition(args.db + " exists already"));
  } else if (store::OpenStore(where, store::OpenOptions{}).ok()) {
    // A store that opens without being created exists: a new key would not match its ledger.
    return Fail(Status::FailedPrecondition(where.ToString() + " holds a store already"));
  }
  auto generated = ledger::SigningKey::Generate(origin);
  if (!generated.ok()) return Fail(generated.status());
  const ledger::SigningKey& key = *generated;
  Status st = key.WriteFile(*key_path);
  if (!st.ok()) return Fail(st);
  store::OpenOptions options;
  options.create = true;
  options.key_path = *key_path;
  auto store = store::OpenStore(where, options, origin);
  if (!store.ok()) {
    // The key was written just now (never over an existing file): a key for a store that was
    // not created would only be in the way of the next attempt.
    std::error_code ignored;
    std::filesystem::remove(*key_path, ignored);
    return Fail(store.status());
  }
  auto cp = (*store)->SignCheckpoint();
  if (!cp.ok()) return Fail(cp.status());
  auto admin = server::IssueToken(**store, "admin", 90, ingest::Now());
  if (!admin.ok()) return Fail(admin.status());
  std::cout << "created store " << where.ToString() << " (origin " << origin << ")\n"
            << "signing key " << *key_path << " (mode 0600: keep it secret, back it up)\n"
            << "verifier key " << key.VerifierKey() << "\n"
            << "admin token " << admin->text << " (shown once; expires "
            << FormatTimestamp(admin->row.expires) << ")\n";
  return 0;
}

int RunProof(const StoreArgs& args, std::optional<uint64_t> leaf, std::optional<uint64_t> size,
             std::optional<uint64_t> from, std::optional<uint64_t> to) {
  auto store = args.Open(false);
  if (!store.ok()) return Fail(store.status());
  auto doc = leaf ? store::InclusionProofDoc(**store, *leaf, size)
                  : store::ConsistencyProofDoc(**store, *from, to);
  if (!doc.ok()) return Fail(doc.status());
  std::cout << doc->dump() << "\n";
  return 0;
}

// `verify --replay`: the derived state rebuilt from the leaves must equal the stored one.
int VerifyReplay(store::Store& store) {
  const Result<RuleSet>& rules = RuleSet::Default();
  if (!rules.ok()) return Fail(rules.status());
  const Result<LegalCalendar>& calendar = LegalCalendar::Default();
  if (!calendar.ok()) return Fail(calendar.status());
  auto replayed = ingest::ReplayLedger(store, domain::Law{*rules, *calendar});
  if (!replayed.ok()) return Fail(replayed.status());
  if (replayed->difference) {
    std::cerr << "verify: FAILED: replay: " << *replayed->difference << "\n";
    return 1;
  }
  std::cout << "verify: ok: replayed " << replayed->leaves << " leaves, derived state matches ("
            << replayed->rows << " rows)\n";
  return 0;
}

int RunVerifyStore(const StoreArgs& args, const std::string& key_text, bool replay) {
  std::string verifier = VerifierKeyArg(key_text);
  if (verifier.empty() && !args.pg.empty()) {
    return Fail(Status::Invalid(
        "", "usage", "--key is required with --pg (the verifier key: battrace pubkey prints it)"));
  }
  auto store = args.Open(false);
  if (!store.ok()) return Fail(store.status());
  if (verifier.empty()) {
    auto key = ledger::SigningKey::FromFile(*args.KeyPath());
    if (!key.ok()) return Fail(key.status());
    verifier = key->VerifierKey();
  }
  auto result = store::VerifyLedger(**store, verifier);
  if (!result.ok()) {
    std::cerr << "verify: FAILED: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << "verify: ok: " << result->leaves << " leaves, " << result->checkpoints
            << " signed checkpoints, " << result->audit_entries << " audit entries\n";
  return replay ? VerifyReplay(**store) : 0;
}

// One receipt, offline: receipt + signed checkpoint + inclusion proof + verifier key.
int RunVerifyReceipt(const std::string& receipt_path, const std::string& checkpoint_path,
                     const std::string& proof_path, const std::string& key_arg) {
  auto verifier = ledger::Verifier::Parse(VerifierKeyArg(key_arg));
  if (!verifier.ok()) return Fail(verifier.status());
  auto note = ReadFile(checkpoint_path);
  if (!note.ok()) return Fail(note.status());
  auto cp = ledger::OpenSignedCheckpoint(*note, *verifier);
  if (!cp.ok()) {
    std::cerr << "verify: FAILED: checkpoint: " << cp.status().message() << "\n";
    return 1;
  }
  auto receipt_json = ReadJsonFile(receipt_path);
  if (!receipt_json.ok()) return Fail(receipt_json.status());
  auto receipt = ledger::Receipt::FromJson(*receipt_json);
  if (!receipt.ok()) return Fail(receipt.status().WithFieldPrefix(receipt_path + "#"));
  auto proof = ReadJsonFile(proof_path);
  if (!proof.ok()) return Fail(proof.status());
  const uint64_t index = receipt->leaf_index;
  std::vector<ledger::Hash> hashes;
  try {
    if (proof->at("tree_size").get<uint64_t>() != cp->size ||
        proof->at("leaf_index").get<uint64_t>() != index) {
      std::cerr << "verify: FAILED: the proof is for leaf " << proof->at("leaf_index")
                << " in a tree of " << proof->at("tree_size") << ", not leaf " << index
                << " in the checkpoint's tree of " << cp->size << "\n";
      return 1;
    }
    for (const auto& h : proof->at("hashes")) {
      auto decoded = ledger::HashFromBase64(h.get<std::string>());
      if (!decoded.ok()) return Fail(decoded.status());
      hashes.push_back(*decoded);
    }
  } catch (const nlohmann::json::exception& e) {
    return Fail(Status::Invalid(proof_path, "proof.shape",
                                std::string("missing or mistyped member: ") + e.what()));
  }
  if (!ledger::VerifyInclusion(index, cp->size, receipt->leaf_hash, hashes, cp->root)) {
    std::cerr << "verify: FAILED: the inclusion proof does not lead to the checkpoint's root\n";
    return 1;
  }
  std::cout << "verify: ok: " << receipt->reporter << " / " << receipt->id << " is leaf " << index
            << " of the ledger signed at size " << cp->size << " (" << cp->origin << ")\n";
  return 0;
}

}  // namespace

void RegisterLedger(CLI::App& app, CommandList& commands) {
  {
    auto* cmd = app.add_subcommand("init", "Create a store and its Ed25519 signing key");
    auto args = std::make_shared<StoreArgs>();
    auto origin = std::make_shared<std::string>("battrace.local/ledger");
    args->AddTo(cmd, true);
    cmd->add_option("--origin", *origin, "the ledger's origin line in its checkpoints");
    commands.push_back({cmd, [args, origin] { return RunInit(*args, *origin); }});
  }
  {
    auto* cmd = app.add_subcommand("pubkey", "Print the note verifier key of the signing key");
    auto args = std::make_shared<StoreArgs>();
    args->AddTo(cmd, true);
    commands.push_back({cmd, [args] {
                          auto path = args->KeyPath();
                          if (!path.ok()) return Fail(path.status());
                          auto key = ledger::SigningKey::FromFile(*path);
                          if (!key.ok()) return Fail(key.status());
                          std::cout << key->VerifierKey() << "\n";
                          return 0;
                        }});
  }
  {
    auto* cmd = app.add_subcommand("checkpoint", "Print the latest signed checkpoint");
    auto args = std::make_shared<StoreArgs>();
    args->AddTo(cmd, false);
    commands.push_back({cmd, [args] {
                          auto store = args->Open(false);
                          if (!store.ok()) return Fail(store.status());
                          auto cp = (*store)->LatestCheckpoint();
                          if (!cp.ok()) return Fail(cp.status());
                          if (!*cp) return Fail(Status::NotFound("no checkpoint yet"));
                          std::cout << (*cp)->note;
                          return 0;
                        }});
  }
  {
    auto* cmd =
        app.add_subcommand("proof", "Inclusion (--leaf) or consistency (--from/--to) proof");
    auto args = std::make_shared<StoreArgs>();
    args->AddTo(cmd, false);
    auto leaf = std::make_shared<std::optional<uint64_t>>();
    auto size = std::make_shared<std::optional<uint64_t>>();
    auto from = std::make_shared<std::optional<uint64_t>>();
    auto to = std::make_shared<std::optional<uint64_t>>();
    auto* l = cmd->add_option("--leaf", *leaf, "leaf index");
    cmd->add_option("--size", *size, "tree size (default: the latest checkpoint)")->needs(l);
    auto* f = cmd->add_option("--from", *from, "older tree size")->excludes(l);
    cmd->add_option("--to", *to, "newer tree size (default: the latest checkpoint)")->needs(f);
    cmd->callback([l, f] {
      if (l->count() == 0 && f->count() == 0) {
        throw CLI::ValidationError("proof", "give --leaf N or --from M");
      }
    });
    commands.push_back(
        {cmd, [args, leaf, size, from, to] { return RunProof(*args, *leaf, *size, *from, *to); }});
  }
  {
    auto* cmd = app.add_subcommand(
        "verify", "Verify the whole ledger (--db or --pg), or one receipt offline (--receipt ...)");
    auto args = std::make_shared<StoreArgs>();
    auto receipt = std::make_shared<std::string>();
    auto checkpoint = std::make_shared<std::string>();
    auto proof = std::make_shared<std::string>();
    auto key = std::make_shared<std::string>();
    auto replay = std::make_shared<bool>(false);
    auto* db = cmd->add_option("--db", args->db, std::string("the store to verify: ") + kDbHelp)
                   ->type_name("PATH");
    auto* pg = cmd->add_option("--pg", args->pg, std::string("the store to verify: ") + kPgHelp)
                   ->type_name("CONNINFO")
                   ->excludes(db);
    cmd->add_option("--receipt", *receipt, "receipt JSON")->excludes(db)->excludes(pg);
    cmd->add_option("--checkpoint", *checkpoint, "signed checkpoint note");
    cmd->add_option("--proof", *proof, "inclusion proof JSON (battrace proof --leaf)");
    cmd->add_option("--key", *key,
                    "verifier key text or file (default with --db: from <db>.key; required "
                    "with --pg)");
    cmd->add_flag("--replay", *replay,
                  "also rebuild projections, duties, findings and registry from the leaves into "
                  "a scratch store and compare them with the store's");
    commands.push_back({cmd, [=] {
                          if (!args->db.empty() || !args->pg.empty()) {
                            return RunVerifyStore(*args, *key, *replay);
                          }
                          if (receipt->empty() || checkpoint->empty() || proof->empty() ||
                              key->empty()) {
                            return Fail(Status::Invalid(
                                "verify", "usage",
                                "give --db PATH or --pg CONNINFO, or --receipt, --checkpoint, "
                                "--proof and --key"));
                          }
                          return RunVerifyReceipt(*receipt, *checkpoint, *proof, *key);
                        }});
  }
}

}  // namespace battrace::cli
