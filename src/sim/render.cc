#include "sim/render.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "sim/eu.h"
#include "sim/random.h"

namespace battrace::sim {
namespace {

// A JSON object written with its keys sorted, like the stored form: for the few report shapes
// written here, several times faster than building and dumping a document. Numbers are written
// in their shortest round-trip form.
class Obj {
 public:
  Obj& Set(std::string_view key, const std::string& value) { return SetRaw(key, Quote(value)); }
  Obj& Set(std::string_view key, const char* value) { return SetRaw(key, Quote(value)); }
  Obj& Set(std::string_view key, bool value) { return SetRaw(key, value ? "true" : "false"); }
  Obj& Set(std::string_view key, double value) {
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    return SetRaw(key, std::string(buf, end));
  }
  Obj& Set(std::string_view key, const std::vector<std::string>& values) {
    std::string raw = "[";
    for (const std::string& v : values) {
      if (raw.size() > 1) raw += ',';
      raw += Quote(v);
    }
    return SetRaw(key, raw + "]");
  }
  Obj& SetRaw(std::string_view key, std::string raw) {
    fields_.emplace_back(key, std::move(raw));
    return *this;
  }
  std::string Dump() {
    std::sort(fields_.begin(), fields_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = "{";
    for (const auto& [key, raw] : fields_) {
      if (out.size() > 1) out += ',';
      out += '"';
      out += key;
      out += "\":";
      out += raw;
    }
    return out + "}";
  }

  static std::string Quote(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[(c >> 4) & 15];
        out += kHex[c & 15];
      } else {
        out += c;
      }
    }
    return out + "\"";
  }

 private:
  std::vector<std::pair<std::string_view, std::string>> fields_;
};

Figures CellFigures(const Model& m) {
  const double kg = m.cell_kg;
  if (m.chemistry == 'B')
    return {m.cell_ah, m.cell_v, m.cell_ah * m.cell_v / 1000, kg, kg * 0.012, 0, 0, 0};
  return {m.cell_ah, m.cell_v, m.cell_ah * m.cell_v / 1000, kg, kg * 0.015, kg * 0.03,
          kg * 0.12, kg * 0.03};
}

// `count` figures in series, plus `casing_kg`.
Figures Series(const Figures& f, int count, double casing_kg) {
  return {f.ah,         f.v * count,  f.kwh * count, f.kg * count + casing_kg,
          f.li * count, f.co * count, f.ni * count,  f.mn * count};
}

void PutFigures(Obj& r, const Figures& f, bool with_mass) {
  r.Set("rated_capacity_ah", Round3(f.ah));
  r.Set("nominal_voltage_v", Round3(f.v));
  r.Set("rated_energy_kwh", Round3(f.kwh));
  if (!with_mass) return;
  r.Set("mass_kg", Round3(f.kg));
  r.SetRaw("materials", Obj()
                            .Set("li_kg", Round3(f.li))
                            .Set("co_kg", Round3(f.co))
                            .Set("ni_kg", Round3(f.ni))
                            .Set("mn_kg", Round3(f.mn))
                            .Dump());
}

// A report with its envelope.
Obj NewReport(const World& w, int reporter, const std::string& id, const char* type, Date occurred,
              Date reported_day, int second) {
  Obj r;
  r.Set("id", id);
  r.Set("type", type);
  r.Set("reporter", w.ents[static_cast<size_t>(reporter)].uscc);
  r.Set("occurred", occurred.ToString());
  r.Set("reported", FormatTimestamp(At(reported_day, second)));
  return r;
}

Line MakeLine(const World& w, int reporter, const std::string& id, Obj& r, Date reported_day,
              int second) {
  Line l;
  l.at = At(reported_day, second);
  l.reporter = w.ents[static_cast<size_t>(reporter)].uscc;
  l.id = id;
  l.text = r.Dump();
  return l;
}

class Renderer {
 public:
  explicit Renderer(const World& w) : w_(w) {}

  void Render(const Plan& p, const Event& e, std::vector<Line>& out) const {
    const Model& m = w_.models[static_cast<size_t>(p.model)];
    const std::string id = EventId(p, e);
    auto envelope = [&](const char* type) {
      return NewReport(w_, e.by, id, type, e.occurred, e.reported, e.second);
    };
    const std::string pack0 = PackCode(w_, p, 0, SlotDay(p, 0));
    auto party = [&](int other) {
      return other >= 0 ? w_.ents[static_cast<size_t>(other)].uscc
                        : w_.unregistered[static_cast<size_t>(-2 - other)];
    };
    Obj r;
    std::string rid = id;
    switch (e.kind) {
      case Ev::kBatteries:
        Batteries(p, e, out);
        return;
      case Ev::kHealth:
        out.push_back(HealthLine(w_, p, e));
        return;
      case Ev::kDuplicate:
      case Ev::kImpersonated:
      case Ev::kPremature: {
        const Ent& bm = w_.ents[static_cast<size_t>(p.bm)];
        std::string code;
        if (e.kind == Ev::kPremature) {
          code = PrematureCellCode(w_, p, PrematureCodeDay(e.occurred));
          rid = "bp-" + code;
        } else if (e.kind == Ev::kDuplicate) {
          code = Code(bm.manufacturer_code, ProductType::kCell, m, p.idx, SlotDay(p, 0),
                      CellSerial(0, 0, 1));
          rid = "bp-" + code + "-2";
        } else {
          const size_t pos =
              static_cast<size_t>(std::find(w_.bms.begin(), w_.bms.end(), p.bm) - w_.bms.begin());
          const int victim = w_.bms[(pos + 1) % w_.bms.size()];
          code = Code(w_.ents[static_cast<size_t>(victim)].manufacturer_code, ProductType::kCell, m,
                      p.idx, e.occurred, SlotBase(3));
          rid = "bp-" + code;
        }
        r = NewReport(w_, e.by, rid, "battery.produced", e.occurred, e.reported, e.second);
        r.Set("code", code);
        r.Set("model", m.spec + "-cell");
        PutFigures(r, CellFigures(m), true);
        break;
      }
      case Ev::kVehicleProduced:
      case Ev::kImpersonatedVin: {
        const bool fake = e.kind == Ev::kImpersonatedVin;
        r = envelope("vehicle.produced");
        r.Set("vin", fake ? p.fake_vin : p.vin);
        r.Set("vehicle_type", m.vehicle_type);
        r.Set("brand", m.brand);
        r.Set("model", m.name);
        r.Set("name", m.brand + " " + m.name);
        r.Set("packs", std::vector<std::string>{fake ? FakePackCode(w_, p, SlotDay(p, 0)) : pack0});
        r.Set("imported", false);
        r.Set("swappable", m.swappable);
        break;
      }
      case Ev::kSold:
      case Ev::kSecondSale:
        r = envelope("vehicle.sold");
        r.Set("vin", p.vin);
        r.Set("sale_date", e.occurred.AddDays(-e.sale_lag).ToString());
        r.Set("division", p.county);
        break;
      case Ev::kReplaced:
        r = envelope("battery.replaced");
        r.Set("vin", p.vin);
        r.Set("removed", std::vector<std::string>{pack0});
        r.Set("installed", std::vector<std::string>{PackCode(w_, p, 1, SlotDay(p, 1))});
        if (e.other >= 0) r.Set("repairer", party(e.other));
        break;
      case Ev::kSwapped:
        r = envelope("battery.swapped");
        r.Set("vin", p.vin);
        r.Set("removed", pack0);
        r.Set("installed", PackCode(w_, p, 1, SlotDay(p, 1)));
        r.Set("station", "Station " + w_.ents[static_cast<size_t>(e.by)].tag + "-" +
                             std::to_string(p.city % 7 + 1));
        break;
      case Ev::kScrapped:
        r = envelope("vehicle.scrapped");
        r.Set("vin", p.vin);
        r.Set("certificate", "SC" + e.occurred.ToString() + "-" + std::to_string(p.idx));
        r.Set("packs_present",
              e.empty_packs ? std::vector<std::string>() : std::vector<std::string>{pack0});
        break;
      case Ev::kOutbound:
        r = envelope("battery.outbound");
        r.Set("codes", std::vector<std::string>{pack0});
        r.Set("to", party(e.other));
        if (!e.outlet.empty()) r.Set("outlet", e.outlet);
        r.Set("source", e.source);
        r.Set("mass_kg", Round3(PackFigures(m).kg));
        break;
      case Ev::kInbound:
      case Ev::kUnknownInbound:
        r = envelope("battery.inbound");
        r.Set("codes", std::vector<std::string>{
                           e.kind == Ev::kInbound ? pack0 : UnknownPackCode(w_, p, SlotDay(p, 0))});
        r.Set("from", party(e.other));
        if (!e.outlet.empty()) r.Set("outlet", e.outlet);
        r.Set("mass_kg", Round3(PackFigures(m).kg));
        break;
      case Ev::kUtilized:
        r = envelope("battery.utilized");
        r.Set("codes", std::vector<std::string>{pack0});
        r.Set("process", "dismantling");
        break;
      case Ev::kProductOutbound: {
        r = envelope("product.outbound");
        const Figures f = PackFigures(m);
        auto product = [](const char* material, double kg) {
          return Obj().Set("material", material).Set("mass_kg", Round3(kg)).Dump();
        };
        std::string products = "[" + product("lithium carbonate", f.li * 5.3);
        if (m.chemistry == 'E') {
          products += "," + product("nickel sulfate", f.ni * 4.5);
          products += "," + product("cobalt sulfate", f.co * 4.8);
        } else {
          products += "," + product("iron phosphate", f.kg * 0.25);
        }
        r.SetRaw("products", products + "]");
        r.Set("to", party(e.other));
        break;
      }
    }
    Line line = MakeLine(w_, e.by, rid, r, e.reported, e.second);
    if (e.kind == Ev::kSold) {
      line.sale_vm = p.vm;
      const bool produced = std::any_of(p.events.begin(), p.events.end(), [](const Event& x) {
        return x.kind == Ev::kVehicleProduced && x.emit;
      });
      line.sale_bm = produced ? p.bm : -1;
      line.city = w_.cities[static_cast<size_t>(p.city)].code;
      line.province = w_.cities[static_cast<size_t>(p.city)].province;
    } else if (e.kind == Ev::kVehicleProduced) {
      line.produced_model = p.model;
      line.occurred = e.occurred;
    }
    out.push_back(std::move(line));
  }

 private:
  // The pack of a slot with its modules and cells: cells first, each module after its cells,
  // the pack last, one second apart.
  void Batteries(const Plan& p, const Event& e, std::vector<Line>& out) const {
    const Model& m = w_.models[static_cast<size_t>(p.model)];
    const std::string& mc = w_.ents[static_cast<size_t>(p.bm)].manufacturer_code;
    const Date day = e.occurred;
    int second = e.second;
    auto emit = [&](const std::string& code, const std::string& model, const Figures& f,
                    const std::vector<std::string>& parts, bool with_mass,
                    const std::string& serial = "") {
      const std::string id = "bp-" + code;
      Obj r = NewReport(w_, e.by, id, "battery.produced", day, e.reported, second);
      r.Set("code", code);
      if (!parts.empty()) r.Set("parts", parts);
      r.Set("model", model);
      if (!serial.empty()) r.Set("serial", serial);
      PutFigures(r, f, with_mass);
      out.push_back(MakeLine(w_, e.by, id, r, e.reported, second));
      ++second;
    };
    const Figures cell = CellFigures(m);
    const Figures module = Series(cell, m.cells, 1.5);
    std::vector<std::string> modules;
    for (int mod = 0; mod < m.modules; ++mod) {
      std::vector<std::string> cells;
      for (int c = 0; c < m.cells; ++c) {
        const std::string code =
            Code(mc, ProductType::kCell, m, p.idx, day, CellSerial(e.slot, mod, c));
        emit(code, m.spec + "-cell", cell, {}, true);
        cells.push_back(code);
      }
      if (e.conflict && mod == 1)
        cells.push_back(Code(mc, ProductType::kCell, m, p.idx, day, CellSerial(e.slot, 0, 0)));
      const std::string code =
          Code(mc, ProductType::kModule, m, p.idx, day, ModuleSerial(e.slot, mod));
      emit(code, m.spec + "-module" + std::to_string(m.cells), module, cells, true);
      modules.push_back(code);
    }
    // A pack of a model with a GTIN carries its GS1 serial.
    const bool gtin = !w_.battery_models[static_cast<size_t>(m.battery_model)].gtin.empty();
    emit(Code(mc, ProductType::kPack, m, p.idx, day, PackSerial(e.slot)), PackModelName(m),
         PackFigures(m), modules, !e.incomplete, gtin ? Gs1Serial(p, e.slot) : "");
  }

  const World& w_;
};

}  // namespace

Figures PackFigures(const Model& m) {
  return Series(Series(CellFigures(m), m.cells, 1.5), m.modules, 12.0);
}

void Render(const World& w, const Plan& p, const Event& e, std::vector<Line>& out) {
  Renderer(w).Render(p, e, out);
}

}  // namespace battrace::sim
