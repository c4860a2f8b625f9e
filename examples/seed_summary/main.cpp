// pbgdpl_seed_summary: reads a directory of seed files (<kind>.json, each an array of records),
// validates them as one dataset and prints a Vietnamese summary. Exits 1 with every problem,
// in Vietnamese and English, when the data is bad.
//
//   pbgdpl_seed_summary [data/seed]
#include <pbgdpl/model.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace pbgdpl;

namespace {

int fail(const error& e) {
  std::cerr << "LỖI / ERROR: " << (e.details.empty() && !e.path.empty() ? e.path + ": " : "") << e.message_vi << " / " << e.message_en << "\n";
  for (const auto& d : e.details)
    std::cerr << "  " << (d.path.empty() ? "" : d.path + ": ") << d.message_vi << " / " << d.message_en << "\n";
  return 1;
}

// Reads every *.json in dir into one object keyed by file stem. The model does no I/O; this does.
result<json> read_seed_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return error(errc::not_found, dir.string(), "Không tìm thấy thư mục dữ liệu " + dir.string(),
                 "No such data directory: " + dir.string());
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty())
    return error(errc::not_found, dir.string(), "Thư mục không có tệp .json nào", "The directory holds no .json files");
  json all = json::object();
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof())
      return error(errc::io_error, f.string(), "Không đọc được tệp " + f.string(), "Cannot read " + f.string());
    auto j = json_io::parse(ss.str());
    if (!j) {
      error e = j.err();
      e.message_vi = f.filename().string() + ": " + e.message_vi;
      e.message_en = f.filename().string() + ": " + e.message_en;
      return e;
    }
    all[f.stem().string()] = std::move(*j);
  }
  return all;
}

void print_tree(const dataset& d, const std::optional<unit_id>& parent, int depth) {
  for (const auto& u : d.units) {
    if (u.parent != parent) continue;
    std::cout << std::string(static_cast<std::size_t>(depth) * 2, ' ') << "- " << u.name;
    if (u.level) std::cout << " [" << school_level_label_vi(*u.level) << "]";
    if (!u.website.empty()) std::cout << " — " << u.website;
    std::cout << "\n";
    print_tree(d, u.id, depth + 1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::path("data/seed");
  auto j = read_seed_dir(dir);
  if (!j) return fail(j.err());
  auto r = dataset_from_json(*j);
  if (!r) return fail(r.err());
  const dataset& d = *r;

  std::cout << "DỮ LIỆU MẪU PBGDPL (" << dir.string() << ")\n\n";
  std::cout << "ĐƠN VỊ (" << d.units.size() << ")\n";
  print_tree(d, std::nullopt, 1);

  std::cout << "\nVĂN BẢN (" << d.legal_documents.size() << ")\n";
  for (const auto& doc : d.legal_documents) {
    bool is_plan = false;
    for (const auto& t : d.report_templates) is_plan = is_plan || (t.plan && *t.plan == doc.id);
    if (!is_plan) {
      std::cout << "  - " << doc.number << " (" << document_type_name_vi(doc) << ", " << doc.issuer << "): ";
      if (doc.status) std::cout << validity_status_label_vi(*doc.status) << "\n";
      else std::cout << label_vi(family_of(doc)) << "\n";
      continue;
    }
    std::cout << "  * Số: " << doc.number << "\n    " << date_line(doc) << "\n    " << document_type_name_vi(doc)
              << ": " << doc.title << "\n";
    std::string block = format_signer(doc.signed_by);
    for (std::size_t at = block.find('\n'); at != std::string::npos; at = block.find('\n', at + 1))
      block.insert(at + 1, "              ");
    std::cout << "    Người ký: " << block << "\n              " << doc.signed_by.name << "\n";
    std::cout << "    Căn cứ:";
    for (const auto& rel : doc.relations)
      if (rel.kind == relation_kind::based_on) std::cout << " " << rel.number;
    std::cout << "\n    Toàn văn: " << doc.body_markdown.size() << " byte Markdown\n";
  }

  std::cout << "\nBÀI VIẾT (" << d.articles.size() << ")\n";
  for (const auto& [kind, name] : enum_names<article_kind>::values) {
    std::size_t n = 0, published = 0;
    for (const auto& a : d.articles)
      if (a.kind == kind) {
        ++n;
        if (is_published(a)) ++published;
      }
    std::cout << "  - " << article_kind_label_vi(kind) << ": " << n << " (đã đăng " << published << ")\n";
  }
  std::cout << "  Hỏi đáp: " << d.questions.size() << " câu hỏi; đối thoại: " << d.dialogues.size() << " phiên\n";

  for (const auto& b : d.banners)
    std::cout << "\nBANNER: \"" << b.required_text << "\" → " << b.target_url << " (" << b.variants.size()
              << " kích thước)\n";

  for (const auto& p : d.playlists) {
    std::cout << "\nDANH SÁCH PHÁT: " << p.name << " (" << total_duration_seconds(p) << " giây)\n";
    for (const auto& it : p.items)
      std::cout << "  - " << it.media.value << ", " << it.duration_seconds << " giây, vùng "
                << (it.zone.empty() ? "mặc định" : it.zone)
                << (it.approval ? ", phê duyệt " + it.approval->value : ", không cần phê duyệt") << "\n";
    for (const auto& s : d.schedules) {
      if (s.playlist != p.id) continue;
      std::cout << "  Lịch " << s.id.value << ": nhóm " << s.group.value << ", " << s.start_time << "–" << s.end_time
                << ", ngày";
      for (auto w : s.days) std::cout << " " << to_string(w);
      std::cout << ", từ " << format_date(s.valid_from);
      if (s.valid_until) std::cout << " đến " << format_date(*s.valid_until);
      std::cout << "\n";
    }
    std::size_t screens = 0;
    for (const auto& disp : d.displays)
      if (std::any_of(d.schedules.begin(), d.schedules.end(),
                      [&](const schedule_entry& s) { return s.playlist == p.id && disp.group == s.group; }))
        ++screens;
    std::cout << "  Số màn hình phát danh sách này: " << screens << "\n";
  }

  for (const auto& t : d.report_templates) {
    std::cout << "\nMẪU BÁO CÁO: " << t.name << "\n";
    for (const auto& i : t.indicators)
      std::cout << "  - [" << to_string(i.kind) << (i.required ? ", bắt buộc" : "") << "] " << i.label << "\n";
    auto periods = d.report_periods;
    std::sort(periods.begin(), periods.end(), calendar_before);
    for (const auto& p : periods) {
      if (p.template_id != t.id) continue;
      std::size_t n = 0;
      for (const auto& s : d.report_submissions)
        if (s.period_id == p.id) ++n;
      std::cout << "  " << report_period_label_vi(p) << ": hạn "
                << format_vietnamese_date(p.due_on) << ", " << n << " báo cáo đã nộp\n";
    }
  }
  std::cout << "\nTẬP HUẤN: " << d.training_courses.size() << " khóa, "
            << std::count_if(d.attendances.begin(), d.attendances.end(), [](const attendance& a) { return is_trained(a); })
            << " người đã tham gia; KÊNH: " << d.channels.size() << "\n";
  return 0;
}
