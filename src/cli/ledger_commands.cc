// Ledger subcommands: `init` (a new store, its signing key and a first admin token), `pubkey`,
// `checkpoint`, `proof` (inclusion and consistency proofs as JSON) and `verify` (the whole
// ledger, or one receipt offline with nothing but the public key).
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/clock.h"
#include "domain/rules.h"
#include "ingest/pipeline.h"
#include "ingest/replay.h"
#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/merkle.h"
#include "ledger/receipt.h"
#include "server/auth.h"
#include "store/open.h"
#include "store/proof_docs.h"
#include "store/verify.h"

namespace battrace::cli {
namespace {

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

// --- Witness cosignatures: verify --witness-key K [--witness-key ...] --min-cosignatures N ---

struct CosignatureArgs {
  std::vector<std::string> keys;  // cosigner verifier keys (text or files)
  std::optional<size_t> min;      // default: every key given
};

// Adds --witness-key and --min-cosignatures to `cmd`.
void AddCosignatureOptions(CLI::App* cmd, CosignatureArgs& args) {
  auto* keys = cmd->add_option("--witness-key", args.keys,
                               "a witness's cosigner key, text or file (repeatable; battrace "
                               "witness pubkey prints it)");
  cmd->add_option("--min-cosignatures", args.min,
                  "how many of the --witness-key witnesses must have cosigned the checkpoint "
                  "(default: all of them)")
      ->needs(keys);
}

// Fails unless the signed note `note` carries valid cosignatures (ledger/cosignature.h) by at
// least args.min of the given witnesses; passes when no --witness-key was given.
Status CheckCosignatures(std::string_view note, const CosignatureArgs& args) {
  if (args.keys.empty()) return Status::Ok();
  std::vector<ledger::Verifier> cosigners;
  for (const std::string& arg : args.keys) {
    std::string text = arg;
    if (auto file = ReadFile(arg); file.ok()) text = *file;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
      text.pop_back();
    auto key = ledger::Verifier::Parse(text, ledger::KeyType::kCosignatureV1);
    if (!key.ok()) return key.status().WithFieldPrefix("--witness-key ");
    for (const ledger::Verifier& given : cosigners) {
      if (given.name() == key->name() && given.public_key() == key->public_key()) {
        return Status::Invalid("--witness-key", "usage",
                               "--witness-key " + key->name() + " is given twice");
      }
    }
    cosigners.push_back(*std::move(key));
  }
  const size_t needed = args.min.value_or(cosigners.size());
  if (needed > cosigners.size()) {
    return Status::Invalid("--min-cosignatures", "usage",
                           "--min-cosignatures " + std::to_string(needed) + " is more than the " +
                               std::to_string(cosigners.size()) + " --witness-key given");
  }
  BATTRACE_ASSIGN_OR_RETURN(count, ledger::CountCosignatures(note, cosigners));
  if (count < needed) {
    return Status::FailedPrecondition("the checkpoint has " + std::to_string(count) +
                                      " valid cosignature(s) of the witnesses given, " +
                                      std::to_string(needed) + " required");
  }
  return Status::Ok();
}

// --- end of witness cosignatures ---

int RunInit(const StoreArgs& args, const std::string& origin,
            const std::optional<int64_t>& partition_leaves) {
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
  options.partition_leaves = partition_leaves;
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
  auto admin = server::IssueToken(**store, "admin", 90, SystemClock().Now());
  if (!admin.ok()) return Fail(admin.status());
  std::cout << "created store " << where.ToString() << " (origin " << origin << ")\n"
            << "signing key " << *key_path << " (mode 0600: keep it secret, back it up)\n"
            << "verifier key " << key.VerifierKey() << "\n"
            << "admin token " << admin->text << " (shown once; expires "
            << FormatTimestamp(admin->row.expires) << ")\n";
  return 0;
}

// The verifier key of the signing key file, once the store (a reader: nothing is written)
// confirms it is the key the store pins, so that a key file of the same name but another key is
// not published as the store's.
int RunPubkey(const StoreArgs& args) {
  auto path = args.KeyPath();
  if (!path.ok()) return Fail(path.status());
  auto key = ledger::SigningKey::FromFile(*path);
  if (!key.ok()) return Fail(key.status());
  auto store = args.Open(false);
  if (!store.ok()) return Fail(store.status());
  if (const std::string pinned = (*store)->PinnedVerifierKey(); !pinned.empty()) {
    if (Status st = store::CheckPinnedKey(pinned, *key); !st.ok()) return Fail(st);
  }
  std::cout << key->VerifierKey() << "\n";
  return 0;
}

int RunProof(const StoreArgs& args, std::optional<uint64_t> leaf, std::optional<uint64_t> size,
             std::optional<uint64_t> from, std::optional<uint64_t> to) {
  auto store = args.OpenReadOnly();
  if (!store.ok()) return Fail(store.status());
  auto doc = leaf ? store::InclusionProofDoc(**store, *leaf, size)
                  : store::ConsistencyProofDoc(**store, *from, to);
  if (!doc.ok()) return Fail(doc.status());
  std::cout << doc->dump() << "\n";
  return 0;
}

// The options of `battrace verify`, in its two modes: a whole store (--db or --pg, with the
// checkpoints kept elsewhere that it must extend) or one receipt offline (--receipt,
// --checkpoint, --proof, --key). Each mode refuses the options only the other one reads.
struct VerifyOptions {
  StoreArgs store;                       // --db or --pg (no signing key: --key is the verifier's)
  std::string key;                       // --key: verifier key text, a file holding it, or the
                                         // signing key file
  std::vector<std::string> checkpoints;  // --checkpoint: signed notes
  std::string receipt;                   // --receipt
  std::string proof;                     // --proof
  CosignatureArgs cosignatures;          // --witness-key, --min-cosignatures
  bool replay = false;                   // --replay

  bool StoreMode() const { return !store.db.empty() || !store.pg.empty(); }
};

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

// The verifier key a store is checked with, and where it came from (printed, so that whoever
// reads the result knows which key vouched for it).
struct ChosenKey {
  std::string text;
  std::string source;
};

// --key when given; else the key pinned in the store; else, for an embedded store from before
// pinning, the verifier key of its signing key file.
Result<ChosenKey> StoreVerifierKey(const VerifyOptions& o, const store::Store& store) {
  const std::string pinned = store.PinnedVerifierKey();
  if (!o.key.empty()) {
    ChosenKey chosen{VerifierKeyArg(o.key), "given with --key"};
    if (!pinned.empty() && pinned != chosen.text) chosen.source += "; the store pins " + pinned;
    return chosen;
  }
  if (!pinned.empty()) return ChosenKey{pinned, "pinned in the store"};
  if (!o.store.pg.empty()) {
    return Status::Invalid("--key", "usage",
                           "--key is required with --pg for a store that pins no verifier key "
                           "(the verifier key: battrace pubkey prints it)");
  }
  const std::string path = store::DefaultKeyPath(o.store.db);
  BATTRACE_ASSIGN_OR_RETURN(key, ledger::SigningKey::FromFile(path));
  return ChosenKey{key.VerifierKey(), "from the signing key file " + path};
}

// A store whose checkpoints all verify with a key other than the one it pins: the pin was
// changed behind the store's back.
Status CheckPin(const store::Store& store, const std::string& verified_with) {
  const std::string pinned = store.PinnedVerifierKey();
  if (pinned.empty() || pinned == verified_with) return Status::Ok();
  return Status::Corruption("the store's checkpoints are signed by " + verified_with +
                            ", but it pins the verifier key " + pinned +
                            " (meta row verifier_key was changed)");
}

// Prints "verify: FAILED: <message>" and returns the exit code of a failed check.
int Failed(const std::string& message) {
  std::cerr << "verify: FAILED: " << message << "\n";
  return 1;
}

// Whether the store extends the checkpoint note in `path`. A file that is no signed
// checkpoint is a usage error (exit 2); a checkpoint signed by another key, of another log, or
// that the store does not extend fails the verification (exit 1).
int VerifyKeptCheckpoint(store::Store& store, const ledger::Verifier& verifier,
                         const std::string& path) {
  auto note = ReadFile(path);
  if (!note.ok()) return Fail(note.status());
  const Status st = store::VerifyExtends(store, verifier, *note);
  if (st.ok()) {
    std::cout << "verify: the store extends the checkpoint " << path << "\n";
    return 0;
  }
  const bool not_a_checkpoint = st.code() == StatusCode::kInvalidArgument &&
                                st.rule() != "note.signature" && st.rule() != "note.unsigned";
  if (not_a_checkpoint) {
    return Fail(Status::Invalid("--checkpoint " + path, st.rule(),
                                "not a signed checkpoint: " + st.message()));
  }
  return Failed("checkpoint " + path + ": " + st.message());
}

int RunVerifyStore(const VerifyOptions& o) {
  auto store = o.store.OpenReadOnly();
  if (!store.ok()) return Fail(store.status());
  auto key = StoreVerifierKey(o, **store);
  if (!key.ok()) return Fail(key.status());
  auto verifier = ledger::Verifier::Parse(key->text);
  if (!verifier.ok()) return Fail(verifier.status().WithFieldPrefix("--key"));
  std::cout << "verify: key " << key->text << " (" << key->source << ")\n";
  auto result = store::VerifyLedger(**store, key->text);
  if (!result.ok()) return Failed(result.status().message());
  if (Status pin = CheckPin(**store, key->text); !pin.ok()) return Failed(pin.message());
  for (const std::string& path : o.checkpoints) {
    if (const int rc = VerifyKeptCheckpoint(**store, *verifier, path); rc != 0) return rc;
  }
  if (!o.cosignatures.keys.empty()) {
    auto latest = (*store)->LatestCheckpoint();
    if (!latest.ok()) return Fail(latest.status());
    Status st = *latest ? CheckCosignatures((*latest)->note, o.cosignatures)
                        : Status::FailedPrecondition("no checkpoint to check cosignatures on");
    if (!st.ok()) {
      if (st.code() == StatusCode::kInvalidArgument && st.rule() == "usage") return Fail(st);
      return Failed("latest checkpoint: " + st.message());
    }
  }
  std::cout << "verify: ok: " << result->leaves << " leaves (" << result->replayed << " replayed), "
            << result->checkpoints << " signed checkpoints, " << result->audit_entries
            << " audit entries\n";
  return o.replay ? VerifyReplay(**store) : 0;
}

// One receipt, offline: receipt + signed checkpoint + inclusion proof + verifier key.
int RunVerifyReceipt(const VerifyOptions& o) {
  if (o.replay) {
    return Fail(Status::Invalid("--replay", "usage",
                                "--replay rebuilds a store's derived state: give --db or --pg"));
  }
  if (o.receipt.empty() || o.checkpoints.size() != 1 || o.proof.empty() || o.key.empty()) {
    return Fail(Status::Invalid(
        "verify", "usage",
        o.checkpoints.size() > 1
            ? "--checkpoint is given " + std::to_string(o.checkpoints.size()) +
                  " times: a receipt is checked against one checkpoint"
            : "give --db PATH or --pg CONNINFO, or --receipt, --checkpoint, --proof and --key"));
  }
  const std::string& receipt_path = o.receipt;
  const std::string& checkpoint_path = o.checkpoints.front();
  const std::string& proof_path = o.proof;
  auto verifier = ledger::Verifier::Parse(VerifierKeyArg(o.key));
  if (!verifier.ok()) return Fail(verifier.status());
  auto note = ReadFile(checkpoint_path);
  if (!note.ok()) return Fail(note.status());
  auto cp = ledger::OpenSignedCheckpoint(*note, *verifier);
  if (!cp.ok()) return Failed("checkpoint: " + cp.status().message());
  if (Status st = CheckCosignatures(*note, o.cosignatures); !st.ok()) {
    if (st.code() == StatusCode::kInvalidArgument && st.rule() == "usage") return Fail(st);
    return Failed("checkpoint: " + st.message());
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
      return Failed("the proof is for leaf " + proof->at("leaf_index").dump() + " in a tree of " +
                    proof->at("tree_size").dump() + ", not leaf " + std::to_string(index) +
                    " in the checkpoint's tree of " + std::to_string(cp->size));
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
    return Failed("the inclusion proof does not lead to the checkpoint's root");
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
    auto partition_leaves = std::make_shared<std::optional<int64_t>>();
    cmd->add_option("--partition-leaves", *partition_leaves, kPartitionLeavesHelp)
        ->check(CLI::PositiveNumber);
    commands.push_back({cmd, [args, origin, partition_leaves] {
                          return RunInit(*args, *origin, *partition_leaves);
                        }});
  }
  {
    auto* cmd = app.add_subcommand(
        "pubkey", "Print the note verifier key of the store's signing key (the one it pins)");
    auto args = std::make_shared<StoreArgs>();
    args->AddTo(cmd, true);
    commands.push_back({cmd, [args] { return RunPubkey(*args); }});
  }
  {
    auto* cmd = app.add_subcommand("checkpoint", "Print the latest signed checkpoint");
    auto args = std::make_shared<StoreArgs>();
    args->AddTo(cmd, false);
    commands.push_back({cmd, [args] {
                          auto store = args->OpenReadOnly();
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
        "verify",
        "Verify the whole ledger (--db or --pg, and that it extends each --checkpoint), or one "
        "receipt offline (--receipt ...)");
    auto o = std::make_shared<VerifyOptions>();
    auto* db = cmd->add_option("--db", o->store.db, std::string("the store to verify: ") + kDbHelp)
                   ->type_name("PATH");
    auto* pg = cmd->add_option("--pg", o->store.pg, std::string("the store to verify: ") + kPgHelp)
                   ->type_name("CONNINFO")
                   ->excludes(db);
    cmd->add_option("--receipt", o->receipt, "receipt JSON (offline mode)")
        ->excludes(db)
        ->excludes(pg);
    cmd->add_option("--checkpoint", o->checkpoints,
                    "signed checkpoint note: with --db/--pg one the store must extend "
                    "(repeatable); offline, the one the proof leads to")
        ->type_name("NOTE");
    cmd->add_option("--proof", o->proof,
                    "inclusion proof JSON (offline mode; battrace proof --leaf)")
        ->excludes(db)
        ->excludes(pg);
    cmd->add_option("--key", o->key,
                    "verifier key text or file (default with --db/--pg: the key pinned in the "
                    "store)");
    cmd->add_flag("--replay", o->replay,
                  "with --db/--pg: also rebuild projections, duties, findings and registry from "
                  "the leaves into a scratch store and compare them with the store's");
    AddCosignatureOptions(cmd, o->cosignatures);
    commands.push_back(
        {cmd, [o] { return o->StoreMode() ? RunVerifyStore(*o) : RunVerifyReceipt(*o); }});
  }
}

}  // namespace battrace::cli
