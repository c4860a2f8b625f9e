// Each entity kind's JSON encoding, pinned: the encoder's output for one fully populated value
// must equal a fixed document under tests/unit/model/expected/ byte for byte, and that document
// must decode back to the same value. The round-trip tests elsewhere compare the encoder with
// itself, so a renamed field, a changed date or enum form, or an optional field that starts or
// stops being written would pass there and fails here. (Keys come out in alphabetical order:
// nlohmann::json keeps object members in a std::map, whatever the order describe() lists them.)
#include "entities.hpp"
#include "fixtures.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

using namespace pbgdpl;

namespace fx {
// Values with the fields the shared fixtures leave empty, so every key of the kind is pinned.
inline unit pinned_unit() {
  auto u = full_school();
  u.closed_on = d(2030, 8, 31);
  u.history.push_back({d(2025, 6, 30), unit_id{"pgddt-ha-dong"}, unit_kind::school, "Trường Tiểu học Văn Yên",
                       "TH Văn Yên", "1656/NQ-UBTVQH15"});
  u.parent = unit_id{"vhxh-ha-dong"};
  u.successors.push_back({succession_kind::merged_into, unit_id{"th-ha-dong"}, "12/QĐ-UBND",
                          legal_document_id{"qd-12-ubnd-2030"}, "Sáp nhập hai trường"});
  return u;
}
inline legal_document pinned_legal_document() {
  auto x = full_plan();
  x.family = document_family::administrative;
  x.signed_by = {signer_authority::kt, "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A", {{signer_authority::tm, "ỦY BAN NHÂN DÂN"}}};
  return x;
}
inline legal_document pinned_normative_document() {
  auto x = full_law();
  x.family = document_family::normative;
  return x;
}
}  // namespace fx

namespace {

std::string expected_document(std::string_view kind) {
  std::string path = std::string(PBGDPL_SOURCE_DIR) + "/tests/unit/model/expected/" + std::string(kind) + ".json";
  std::ifstream f(path, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "cannot read " << path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// The pinned document is the encoder's output as `dump(2)` writes it, plus a final newline.
template <class T>
void encodes_as_pinned(std::string_view kind, const T& x) {
  INFO("kind: " << kind);
  REQUIRE_MESSAGE(check(x), "the pinned value must be valid");
  auto want = expected_document(kind);
  auto got = to_json_value(x).dump(2) + "\n";
  CHECK_MESSAGE(got == want, "encoder output:\n" << got);
  auto back = from_json_text<T>(want);
  REQUIRE_MESSAGE(back, (back ? std::string() : back.err().describe()));
  CHECK(*back == x);
}

}  // namespace

TEST_SUITE("model/encoding") {
  TEST_CASE("a unit encodes as its pinned document") { encodes_as_pinned("unit", fx::pinned_unit()); }
  TEST_CASE("an account encodes as its pinned document") { encodes_as_pinned("account", fx::full_account()); }
  TEST_CASE("an article encodes as its pinned document") { encodes_as_pinned("article", fx::full_article()); }
  TEST_CASE("a legal document encodes as its pinned document") {
    encodes_as_pinned("legal_document", fx::pinned_legal_document());
  }
  TEST_CASE("a legal normative document encodes as its pinned document") {
    encodes_as_pinned("legal_document_normative", fx::pinned_normative_document());
  }
  TEST_CASE("a media asset encodes as its pinned document") { encodes_as_pinned("media_asset", fx::full_video()); }
  TEST_CASE("a publication encodes as its pinned document") {
    encodes_as_pinned("publication", fx::full_publication());
  }
  TEST_CASE("a question encodes as its pinned document") { encodes_as_pinned("question", fx::full_question()); }
  TEST_CASE("a dialogue session encodes as its pinned document") {
    encodes_as_pinned("dialogue_session", fx::full_dialogue());
  }
  TEST_CASE("an approval record encodes as its pinned document") {
    encodes_as_pinned("approval_record", fx::full_approval());
  }
  TEST_CASE("a banner encodes as its pinned document") { encodes_as_pinned("banner", fx::full_banner()); }
  TEST_CASE("a display group encodes as its pinned document") {
    encodes_as_pinned("display_group", fx::full_group());
  }
  TEST_CASE("a display encodes as its pinned document") { encodes_as_pinned("display", fx::full_display()); }
  TEST_CASE("a layout encodes as its pinned document") { encodes_as_pinned("layout", fx::full_layout()); }
  TEST_CASE("a playlist encodes as its pinned document") { encodes_as_pinned("playlist", fx::full_playlist()); }
  TEST_CASE("a schedule entry encodes as its pinned document") {
    encodes_as_pinned("schedule_entry", fx::full_schedule());
  }
  TEST_CASE("a report template encodes as its pinned document") {
    encodes_as_pinned("report_template", fx::full_template());
  }
  TEST_CASE("a report period encodes as its pinned document") {
    encodes_as_pinned("report_period", fx::full_period());
  }
  TEST_CASE("a report submission encodes as its pinned document") {
    encodes_as_pinned("report_submission", fx::full_submission());
  }
  TEST_CASE("a training course encodes as its pinned document") {
    encodes_as_pinned("training_course", fx::full_course());
  }
  TEST_CASE("an attendance encodes as its pinned document") {
    encodes_as_pinned("attendance", fx::full_attendance());
  }
  TEST_CASE("a channel encodes as its pinned document") { encodes_as_pinned("channel", fx::full_channel()); }
}
