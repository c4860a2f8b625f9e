// The portal's words in Vietnamese (the default) and English, and the four categories the plan
// asks every section to have (task 1.2) plus the in-depth and publication shelves.
#pragma once
#include "../model.hpp"

#include <array>
#include <optional>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

enum class language { vi, en };

inline language parse_language(std::string_view s) noexcept { return s == "en" ? language::en : language::vi; }
inline std::string_view language_code(language l) noexcept { return l == language::en ? "en" : "vi"; }

// What a category page lists.
enum class category_source { articles, documents, questions };

struct category {
  std::string_view slug;  // URL segment under /pbgdpl/
  std::string_view label_vi, label_en;  // an article kind's section: that kind's model label
  std::string_view description_vi, description_en;
  category_source source;
  std::optional<article_kind> kind;  // for article categories (and the articles a mixed one adds)
};

inline constexpr std::array<category, 6> categories{{
    {"tin-hoat-dong", label_vi(article_kind::activity_news), label_en(article_kind::activity_news),
     "Tin về các hoạt động phổ biến, giáo dục pháp luật của đơn vị.",
     "News of the unit's legal education activities.", category_source::articles, article_kind::activity_news},
    {"van-ban-moi", "Văn bản pháp luật mới", "New legal documents",
     "Văn bản mới của Trung ương, Thành phố, Quận và của ngành.", "New central, city, district and sector documents.",
     category_source::documents, article_kind::legal_document_intro},
    {"hoi-dap-phap-luat", label_vi(article_kind::question_answer), label_en(article_kind::question_answer),
     "Câu hỏi của cán bộ, giáo viên, cha mẹ học sinh, học sinh và câu trả lời.",
     "Questions from staff, parents and pupils, and answers.",
     category_source::questions, article_kind::question_answer},
    {"doi-thoai-chinh-sach", label_vi(article_kind::policy_dialogue), label_en(article_kind::policy_dialogue),
     "Đối thoại chính sách - pháp luật với người dân và doanh nghiệp.", "Policy and law dialogue with citizens and businesses.",
     category_source::articles, article_kind::policy_dialogue},
    {"bai-viet-chuyen-sau", label_vi(article_kind::in_depth), label_en(article_kind::in_depth),
     "Phân tích, giới thiệu chuyên sâu về pháp luật.",
     "Analysis and in-depth introductions to the law.", category_source::articles, article_kind::in_depth},
    {"an-pham", label_vi(article_kind::publication), label_en(article_kind::publication),
     "Đề cương, sổ tay, tờ gấp, tiểu phẩm, video, bài giảng điện tử.",
     "Outlines, handbooks, leaflets, short plays, videos, e-lectures.", category_source::articles, article_kind::publication},
}};

inline const category* find_category(std::string_view slug) noexcept {
  for (const auto& c : categories)
    if (c.slug == slug) return &c;
  return nullptr;
}

inline const category& category_for(article_kind k) noexcept {
  for (const auto& c : categories)
    if (c.kind == k) return c;
  return categories[0];
}

// The template dictionary `t` for a language.
namespace detail {
inline json build_translations(language l) {
  const bool en = l == language::en;
  auto pick = [en](std::string_view vi, std::string_view e) { return std::string(en ? e : vi); };
  return json{
      {"og_locale", pick("vi_VN", "en_US")},
      {"skip", pick("Bỏ qua, đến nội dung chính", "Skip to main content")},
      {"nav", pick("Chuyên mục", "Sections")},
      {"section", pick("Phổ biến, giáo dục pháp luật", "Legal dissemination and education")},
      {"section_lead", pick("Chuyên mục phổ biến, giáo dục pháp luật: tin tức hoạt động, văn bản mới, hỏi đáp, "
                            "tư vấn pháp luật và đối thoại chính sách - pháp luật.",
                            "Legal dissemination and education: activity news, new legal documents, questions and answers, policy dialogue.")},
      {"search", pick("Tìm kiếm", "Search")},
      {"search_placeholder", pick("Nhập từ khóa, ví dụ: kế hoạch", "Keywords, e.g. kế hoạch")},
      {"search_button", pick("Tìm", "Search")},
      {"search_title", pick("Kết quả tìm kiếm", "Search results")},
      {"results_for", pick("Kết quả cho", "Results for")},
      {"no_results", pick("Không tìm thấy kết quả phù hợp.", "Nothing matched.")},
      {"sort", pick("Sắp xếp", "Sort")},
      {"sort_relevance", pick("Liên quan nhất", "Most relevant")},
      {"sort_newest", pick("Mới nhất", "Newest")},
      {"approximate", pick("Kết quả gần đúng: từ khóa quá phổ biến để xếp hạng hết mọi kết quả; hãy thêm từ để thu hẹp.",
                           "Approximate results: these words are too common to rank every match; add words to narrow the search.")},
      {"links", pick("Liên kết", "Links")},
      {"feeds", pick("Theo dõi tin", "Feeds")},
      {"footer", pick("Chuyên mục phổ biến, giáo dục pháp luật theo Kế hoạch 19/KH-PGDĐT.",
                      "Legal education section under plan 19/KH-PGDĐT.")},
      {"empty", pick("Chưa có bài viết.", "No articles yet.")},            // an empty list of articles
      {"empty_content", pick("Chưa có nội dung.", "Nothing here yet.")},  // of documents or questions
      {"more", pick("Xem thêm", "More")},
      {"new_documents", pick("Văn bản mới", "New documents")},
      {"documents", pick("Danh sách văn bản", "Documents")},
      {"cat_documents", pick("Văn bản pháp luật mới", "New legal documents")},
      {"number", pick("Số ký hiệu", "Number")},
      {"title", pick("Trích yếu", "Title")},
      {"type", pick("Loại văn bản", "Type")},
      {"level", pick("Cấp ban hành", "Level")},
      {"issuer", pick("Cơ quan ban hành", "Issued by")},
      {"issued_on", pick("Ngày ban hành", "Issued on")},
      {"place_date", pick("Nơi, ngày ban hành", "Place and date of issue")},
      {"family", pick("Nhóm văn bản", "Kind of document")},
      {"period", pick("Giai đoạn thực hiện", "Implementation period")},
      {"signer", pick("Người ký", "Signed by")},
      {"effective_on", pick("Ngày có hiệu lực", "In force from")},
      {"expires_on", pick("Ngày hết hiệu lực", "In force until")},
      {"status", pick("Tình trạng hiệu lực", "Status")},
      {"status_history", pick("Lịch sử hiệu lực", "Status history")},
      {"fields", pick("Lĩnh vực", "Fields")},
      {"recipients", pick("Nơi nhận", "Recipients")},
      {"related_documents", pick("Văn bản liên quan", "Related documents")},
      {"files", pick("Tệp đính kèm", "Files")},
      {"full_text", pick("Toàn văn", "Full text")},
      {"properties", pick("Thuộc tính văn bản", "Document properties")},
      {"tags", pick("Từ khóa", "Tags")},
      {"pages", pick("Phân trang", "Pages")},
      {"page", pick("Trang", "Page")},
      {"prev", pick("Trang đầu", "First page")},
      {"next", pick("Trang sau", "Next page")},
      {"back_home", pick("Về trang chuyên mục", "Back to the section")},
      {"answer", pick("Trả lời", "Answer")},
      {"asked_by", pick("Người hỏi", "Asked by")},
      {"ask", pick("Gửi câu hỏi", "Send a question")},
      {"ask_title", pick("Gửi câu hỏi pháp luật", "Send a legal question")},
      {"ask_lead", pick("Câu hỏi được đơn vị tiếp nhận, trả lời và công bố trong chuyên mục Hỏi đáp pháp luật.",
                        "The unit receives your question, answers it and publishes the answer in its questions and answers.")},
      {"ask_fix", pick("Câu hỏi chưa được gửi: hãy sửa các ô có lỗi bên dưới.",
                       "Your question was not sent: correct the fields marked below.")},
      {"ask_name", pick("Họ và tên", "Your name")},
      {"ask_email", pick("Thư điện tử", "Email")},
      {"ask_phone", pick("Số điện thoại", "Phone")},
      {"ask_subject", pick("Tiêu đề", "Title")},
      {"ask_question", pick("Nội dung câu hỏi", "Your question")},
      {"ask_category", pick("Lĩnh vực pháp luật", "Field of law")},
      {"ask_honeypot", pick("Để trống ô này", "Leave this empty")},
      {"ask_privacy", pick("Thư điện tử và số điện thoại chỉ cán bộ trả lời được xem; không công bố.",
                           "Only the staff who answer see your email and phone; they are never published.")},
      {"ask_send", pick("Gửi câu hỏi", "Send the question")},
      {"ask_thanks_title", pick("Đã nhận câu hỏi", "Question received")},
      {"ask_thanks_lead", pick("Cảm ơn bạn đã gửi câu hỏi.", "Thank you for your question.")},
      {"ask_follow_keep", pick("Hãy lưu đường dẫn riêng dưới đây để theo dõi câu hỏi và xem câu trả lời. Đường dẫn chỉ hiện một lần; ai có nó đều xem được câu hỏi.",
                               "Keep the private link below to follow your question and read the answer. It is shown only once; anyone who has it can see the question.")},
      {"ask_back", pick("Về chuyên mục Hỏi đáp pháp luật", "Back to questions and answers")},
      {"follow_title", pick("Theo dõi câu hỏi", "Follow your question")},
      {"follow_state", pick("Tình trạng", "Status")},
      {"follow_reason", pick("Lý do", "Reason")},
      {"follow_asked", pick("Gửi ngày", "Sent on")},
      {"follow_public", pick("Xem câu hỏi trong chuyên mục Hỏi đáp pháp luật", "See the question in questions and answers")},
      {"required", pick("bắt buộc", "required")},
      {"optional", pick("không bắt buộc", "optional")},
      {"hotline", pick("Đường dây nóng", "Hotline")},
      {"byline", pick("Tác giả", "Author")},
      {"approved_by", pick("Phê duyệt", "Approved by")},
      {"source", pick("Nguồn", "Source")},
      {"banner_kit", pick("Bộ biểu ngữ", "Banner kit")},
      {"banner_kit_lead", pick("Biểu ngữ liên kết tới Trang thông tin điện tử phổ biến pháp luật của Thành phố, theo các cỡ thường dùng, "
                               "kèm mã HTML để trang web của đơn vị dán vào.",
                               "The banner linking the city's legal education portal, in the usual sizes, with the HTML a site pastes to show it.")},
      {"banner_kit_text", pick("Biểu ngữ mang dòng chữ", "The banner carries the sentence")},
      {"banner_kit_target", pick("Biểu ngữ dẫn tới", "It links to")},
      {"banner_download", pick("Tải ảnh", "Download the image")},
      {"banner_snippet", pick("Mã HTML để dán vào trang web", "HTML to paste into a site")},
  };
}
}  // namespace detail

// The interface strings of one language, built once: every page embeds them.
inline const json& translations(language l) {
  static const json vi = detail::build_translations(language::vi), en = detail::build_translations(language::en);
  return l == language::en ? en : vi;
}

// {"t": translations(l)}: the outer template context of every page, so the dictionary is
// shared, not copied into each page's data.
inline const json& translation_context(language l) {
  static const json vi{{"t", translations(language::vi)}}, en{{"t", translations(language::en)}};
  return l == language::en ? en : vi;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
