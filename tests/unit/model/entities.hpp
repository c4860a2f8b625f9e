// One fully populated value of each model entity kind, shared by the model tests: the behaviour
// tests change them field by field, and test_model_encoding.cpp pins their JSON encoding.
#pragma once
#include "fixtures.hpp"

namespace fx {

inline unit full_school() {
  unit u;
  u.id = unit_id{"th-van-yen"};
  u.version = 3;
  u.kind = unit_kind::school;
  u.name = "Trường Tiểu học Văn Yên";
  u.short_name = "TH Văn Yên";
  u.level = school_level::th;
  u.parent = unit_id{"pgddt-ha-dong"};
  u.website = "https://thvanyen.hadong.edu.vn";
  u.email = "thvanyen@hadong.edu.vn";
  u.phone = "024 3382 0000";
  u.address = "Phường Phú La, quận Hà Đông, Hà Nội";
  u.opened_on = d(1960, 9, 5);
  return u;
}

inline account full_account() {
  account a;
  a.id = account_id{"acc-editor-van-yen"};
  a.version = 7;
  a.username = "nguyen.lan";
  a.display_name = "Nguyễn Thị Lan";
  a.email = "lan@thvanyen.edu.vn";
  a.phone = "0912 345 678";
  a.position = "Giáo viên";
  a.grants = {{role::school_editor, unit_id{"th-van-yen"}}, {role::signage_operator, unit_id{"th-van-yen"}}};
  a.disabled = true;
  a.created_at = local_midnight(d(2023, 9, 1)) + std::chrono::hours{8};
  return a;
}

inline const std::string hash64(64, 'a');

inline article full_article() {
  article a;
  a.id = article_id{"bai-ngay-phap-luat-2023"};
  a.version = 2;
  a.kind = article_kind::legal_document_intro;
  a.title = "Giới thiệu Kế hoạch 19/KH-PGDĐT";
  a.slug = make_slug(a.title);
  a.summary = "Tóm tắt kế hoạch.";
  a.body_markdown = "# Kế hoạch\n\nNội dung **chính**.";
  a.body_html = "<h1>Kế hoạch</h1>\n<p>Nội dung <strong>chính</strong>.</p>\n";
  a.category = "Văn bản mới";
  a.tags = {"ứng dụng CNTT", "PBGDPL"};
  a.unit = unit_id{"pgddt-ha-dong"};
  a.author = account_id{"acc-division-editor"};
  a.state = article_state::published;
  a.created_at = at(2023, 3, 23);
  a.updated_at = at(2023, 3, 24, 9, 30);
  a.published_at = at(2023, 3, 24, 10);
  a.revision = 3;
  a.documents = {legal_document_id{"kh-19-pgddt-2023"}};
  a.cover = media_id{"anh-bia-kh19"};
  return a;
}

inline legal_document full_plan() {
  legal_document x;
  x.id = legal_document_id{"kh-19-pgddt-2023"};
  x.version = 5;
  x.number = "19/KH-PGDĐT";
  x.type_code = "KH";
  x.year = 2023;
  x.level = document_level::sector;
  x.issuer = "Phòng Giáo dục và Đào tạo quận Hà Đông";
  x.parent_issuer = "UBND quận Hà Đông";
  x.place = "Hà Đông";
  x.issued_on = d(2023, 3, 22);
  x.title = "Tăng cường ứng dụng công nghệ thông tin trong công tác phổ biến, giáo dục pháp luật";
  x.summary = "Kế hoạch giai đoạn 2023-2027.";
  x.body_markdown = "## I. MỤC ĐÍCH, YÊU CẦU\n\n- Tiếp tục tăng cường...";
  x.body_html = "<h2>I. MỤC ĐÍCH, YÊU CẦU</h2>\n<ul>\n<li>Tiếp tục tăng cường...</li>\n</ul>\n";
  x.signed_by = {signer_authority::kt, "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "Nguyễn Thị Thu Hương", {}};
  x.effective_on = d(2023, 3, 22);
  // A plan is an administrative document: a period, no validity status (issue 13).
  x.period_from = 2023;
  x.period_to = 2027;
  x.fields = {"Phổ biến, giáo dục pháp luật", "Công nghệ thông tin"};
  x.recipients = {"Sở GDĐT Hà Nội (để BC)", "Lưu: VT"};
  x.relations = {{relation_kind::based_on, legal_document_id{"kh-83-ubnd-2023"}, "83/KH-UBND", "Kế hoạch của UBND quận"},
                 {relation_kind::based_on, std::nullopt, "14/2012/QH13", "Luật Phổ biến, giáo dục pháp luật"}};
  x.files = {{"19.KH-PGDĐT.pdf", "application/pdf", 123456, hash64, media_id{"tep-kh19"}, "https://pgdhadong.edu.vn/kh19.pdf"}};
  x.unit = unit_id{"pgddt-ha-dong"};
  x.created_at = at(2023, 3, 22, 15);
  x.updated_at = at(2023, 3, 22, 16);
  return x;
}

// A legal normative document, with a validity status and its history.
inline legal_document full_law() {
  legal_document x;
  x.id = legal_document_id{"luat-pbgdpl-2012"};
  x.version = 2;
  x.number = "14/2012/QH13";
  x.type_code = "Luật";
  x.year = 2012;
  x.level = document_level::central;
  x.issuer = "Quốc hội";
  x.place = "Hà Nội";
  x.issued_on = d(2012, 6, 20);
  x.title = "Luật Phổ biến, giáo dục pháp luật";
  x.effective_on = d(2013, 1, 1);
  x.status = validity_status::in_force;
  x.status_history = {{validity_status::in_force, d(2013, 1, 1), "Có hiệu lực", std::nullopt}};
  x.fields = {"Phổ biến, giáo dục pháp luật"};
  x.created_at = at(2012, 6, 21, 8);
  x.updated_at = at(2012, 6, 21, 8);
  return x;
}

inline media_asset full_video() {
  media_asset m;
  m.id = media_id{"video-cau-thang-1"};
  m.version = 1;
  m.type = media_type::video;
  m.title = "An toàn giao thông cho học sinh";
  m.file_name = "an-toan-giao-thong.mp4";
  m.mime_type = "video/mp4";
  m.size = 10'485'760;
  m.blake2b = hash64;
  m.width = 1920;
  m.height = 1080;
  m.duration_seconds = 92.5;
  m.alt_text = "Video tuyên truyền an toàn giao thông";
  m.unit = unit_id{"thcs-van-yen"};
  m.created_at = at(2023, 10, 2);
  return m;
}

inline publication full_publication() {
  publication p;
  p.id = publication_id{"to-gap-an-toan-giao-thong"};
  p.version = 4;
  p.kind = publication_kind::leaflet;
  p.title = "Tờ gấp: Học sinh với an toàn giao thông";
  p.summary = "Biên soạn cùng Công an quận.";
  p.unit = unit_id{"thcs-van-yen"};
  p.media = {media_id{"video-cau-thang-1"}};
  p.documents = {legal_document_id{"luat-giao-thong"}};
  p.partners = {"Công an quận Hà Đông"};
  p.state = article_state::published;
  p.published_at = at(2023, 10, 5);
  return p;
}

inline question full_question() {
  question q;
  q.id = question_id{"hoi-dap-1"};
  q.version = 2;
  q.unit = unit_id{"pgddt-ha-dong"};
  q.asker_name = "Phụ huynh Trần Văn B";
  q.asker_email = "b@example.vn";
  q.asker_phone = "0987 654 321";
  q.title = "Học sinh đi xe đạp điện có cần mũ bảo hiểm?";
  q.body = "Con tôi 14 tuổi...";
  q.category = "Giao thông";
  q.answer_markdown = "Có. Theo **Luật Trật tự, an toàn giao thông đường bộ**...";
  q.body_html = "<p>Con tôi 14 tuổi...</p>\n";
  q.answer_html = "<p>Có. Theo <strong>Luật Trật tự, an toàn giao thông đường bộ</strong>...</p>\n";
  q.state = question_state::published;
  q.asked_at = at(2023, 10, 1);
  q.answered_at = at(2023, 10, 3);
  q.answered_by = account_id{"acc-division-editor"};
  q.documents = {legal_document_id{"luat-giao-thong"}};
  return q;
}

inline dialogue_session full_dialogue() {
  dialogue_session s;
  s.id = dialogue_id{"doi-thoai-2023-11"};
  s.version = 1;
  s.unit = unit_id{"pgddt-ha-dong"};
  s.title = "Đối thoại chính sách về tuyển sinh đầu cấp";
  s.description = "Trực tuyến.";
  s.host = "Lãnh đạo Phòng GDĐT";
  s.starts_at = at(2023, 11, 9, 14);
  s.ends_at = at(2023, 11, 9, 16);
  s.url = "https://pgdhadong.edu.vn/doi-thoai";
  s.state = dialogue_state::closed;
  s.questions = {question_id{"hoi-dap-1"}};
  s.conclusion_markdown = "Đã trả lời 12 câu hỏi.";
  return s;
}

inline approval_record full_approval() {
  approval_record a;
  a.id = approval_id{"ap-video-1"};
  a.version = 1;
  a.content_id = "video-cau-thang-1";
  a.content_blake2b = std::string(64, 'b');
  a.approver_unit = unit_id{"pgddt-ha-dong"};
  a.approver_role = role::division_approver;
  a.key_id = "0123456789abcdef";
  a.use = approval_use::signage_public;
  a.valid_from = at(2023, 10, 1);
  a.valid_until = at(2024, 6, 1);
  a.sequence = 4;
  a.signature = "untrusted comment: x\nRWQ...\ntrusted comment: y\nabc";
  a.note = "Duyệt cho màn hình chung cư";
  return a;
}

inline banner full_banner() {
  banner b;
  b.id = banner_id{"banner-pbgdpl-ha-noi"};
  b.version = 2;
  b.name = "Banner Trang TTĐT PBGDPL Hà Nội";
  b.target_url = std::string(city_portal_url);
  b.required_text = std::string(city_portal_banner_text);
  b.alt_text = "Liên kết: Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội";
  b.variants = {{300, 100, media_id{"banner-300x100"}}, {728, 90, media_id{"banner-728x90"}}};
  b.owner = unit_id{"ha-noi"};
  return b;
}

inline display_group full_group() {
  return {display_group_id{"cau-thang-th-van-yen"}, 1, 3, "Cầu thang pháp luật TH Văn Yên", unit_id{"th-van-yen"},
          display_group_id{"cau-thang-ha-dong"}, true};
}

inline display full_display() {
  display x;
  x.id = display_id{"man-hinh-tang-2"};
  x.version = 1;
  x.name = "Màn hình tầng 2";
  x.location = "Cầu thang khu A";
  x.unit = unit_id{"th-van-yen"};
  x.group = display_group_id{"cau-thang-th-van-yen"};
  x.width = 1080;
  x.height = 1920;
  x.public_key = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
  x.enabled = false;
  x.kind = display_kind::led_panel;
  x.orientation = display_orientation::portrait;
  x.building = "Nhà A";
  x.staircase = "Cầu thang A, tầng 2";
  x.operated_by = operator_kind::business;
  x.operator_name = "Ban quản lý tòa nhà";
  x.operator_account = account_id{"bql-toa-nha"};
  x.time_zone = "Asia/Ho_Chi_Minh";
  return x;
}

inline layout full_layout() {
  return {layout_id{"doc-2-vung"}, 1, 1, "Dọc, hai vùng", 1080, 1920,
          {{"chinh", 0, 0, 1080, 1600, true, false}, {"thong-bao", 0, 1600, 1080, 320, false, true}}};
}

inline playlist full_playlist() {
  playlist p;
  p.id = playlist_id{"pl-an-toan-giao-thong"};
  p.version = 6;
  p.name = "An toàn giao thông";
  p.unit = unit_id{"th-van-yen"};
  p.layout = layout_id{"doc-2-vung"};
  p.items = {{media_id{"video-cau-thang-1"}, 93, approval_id{"ap-video-1"}, "chinh"},
             {media_id{"infographic-1"}, 15, std::nullopt, "thong-bao"}};
  p.ticker = "Sáng thứ Hai chào cờ lúc 7:00";
  return p;
}

inline schedule_entry full_schedule() {
  schedule_entry e;
  e.id = schedule_id{"lich-gio-ra-choi"};
  e.version = 1;
  e.playlist = playlist_id{"pl-an-toan-giao-thong"};
  e.group = display_group_id{"cau-thang-th-van-yen"};
  e.days = {day_of_week::mon, day_of_week::tue, day_of_week::wed, day_of_week::thu, day_of_week::fri};
  e.start_time = "07:00";
  e.end_time = "17:30";
  e.valid_from = d(2023, 9, 5);
  e.valid_until = d(2024, 5, 31);
  e.priority = 10;
  e.emergency = false;
  e.campaign = "Tháng an toàn giao thông 2023";
  e.fallback = false;
  e.expires_at = timestamp{std::chrono::sys_days{d(2024, 5, 31)}} + std::chrono::hours{10};
  return e;
}

inline report_template full_template() {
  report_template t;
  t.id = report_template_id{"bc-kh19"};
  t.version = 1;
  t.name = "Báo cáo kết quả thực hiện Kế hoạch 19/KH-PGDĐT";
  t.plan_number = "19/KH-PGDĐT";
  t.plan = legal_document_id{"kh-19-pgddt-2023"};
  t.owner = unit_id{"pgddt-ha-dong"};
  t.indicators = {
      {"has_section", "Có chuyên mục PBGDPL", "Has a PBGDPL section", "", indicator_kind::boolean, true, std::nullopt,
       std::nullopt, "", std::nullopt, false, "", {}, std::nullopt, ""},
      {"articles_posted", "Số tin, bài đã đăng", "Articles posted", "Trong kỳ", indicator_kind::number, true, 0.0,
       10000.0, "bài", std::nullopt, false, "", {}, std::nullopt, ""},
      {"staff_trained_pct", "Tỷ lệ cán bộ được tập huấn", "Share of staff trained", "", indicator_kind::percent, false,
       std::nullopt, std::nullopt, "%", std::nullopt, false, "", {}, std::nullopt, ""},
      {"highlights", "Kết quả nổi bật", "Highlights", "", indicator_kind::text, false, std::nullopt, std::nullopt, "",
       std::nullopt, false, "", {}, std::nullopt, ""},
  };
  return t;
}

inline report_period full_period() {
  return {report_period_id{"kh19-2023-2024-dot-2"}, 1, 1, report_template_id{"bc-kh19"}, 2023,
          report_round::second, school_year{2023}, d(2023, 11, 15), d(2023, 12, 15),
          std::nullopt, std::nullopt, std::nullopt, {}};
}

inline report_submission full_submission() {
  report_submission s;
  s.id = submission_id{"bc-th-van-yen-2023-dot-2"};
  s.version = 3;
  s.template_id = report_template_id{"bc-kh19"};
  s.period_id = report_period_id{"kh19-2023-2024-dot-2"};
  s.unit = unit_id{"th-van-yen"};
  s.values = {{"has_section", std::nullopt, true, std::nullopt, "", std::nullopt, std::nullopt, ""},
              {"articles_posted", 14.0, std::nullopt, std::nullopt, "Gồm 3 bài chuyên sâu", std::nullopt, std::nullopt, ""},
              {"staff_trained_pct", 87.5, std::nullopt, std::nullopt, "", std::nullopt, std::nullopt, ""},
              {"highlights", std::nullopt, std::nullopt, std::string("Tổ chức Ngày Pháp luật 9/11."), "", std::nullopt,
               std::nullopt, ""}};
  s.state = submission_state::returned;
  s.submitted_at = at(2023, 12, 10, 16);
  s.submitted_by = account_id{"acc-school-approver"};
  s.review_note = "Bổ sung minh chứng.";
  return s;
}

inline training_course full_course() {
  training_course c;
  c.id = training_course_id{"tap-huan-cntt-2023"};
  c.version = 1;
  c.title = "Tập huấn kỹ năng ứng dụng CNTT trong PBGDPL";
  c.description = "Trực tuyến qua Zoom.";
  c.organizer = "Sở Tư pháp Hà Nội";
  c.unit = unit_id{"pgddt-ha-dong"};
  c.mode = training_mode::online;
  c.starts_on = d(2023, 8, 15);
  c.ends_on = d(2023, 8, 16);
  c.url = "https://hoc.hanoi.gov.vn/pbgdpl";
  c.hours = 8;
  c.topics = {"Viết tin bài", "Làm infographic"};
  return c;
}

inline attendance full_attendance() {
  attendance a;
  a.id = attendance_id{"th-van-yen-lan-2023"};
  a.version = 1;
  a.course = training_course_id{"tap-huan-cntt-2023"};
  a.unit = unit_id{"th-van-yen"};
  a.account = account_id{"acc-school-editor"};
  a.person_name = "Nguyễn Thị Lan";
  a.position = "Tuyên truyền viên pháp luật";
  a.status = attendance_status::completed;
  a.completed_on = d(2023, 8, 16);
  a.certificate_number = "CN-2023-0042";
  return a;
}

inline channel full_channel() {
  channel c;
  c.id = channel_id{"hotline-pgd"};
  c.version = 1;
  c.kind = channel_kind::hotline;
  c.name = "Đường dây nóng Phòng GDĐT";
  c.url = "https://pgdhadong.edu.vn/lien-he";
  c.phone = "024 3382 4567";
  c.unit = unit_id{"pgddt-ha-dong"};
  c.active = false;
  c.started_on = d(2023, 4, 1);
  return c;
}

}  // namespace fx
