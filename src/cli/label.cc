// `battrace label`: the QR label of a battery code, the URL of its public page with the code
// printed under it (passport/label.h), as SVG or PNG, on standard output or into a file.
#include "passport/label.h"

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/battery_code.h"

namespace battrace::cli {
namespace {

struct LabelOptions {
  std::string code;
  std::string base_url{passport::kDefaultLabelBaseUrl};
  std::string format = "svg";
  std::string out;
};

int Run(const LabelOptions& o) {
  auto code = BatteryCode::Parse(o.code, Strictness::kLenient);
  if (!code.ok()) return Fail(code.status().WithFieldPrefix("code"));
  auto url = passport::LabelUrl(o.base_url, code->str());
  if (!url.ok()) return Fail(url.status());
  auto symbol = passport::EncodeQr(*url);
  if (!symbol.ok()) return Fail(symbol.status());
  std::string bytes;
  if (o.format == "png") {
    auto png = passport::LabelPng(*symbol, code->str());
    if (!png.ok()) return Fail(png.status());
    bytes = std::move(png).value();
  } else {
    bytes = passport::LabelSvg(*symbol, code->str(), *url);
  }
  if (o.out.empty()) {
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  std::ofstream file(o.out, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) return Fail(Status::IOError("cannot write " + o.out));
  std::cerr << "label: " << *url << " -> " << o.out << "\n";
  return 0;
}

}  // namespace

void RegisterLabel(CLI::App& app, CommandList& commands) {
  auto* cmd = app.add_subcommand(
      "label", "Print a battery's QR label: the URL of its public page, with the code under it");
  auto o = std::make_shared<LabelOptions>();
  cmd->add_option("--code", o->code, "the battery code (GB/T 34014)")->required();
  cmd->add_option("--base-url", o->base_url,
                  "the platform's public origin, e.g. https://trace.example.cn")
      ->capture_default_str();
  cmd->add_option("--format", o->format, "svg or png")
      ->check(CLI::IsMember({"svg", "png"}))
      ->capture_default_str();
  cmd->add_option("--out", o->out, "write to this file (default: standard output)");
  commands.push_back({cmd, [o] { return Run(*o); }});
}

}  // namespace battrace::cli
