// `battrace witness`: run a C2SP tlog-witness (src/witness/) that cosigns the checkpoints of the
// logs it follows; `witness keygen` creates its key file, `witness pubkey` prints its cosigner
// verifier key (what a log's `serve --witness` and a verifier's `--witness-key` take).
#include <iostream>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "ledger/signing_key.h"
#include "witness/service.h"

namespace battrace::cli {
namespace {

struct WitnessArgs {
  std::string key;
  std::string state;
  std::vector<std::string> logs;
  std::string listen = "127.0.0.1:7380";
  std::string name;  // keygen
};

int RunKeygen(const WitnessArgs& a) {
  auto key = ledger::SigningKey::Generate(a.name);
  if (!key.ok()) return Fail(key.status().WithFieldPrefix("--name "));
  if (Status st = key->WriteFile(a.key); !st.ok()) return Fail(st);
  std::cout << "witness key " << a.key << " (mode 0600: keep it secret, back it up)\n"
            << "cosigner key " << key->CosignerVerifier().Text() << "\n";
  return 0;
}

int RunPubkey(const WitnessArgs& a) {
  auto key = ledger::SigningKey::FromFile(a.key);
  if (!key.ok()) return Fail(key.status());
  std::cout << key->CosignerVerifier().Text() << "\n";
  return 0;
}

int RunServeWitness(const WitnessArgs& a) {
  if (a.state.empty() || a.logs.empty()) {
    return Fail(Status::Invalid("witness", "usage",
                                "give --state FILE and at least one --log VERIFIER_KEY"));
  }
  witness::WitnessOptions options;
  if (Status st = ParseListen(a.listen, &options.http); !st.ok()) return Fail(st);
  options.http.threads = 4;
  options.http.max_body = 64 * 1024;  // a note and 63 proof lines fit many times over
  options.key = a.key;
  options.state = a.state;
  options.logs = a.logs;
  const std::string host = options.http.host;
  options.on_listening = [host](int port) {
    std::cout << "battrace witness on http://" << host << ":" << port << "/" << std::endl;
  };
  return witness::RunWitness(options);
}

}  // namespace

void RegisterWitness(CLI::App& app, CommandList& commands) {
  auto a = std::make_shared<WitnessArgs>();
  auto* cmd = app.add_subcommand(
      "witness", "Run a witness (C2SP tlog-witness) that cosigns the checkpoints of logs");
  cmd->add_option("--key", a->key, "the witness's key file (battrace witness keygen)")->required();
  cmd->add_option("--state", a->state,
                  "its state file (SQLite; created if missing): the newest checkpoint "
                  "cosigned per log");
  cmd->add_option("--log", a->logs,
                  "verifier key of a log to follow (repeatable; battrace pubkey prints it)");
  cmd->add_option("--listen", a->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  auto* keygen = cmd->add_subcommand("keygen", "Create a witness key file (mode 0600)");
  keygen->add_option("--name", a->name, "the witness's name, e.g. witness.regulator.example")
      ->required();
  auto* pubkey = cmd->add_subcommand("pubkey", "Print the witness's cosigner verifier key");
  keygen->fallthrough();  // --key may follow the subcommand
  pubkey->fallthrough();
  commands.push_back({cmd, [a, keygen, pubkey] {
                        if (keygen->parsed()) return RunKeygen(*a);
                        if (pubkey->parsed()) return RunPubkey(*a);
                        return RunServeWitness(*a);
                      }});
}

}  // namespace battrace::cli
