// The JSON Schema validator: each keyword GS1's schema uses, the formats, the errors a user sees,
// what Compile refuses, and the GS1 schema itself on a few events.
#include "epcis/json_schema.h"

#include <gtest/gtest.h>

#include <string>

namespace battrace::epcis {
namespace {

using json = nlohmann::json;

JsonSchema Schema(const char* text) {
  auto s = JsonSchema::Compile(json::parse(text));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

// "" when `instance` is valid, else "<pointer>: <message>".
std::string Check(const JsonSchema& s, const char* instance) {
  const Status st = s.Validate(json::parse(instance));
  if (st.ok()) return "";
  EXPECT_EQ(st.rule(), "epcis.schema");
  return st.field() + ": " + st.message();
}

TEST(JsonSchemaTest, Types) {
  const auto s = Schema(R"({"type": ["string", "integer"]})");
  EXPECT_EQ(Check(s, R"("x")"), "");
  EXPECT_EQ(Check(s, "3"), "");
  EXPECT_EQ(Check(s, "3.0"), "");  // draft-07: a number without fraction is an integer
  EXPECT_EQ(Check(s, "3.5"), ": must be a string or an integer");
  EXPECT_EQ(Check(s, "1e300"), "");  // integral, far outside int64_t
  EXPECT_EQ(Check(Schema(R"({"maximum": 2.5})"), "3"), ": must be <= 2.5");
  EXPECT_EQ(Check(s, "null"), ": must be a string or an integer");
  EXPECT_EQ(Check(Schema(R"({"type": "number"})"), "-2"), "");
  EXPECT_EQ(Check(Schema(R"({"type": "boolean"})"), "0"), ": must be true or false");
}

TEST(JsonSchemaTest, Objects) {
  const auto s = Schema(R"({
    "type": "object",
    "properties": {"a": {"type": "string"}, "b/c": {"const": 1}},
    "required": ["a"],
    "patternProperties": {"^x-": {"type": "number"}},
    "additionalProperties": false})");
  EXPECT_EQ(Check(s, R"({"a": "v", "b/c": 1.0, "x-1": 2})"), "");
  EXPECT_EQ(Check(s, R"({})"), "/a: missing required field \"a\"");
  EXPECT_EQ(Check(s, R"({"a": 1})"), "/a: must be a string");
  EXPECT_EQ(Check(s, R"({"a": "v", "b/c": 2})"), "/b~1c: must be 1");
  EXPECT_EQ(Check(s, R"({"a": "v", "x-y": "s"})"), "/x-y: must be a number");
  EXPECT_EQ(Check(s, R"({"a": "v", "z": 0})"), "/z: field \"z\" is not allowed here");
  const auto extra = Schema(R"({"additionalProperties": {"type": "string"}, "maxProperties": 2})");
  EXPECT_EQ(Check(extra, R"({"k": 1})"), "/k: must be a string");
  EXPECT_EQ(Check(extra, R"({"a": "", "b": "", "c": ""})"), ": must hold at most 2 fields");
  const auto names = Schema(R"({"propertyNames": {"anyOf": [
      {"enum": ["id"]}, {"type": "string", "format": "uri"}]}})");
  EXPECT_EQ(Check(names, R"({"id": 1, "ex:k": 2})"), "");
  EXPECT_EQ(Check(names, R"({"k": 1})"),
            "/k: field name \"k\" is not allowed here: must be id, or must be an absolute URI "
            "(RFC 3986), e.g. urn:epc:id:sgtin:...");
}

TEST(JsonSchemaTest, Arrays) {
  const auto s = Schema(R"({"items": {"type": "string"}, "minItems": 1, "uniqueItems": true})");
  EXPECT_EQ(Check(s, R"(["a", "b"])"), "");
  EXPECT_EQ(Check(s, "[]"), ": must not be empty");
  EXPECT_EQ(Check(s, R"(["a", 2])"), "/1: must be a string");
  EXPECT_EQ(Check(s, R"(["a", "b", "a"])"), "/2: repeats entry 0 (entries must be unique)");
  const auto numbers = Schema(R"({"uniqueItems": true, "minItems": 2, "maxItems": 3})");
  EXPECT_EQ(Check(numbers, "[1, 1.0]"), "/1: repeats entry 0 (entries must be unique)");
  EXPECT_EQ(Check(numbers, R"([{"a": 1}, {"a": 2}])"), "");
  EXPECT_EQ(Check(numbers, "[1]"), ": must hold at least 2 entries");
  EXPECT_EQ(Check(numbers, "[1, 2, 3, 4]"), ": must hold at most 3 entries");
  const auto tuple = Schema(R"({"items": [{"type": "string"}], "additionalItems": false})");
  EXPECT_EQ(Check(tuple, R"(["a"])"), "");
  EXPECT_EQ(Check(tuple, R"(["a", "b"])"), "/1: is not allowed here");
}

TEST(JsonSchemaTest, EnumConstAndStrings) {
  const auto s = Schema(R"({"enum": ["ADD", "OBSERVE", "DELETE"]})");
  EXPECT_EQ(Check(s, R"("ADD")"), "");
  EXPECT_EQ(Check(s, R"("add")"), ": must be one of ADD, OBSERVE, DELETE");
  const auto str = Schema(R"j({"type": "string", "minLength": 2, "maxLength": 3,
                               "pattern": "^(?!urn:)"})j");
  EXPECT_EQ(Check(str, R"("ab")"), "");
  EXPECT_EQ(Check(str, R"("a")"), ": must be at least 2 characters");
  EXPECT_EQ(Check(str, R"("中文字")"), "");  // characters, not bytes
  EXPECT_EQ(Check(str, R"("urn")"), "");
  EXPECT_EQ(Check(str, R"("urn:")"), ": must be at most 3 characters");
  EXPECT_EQ(Check(Schema(R"j({"pattern": "^(?!urn:)"})j"), R"("urn:x")"),
            ": must match the pattern ^(?!urn:)");
  const auto num = Schema(R"({"minimum": 0, "exclusiveMaximum": 10})");
  EXPECT_EQ(Check(num, "0"), "");
  EXPECT_EQ(Check(num, "-1"), ": must be >= 0");
  EXPECT_EQ(Check(num, "10"), ": must be < 10");
}

TEST(JsonSchemaTest, LongStringsDoNotOverflowThePatternMatcher) {
  const auto s = Schema(R"({"pattern": "^[A-Fa-f0-9]+$"})");
  EXPECT_EQ(s.Validate(json(std::string(200'000, 'a'))).ok(), true);
  EXPECT_EQ(s.Validate(json(std::string(200'000, 'a') + "g")).ok(), false);
}

TEST(JsonSchemaTest, Combinators) {
  const auto any = Schema(R"({"anyOf": [
      {"type": "object", "properties": {"type": {"const": "A"}, "n": {"type": "number"}},
       "required": ["type"]},
      {"type": "object", "properties": {"type": {"const": "B"}}, "required": ["type"]}]})");
  EXPECT_EQ(Check(any, R"({"type": "A", "n": 1})"), "");
  // The branch that failed deepest is the one reported.
  EXPECT_EQ(Check(any, R"({"type": "A", "n": "x"})"), "/n: must be a number");
  EXPECT_EQ(Check(any, R"({"type": "C"})"), "/type: must be A, or must be B");
  const auto one = Schema(R"({"oneOf": [{"type": "number"}, {"type": "integer"}]})");
  EXPECT_EQ(Check(one, "1.5"), "");
  EXPECT_EQ(Check(one, "1"), ": matches more than one of the alternatives it allows");
  EXPECT_EQ(Check(one, R"("s")"), ": must be a number, or must be an integer");
  const auto all = Schema(R"({"allOf": [{"minimum": 1}, {"maximum": 2}]})");
  EXPECT_EQ(Check(all, "3"), ": must be <= 2");
  const auto absent = Schema(R"({"properties": {"ilmd": {"not": {}}}})");
  EXPECT_EQ(Check(absent, R"({"ilmd": 1})"), "/ilmd: is not allowed here");
  EXPECT_EQ(Check(Schema(R"({"not": {"type": "string"}})"), R"("s")"),
            ": must not match the schema it matches");
  const auto cond = Schema(R"({"if": {"properties": {"t": {"const": "x"}}},
                               "then": {"required": ["x"]}, "else": {"required": ["y"]}})");
  EXPECT_EQ(Check(cond, R"({"t": "x", "x": 1})"), "");
  EXPECT_EQ(Check(cond, R"({"t": "x"})"), "/x: missing required field \"x\"");
  EXPECT_EQ(Check(cond, R"({"t": "z"})"), "/y: missing required field \"y\"");
}

TEST(JsonSchemaTest, References) {
  // "%40" in a $ref is percent-encoding, as GS1's "#/definitions/%40context" uses it.
  const auto s = Schema(R"({
    "definitions": {"@ctx": {"type": "string"},
                    "node": {"type": "object", "properties": {"next": {"$ref": "#"}}}},
    "allOf": [{"$ref": "#/definitions/node"}],
    "properties": {"c": {"$ref": "#/definitions/%40ctx", "type": "number"}}})");
  EXPECT_EQ(Check(s, R"({"c": "s", "next": {"next": {}}})"), "");  // $ref hides its siblings
  EXPECT_EQ(Check(s, R"({"next": {"next": {"c": 1}}})"), "/next/next/c: must be a string");
  EXPECT_EQ(Check(s, R"({"next": 5})"), "/next: must be an object");
}

TEST(JsonSchemaTest, Formats) {
  const auto uri = Schema(R"({"format": "uri"})");
  for (const char* ok : {"urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/1?x=1#f",
                         "ni:///sha-256;ab?ver=CBV2.0", "example:myField", "http://[::1]:80/",
                         "urn:", "mailto:a@b.c", "http://a%20b/"}) {
    EXPECT_TRUE(uri.Validate(json(ok)).ok()) << ok;
  }
  for (const char* bad : {"", "myField", "1urn:x", "http://a b", "urn:a%2", "http://h:8x/",
                          "urn:a<b", "http://[zz]/", "urn:x#a#b", ":x"}) {
    EXPECT_FALSE(uri.Validate(json(bad)).ok()) << bad;
  }
  EXPECT_TRUE(uri.Validate(json(5)).ok());  // formats apply to strings only
  const auto dt = Schema(R"({"format": "date-time"})");
  for (const char* ok : {"2024-05-01T08:30:00Z", "2024-05-01t08:30:00.123456z",
                         "2024-02-29T00:00:00+08:00", "2016-12-31T23:59:60-05:30"}) {
    EXPECT_TRUE(dt.Validate(json(ok)).ok()) << ok;
  }
  for (const char* bad : {"2024-05-01T08:30:00", "2024-05-01 08:30:00Z", "2023-02-29T00:00:00Z",
                          "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T08:30:00.Z",
                          "2024-05-01T08:30:00+0800", "2024-05-01", "2024-05-01T08:30Z",
                          "2024-04-31T00:00:00Z", "2024-05-01T08:30:00+24:00"}) {
    EXPECT_FALSE(dt.Validate(json(bad)).ok()) << bad;
  }
}

TEST(JsonSchemaTest, CompileRefusesWhatItCannotCheck) {
  const auto refused = [](const char* text) {
    auto s = JsonSchema::Compile(json::parse(text));
    EXPECT_FALSE(s.ok()) << text;
    return s.ok() ? std::string() : s.status().field() + ": " + s.status().message();
  };
  EXPECT_EQ(refused(R"({"properties": {"a": {"multipleOf": 2}}})"),
            "/properties/a/multipleOf: keyword \"multipleOf\" is not supported");
  EXPECT_EQ(refused(R"({"format": "email"})"), "/format: format \"email\" is not supported");
  EXPECT_EQ(refused(R"({"$ref": "#/definitions/none"})"),
            "/definitions/none: $ref to \"#/definitions/none\" names nothing in the schema");
  EXPECT_EQ(refused(R"({"$ref": "other.json"})"),
            "/$ref: only references into this schema (\"#...\") are supported");
  EXPECT_EQ(refused(R"({"pattern": "(("})").substr(0, 52),
            "/pattern: pattern is not a valid regular expression:");
  EXPECT_EQ(refused(R"({"definitions": {"a": {"$ref": "#/definitions/b"},
                                         "b": {"$ref": "#/definitions/a"}}})"),
            ": a chain of $ref comes back to itself");
  EXPECT_EQ(refused(R"({"type": "text"})"), "/type: unknown type \"text\"");
  // Annotations are not assertions.
  EXPECT_TRUE(JsonSchema::Compile(json::parse(R"({"title": "t", "description": "d",
      "$comment": "c", "examples": [1], "default": 1, "$id": "x", "$schema": "y"})"))
                  .ok());
}

// The GS1 schema: a few events, and the messages its errors give.
TEST(JsonSchemaTest, EpcisSchemaErrorsNameTheField) {
  json doc = json::parse(R"({
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2024-05-01T08:30:00Z",
    "epcisBody": {"eventList": [{
      "type": "ObjectEvent", "eventTime": "2024-05-01T08:30:00.000+08:00",
      "eventTimeZoneOffset": "+08:00", "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
      "action": "OBSERVE", "bizStep": "shipping", "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"}}]}})");
  ASSERT_TRUE(EpcisSchema().Validate(doc).ok()) << EpcisSchema().Validate(doc).ToString();
  const auto error = [&](const char* pointer, const json& value) {
    json bad = doc;
    if (value.is_null()) {
      json::json_pointer p(pointer);
      bad[p.parent_pointer()].erase(p.back());
    } else {
      bad[json::json_pointer(pointer)] = value;
    }
    const Status st = EpcisSchema().Validate(bad);
    return st.field() + ": " + st.message();
  };
  EXPECT_EQ(error("/epcisBody/eventList/0/action", "ADDED"),
            "/epcisBody/eventList/0/action: must be one of OBSERVE, ADD, DELETE");
  EXPECT_EQ(error("/epcisBody/eventList/0/eventTime", "2024-05-01"),
            "/epcisBody/eventList/0/eventTime: must be an RFC 3339 date-time with a time zone, "
            "e.g. 2024-05-01T08:30:00Z");
  EXPECT_EQ(error("/epcisBody/eventList/0/eventTimeZoneOffset", nullptr),
            "/epcisBody/eventList/0/eventTimeZoneOffset: missing required field "
            "\"eventTimeZoneOffset\"");
  EXPECT_EQ(error("/epcisBody/eventList/0/readPoint/id", "not a uri"),
            "/epcisBody/eventList/0/readPoint/id: must be an absolute URI (RFC 3986), e.g. "
            "urn:epc:id:sgtin:...");
  EXPECT_EQ(error("/epcisBody/eventList/0/epcList/1", "urn:epc:id:sgtin:0614141.107346.2017"),
            "/epcisBody/eventList/0/epcList/1: repeats entry 0 (entries must be unique)");
  EXPECT_EQ(error("/creationDate", nullptr),
            "/creationDate: missing required field \"creationDate\"");
  const std::string unknown = error("/epcisBody/eventList/0/colour", "red");
  EXPECT_EQ(unknown.substr(0, 70),
            "/epcisBody/eventList/0/colour: field name \"colour\" is not allowed here");
  EXPECT_NE(unknown.find("absolute URI"), std::string::npos) << unknown;
}

}  // namespace
}  // namespace battrace::epcis
