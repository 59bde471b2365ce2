// The XML binding: every GS1 XML example converts to the JSON GS1's JSON twin gives for the same
// events; what the XSD refuses (order, qualification, values) and what the parser must never do
// (DTDs, entities, files, network) is refused with the line it happened on.
#include "epcis/xml.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/date.h"
#include "epcis/json_schema.h"

namespace battrace::epcis {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kXmlDir = fs::path(BATTRACE_TEST_DATA) / "data" / "epcis" / "gs1-xml";
const fs::path kJsonDir = fs::path(BATTRACE_TEST_DATA) / "data" / "epcis" / "gs1" / "JSON";

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<fs::path> XmlExamples() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(kXmlDir)) {
    if (entry.path().extension() == ".xml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// An EPCIS document around the given events, as GS1's examples write it.
std::string Document(const std::string& events, const std::string& namespaces = "") {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
    creationDate="2024-01-01T00:00:00Z")" +
         namespaces + R"(>
  <EPCISBody>
    <EventList>
)" + events +
         R"(
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>
)";
}

const char* const kShipping = R"(<ObjectEvent>
        <eventTime>2024-03-01T08:00:00.000+08:00</eventTime>
        <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
        <epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList>
        <action>OBSERVE</action>
        <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
      </ObjectEvent>)";

void ExpectRefused(const std::string& xml, const std::string& rule, int line,
                   const std::string& words) {
  const Result<json> got = XmlToJson(xml);
  ASSERT_FALSE(got.ok()) << xml;
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().rule(), rule) << got.status().ToString();
  EXPECT_EQ(got.status().field(), "line " + std::to_string(line)) << got.status().ToString();
  EXPECT_NE(got.status().message().find(words), std::string::npos) << got.status().ToString();
}

// ---- GS1's examples ----

TEST(XmlToJsonTest, ConvertsEveryGs1XmlExample) {
  const std::vector<fs::path> examples = XmlExamples();
  ASSERT_EQ(examples.size(), 31u);
  size_t events = 0;
  for (const fs::path& path : examples) {
    SCOPED_TRACE(path.string());
    const std::string xml = Read(path);
    const Result<json> doc = XmlToJson(xml);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    EXPECT_EQ((*doc)["type"], "EPCISDocument");
    EXPECT_EQ((*doc)["schemaVersion"], "2.0");
    EXPECT_TRUE((*doc)["creationDate"].is_string());
    EXPECT_EQ((*doc)["@context"][0],
              "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld");
    const json& list = (*doc)["epcisBody"]["eventList"];
    size_t tags = 0;
    for (const char* tag : {"<ObjectEvent>", "<AggregationEvent>", "<TransactionEvent>",
                            "<TransformationEvent>", "<AssociationEvent>"}) {
      for (size_t at = xml.find(tag); at != std::string::npos; at = xml.find(tag, at + 1))
        ++tags;
    }
    EXPECT_EQ(list.size(), tags);
    events += list.size();
    // Every "prefix:" of a key is declared in the @context the conversion wrote.
    std::set<std::string> declared;
    if ((*doc)["@context"].size() > 1) {
      for (const auto& [prefix, uri] : (*doc)["@context"][1].items())
        declared.insert(prefix);
    }
    std::function<void(const json&)> check = [&](const json& value) {
      if (value.is_array()) {
        for (const json& item : value)
          check(item);
      } else if (value.is_object()) {
        for (const auto& [key, item] : value.items()) {
          const size_t colon = key.find(':');
          if (colon != std::string::npos && key[0] != '@') {
            EXPECT_TRUE(declared.contains(key.substr(0, colon))) << key;
          }
          check(item);
        }
      }
    };
    check(list);
  }
  EXPECT_EQ(events, 63u);
}

// The XSD and the JSON schema are GS1's two statements of one data model: what the first
// accepts, converted, the second accepts too; except where GS1's two schemas disagree, which two
// of GS1's XML examples show.
TEST(XmlToJsonTest, EveryConvertedGs1ExampleMeetsTheJsonSchema) {
  const std::map<std::string, std::string> between = {
      // The XSD gives AggregationEvent a persistentDisposition; the JSON schema's list of
      // AggregationEvent fields lacks it (GS1's JSON twin of the example uses ObjectEvents).
      {"Example-PersistentDisposition.xml", "/epcisBody/eventList/0/persistentDisposition"},
      // Measurement types the JSON schema does not list (gs1:Molar_concentration,
      // gs1:EffectiveDoseRate; GS1's JSON twins write AmountOfSubstancePerUnitVolume and
      // DoseEquivalentRate), and sensorReports without the type the JSON schema requires and
      // the XSD leaves optional.
      {"WithSensorData/SensorDataExamples.xml",
       "/epcisBody/eventList/7/sensorElementList/0/sensorReport/1/type"},
  };
  size_t valid_count = 0;
  for (const fs::path& path : XmlExamples()) {
    SCOPED_TRACE(path.string());
    const Result<json> doc = XmlToJson(Read(path));
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    const Status valid = EpcisSchema().Validate(*doc);
    const auto known = between.find(path.lexically_relative(kXmlDir).string());
    if (known != between.end()) {
      EXPECT_EQ(valid.rule(), "epcis.schema") << valid.ToString();
      EXPECT_EQ(valid.field(), known->second) << valid.ToString();
    } else {
      EXPECT_TRUE(valid.ok()) << valid.ToString();
      valid_count += valid.ok();
    }
  }
  EXPECT_EQ(valid_count, 29u);
}

// Compares two JSON values, treating equal instants spelled differently as equal (GS1's JSON
// twins sometimes give a time in UTC where the XML gives it with its offset); collects the JSON
// pointers where they differ.
void Differences(const json& a, const json& b, const std::string& at, std::set<std::string>& out) {
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : a.items())
      keys.insert(k);
    for (const auto& [k, v] : b.items())
      keys.insert(k);
    for (const std::string& k : keys) {
      if (!a.contains(k) || !b.contains(k)) {
        out.insert(at + "/" + k);
      } else {
        Differences(a[k], b[k], at + "/" + k, out);
      }
    }
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i)
      Differences(a[i], b[i], at + "/" + std::to_string(i), out);
    return;
  }
  if (a == b) return;
  if (a.is_string() && b.is_string()) {
    const Result<Instant> x = ParseTimestamp(a.get<std::string>());
    const Result<Instant> y = ParseTimestamp(b.get<std::string>());
    if (x.ok() && y.ok() && *x == *y) return;
  }
  out.insert(at);
}

struct Twin {
  std::string xml;
  std::vector<std::string> json;  // the JSON examples holding the same events, in order
  // Where GS1's two files say different things (a content difference of the examples, not of
  // the bindings), as JSON pointers into the event list.
  std::set<std::string> known;
};

TEST(XmlToJsonTest, EventsEqualTheirGs1JsonTwins) {
  const std::vector<Twin> twins = {
      {"Example_9.6.1-ObjectEvent-2020_06_18a.xml", {"Example_9.6.1-ObjectEvent.jsonld"}, {}},
      {"AssociationEvent/AssociationEventExamples.xml",
       {"AssociationEvent/AssociationEvent-a.jsonld", "AssociationEvent/AssociationEvent-b.jsonld",
        "AssociationEvent/AssociationEvent-c.jsonld", "AssociationEvent/AssociationEvent-d.jsonld",
        "AssociationEvent/AssociationEvent-e.jsonld", "AssociationEvent/AssociationEvent-f.jsonld",
        "AssociationEvent/AssociationEvent-g.jsonld", "AssociationEvent/AssociationEvent-h.jsonld"},
       // The JSON names the corrective event by its hash, the XML by a UUID.
       {"/6/errorDeclaration/correctiveEventIDs/0"}},
      {"Example-TransactionEvent-2020_07_03y.xml",
       {"Example-TransactionEvents-2020_07_03y.jsonld"},
       // The JSON leaves out the XML's empty <rail:vehicleMasterGIAI/> and writes one of three
       // rail:vehicleUniquelyIdentified values as a boolean (the XML has no type for it).
       {"/1/rail:vehicle/1/rail:vehicleMasterGIAI",
        "/1/rail:vehicle/2/rail:vehicleUniquelyIdentified"}},
      {"WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml",
       {"WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld"},
       // The XML's input quantities are nil, the JSON's 500 KGM; the read points differ.
       {"/0/inputQuantityList/0/quantity", "/0/inputQuantityList/0/uom", "/0/readPoint/id",
        "/1/inputQuantityList/0/quantity", "/1/inputQuantityList/0/uom", "/1/readPoint/id"}},
  };
  size_t compared = 0;
  for (const Twin& twin : twins) {
    SCOPED_TRACE(twin.xml);
    const Result<json> doc = XmlToJson(Read(kXmlDir / twin.xml));
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    const json& events = (*doc)["epcisBody"]["eventList"];
    json expected = json::array();
    for (const std::string& name : twin.json) {
      const fs::path path = kJsonDir / name;
      ASSERT_TRUE(fs::exists(path)) << path;
      const json twin_doc = json::parse(Read(path));
      for (const json& event : twin_doc["epcisBody"]["eventList"])
        expected.push_back(event);
    }
    ASSERT_EQ(events.size(), expected.size());
    for (size_t i = 0; i < events.size(); ++i) {
      // GS1 gave the JSON twins an eventID (their hash) where the XML has none.
      if (!events[i].contains("eventID")) expected[i].erase("eventID");
    }
    std::set<std::string> differences;
    Differences(events, expected, "", differences);
    EXPECT_EQ(differences, twin.known) << events.dump(1) << "\n" << expected.dump(1);
    compared += events.size();
  }
  EXPECT_EQ(compared, 14u);
}

// ---- the conversion, field by field ----

TEST(XmlToJsonTest, StandardFieldsTakeTheirJsonForm) {
  const Result<json> doc = XmlToJson(Document(R"(<TransformationEvent>
        <eventTime>2024-03-01T08:00:00+08:00</eventTime>
        <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
        <eventID>urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427</eventID>
        <errorDeclaration>
          <declarationTime>2024-03-02T08:00:00+08:00</declarationTime>
          <reason>urn:epcglobal:cbv:er:incorrect_data</reason>
          <correctiveEventIDs><correctiveEventID>urn:uuid:1</correctiveEventID></correctiveEventIDs>
        </errorDeclaration>
        <inputEPCList><epc>urn:battrace:gbt34014:A</epc></inputEPCList>
        <inputQuantityList>
          <quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.1</epcClass>
            <quantity xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>
          </quantityElement>
        </inputQuantityList>
        <outputQuantityList>
          <quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.2</epcClass>
            <quantity>12.5</quantity><uom>KGM</uom></quantityElement>
          <quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.3</epcClass>
            <quantity>7</quantity></quantityElement>
        </outputQuantityList>
        <bizStep>https://ref.gs1.org/cbv/BizStep-commissioning</bizStep>
        <disposition>urn:epcglobal:cbv:disp:active</disposition>
        <readPoint><id>urn:epc:id:sgln:0614141.00777.0</id></readPoint>
        <bizTransactionList>
          <bizTransaction type="urn:epcglobal:cbv:btt:po">urn:epc:id:gdti:0614141.00001.1</bizTransaction>
          <bizTransaction>urn:epc:id:gdti:0614141.00001.2</bizTransaction>
        </bizTransactionList>
        <sourceList><source type="urn:epcglobal:cbv:sdt:owning_party">urn:battrace:uscc:A</source></sourceList>
        <destinationList><destination type="owning_party">urn:battrace:uscc:B</destination></destinationList>
        <persistentDisposition><unset>urn:epcglobal:cbv:disp:needs_replacement</unset><set>active</set><set>urn:epcglobal:cbv:disp:completeness_verified</set></persistentDisposition>
      </TransformationEvent>)"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const json expected = json::parse(R"({
    "type": "TransformationEvent",
    "eventTime": "2024-03-01T08:00:00+08:00",
    "eventTimeZoneOffset": "+08:00",
    "eventID": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    "errorDeclaration": {"declarationTime": "2024-03-02T08:00:00+08:00",
                         "reason": "incorrect_data", "correctiveEventIDs": ["urn:uuid:1"]},
    "inputEPCList": ["urn:battrace:gbt34014:A"],
    "inputQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.1"}],
    "outputQuantityList": [
      {"epcClass": "urn:epc:class:lgtin:4012345.012345.2", "quantity": 12.5, "uom": "KGM"},
      {"epcClass": "urn:epc:class:lgtin:4012345.012345.3", "quantity": 7}],
    "bizStep": "commissioning",
    "disposition": "active",
    "readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0"},
    "bizTransactionList": [
      {"type": "po", "bizTransaction": "urn:epc:id:gdti:0614141.00001.1"},
      {"bizTransaction": "urn:epc:id:gdti:0614141.00001.2"}],
    "sourceList": [{"type": "owning_party", "source": "urn:battrace:uscc:A"}],
    "destinationList": [{"type": "owning_party", "destination": "urn:battrace:uscc:B"}],
    "persistentDisposition": {"unset": ["needs_replacement"],
                              "set": ["active", "completeness_verified"]}
  })");
  EXPECT_EQ((*doc)["epcisBody"]["eventList"][0], expected)
      << (*doc)["epcisBody"]["eventList"][0].dump(1);
  EXPECT_TRUE(
      (*doc)["epcisBody"]["eventList"][0]["outputQuantityList"][1]["quantity"].is_number_integer());
  EXPECT_EQ((*doc)["@context"], json::array({"https://ref.gs1.org/standards/epcis/2.0.0/"
                                             "epcis-context.jsonld"}));
}

TEST(XmlToJsonTest, SensorAttributesTakeTheirJsonTypes) {
  const Result<json> doc = XmlToJson(Document(R"(<ObjectEvent>
        <eventTime>2024-03-01T08:00:00Z</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <action>OBSERVE</action>
        <sensorElementList><sensorElement>
          <sensorMetadata time="2024-03-01T07:00:00Z" deviceID="urn:epc:id:giai:4000001.111" ex:batch="7"/>
          <sensorReport type="gs1:Temperature" value="26.0" uom="CEL" booleanValue="true"/>
          <sensorReport type="voc:Voltage" minValue="-1.5E2" maxValue="+3" component="cbv:Comp-x"/>
          <sensorReport exception="gs1:ALARM_CONDITION" booleanValue="0" stringValue="12"/>
          <ex:note>hot</ex:note>
        </sensorElement></sensorElementList>
      </ObjectEvent>)",
                                              R"( xmlns:gs1="https://gs1.org/voc/")"
                                              R"( xmlns:voc="https://gs1.org/voc/")"
                                              R"( xmlns:cbv="https://ref.gs1.org/cbv/")"
                                              R"( xmlns:ex="https://example.com/ns/")"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const json expected = json::parse(R"([{
    "sensorMetadata": {"time": "2024-03-01T07:00:00Z", "deviceID": "urn:epc:id:giai:4000001.111",
                       "ex:batch": "7"},
    "sensorReport": [
      {"type": "Temperature", "value": 26.0, "uom": "CEL", "booleanValue": true},
      {"type": "Voltage", "minValue": -150.0, "maxValue": 3, "component": "x"},
      {"exception": "ALARM_CONDITION", "booleanValue": false, "stringValue": "12"}],
    "ex:note": "hot"
  }])");
  EXPECT_EQ((*doc)["epcisBody"]["eventList"][0]["sensorElementList"], expected)
      << (*doc)["epcisBody"]["eventList"][0].dump(1);
  EXPECT_EQ((*doc)["@context"][1], json::parse(R"({"ex": "https://example.com/ns/"})"));
}

TEST(XmlToJsonTest, UserExtensionsBecomePrefixedKeys) {
  const Result<json> doc = XmlToJson(Document(R"(<ObjectEvent>
        <eventTime>2024-03-01T08:00:00Z</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <action>ADD</action>
        <bizLocation><id>urn:epc:id:sgln:0614141.00777.0</id><ex:dock>7</ex:dock></bizLocation>
        <ilmd><ex:lot><ex:number>L1</ex:number><ex:grade>A</ex:grade><ex:grade>B</ex:grade></ex:lot></ilmd>
        <extension><ex:moved>true</ex:moved></extension>
        <ex:weight unit="KGM" ex:scale="2">3.5</ex:weight>
        <ex:empty/>
        <ex:list><item>1</item><item>2</item></ex:list>
        <other:tag>a</other:tag>
        <n:tag xmlns:n="urn:third">b</n:tag>
        <tag xmlns="urn:default">c</tag>
      </ObjectEvent>)",
                                              R"( xmlns:ex="https://example.com/ns/")"
                                              R"( xmlns:other="urn:other")"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const json& event = (*doc)["epcisBody"]["eventList"][0];
  EXPECT_EQ(event["bizLocation"], json::parse(R"({"id": "urn:epc:id:sgln:0614141.00777.0",
                                                  "ex:dock": "7"})"));
  EXPECT_EQ(event["ilmd"],
            json::parse(R"({"ex:lot": {"ex:number": "L1", "ex:grade": ["A", "B"]}})"));
  EXPECT_EQ(event["ex:moved"], "true");
  EXPECT_EQ(event["ex:weight"], json::parse(R"({"unit": "KGM", "ex:scale": "2", "#text": "3.5"})"));
  EXPECT_EQ(event["ex:empty"], "");
  EXPECT_EQ(event["ex:list"], json::parse(R"({"item": ["1", "2"]})"));
  EXPECT_EQ(event["other:tag"], "a");
  EXPECT_EQ(event["n:tag"], "b");
  EXPECT_EQ(event["ns:tag"], "c");  // the default namespace gets a prefix of its own
  EXPECT_EQ((*doc)["@context"][1], json::parse(R"({"ex": "https://example.com/ns/",
      "other": "urn:other", "n": "urn:third", "ns": "urn:default"})"));
}

TEST(XmlToJsonTest, OnePrefixForTwoNamespacesIsRenamed) {
  const Result<json> doc = XmlToJson(Document(R"(<ObjectEvent>
        <eventTime>2024-03-01T08:00:00Z</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <action>ADD</action>
        <ex:a xmlns:ex="urn:one">1</ex:a>
        <ex:b xmlns:ex="urn:two">2</ex:b>
      </ObjectEvent>)"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const json& event = (*doc)["epcisBody"]["eventList"][0];
  EXPECT_EQ(event["ex:a"], "1");
  EXPECT_EQ(event["ex2:b"], "2");
  EXPECT_EQ((*doc)["@context"][1], json::parse(R"({"ex": "urn:one", "ex2": "urn:two"})"));
}

TEST(XmlToJsonTest, HeaderMasterDataAndQueryDocuments) {
  const Result<json> doc = XmlToJson(R"(<?xml version="1.0"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
    creationDate="2024-01-01T00:00:00Z">
  <EPCISHeader><extension><EPCISMasterData><VocabularyList>
    <Vocabulary type="urn:epcglobal:epcis:vtype:BusinessLocation"><VocabularyElementList>
      <VocabularyElement id="urn:epc:id:sgln:0614141.00777.0">
        <attribute id="urn:epcglobal:cbv:mda#name">Dock 7</attribute>
        <children><id>urn:epc:id:sgln:0614141.00777.1</id></children>
      </VocabularyElement>
    </VocabularyElementList></Vocabulary>
  </VocabularyList></EPCISMasterData></extension></EPCISHeader>
  <EPCISBody/>
</epcis:EPCISDocument>)");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ((*doc)["epcisHeader"], json::parse(R"({"epcisMasterData": {"vocabularyList": [
    {"type": "urn:epcglobal:epcis:vtype:BusinessLocation", "vocabularyElementList": [
      {"id": "urn:epc:id:sgln:0614141.00777.0",
       "attributes": [{"id": "urn:epcglobal:cbv:mda#name", "attribute": "Dock 7"}],
       "children": ["urn:epc:id:sgln:0614141.00777.1"]}]}]}})"));
  EXPECT_EQ((*doc)["epcisBody"], json::parse(R"({"eventList": []})"));

  const Result<json> query = XmlToJson(std::string(R"(<?xml version="1.0"?>
<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2" schemaVersion="2.0"
    creationDate="2024-01-01T00:00:00Z">
  <EPCISBody><epcisq:QueryResults>
    <queryName>SimpleEventQuery</queryName>
    <resultsBody><EventList>)") + kShipping +
                                       R"(</EventList></resultsBody>
  </epcisq:QueryResults></EPCISBody>
</epcisq:EPCISQueryDocument>)");
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  EXPECT_EQ((*query)["type"], "EPCISQueryDocument");
  const json& results = (*query)["epcisBody"]["queryResults"];
  EXPECT_EQ(results["queryName"], "SimpleEventQuery");
  ASSERT_EQ(results["resultsBody"]["eventList"].size(), 1u);
  EXPECT_EQ(results["resultsBody"]["eventList"][0]["bizStep"], "shipping");
  // Both meet the JSON schema as they are.
  EXPECT_TRUE(EpcisSchema().Validate(*doc).ok()) << EpcisSchema().Validate(*doc).ToString();
  EXPECT_TRUE(EpcisSchema().Validate(*query).ok()) << EpcisSchema().Validate(*query).ToString();
}

// ---- what is refused ----

TEST(XmlToJsonTest, RefusesWhatIsNotWellFormed) {
  ExpectRefused("<epcis:EPCISDocument", "epcis.xml", 1, "");
  ExpectRefused(Document(kShipping).substr(0, 300), "epcis.xml", 8, "");
  ExpectRefused("", "epcis.xml", 1, "");
  ExpectRefused(Document("<ObjectEvent>&undeclared;</ObjectEvent>"), "epcis.xml", 6, "undeclared");
}

TEST(XmlToJsonTest, RefusesDoctypesThatDeclareOrLoad) {
  // Entity expansion: refused at the DOCTYPE, before any entity is declared or expanded.
  std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n";
  for (int i = 1; i < 10; ++i) {
    laughs += " <!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j)
      laughs += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    laughs += "\">\n";
  }
  laughs += "]>\n<lolz>&lol9;</lolz>\n";
  ExpectRefused(laughs, "epcis.xml", 2, "DOCTYPE");
  // An external entity or DTD would read a file or the network.
  ExpectRefused(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
      "<x>&e;</x>",
      "epcis.xml", 2, "DOCTYPE");
  ExpectRefused("<?xml version=\"1.0\"?>\n<!DOCTYPE x SYSTEM \"http://example.com/x.dtd\">\n<x/>",
                "epcis.xml", 2, "DOCTYPE");
  ExpectRefused("<?xml version=\"1.0\"?>\n<!DOCTYPE x []>\n<x/>", "epcis.xml", 2, "DOCTYPE");
  // A DOCTYPE that only names the root declares nothing (GS1's own examples carry one).
  std::string bare = Document(kShipping);
  bare.insert(bare.find('\n') + 1, "<!DOCTYPE project>\n");
  EXPECT_TRUE(XmlToJson(bare).ok());
}

// Nothing in a document makes the parser or the validator read a file or the network: an
// XInclude stays an element, xsi:schemaLocation names no schema to fetch.
TEST(XmlToJsonTest, LoadsNothing) {
  std::string event = kShipping;
  event.insert(event.find("</ObjectEvent>"),
               R"(<xi:include href="file:///etc/passwd" parse="text"/>)");
  const Result<json> doc =
      XmlToJson(Document(event, R"( xmlns:xi="http://www.w3.org/2001/XInclude")"
                                R"( xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance")"
                                R"( xsi:schemaLocation="http://www.w3.org/2001/XInclude)"
                                R"( http://127.0.0.1:9/XInclude.xsd")"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ((*doc)["epcisBody"]["eventList"][0]["xi:include"],
            json::parse(R"({"href": "file:///etc/passwd", "parse": "text"})"));
}

TEST(XmlToJsonTest, RefusesWhatTheXsdRefuses) {
  // Element order: eventTimeZoneOffset comes after eventTime.
  ExpectRefused(Document(R"(<ObjectEvent>
        <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
        <eventTime>2024-03-01T08:00:00.000+08:00</eventTime>
        <action>OBSERVE</action>
      </ObjectEvent>)"),
                "epcis.xsd", 7, "eventTimeZoneOffset");
  // A required element missing.
  ExpectRefused(Document(R"(<ObjectEvent>
        <eventTime>2024-03-01T08:00:00.000+08:00</eventTime>
        <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
      </ObjectEvent>)"),
                "epcis.xsd", 6, "action");
  // Qualification: the event's fields are unqualified, the document element is qualified.
  ExpectRefused(Document(R"(<ObjectEvent>
        <epcis:eventTime>2024-03-01T08:00:00.000+08:00</epcis:eventTime>
        <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
        <action>OBSERVE</action>
      </ObjectEvent>)"),
                "epcis.xsd", 7, "eventTime");
  ExpectRefused(R"(<EPCISDocument schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">
  <EPCISBody/></EPCISDocument>)",
                "epcis.xsd", 1, "without namespace");
  ExpectRefused(R"(<epcis:EPCISCaptureJob xmlns:epcis="urn:epcglobal:epcis:xsd:2"/>)", "epcis.xsd",
                1, "EPCISCaptureJob");
  // An element the standard does not define, in its namespace or in none.
  std::string unknown = kShipping;
  unknown.insert(unknown.find("</ObjectEvent>"), "<epcis:colour>red</epcis:colour>");
  ExpectRefused(Document(unknown), "epcis.xsd", 12, "colour");
  unknown = kShipping;
  unknown.insert(unknown.find("</ObjectEvent>"), "<colour>red</colour>");
  ExpectRefused(Document(unknown), "epcis.xsd", 12, "colour");
  // Values: a date-time, an action, a decimal.
  std::string bad = kShipping;
  bad.replace(bad.find("2024-03-01T08"), 13, "2024-13-01T08");
  ExpectRefused(Document(bad), "epcis.xsd", 7, "eventTime");
  bad = kShipping;
  bad.replace(bad.find("OBSERVE"), 7, "LOOK");
  ExpectRefused(Document(bad), "epcis.xsd", 10, "action");
  // A document carrying two values where the JSON binding has one.
  ExpectRefused(Document(R"(<ObjectEvent>
        <eventTime>2024-03-01T08:00:00Z</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <errorDeclaration>
          <declarationTime>2024-03-02T08:00:00Z</declarationTime>
          <declarationTime>2024-03-03T08:00:00Z</declarationTime>
        </errorDeclaration>
        <action>OBSERVE</action>
      </ObjectEvent>)"),
                "epcis.xsd", 11, "declarationTime");
  // A number JSON cannot carry.
  ExpectRefused(Document(R"(<ObjectEvent>
        <eventTime>2024-03-01T08:00:00Z</eventTime>
        <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
        <action>OBSERVE</action>
        <sensorElementList><sensorElement><sensorReport type="gs1:Temperature" value="NaN"/></sensorElement></sensorElementList>
      </ObjectEvent>)"),
                "epcis.xsd", 10, "NaN");
  // A query document carrying something other than query results.
  ExpectRefused(R"(<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2"
    schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">
  <EPCISBody><epcisq:GetQueryNames/></EPCISBody></epcisq:EPCISQueryDocument>)",
                "epcis.xsd", 3, "GetQueryNames");
}

TEST(XmlToJsonTest, RefusesDeepNesting) {
  std::string deep;
  for (int i = 0; i < 80; ++i)
    deep += "<ex:a>";
  for (int i = 0; i < 80; ++i)
    deep += "</ex:a>";
  std::string event = kShipping;
  event.insert(event.find("</ObjectEvent>"), deep);
  ExpectRefused(Document(event, R"( xmlns:ex="urn:ex")"), "epcis.xml", 12, "nested");
}

TEST(XmlToJsonTest, ConvertsOnManyThreadsAtOnce) {
  const std::vector<fs::path> examples = XmlExamples();
  std::vector<std::string> texts;
  std::vector<json> expected;
  for (const fs::path& path : examples) {
    texts.push_back(Read(path));
    expected.push_back(XmlToJson(texts.back()).value());
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          const Result<json> got = XmlToJson(texts[i]);
          if (!got.ok() || *got != expected[i]) ++mismatches[t];
        }
        const Result<json> bad = XmlToJson("<epcis:EPCISDocument");
        if (bad.ok() || bad.status().rule() != "epcis.xml") ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace battrace::epcis
