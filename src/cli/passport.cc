// `battrace passport --db PATH --code CODE --profile eu [--access public|legitimate|authority]`:
// the EU battery passport of a battery (passport/eu.h, docs/passport.md) as JSON, at the access
// class asked for. The operator reads the store file directly, as with `show`.
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/battery_code.h"
#include "passport/eu.h"

namespace battrace::cli {
namespace {

struct PassportOptions {
  StoreArgs store;
  std::string code;
  std::string profile;
  std::string access = "public";
};

int Run(const PassportOptions& o) {
  auto code = BatteryCode::Parse(o.code, Strictness::kLenient);
  if (!code.ok()) {
    return Fail(Status::Invalid("--code", code.status().rule(), code.status().message()));
  }
  const auto access = passport::EuAccessFromName(o.access);  // IsMember checked it
  auto store = o.store.OpenReadOnly();
  if (!store.ok()) return Fail(store.status());
  auto inputs = passport::EuPassportInputsFor(**store, code->str());
  if (!inputs.ok()) return Fail(inputs.status());
  std::cout << passport::EuPassport(*inputs, *access).dump(2) << "\n";
  return 0;
}

}  // namespace

void RegisterPassport(CLI::App& app, CommandList& commands) {
  auto o = std::make_shared<PassportOptions>();
  auto* cmd = app.add_subcommand("passport", "The EU battery passport of a battery, as JSON");
  o->store.AddTo(cmd, false);
  cmd->add_option("--code", o->code, "the battery code (GB/T 34014)")->required();
  cmd->add_option("--profile", o->profile, "the passport's profile: eu (Regulation (EU) 2023/1542)")
      ->required()
      ->check(CLI::IsMember({"eu"}));
  cmd->add_option("--access", o->access,
                  "the Art. 77(2) access class: public, legitimate or authority (default public)")
      ->check(CLI::IsMember({"public", "legitimate", "authority"}));
  commands.push_back({cmd, [o] { return Run(*o); }});
}

}  // namespace battrace::cli
