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
      {"hotline", pick("Đường dây nóng", "Hotline")},
      {"byline", pick("Tác giả", "Author")},
      {"approved_by", pick("Phê duyệt", "Approved by")},
      {"source", pick("Nguồn", "Source")},
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
