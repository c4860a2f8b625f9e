// Bodies of core/json.hpp: compiled once into the core tier (src/core/core.cpp), or included by
// the header in header-only builds. json::parse is instantiated here, not in every user's TU.
#pragma once
#include "../json.hpp"

PBGDPL_NAMESPACE_BEGIN

namespace json_io {

PBGDPL_DECL std::string pointer_token(std::string_view key) {
  std::string s;
  for (char c : key) {
    if (c == '~') s += "~0";
    else if (c == '/') s += "~1";
    else s += c;
  }
  return s;
}

[[noreturn]] PBGDPL_DECL void fail(errc code, std::string vi, std::string en) {
  throw exception(error(code, {}, std::move(vi), std::move(en)));
}

PBGDPL_DECL const char* type_name_vi(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "đối tượng (object)";
    case json::value_t::array: return "mảng (array)";
    case json::value_t::string: return "chuỗi (string)";
    case json::value_t::boolean: return "logic (boolean)";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "số nguyên (integer)";
    case json::value_t::number_float: return "số thực (number)";
    default: return "không xác định";
  }
}

[[noreturn]] PBGDPL_DECL void wrong_type(const json& j, std::string_view expected_vi, std::string_view expected_en) {
  fail(errc::wrong_type, "Cần " + std::string(expected_vi) + ", nhận được " + type_name_vi(j),
       "Expected " + std::string(expected_en) + ", got " + j.type_name());
}

PBGDPL_DECL std::string read_string(const json& j, text_limit limit) {
  if (!j.is_string()) wrong_type(j, "chuỗi", "string");
  const auto& s = j.get_ref<const std::string&>();
  if (s.size() > static_cast<std::uint32_t>(limit))
    fail(errc::too_large, "Văn bản dài quá " + std::to_string(static_cast<std::uint32_t>(limit)) + " byte",
         "Text longer than " + std::to_string(static_cast<std::uint32_t>(limit)) + " bytes");
  auto n = text::nfc(s);
  if (!n) fail(errc::invalid_utf8);
  return std::move(*n);
}

PBGDPL_DECL std::size_t nesting_depth(std::string_view s) noexcept {
  std::size_t depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) max_depth = depth;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return max_depth;
}

PBGDPL_DECL result<json> parse(std::string_view s) {
  if (s.size() > PBGDPL_MAX_JSON_BYTES)
    return error(errc::too_large, {}, "Tài liệu JSON quá lớn", "JSON document too large");
  if (nesting_depth(s) > PBGDPL_MAX_JSON_DEPTH)
    return error(errc::too_large, {}, "JSON lồng nhau quá sâu", "JSON nested too deeply");
  try {
    return json::parse(s.begin(), s.end());
  } catch (const json::parse_error& e) {
    return error(errc::parse_error, {}, "JSON không hợp lệ (vị trí byte " + std::to_string(e.byte) + ")",
                 std::string("Malformed JSON: ") + e.what());
  } catch (const json::exception& e) {  // e.g. out_of_range.406: a number too large for a double
    return error(errc::parse_error, {}, "JSON không hợp lệ", std::string("Malformed JSON: ") + e.what());
  } catch (const std::bad_alloc&) {
    return error(errc::too_large);
  }
}

}  // namespace json_io

PBGDPL_DECL void validator::add(std::string path, errc code, std::string vi, std::string en) {
  problems_.emplace_back(code, prefix_ + path, std::move(vi), std::move(en));
}

PBGDPL_DECL void validator::check(bool ok, std::string path, errc code, std::string vi, std::string en) {
  if (!ok) add(std::move(path), code, std::move(vi), std::move(en));
}

PBGDPL_DECL void validator::required_text(const std::string& s, std::string path, std::string_view label_vi,
                                          std::string_view label_en) {
  check(!s.empty(), std::move(path), errc::missing_field, std::string(label_vi) + " không được để trống",
        std::string(label_en) + " must not be empty");
}

PBGDPL_DECL result<void> validator::to_result() const {
  if (problems_.empty()) return {};
  if (problems_.size() == 1) return problems_.front();
  error e(errc::validation_failed, problems_.front().path,
          std::to_string(problems_.size()) + " lỗi; đầu tiên: " + problems_.front().message_vi,
          std::to_string(problems_.size()) + " problems; first: " + problems_.front().message_en);
  e.details = problems_;
  return e;
}

PBGDPL_DECL json error_to_json(const error& e) {
  json j{{"code", std::string(errc_name(e.code))},
         {"code_number", static_cast<int>(e.code)},
         {"message", e.message_vi},
         {"message_en", e.message_en}};
  if (!e.path.empty()) j["path"] = e.path;
  if (!e.details.empty()) {
    j["details"] = json::array();
    for (const auto& d : e.details) j["details"].push_back(error_to_json(d));
  }
  return j;
}

PBGDPL_NAMESPACE_END
