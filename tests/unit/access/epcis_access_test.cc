// The EPCIS reads of ScopedReader (access/access.h) on both engines: who sees which captured
// events and capture jobs, and which reads are audited.
#include <gtest/gtest.h>

#include <algorithm>

#include "../store/engines.h"
#include "access/access.h"
#include "ledger/signing_key.h"
#include "store/open.h"

namespace battrace::access {
namespace {

using store::EpcisCapture;
using store::EpcisEvent;
using store::EpcisFilter;
using store::OpenOptions;
using store::OpenStore;
using store::Store;

constexpr const char* kA = "91440300MA5FAAAAA1";  // seated in Shenzhen (440300)
constexpr const char* kB = "91110000MA00BBBBB2";  // seated in Beijing (110000)

EpcisEvent Event(const std::string& id, const std::string& dedup, const std::string& owner,
                 const std::string& division) {
  EpcisEvent e;
  e.event_id = id;
  e.hash = "ni:///sha-256;" + std::string(64, dedup[0]) + "?ver=CBV2.0";
  e.dedup = dedup;
  e.owner = owner;
  e.owner_division = division;
  e.type = "ObjectEvent";
  e.action = "OBSERVE";
  e.event_time = 1704067200000;
  e.record_time = 1704067200000;
  e.body = R"({"type":"ObjectEvent","eventID":")" + id + R"("})";
  e.epcs = {{"epc", "https://id.gs1.org/00/106141412345678908"}};
  return e;
}

Viewer Of(Viewer::Kind kind, const std::string& id, const std::string& division) {
  Viewer v;
  v.kind = kind;
  v.id = id;
  v.division = division;
  return v;
}

std::vector<std::string> Ids(const std::vector<EpcisEvent>& events) {
  std::vector<std::string> out;
  for (const EpcisEvent& e : events)
    out.push_back(e.event_id);
  return out;
}

class EpcisAccessTest : public ::testing::TestWithParam<battrace::testing::Engine> {
 protected:
  void SetUp() override {
    where_ = std::make_unique<battrace::testing::TestStore>(GetParam(), "epcis-access");
    if (!where_->available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
    auto key = ledger::SigningKey::Generate("test.battrace/ledger");
    ASSERT_TRUE(key->WriteFile(where_->key_path()).ok());
    OpenOptions o;
    o.create = true;
    o.key_path = where_->key_path();
    auto s = OpenStore(where_->location(), o, "test.battrace/ledger");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    EpcisCapture a{"a0000000000000000000000000000001", kA, 1, {}};
    a.events = {Event("urn:uuid:a1", "1", kA, "440300"), Event("urn:uuid:a2", "2", kA, "440300"),
                Event("urn:uuid:a1", "1#decl", kA, "440300")};
    EpcisCapture b{"b0000000000000000000000000000002", kB, 2, {}};
    b.events = {Event("urn:uuid:b1", "3", kB, "110000")};
    ASSERT_TRUE(store_->CaptureEpcis(a).ok());
    ASSERT_TRUE(store_->CaptureEpcis(b).ok());
  }

  ScopedReader Reader(const Viewer& v) { return ScopedReader(*store_, v, "inspection", "req-1"); }

  std::unique_ptr<battrace::testing::TestStore> where_;
  std::unique_ptr<Store> store_;
};

TEST_P(EpcisAccessTest, EachSeesWhatTheRulesAllowAndOthersReadsAreAudited) {
  const Viewer a = Of(Viewer::Kind::kEnterprise, kA, "440300");
  const Viewer b = Of(Viewer::Kind::kEnterprise, kB, "110000");
  const Viewer guangdong = Of(Viewer::Kind::kRegulator, "MIIT-440000", "440000");
  const Viewer beijing = Of(Viewer::Kind::kRegulator, "MIIT-110000", "110000");
  const Viewer admin = Of(Viewer::Kind::kAdmin, "", "");
  struct Case {
    Viewer viewer;
    std::vector<std::string> ids;
    size_t audited;
  };
  for (const Case& c :
       std::vector<Case>{{a, {"urn:uuid:a1", "urn:uuid:a2", "urn:uuid:a1"}, 0},
                         {b, {"urn:uuid:b1"}, 0},
                         {guangdong, {"urn:uuid:a1", "urn:uuid:a2", "urn:uuid:a1"}, 1},
                         {beijing, {"urn:uuid:b1"}, 1},
                         {admin, {"urn:uuid:a1", "urn:uuid:a2", "urn:uuid:a1", "urn:uuid:b1"}, 1},
                         {Viewer{}, {}, 0}}) {
    ScopedReader r = Reader(c.viewer);
    // A filter's own scope is replaced by the viewer's, never widened.
    EpcisFilter filter;
    filter.owner = kB;
    if (c.viewer.kind == Viewer::Kind::kAdmin) filter.owner.reset();
    auto events = r.CapturedEvents(filter);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    EXPECT_EQ(Ids(*events), c.ids) << c.viewer.Principal();
    EXPECT_EQ(r.audit().size(), c.audited) << c.viewer.Principal();
    if (c.audited) {
      EXPECT_EQ(r.audit()[0].action, "epcis_events");
    }
  }
}

TEST_P(EpcisAccessTest, OneEventWithItsDeclarationOrNotFoundAlike) {
  const Viewer a = Of(Viewer::Kind::kEnterprise, kA, "440300");
  const Viewer b = Of(Viewer::Kind::kEnterprise, kB, "110000");
  ScopedReader ra = Reader(a);
  auto mine = ra.CapturedEvent("urn:uuid:a1");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[1].dedup, "1#decl");
  EXPECT_TRUE(ra.audit().empty());
  ScopedReader rb = Reader(b);
  auto theirs = rb.CapturedEvent("urn:uuid:a1");
  auto none = rb.CapturedEvent("urn:uuid:zz");
  ASSERT_FALSE(theirs.ok());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(theirs.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(theirs.status().message(), none.status().message());
  EXPECT_FALSE(Reader(Viewer{}).CapturedEvent("urn:uuid:a1").ok());
  ScopedReader reg = Reader(Of(Viewer::Kind::kRegulator, "MIIT-440000", "440000"));
  ASSERT_TRUE(reg.CapturedEvent("urn:uuid:a1").ok());
  ASSERT_EQ(reg.audit().size(), 1u);
  EXPECT_EQ(reg.audit()[0].record, "epcis:urn:uuid:a1");
}

TEST_P(EpcisAccessTest, ARegulatorStatesItsPurpose) {
  ScopedReader reg(*store_, Of(Viewer::Kind::kRegulator, "MIIT-440000", "440000"), "", "req-2");
  for (const Status& st :
       {reg.CapturedEvents(EpcisFilter{}).status(), reg.CapturedEvent("urn:uuid:a1").status()}) {
    EXPECT_EQ(st.rule(), "access.purpose_required") << st.ToString();
  }
  EXPECT_TRUE(reg.audit().empty());
}

TEST_P(EpcisAccessTest, AJobIsForItsEnterpriseAndTheAdmin) {
  const std::string id = "a0000000000000000000000000000001";
  ScopedReader ra = Reader(Of(Viewer::Kind::kEnterprise, kA, "440300"));
  auto job = ra.CaptureJob(id);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->stored, 3u);
  for (const Viewer& v : {Of(Viewer::Kind::kEnterprise, kB, "110000"),
                          Of(Viewer::Kind::kRegulator, "MIIT-440000", "440000")}) {
    auto other = Reader(v).CaptureJob(id);
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.status().code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(Reader(Viewer{}).CaptureJob(id).status().code(), StatusCode::kNotFound);
  ScopedReader admin = Reader(Of(Viewer::Kind::kAdmin, "", ""));
  ASSERT_TRUE(admin.CaptureJob(id).ok());
  EXPECT_EQ(admin.audit().size(), 1u);
}

BATTRACE_BOTH_ENGINES(EpcisAccessTest);

}  // namespace
}  // namespace battrace::access
