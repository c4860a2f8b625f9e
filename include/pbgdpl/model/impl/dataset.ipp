// Bodies of model/dataset.hpp (a whole dataset's JSON and its reference checks): compiled once
// into the core tier (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../dataset.hpp"

#include <unordered_map>
#include <unordered_set>

PBGDPL_NAMESPACE_BEGIN

PBGDPL_DECL json dataset_to_json(const dataset& d) {
  json j = json::object();
  describe_dataset([&](std::string_view key, const auto& xs) { j[std::string(key)] = to_json_value(xs); },
                   const_cast<dataset&>(d));
  return j;
}

namespace detail {

PBGDPL_DECL void add_dataset_error(validator& v, const std::string& prefix, const error& e) {
  if (e.details.empty()) {
    v.add(prefix + e.path, e.code, e.message_vi, e.message_en);
    return;
  }
  for (const auto& d : e.details) add_dataset_error(v, prefix, d);
}

using id_set = std::unordered_set<std::string>;

template <class T>
id_set ids_of(const std::vector<T>& xs, std::string_view key, validator& v) {
  id_set s;
  for (std::size_t i = 0; i < xs.size(); ++i)
    if (!s.insert(xs[i].id.value).second)
      v.add("/" + std::string(key) + "/" + std::to_string(i) + "/id", errc::already_exists,
            "Mã \"" + xs[i].id.value + "\" bị trùng", "Duplicate id \"" + xs[i].id.value + "\"");
  return s;
}

// A reference to a record that must exist in the set.
struct refs {
  validator& v;
  template <class Tag>
  void operator()(const id_set& s, const id<Tag>& x, const std::string& path, std::string_view what_vi,
                  std::string_view what_en) {
    if (x.empty() || s.count(x.value)) return;
    v.add(path, errc::not_found, std::string(what_vi) + " \"" + x.value + "\" không tồn tại",
          std::string(what_en) + " \"" + x.value + "\" does not exist");
  }
  template <class Tag>
  void operator()(const id_set& s, const std::optional<id<Tag>>& x, const std::string& path, std::string_view what_vi,
                  std::string_view what_en) {
    if (x) (*this)(s, *x, path, what_vi, what_en);
  }
  template <class Tag>
  void operator()(const id_set& s, const std::vector<id<Tag>>& xs, const std::string& path, std::string_view what_vi,
                  std::string_view what_en) {
    for (std::size_t i = 0; i < xs.size(); ++i) (*this)(s, xs[i], path + "/" + std::to_string(i), what_vi, what_en);
  }
};

PBGDPL_DECL std::string record_path(std::string_view key, std::size_t i, std::string_view rest = {}) {
  return "/" + std::string(key) + "/" + std::to_string(i) + std::string(rest);
}

PBGDPL_DECL void check_dataset_references(const dataset& d, validator& v) {
  auto units = ids_of(d.units, "units", v);
  auto accounts = ids_of(d.accounts, "accounts", v);
  auto docs = ids_of(d.legal_documents, "legal_documents", v);
  auto media = ids_of(d.media, "media", v);
  auto articles = ids_of(d.articles, "articles", v);
  auto pubs = ids_of(d.publications, "publications", v);
  auto approvals = ids_of(d.approvals, "approvals", v);
  ids_of(d.banners, "banners", v);
  auto groups = ids_of(d.display_groups, "display_groups", v);
  ids_of(d.displays, "displays", v);
  auto layouts = ids_of(d.layouts, "layouts", v);
  auto playlists = ids_of(d.playlists, "playlists", v);
  ids_of(d.schedules, "schedules", v);
  auto templates = ids_of(d.report_templates, "report_templates", v);
  auto periods = ids_of(d.report_periods, "report_periods", v);
  ids_of(d.report_submissions, "report_submissions", v);
  auto courses = ids_of(d.training_courses, "training_courses", v);
  ids_of(d.attendances, "attendances", v);
  auto channels = ids_of(d.channels, "channels", v);
  ids_of(d.channel_posts, "channel_posts", v);
  auto questions = ids_of(d.questions, "questions", v);
  ids_of(d.dialogues, "dialogues", v);
  refs ref{v};
  constexpr std::string_view U = "Đơn vị", UE = "Unit", A = "Tài khoản", AE = "Account", D = "Văn bản",
                             DE = "Document", M = "Tệp", ME = "Media";

  std::unordered_map<std::string, const unit*> unit_by_id;
  for (const auto& u : d.units) unit_by_id.emplace(u.id.value, &u);
  for (std::size_t i = 0; i < d.units.size(); ++i) {
    const auto& u = d.units[i];
    ref(units, u.parent, record_path("units", i, "/parent"), "Đơn vị cấp trên", "Parent unit");
    for (std::size_t h = 0; h < u.history.size(); ++h)
      ref(units, u.history[h].parent, record_path("units", i, "/history/" + std::to_string(h) + "/parent"),
          "Đơn vị cấp trên", "Parent unit");
    for (std::size_t h = 0; h < u.successors.size(); ++h)
      ref(units, u.successors[h].successor, record_path("units", i, "/successors/" + std::to_string(h) + "/successor"),
          "Đơn vị kế thừa", "Successor unit");
    // Walk up: a cycle would make every tree view loop.
    const unit* p = &u;
    for (std::size_t steps = 0; p && p->parent; ++steps) {
      auto it = unit_by_id.find(p->parent->value);
      p = it == unit_by_id.end() ? nullptr : it->second;
      if (p == &u || steps > d.units.size()) {
        v.add(record_path("units", i, "/parent"), errc::invalid_argument, "Cây đơn vị có vòng lặp", "The unit tree has a cycle");
        break;
      }
    }
  }
  for (std::size_t i = 0; i < d.accounts.size(); ++i)
    for (std::size_t g = 0; g < d.accounts[i].grants.size(); ++g)
      ref(units, d.accounts[i].grants[g].unit, record_path("accounts", i, "/grants/" + std::to_string(g) + "/unit"), U, UE);
  for (std::size_t i = 0; i < d.legal_documents.size(); ++i) {
    const auto& x = d.legal_documents[i];
    ref(units, x.unit, record_path("legal_documents", i, "/unit"), U, UE);
    for (std::size_t k = 0; k < x.relations.size(); ++k)
      ref(docs, x.relations[k].target, record_path("legal_documents", i, "/relations/" + std::to_string(k) + "/target"), D, DE);
    for (std::size_t k = 0; k < x.status_history.size(); ++k)
      ref(docs, x.status_history[k].caused_by,
          record_path("legal_documents", i, "/status_history/" + std::to_string(k) + "/caused_by"), D, DE);
    for (std::size_t k = 0; k < x.files.size(); ++k)
      ref(media, x.files[k].media, record_path("legal_documents", i, "/files/" + std::to_string(k) + "/media"), M, ME);
  }
  for (std::size_t i = 0; i < d.media.size(); ++i) ref(units, d.media[i].unit, record_path("media", i, "/unit"), U, UE);
  for (std::size_t i = 0; i < d.articles.size(); ++i) {
    const auto& x = d.articles[i];
    ref(units, x.unit, record_path("articles", i, "/unit"), U, UE);
    ref(accounts, x.author, record_path("articles", i, "/author"), "Tác giả", "Author");
    ref(docs, x.documents, record_path("articles", i, "/documents"), D, DE);
    ref(media, x.cover, record_path("articles", i, "/cover"), M, ME);
  }
  for (std::size_t i = 0; i < d.publications.size(); ++i) {
    const auto& x = d.publications[i];
    ref(units, x.unit, record_path("publications", i, "/unit"), U, UE);
    ref(media, x.media, record_path("publications", i, "/media"), M, ME);
    ref(docs, x.documents, record_path("publications", i, "/documents"), D, DE);
  }
  for (std::size_t i = 0; i < d.approvals.size(); ++i) {
    const auto& x = d.approvals[i];
    ref(units, x.approver_unit, record_path("approvals", i, "/approver_unit"), U, UE);
    const auto& c = x.content_id;
    if (!media.count(c) && !articles.count(c) && !pubs.count(c) && !docs.count(c))
      v.add(record_path("approvals", i, "/content_id"), errc::not_found, "Nội dung \"" + c + "\" không tồn tại",
            "Content \"" + c + "\" does not exist");
  }
  for (std::size_t i = 0; i < d.banners.size(); ++i) {
    ref(units, d.banners[i].owner, record_path("banners", i, "/owner"), U, UE);
    for (std::size_t k = 0; k < d.banners[i].variants.size(); ++k)
      ref(media, d.banners[i].variants[k].media, record_path("banners", i, "/variants/" + std::to_string(k) + "/media"), M, ME);
  }
  for (std::size_t i = 0; i < d.display_groups.size(); ++i) {
    ref(units, d.display_groups[i].unit, record_path("display_groups", i, "/unit"), U, UE);
    ref(groups, d.display_groups[i].parent, record_path("display_groups", i, "/parent"), "Nhóm màn hình", "Display group");
  }
  for (std::size_t i = 0; i < d.displays.size(); ++i) {
    ref(units, d.displays[i].unit, record_path("displays", i, "/unit"), U, UE);
    ref(groups, d.displays[i].group, record_path("displays", i, "/group"), "Nhóm màn hình", "Display group");
    ref(accounts, d.displays[i].operator_account, record_path("displays", i, "/operator_account"), "Tài khoản đơn vị vận hành",
        "Operator account");
  }
  for (std::size_t i = 0; i < d.playlists.size(); ++i) {
    const auto& p = d.playlists[i];
    ref(units, p.unit, record_path("playlists", i, "/unit"), U, UE);
    ref(layouts, p.layout, record_path("playlists", i, "/layout"), "Bố cục", "Layout");
    const layout* l = nullptr;
    for (const auto& x : d.layouts)
      if (p.layout && x.id == *p.layout) l = &x;
    for (std::size_t k = 0; k < p.items.size(); ++k) {
      auto base = "/items/" + std::to_string(k);
      ref(media, p.items[k].media, record_path("playlists", i, base + "/media"), M, ME);
      ref(approvals, p.items[k].approval, record_path("playlists", i, base + "/approval"), "Phê duyệt", "Approval");
      if (l && !p.items[k].zone.empty() && !find_zone(*l, p.items[k].zone))
        v.add(record_path("playlists", i, base + "/zone"), errc::not_found, "Vùng \"" + p.items[k].zone + "\" không có trong bố cục",
              "Zone \"" + p.items[k].zone + "\" is not in the layout");
      const zone* z = l ? (p.items[k].zone.empty() ? (l->zones.empty() ? nullptr : &l->zones.front())
                                                   : find_zone(*l, p.items[k].zone))
                        : nullptr;
      if (z && z->legal && !p.items[k].approval)
        v.add(record_path("playlists", i, base + "/approval"), errc::missing_field,
              "Vùng pháp luật chỉ phát nội dung đã được phê duyệt", "A legal zone plays only approved content");
    }
  }
  for (std::size_t i = 0; i < d.schedules.size(); ++i) {
    ref(playlists, d.schedules[i].playlist, record_path("schedules", i, "/playlist"), "Danh sách phát", "Playlist");
    ref(groups, d.schedules[i].group, record_path("schedules", i, "/group"), "Nhóm màn hình", "Display group");
  }
  for (std::size_t i = 0; i < d.report_templates.size(); ++i) {
    ref(units, d.report_templates[i].owner, record_path("report_templates", i, "/owner"), U, UE);
    ref(docs, d.report_templates[i].plan, record_path("report_templates", i, "/plan"), "Kế hoạch", "Plan");
  }
  for (std::size_t i = 0; i < d.report_periods.size(); ++i)
    ref(templates, d.report_periods[i].template_id, record_path("report_periods", i, "/template_id"), "Mẫu báo cáo", "Template");
  for (std::size_t i = 0; i < d.report_submissions.size(); ++i) {
    const auto& s = d.report_submissions[i];
    ref(templates, s.template_id, record_path("report_submissions", i, "/template_id"), "Mẫu báo cáo", "Template");
    ref(periods, s.period_id, record_path("report_submissions", i, "/period_id"), "Kỳ báo cáo", "Period");
    ref(units, s.unit, record_path("report_submissions", i, "/unit"), U, UE);
    ref(accounts, s.submitted_by, record_path("report_submissions", i, "/submitted_by"), A, AE);
    for (const auto& p : d.report_periods)
      if (p.id == s.period_id && p.template_id != s.template_id)
        v.add(record_path("report_submissions", i, "/period_id"), errc::invalid_argument, "Kỳ báo cáo thuộc mẫu khác",
              "The period belongs to another template");
    for (const auto& t : d.report_templates)
      if (t.id == s.template_id)
        v.nested(record_path("report_submissions", i), [&] { validate_against(s, t, v); });
  }
  for (std::size_t i = 0; i < d.training_courses.size(); ++i)
    ref(units, d.training_courses[i].unit, record_path("training_courses", i, "/unit"), U, UE);
  for (std::size_t i = 0; i < d.attendances.size(); ++i) {
    ref(courses, d.attendances[i].course, record_path("attendances", i, "/course"), "Khóa học", "Course");
    ref(units, d.attendances[i].unit, record_path("attendances", i, "/unit"), U, UE);
    ref(accounts, d.attendances[i].account, record_path("attendances", i, "/account"), A, AE);
  }
  for (std::size_t i = 0; i < d.channels.size(); ++i) ref(units, d.channels[i].unit, record_path("channels", i, "/unit"), U, UE);
  for (std::size_t i = 0; i < d.channel_posts.size(); ++i) {
    ref(channels, d.channel_posts[i].channel, record_path("channel_posts", i, "/channel"), "Kênh", "Channel");
    ref(units, d.channel_posts[i].unit, record_path("channel_posts", i, "/unit"), U, UE);
  }
  for (std::size_t i = 0; i < d.questions.size(); ++i) {
    ref(units, d.questions[i].unit, record_path("questions", i, "/unit"), U, UE);
    ref(accounts, d.questions[i].answered_by, record_path("questions", i, "/answered_by"), A, AE);
    ref(docs, d.questions[i].documents, record_path("questions", i, "/documents"), D, DE);
  }
  for (std::size_t i = 0; i < d.dialogues.size(); ++i) {
    ref(units, d.dialogues[i].unit, record_path("dialogues", i, "/unit"), U, UE);
    ref(questions, d.dialogues[i].questions, record_path("dialogues", i, "/questions"), "Câu hỏi", "Question");
  }
}

}  // namespace detail

PBGDPL_DECL result<dataset> dataset_from_json(const json& j) {
  if (!j.is_object())
    return error(errc::wrong_type, {}, "Bộ dữ liệu phải là một đối tượng JSON", "A dataset must be a JSON object");
  validator v;
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (auto k : dataset_keys) known = known || k == it.key();
    if (!known)
      v.add("/" + json_io::pointer_token(it.key()), errc::invalid_argument, "Loại dữ liệu không biết: " + it.key(),
            "Unknown kind of record: " + it.key());
  }
  dataset d;
  describe_dataset(
      [&](std::string_view key, auto& out) {
        using T = typename std::decay_t<decltype(out)>::value_type;
        auto f = j.find(std::string(key));
        if (f == j.end() || f->is_null()) return;
        std::string base = "/" + std::string(key);
        if (!f->is_array()) {
          v.add(base, errc::wrong_type, "Cần một mảng", "Expected an array");
          return;
        }
        if (f->size() > PBGDPL_MAX_ARRAY_ITEMS) {
          v.add(base, errc::too_large, "Mảng quá nhiều phần tử", "Array has too many items");
          return;
        }
        for (std::size_t i = 0; i < f->size(); ++i) {
          auto r = from_json_value<T>((*f)[i]);
          if (r) out.push_back(std::move(*r));
          else detail::add_dataset_error(v, base + "/" + std::to_string(i), r.err());
        }
      },
      d);
  if (v.ok()) detail::check_dataset_references(d, v);
  if (auto r = v.to_result(); !r) return r.err();
  return d;
}

PBGDPL_NAMESPACE_END
