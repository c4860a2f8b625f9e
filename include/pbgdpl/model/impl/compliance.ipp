// Bodies of model/compliance.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../compliance.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(compliance_tally)
PBGDPL_MODEL_DEFINE(compliance_check)
PBGDPL_MODEL_DEFINE(compliance_run)

PBGDPL_DECL void validate(const compliance_check& c, validator& v) {
  rules::schema(v, c.schema_version);
  rules::identifier(v, c.id, "/id", "Mã kết quả kiểm tra", "Check id");
  rules::identifier(v, c.run, "/run", "Lượt kiểm tra", "Run");
  rules::identifier(v, c.unit, "/unit", "Trường", "School");
  rules::known(v, c.level, "/level");
  if (!c.site.empty()) rules::url(v, c.site, "/site", "Trang web của trường", "School site", false);
  rules::time_set(v, c.checked_at, "/checked_at", "Thời điểm kiểm tra", "checked_at");
  const std::pair<const std::string*, const char*> verdicts[] = {
      {&c.section, "/section"}, {&c.division_link, "/division_link"}, {&c.city_banner, "/city_banner"}, {&c.recent_post, "/recent_post"}};
  for (const auto& [value, path] : verdicts)
    v.check(is_compliance_verdict(*value), path, errc::out_of_range, "Kết luận phải là met, not_met hoặc unknown",
            "A verdict is met, not_met or unknown");
  v.check(c.compliant == (c.section == "met" && c.division_link == "met" && c.city_banner == "met" && c.recent_post == "met"),
          "/compliant", errc::invalid_argument, "\"compliant\" phải đúng khi và chỉ khi cả bốn tiêu chí đạt",
          "\"compliant\" is true exactly when all four criteria are met");
  // The evidence of one site: a few kilobytes; a megabyte is far more than any real result.
  v.check(c.result.size() <= 1024 * 1024, "/result", errc::too_large, "Kết quả chi tiết quá lớn", "The detailed result is too large");
}

PBGDPL_DECL void validate(const compliance_run& r, validator& v) {
  rules::schema(v, r.schema_version);
  rules::identifier(v, r.id, "/id", "Mã lượt kiểm tra", "Run id");
  rules::identifier(v, r.unit, "/unit", "Đơn vị", "Unit");
  rules::time_set(v, r.started_at, "/started_at", "Thời điểm bắt đầu", "started_at");
  if (r.finished_at) rules::not_before(v, *r.finished_at, r.started_at, "/finished_at", "Thời điểm kết thúc", "finished_at");
  rules::text(v, r.trigger, "/trigger", "Nguồn kích hoạt", "Trigger", false);
  v.check(r.tallies.size() <= 40, "/tallies", errc::too_large, "Quá nhiều dòng tổng hợp", "Too many tallies");
  for (std::size_t i = 0; i < r.tallies.size(); ++i) {
    const auto& c = r.tallies[i].criterion;
    v.check(c == "section" || c == "division_link" || c == "city_banner" || c == "recent_post" || c == "all",
            "/tallies/" + std::to_string(i) + "/criterion", errc::out_of_range, "Tiêu chí không hợp lệ", "Unknown criterion");
  }
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(compliance_check)
PBGDPL_MODEL_INSTANTIATE(compliance_run)
#endif

PBGDPL_NAMESPACE_END
