// CBV 2.0 values in their three spellings, and values outside the standard lists left alone.
#include "epcis/cbv.h"

#include <gtest/gtest.h>

namespace battrace::epcis {
namespace {

TEST(CbvTest, EverySpellingGivesTheBareWordAndTheWebUri) {
  for (const char* spelling :
       {"shipping", "urn:epcglobal:cbv:bizstep:shipping",
        "https://ref.gs1.org/cbv/BizStep-shipping", "cbv:BizStep-shipping"}) {
    EXPECT_EQ(CbvWord(Vocab::kBizStep, spelling), "shipping") << spelling;
    EXPECT_EQ(CbvWebUri(Vocab::kBizStep, spelling), "https://ref.gs1.org/cbv/BizStep-shipping")
        << spelling;
  }
  EXPECT_EQ(CbvWebUri(Vocab::kDisposition, "urn:epcglobal:cbv:disp:in_transit"),
            "https://ref.gs1.org/cbv/Disp-in_transit");
  EXPECT_EQ(CbvWebUri(Vocab::kBizTransactionType, "po"), "https://ref.gs1.org/cbv/BTT-po");
  EXPECT_EQ(CbvWord(Vocab::kSourceDestType, "urn:epcglobal:cbv:sdt:owning_party"), "owning_party");
  EXPECT_EQ(CbvWebUri(Vocab::kErrorReason, "incorrect_data"),
            "https://ref.gs1.org/cbv/ER-incorrect_data");
  EXPECT_EQ(CbvWebUri(Vocab::kComponent, "x"), "https://ref.gs1.org/cbv/Comp-x");
  EXPECT_EQ(CbvWebUri(Vocab::kMeasurementType, "gs1:Temperature"),
            "https://gs1.org/voc/Temperature");
  EXPECT_EQ(CbvWord(Vocab::kMeasurementType, "https://gs1.org/voc/RelativeHumidity"),
            "RelativeHumidity");
  EXPECT_EQ(CbvWebUri(Vocab::kSensorAlertType, "ALARM_CONDITION"),
            "https://gs1.org/voc/ALARM_CONDITION");
}

TEST(CbvTest, TheListsAreComplete) {
  // The first and last word of each list, and the CBV 2.0 additions battrace's own events use.
  for (const char* word : {"accepting", "void_shipping", "assembling", "installing", "removing",
                           "disassembling", "destroying", "commissioning"}) {
    EXPECT_EQ(CbvWord(Vocab::kBizStep, std::string("urn:epcglobal:cbv:bizstep:") + word), word);
  }
  for (const char* word : {"active", "unknown", "destroyed", "completeness_verified"}) {
    EXPECT_EQ(CbvWord(Vocab::kDisposition, std::string("https://ref.gs1.org/cbv/Disp-") + word),
              word);
  }
  EXPECT_EQ(CbvWord(Vocab::kMeasurementType, "gs1:Wavenumber"), "Wavenumber");
  EXPECT_EQ(CbvWord(Vocab::kMeasurementType, "gs1:AbsoluteHumidity"), "AbsoluteHumidity");
}

TEST(CbvTest, OtherValuesAreLeftAlone) {
  // A user vocabulary, a word of another vocabulary, a misspelling, a wrong case, a prefix alone.
  for (const char* value : {"https://example.com/bizstep/refurbishing", "in_transit", "Shipping",
                            "urn:epcglobal:cbv:bizstep:", "urn:epcglobal:cbv:disp:shipping",
                            "urn:epcglobal:cbv:bizstep:shipping2", ""}) {
    EXPECT_EQ(CbvWord(Vocab::kBizStep, value), value);
    EXPECT_EQ(CbvWebUri(Vocab::kBizStep, value), value);
  }
  // Components and measurement types have no URN spelling.
  EXPECT_EQ(CbvWord(Vocab::kComponent, "urn:epcglobal:cbv:comp:x"), "urn:epcglobal:cbv:comp:x");
}

}  // namespace
}  // namespace battrace::epcis
