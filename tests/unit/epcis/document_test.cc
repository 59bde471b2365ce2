// ParseDocument / ParseEvent: every GS1 JSON example document is read with all its events;
// strict JSON (repeated keys, syntax errors with their byte), the document type, the schema
// and the extension rule refuse the rest whole.
#include "epcis/document.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "epcis/json_schema.h"

namespace battrace::epcis {
namespace {

using json = nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// GS1's JSON example documents (tests/data/epcis/gs1/README.md) and their event counts.
constexpr std::pair<const char*, size_t> kExamples[] = {
    {"JSON/AssociationEvent/AssociationEvent-a.jsonld", 1},
    {"JSON/AssociationEvent/AssociationEvent-b.jsonld", 1},
    {"JSON/AssociationEvent/AssociationEvent-c.jsonld", 1},
    {"JSON/AssociationEvent/AssociationEvent-d.jsonld", 1},
    {"JSON/AssociationEvent/AssociationEvent-e.jsonld", 1},
    {"JSON/AssociationEvent/AssociationEvent-f.jsonld", 1},
    {"JSON/AssociationEvent/AssociationEvent-g.jsonld", 1},
    {"JSON/EPCISQueryDocument.jsonld", 2},
    {"JSON/Example-TransactionEvents-2020_07_03y.jsonld", 2},
    {"JSON/Example-Type-sourceOrDestination,measurement,bizTransaction.jsonld", 1},
    {"JSON/Example_9.6.1-ObjectEvent-with-pseudo-SBDH-headers.jsonld", 2},
    {"JSON/Example_9.6.1-ObjectEvent.jsonld", 2},
    {"JSON/Example_9.6.1-with-comment.jsonld", 2},
    {"JSON/Example_9.6.2-ObjectEvent.jsonld", 1},
    {"JSON/Example_9.6.3-AggregationEvent.jsonld", 1},
    {"JSON/Example_9.6.4-TransformationEvent.jsonld", 1},
    {"JSON/PersistentDisposition-example.jsonld", 2},
    {"JSON/WithDigitalLinkID/Example_9.6.1-ObjectEventWithDigitalLink.jsonld", 2},
    {"JSON/WithDigitalLinkID/Example_9.6.2-ObjectEventWithDigitalLink.jsonld", 1},
    {"JSON/WithDigitalLinkID/Example_9.6.3-AggregationEventWithDigitalLink.jsonld", 1},
    {"JSON/WithDigitalLinkID/Example_9.6.4-TransformationEventWithDigitalLink.jsonld", 1},
    {"JSON/WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.jsonld", 2},
    {"JSON/WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld", 2},
    {"JSON/WithFullCombinationOfFields/aggregation_event_all_possible_fields.jsonld", 1},
    {"JSON/WithFullCombinationOfFields/association_event_all_possible_fields.jsonld", 1},
    {"JSON/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld", 1},
    {"JSON/WithFullCombinationOfFields/transaction_event_all_possible_fields.jsonld", 1},
    {"JSON/WithFullCombinationOfFields/transformation_event_all_possible_fields.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample1.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample10.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample11.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample12.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample13.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample14.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample15.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample16.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample17.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample1b.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample2.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample3.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample4.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample5.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample6.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample7.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample8.jsonld", 1},
    {"JSON/WithSensorData/SensorDataExample9.jsonld", 1},
};

std::string Example(const char* name) {
  return ReadFile(std::string(BATTRACE_TEST_DATA) + "/data/epcis/gs1/" + name);
}

TEST(DocumentTest, EveryGs1JsonExampleParsesWithAllItsEvents) {
  for (const auto& [name, count] : kExamples) {
    const std::string body = Example(name);
    auto doc = ParseDocument(body, Format::kJson);
    ASSERT_TRUE(doc.ok()) << name << ": " << doc.status().ToString();
    const json sent = json::parse(body);
    EXPECT_EQ(doc->doc, sent) << name;
    EXPECT_EQ(doc->context, sent["@context"]) << name;
    EXPECT_EQ(doc->query_document, sent["type"] == "EPCISQueryDocument") << name;
    ASSERT_EQ(doc->events.size(), count) << name;
    const json& list = doc->query_document
                           ? sent["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                           : sent["epcisBody"]["eventList"];
    for (size_t i = 0; i < count; ++i)
      EXPECT_EQ(doc->events[i], list[i]) << name << " event " << i;
  }
}

// GS1's AssociationEvent-h.jsonld gives its event two "eventID" keys; a plain JSON parser keeps
// the last, battrace refuses the document (tests/data/epcis/gs1/README.md).
TEST(DocumentTest, Gs1ExampleWithARepeatedKeyIsRefused) {
  auto doc =
      ParseDocument(Example("JSON/AssociationEvent/AssociationEvent-h.jsonld"), Format::kJson);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().ToString(),
            "invalid_argument: /epcisBody/eventList/0/eventID: epcis.json: key \"eventID\" appears "
            "more than once in one object");
}

// The Status of parsing `body`, as "<rule> <field>: <message>".
std::string Refusal(std::string_view body) {
  auto doc = ParseDocument(body, Format::kJson);
  EXPECT_FALSE(doc.ok()) << body;
  if (doc.ok()) return "";
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  return doc.status().rule() + " " + doc.status().field() + ": " + doc.status().message();
}

// A minimal valid document with `event` (JSON text) as its one event.
std::string WithEvent(const std::string& event, const std::string& context = "") {
  return R"({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld")" +
         context + R"(], "type": "EPCISDocument", "schemaVersion": "2.0",
    "creationDate": "2024-05-01T08:30:00Z", "epcisBody": {"eventList": [)" +
         event + "]}}";
}

const std::string kEvent = R"({"type": "ObjectEvent", "eventTime": "2024-05-01T08:30:00+08:00",
    "eventTimeZoneOffset": "+08:00", "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
    "action": "OBSERVE", "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"})";

TEST(DocumentTest, StrictJson) {
  ASSERT_TRUE(ParseDocument(WithEvent(kEvent + "}"), Format::kJson).ok());
  EXPECT_EQ(Refusal(WithEvent(kEvent + R"(, "action": "ADD"})")),
            "epcis.json /epcisBody/eventList/0/action: key \"action\" appears more than once in "
            "one object");
  EXPECT_EQ(Refusal(R"({"type": "EPCISDocument",})"),
            "epcis.json byte 26: not valid JSON: parse error at line 1, column 26: syntax error "
            "while parsing object key - unexpected '}'; expected string literal");
  EXPECT_EQ(Refusal("").substr(0, 39), "epcis.json byte 1: not valid JSON: pars");
  EXPECT_EQ(Refusal("{\"a\": \"\xff\"}").substr(0, 40), "epcis.json byte 8: not valid JSON: parse");
  EXPECT_EQ(Refusal(std::string(100, '[') + std::string(100, ']')),
            "epcis.json /0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/"
            "0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0: nested deeper than 64 levels");
}

TEST(DocumentTest, DocumentType) {
  EXPECT_EQ(Refusal("[]"), "epcis.document /type: must be EPCISDocument or EPCISQueryDocument");
  // A lone event is valid against the GS1 schema, but it is not a document.
  EXPECT_EQ(
      Refusal(R"({"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",)" +
              kEvent.substr(1) + "}"),
      "epcis.document /type: must be EPCISDocument or EPCISQueryDocument");
  EXPECT_EQ(Refusal(WithEvent(R"({"type": "ObjectEvent"})")),
            "epcis.schema /epcisBody/eventList/0/eventTime: missing required field \"eventTime\"");
}

TEST(DocumentTest, ExtensionsMustBeNamespaced) {
  const std::string ns = R"(, {"ex": "https://example.com/ns/"})";
  EXPECT_TRUE(
      ParseDocument(WithEvent(kEvent + R"(, "ex:a": {"ex:b": [{"ex:c": 1, "@value": 2}]}})", ns),
                    Format::kJson)
          .ok());
  // An absolute IRI, and a prefix of the standard context, need no declaration.
  EXPECT_TRUE(ParseDocument(WithEvent(kEvent + R"(, "https://example.com/ns/a": 1,
                                                   "cbvmda:lotNumber": "L1"})"),
                            Format::kJson)
                  .ok());
  // The event's own context counts too.
  EXPECT_TRUE(ParseDocument(WithEvent(kEvent + R"(, "@context": [{"my": "urn:my:"}],
                                                   "my:a": 1})"),
                            Format::kJson)
                  .ok());
  EXPECT_EQ(Refusal(WithEvent(kEvent + R"(, "zz:a": 1})", ns)),
            "epcis.extension /epcisBody/eventList/0/zz:a: extension field \"zz:a\" uses the "
            "prefix \"zz\", which no @context in scope declares");
  // An extension's value is its owner's: unqualified keys and mixed content ("#text", as XML
  // extensions give) inside it are not checked.
  EXPECT_TRUE(ParseDocument(WithEvent(kEvent + R"(, "ex:a": {"plain": {"#text": "1"}}})", ns),
                            Format::kJson)
                  .ok());
  std::string event = kEvent;
  event.replace(event.find("\"id\""), 4, R"("floor": 3, "id")");
  EXPECT_EQ(Refusal(WithEvent(event + "}")).substr(0, 69),
            "epcis.extension /epcisBody/eventList/0/readPoint/floor: field \"floor\"");
  // At the event's top level, the GS1 schema itself refuses a plain unknown key.
  EXPECT_EQ(Refusal(WithEvent(kEvent + R"(, "colour": "red"})")).substr(0, 84),
            "epcis.schema /epcisBody/eventList/0/colour: field name \"colour\" is not allowed "
            "here:");
}

// GS1's XML examples (tests/data/epcis/gs1-xml/README.md) read as their JSON form, and meet
// the same JSON schema. Two of them do not: GS1's JSON schema (the later artefact) refuses what
// they hold, and so does battrace (tests/data/epcis/gs1-xml/README.md).
TEST(DocumentTest, Gs1XmlExamples) {
  const std::string dir = std::string(BATTRACE_TEST_DATA) + "/data/epcis/gs1-xml";
  const std::map<std::string, std::string> refused = {
      // persistentDisposition in an AggregationEvent: EPCIS 2.0 gives it to ObjectEvent and
      // TransformationEvent only.
      {"Example-PersistentDisposition.xml",
       "/epcisBody/eventList/0/persistentDisposition epcis.schema"},
      // A sensor report of type gs1:Molar_concentration, a term GS1's vocabulary does not have.
      {"WithSensorData/SensorDataExamples.xml",
       "/epcisBody/eventList/7/sensorElementList/0/sensorReport/1/type epcis.schema"}};
  size_t documents = 0, events = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".xml") continue;
    const std::string name = entry.path().lexically_relative(dir).string();
    const std::string body = ReadFile(entry.path().string());
    EXPECT_EQ(FormatOfBody(body), Format::kXml) << name;
    auto doc = ParseDocument(body, Format::kXml);
    if (auto it = refused.find(name); it != refused.end()) {
      ASSERT_FALSE(doc.ok()) << name;
      EXPECT_EQ(doc.status().field() + " " + doc.status().rule(), it->second) << name;
      continue;
    }
    ASSERT_TRUE(doc.ok()) << name << ": " << doc.status().ToString();
    EXPECT_TRUE(EpcisSchema().Validate(doc->doc).ok()) << name;
    ++documents;
    events += doc->events.size();
  }
  EXPECT_EQ(documents, 29u);
  EXPECT_GT(events, 40u);
  EXPECT_EQ(ParseDocument("<epcis:EPCISDocument", Format::kXml).status().rule(), "epcis.xml");
}

TEST(DocumentTest, FormatOfBody) {
  EXPECT_EQ(FormatOfBody("<x/>"), Format::kXml);
  EXPECT_EQ(FormatOfBody("\xEF\xBB\xBF \r\n\t<x/>"), Format::kXml);
  EXPECT_EQ(FormatOfBody(" {}"), Format::kJson);
  EXPECT_EQ(FormatOfBody(""), Format::kJson);
}

// The lone events GS1 tests its JSON schema with (tests/data/epcis/gs1/JSON-Schema/test/): valid
// against the schema as they are, and as POST /epcis/events receives them.
TEST(DocumentTest, Gs1SchemaTestEvents) {
  for (const char* name : {"AggregationEvent", "AssociationEvent", "Extended-Event", "ObjectEvent",
                           "TransformationEvent"}) {
    const std::string body = Example((std::string("JSON-Schema/test/") + name + ".json").c_str());
    EXPECT_TRUE(EpcisSchema().Validate(json::parse(body)).ok()) << name;
    auto event = ParseEvent(body);
    ASSERT_TRUE(event.ok()) << name << ": " << event.status().ToString();
    EXPECT_EQ(event->events.at(0), json::parse(body)) << name;
    EXPECT_EQ(event->context, json::parse(body)["@context"]) << name;
  }
}

TEST(DocumentTest, LoneEvent) {
  auto one = ParseEvent(kEvent + "}");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->events.size(), 1u);
  EXPECT_EQ(one->events[0], json::parse(kEvent + "}"));
  EXPECT_EQ(one->context, "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld");
  EXPECT_FALSE(one->query_document);
  EXPECT_EQ(one->doc["type"], "EPCISDocument");

  auto own = ParseEvent(kEvent + R"(, "@context": [{"ex": "urn:ex:"}], "ex:a": 1})");
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->context, json::parse(R"([{"ex": "urn:ex:"}])"));

  // Errors point into the event as sent.
  std::string bad = kEvent;
  bad.replace(bad.find("OBSERVE"), 7, "ADDED");
  auto refused = ParseEvent(bad + "}");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "/action");
  EXPECT_EQ(refused.status().rule(), "epcis.schema");
  EXPECT_EQ(ParseEvent("[1]").status().rule(), "epcis.document");
  EXPECT_EQ(ParseEvent("{").status().rule(), "epcis.json");
  EXPECT_EQ(ParseEvent(kEvent + R"(, "zz:a": 1})").status().field(), "/zz:a");
}

}  // namespace
}  // namespace battrace::epcis
