// The editor's forms for legal document records and publications (portal/editor_forms.hpp): the
// form's values to a record and back, the number checked as typed, errors under the fields they
// belong to, everything typed kept; and the workflow machine on a bare state (publish::advance).
#include <pbgdpl/portal/editor_forms.hpp>
#include <pbgdpl/publish/workflow.hpp>
#include <pbgdpl/store/import.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;
using portal::form_values;

namespace {

legal_document seed_document(const std::string& id) {
  auto raw = store::read_dataset_directory(std::string(PBGDPL_SOURCE_DIR) + "/data/seed");
  REQUIRE(raw);
  auto d = dataset_from_json(*raw);
  REQUIRE(d);
  for (const auto& x : d->legal_documents)
    if (x.id.value == id) return x;
  FAIL("no seed document " << id);
  return {};
}

// A record with what the form does not carry (id, state, unit, times, versions) copied from `d`.
legal_document shell_of(const legal_document& d) {
  legal_document e;
  e.id = d.id;
  e.schema_version = d.schema_version;
  e.version = d.version;
  e.body_html = d.body_html;
  e.unit = d.unit;
  e.state = d.state;
  e.created_at = d.created_at;
  e.updated_at = d.updated_at;
  return e;
}

}  // namespace

TEST_CASE("plan 19 goes through the document form and comes back the same record") {
  const auto plan = seed_document("kh-19-pgddt-2023");
  auto f = portal::document_form_values(plan);
  CHECK(f["number"] == "19/KH-PGDĐT");
  CHECK(f["issued_on"] == "2023-03-22");
  CHECK(f["signed_by-authority"] == "kt");
  CHECK(f["recipients-4"] == "Lưu: VT");
  CHECK(f["relations-7-number"] == "83/KH-UBND");
  CHECK(f["relations-rows"] == "9");  // the 8 relations and one empty row
  auto back = shell_of(plan);
  auto errs = portal::document_form_errors(f, back);
  for (const auto& [k, m] : errs) MESSAGE(k << ": " << m.vi);
  CHECK(errs.empty());
  CHECK(back == plan);
}

TEST_CASE("the normative law with its validity history goes through the form unchanged") {
  const auto law = seed_document("luat-pbgdpl-2012");
  auto f = portal::document_form_values(law);
  auto back = shell_of(law);
  CHECK(portal::document_form_errors(f, back).empty());
  CHECK(back == law);
}

TEST_CASE("a wrong number is refused next to its field with the expected form, and the rest is kept") {
  const auto plan = seed_document("kh-19-pgddt-2023");
  auto f = portal::document_form_values(plan);
  f["number"] = "19-KH-PGDĐT";
  f["type_code"] = "";
  auto d = shell_of(plan);
  auto errs = portal::document_form_errors(f, d);
  REQUIRE(errs.count("number"));
  CHECK(errs["number"].vi.find("19/KH-PGDĐT") != std::string::npos);
  CHECK(errs["number"].en.find("number/type-issuer") != std::string::npos);
  CHECK_FALSE(errs.count(""));
  CHECK(f["number"] == "19-KH-PGDĐT");  // as typed
  CHECK(f["title"] == plan.title);
  CHECK(d.title == plan.title);
  CHECK(d.recipients == plan.recipients);
  CHECK(d.relations == plan.relations);
}

TEST_CASE("an empty type code and year are taken from the number, and offered back in the form") {
  legal_document d;
  form_values f{{"number", "30/2020/NĐ-CP"}, {"type_code", ""}, {"year", ""}, {"level", "central"},
                {"issuer", "Chính phủ"}, {"issued_on", "2020-03-05"}, {"title", "Về công tác văn thư"},
                {"signed_by-authority", "none"}, {"status", "in_force"}};
  auto errs = portal::read_document_form(f, d);
  CHECK(errs.empty());
  CHECK(d.type_code == "NĐ");
  CHECK(f["type_code"] == "NĐ");
  CHECK(d.year == 2020);
  CHECK(f["year"] == "2020");
  CHECK(family_of(d) == document_family::normative);
  // A law's number names no type: the person must choose it.
  f["number"] = "14/2012/QH13";
  f["type_code"] = "";
  errs = portal::read_document_form(f, d);
  REQUIRE(errs.count("type_code"));
  CHECK(errs["type_code"].vi.find("Luật") != std::string::npos);
}

TEST_CASE("a type code or year that disagrees with the number is refused on its own field") {
  const auto plan = seed_document("kh-19-pgddt-2023");
  auto f = portal::document_form_values(plan);
  f["type_code"] = "QĐ";
  auto d = shell_of(plan);
  auto errs = portal::document_form_errors(f, d);
  CHECK(errs.count("type_code"));
  CHECK_FALSE(errs.count("number"));
  f = portal::document_form_values(plan);
  f["year"] = "2024";
  d = shell_of(plan);
  CHECK(portal::document_form_errors(f, d).count("year"));
}

TEST_CASE("dates and years that do not parse stay as typed, with an error beside them") {
  const auto plan = seed_document("kh-19-pgddt-2023");
  auto f = portal::document_form_values(plan);
  f["issued_on"] = "22/03/2023";
  f["period_to"] = "hai nghìn";
  f["effective_on"] = "2023-02-30";
  auto d = shell_of(plan);
  auto errs = portal::document_form_errors(f, d);
  CHECK(errs.count("issued_on"));
  CHECK(errs.count("period_to"));
  CHECK(errs.count("effective_on"));
  CHECK(f["issued_on"] == "22/03/2023");
  CHECK(f["period_to"] == "hai nghìn");
}

TEST_CASE("blank rows are dropped and the rows kept move first, so errors name the rows shown") {
  legal_document d;
  form_values f{{"number", "19/KH-PGDĐT"}, {"level", "sector"}, {"issuer", "Phòng GDĐT"}, {"issued_on", "2023-03-22"},
                {"title", "Kế hoạch"}, {"signed_by-authority", "none"},
                {"recipients-rows", "3"}, {"recipients-0", "  "}, {"recipients-1", ""}, {"recipients-2", "Lưu: VT"},
                {"relations-rows", "2"}, {"relations-0-kind", "based_on"}, {"relations-1-kind", "based_on"},
                {"relations-1-number", "83-KH-UBND"}, {"relations-1-title", "Kế hoạch của UBND quận"}};
  auto errs = portal::document_form_errors(f, d);
  CHECK(d.recipients == std::vector<std::string>{"Lưu: VT"});
  CHECK(f["recipients-0"] == "Lưu: VT");
  CHECK_FALSE(f.count("recipients-2"));
  REQUIRE(d.relations.size() == 1);
  REQUIRE(errs.count("relations-0-number"));
  CHECK(f["relations-0-number"] == "83-KH-UBND");
  CHECK(f["relations-0-title"] == "Kế hoạch của UBND quận");
  CHECK(f["relations-rows"] == "2");  // the empty row stays on the form
}

TEST_CASE("a plan given a validity status is refused on the status field, a law without one too") {
  const auto plan = seed_document("kh-19-pgddt-2023");
  auto f = portal::document_form_values(plan);
  f["status"] = "in_force";
  auto d = shell_of(plan);
  CHECK(portal::document_form_errors(f, d).count("status"));
  const auto law = seed_document("luat-pbgdpl-2012");
  f = portal::document_form_values(law);
  f["status"] = "";
  f["status_history-rows"] = "1";
  f.erase("status_history-0-status");
  f.erase("status_history-0-on");
  f.erase("status_history-0-note");
  d = shell_of(law);
  CHECK(portal::document_form_errors(f, d).count("status"));
}

TEST_CASE("a signer block's errors land on the signer's fields") {
  const auto plan = seed_document("kh-19-pgddt-2023");
  auto f = portal::document_form_values(plan);
  f["signed_by-authority_title"] = "";
  f["signed_by-above-0-authority"] = "";
  f["signed_by-above-0-title"] = "ỦY BAN NHÂN DÂN";
  auto d = shell_of(plan);
  auto errs = portal::document_form_errors(f, d);
  CHECK(errs.count("signed_by-authority_title"));
  CHECK(errs.count("signed_by-above-0-authority"));
  CHECK(portal::form_field_of("/signed_by/above/0/title") == "signed_by-above-0-title");
}

TEST_CASE("the publication form reads one item per line and goes back the same") {
  publication p;
  form_values f{{"kind", "leaflet"}, {"title", "Tờ gấp: Học sinh với an toàn giao thông"}, {"summary", "Biên soạn cùng Công an quận Hà Đông."},
                {"media", "to-gap-atgt-pdf\r\n\r\n"}, {"documents", ""}, {"partners", " Công an quận Hà Đông \n"}};
  auto errs = portal::read_publication_form(f, p);
  CHECK(errs.empty());
  CHECK(p.kind == publication_kind::leaflet);
  CHECK(p.media == std::vector<media_id>{media_id{"to-gap-atgt-pdf"}});
  CHECK(p.partners == std::vector<std::string>{"Công an quận Hà Đông"});
  auto again = portal::publication_form_values(p);
  CHECK(again["media"] == "to-gap-atgt-pdf");
  f["kind"] = "poster";
  CHECK(portal::read_publication_form(f, p).count("kind"));
}

TEST_CASE("a document record follows the article's machine on its bare state") {
  auto st = article_state::draft;
  CHECK(publish::advance(st, publish::step::publish).err().code == errc::conflict);
  CHECK(st == article_state::draft);
  REQUIRE(publish::advance(st, publish::step::submit));
  CHECK(publish::advance(st, publish::step::reject, " ").err().code == errc::missing_field);
  CHECK(st == article_state::submitted);
  REQUIRE(publish::advance(st, publish::step::approve));
  REQUIRE(publish::advance(st, publish::step::publish));
  CHECK(st == article_state::published);
}
