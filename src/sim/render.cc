#include "sim/render.h"

#include <algorithm>

#include "sim/random.h"

namespace battrace::sim {
namespace {

using nlohmann::json;

struct Figures {
  double ah, v, kwh, kg, li, co, ni, mn;
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

void PutFigures(json& r, const Figures& f, bool with_mass) {
  r["rated_capacity_ah"] = Round3(f.ah);
  r["nominal_voltage_v"] = Round3(f.v);
  r["rated_energy_kwh"] = Round3(f.kwh);
  if (!with_mass) return;
  r["mass_kg"] = Round3(f.kg);
  r["materials"] = {{"li_kg", Round3(f.li)},
                    {"co_kg", Round3(f.co)},
                    {"ni_kg", Round3(f.ni)},
                    {"mn_kg", Round3(f.mn)}};
}

Figures PackFigures(const Model& m) {
  return Series(Series(CellFigures(m), m.cells, 1.5), m.modules, 12.0);
}

class Renderer {
 public:
  explicit Renderer(const World& w) : w_(w) {}

  void Render(const Plan& p, const Event& e, std::vector<Line>& out) const {
    const Model& m = w_.models[static_cast<size_t>(p.model)];
    const std::string id = EventId(p, e);
    auto envelope = [&](const char* type) {
      return Envelope(w_, e.by, id, type, e.occurred, e.reported, e.second);
    };
    const std::string pack0 = PackCode(w_, p, 0, SlotDay(p, 0));
    auto party = [&](int other) {
      return other >= 0 ? w_.ents[static_cast<size_t>(other)].uscc
                        : w_.unregistered[static_cast<size_t>(-2 - other)];
    };
    json r;
    switch (e.kind) {
      case Ev::kBatteries:
        Batteries(p, e, out);
        return;
      case Ev::kDuplicate:
      case Ev::kImpersonated: {
        const Ent& bm = w_.ents[static_cast<size_t>(p.bm)];
        std::string code;
        std::string rid;
        if (e.kind == Ev::kDuplicate) {
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
        r = Envelope(w_, e.by, rid, "battery.produced", e.occurred, e.reported, e.second);
        r["code"] = code;
        r["model"] = m.spec + "-cell";
        PutFigures(r, CellFigures(m), true);
        break;
      }
      case Ev::kVehicleProduced:
        r = envelope("vehicle.produced");
        r["vin"] = p.vin;
        r["vehicle_type"] = m.vehicle_type;
        r["brand"] = m.brand;
        r["model"] = m.name;
        r["name"] = m.brand + " " + m.name;
        r["packs"] = {pack0};
        r["imported"] = false;
        r["swappable"] = m.swappable;
        break;
      case Ev::kSold:
        r = envelope("vehicle.sold");
        r["vin"] = p.vin;
        r["sale_date"] = e.occurred.AddDays(-e.sale_lag).ToString();
        r["division"] = p.county;
        break;
      case Ev::kReplaced:
        r = envelope("battery.replaced");
        r["vin"] = p.vin;
        r["removed"] = {pack0};
        r["installed"] = {PackCode(w_, p, 1, SlotDay(p, 1))};
        if (e.other >= 0) r["repairer"] = party(e.other);
        break;
      case Ev::kSwapped:
        r = envelope("battery.swapped");
        r["vin"] = p.vin;
        r["removed"] = pack0;
        r["installed"] = PackCode(w_, p, 1, SlotDay(p, 1));
        r["station"] = "Station " + w_.ents[static_cast<size_t>(e.by)].tag + "-" +
                       std::to_string(p.city % 7 + 1);
        break;
      case Ev::kScrapped:
        r = envelope("vehicle.scrapped");
        r["vin"] = p.vin;
        r["certificate"] = "SC" + e.occurred.ToString() + "-" + std::to_string(p.idx);
        r["packs_present"] = e.empty_packs ? json::array() : json::array({pack0});
        break;
      case Ev::kOutbound:
        r = envelope("battery.outbound");
        r["codes"] = {pack0};
        r["to"] = party(e.other);
        if (!e.outlet.empty()) r["outlet"] = e.outlet;
        r["source"] = e.source;
        r["mass_kg"] = Round3(PackFigures(m).kg);
        break;
      case Ev::kInbound:
        r = envelope("battery.inbound");
        r["codes"] = {pack0};
        r["from"] = party(e.other);
        if (!e.outlet.empty()) r["outlet"] = e.outlet;
        r["mass_kg"] = Round3(PackFigures(m).kg);
        break;
      case Ev::kUtilized:
        r = envelope("battery.utilized");
        r["codes"] = {pack0};
        r["process"] = "dismantling";
        break;
      case Ev::kProductOutbound: {
        r = envelope("product.outbound");
        const Figures f = PackFigures(m);
        json products = json::array();
        products.push_back({{"material", "lithium carbonate"}, {"mass_kg", Round3(f.li * 5.3)}});
        if (m.chemistry == 'E') {
          products.push_back({{"material", "nickel sulfate"}, {"mass_kg", Round3(f.ni * 4.5)}});
          products.push_back({{"material", "cobalt sulfate"}, {"mass_kg", Round3(f.co * 4.8)}});
        } else {
          products.push_back({{"material", "iron phosphate"}, {"mass_kg", Round3(f.kg * 0.25)}});
        }
        r["products"] = products;
        r["to"] = party(e.other);
        break;
      }
    }
    Line line = ToLine(w_, e.by, r, e.reported, e.second);
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
                    const json& parts, bool with_mass) {
      json r = Envelope(w_, e.by, "bp-" + code, "battery.produced", day, e.reported, second);
      r["code"] = code;
      if (!parts.empty()) r["parts"] = parts;
      r["model"] = model;
      PutFigures(r, f, with_mass);
      out.push_back(ToLine(w_, e.by, r, e.reported, second));
      ++second;
    };
    const Figures cell = CellFigures(m);
    const Figures module = Series(cell, m.cells, 1.5);
    json modules = json::array();
    for (int mod = 0; mod < m.modules; ++mod) {
      json cells = json::array();
      for (int c = 0; c < m.cells; ++c) {
        const std::string code =
            Code(mc, ProductType::kCell, m, p.idx, day, CellSerial(e.slot, mod, c));
        emit(code, m.spec + "-cell", cell, json::array(), true);
        cells.push_back(code);
      }
      if (e.conflict && mod == 1)
        cells.push_back(Code(mc, ProductType::kCell, m, p.idx, day, CellSerial(e.slot, 0, 0)));
      const std::string code =
          Code(mc, ProductType::kModule, m, p.idx, day, ModuleSerial(e.slot, mod));
      emit(code, m.spec + "-module" + std::to_string(m.cells), module, cells, true);
      modules.push_back(code);
    }
    emit(Code(mc, ProductType::kPack, m, p.idx, day, PackSerial(e.slot)),
         m.spec + "-pack" + std::to_string(m.modules), PackFigures(m), modules, !e.incomplete);
  }

  const World& w_;
};

}  // namespace

void Render(const World& w, const Plan& p, const Event& e, std::vector<Line>& out) {
  Renderer(w).Render(p, e, out);
}

}  // namespace battrace::sim
