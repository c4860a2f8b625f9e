// Keys, signatures, approvals, delegations and bundles through the C API: the library's minisign
// functions (trust/minisign.hpp), approvals and keyrings (trust/approval.hpp) and bundles
// (media/bundle.hpp), called as bindings/python/src/trust*.cpp call them. Keys cross as their
// file texts (.key, .pub), signatures as .minisig texts.
#include "c_common.hpp"

#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/trust/approval.hpp>
#include <pbgdpl/trust/minisign.hpp>

#include <algorithm>

namespace pbgdpl::c_api {
namespace {

trust::secret_key secret_key_arg(const char* text, const char* password, const char* name = "secret_key") {
  std::string t = text_arg(text, name);
  auto k = password ? trust::secret_key::parse(t, std::string_view(text_arg(password, "password")))
                    : trust::secret_key::parse(t);
  std::fill(t.begin(), t.end(), '\0');
  if (!k) {
    error e = k.err();
    e.path = "/" + std::string(name) + e.path;
    fail(e);
  }
  return std::move(*k);
}

trust::public_key public_key_arg(const char* text, const char* name = "public_key") {
  auto k = trust::public_key::parse(text_arg(text, name));
  if (!k) {
    error e = k.err();
    e.path = "/" + std::string(name) + e.path;
    fail(e);
  }
  return std::move(*k);
}

trust::signature signature_arg(const char* text, const char* name = "signature") {
  return must(trust::signature::parse(text_arg(text, name)));
}

json signature_info(const trust::signature& s) {
  return {{"algorithm", s.algorithm == trust::signature_algorithm::prehashed ? "ED" : "Ed"},
          {"key_id", s.id.hex()},
          {"untrusted_comment", s.untrusted_comment},
          {"trusted_comment", s.trusted_comment}};
}

template <class E>
E enum_member(const json& o, const char* key) {
  const std::string s = string_member(o, key);
  if (auto v = enum_from_string<E>(s)) return *v;
  std::string names;
  for (const auto& [v, n] : enum_names<E>::values) names += (names.empty() ? "" : ", ") + std::string(n);
  fail(errc::invalid_argument, std::string("/") + key,
       "Giá trị không hợp lệ \"" + s + "\" (chọn: " + names + ")",
       "Invalid value \"" + s + "\" (one of: " + names + ")");
}

// The statement to sign, decoded and checked by the library: what the signer owns (format, key
// id, content digest) is set here whatever the JSON said.
trust::approval_statement statement_from(json j, const trust::secret_key& key, const std::string& b256_hex) {
  j["format"] = std::string(trust::approval_format);
  j["key_id"] = key.id().hex();
  j["content_blake2b"] = b256_hex;
  if (!j.contains("id") || j["id"].is_null()) j["id"] = random_id_string();
  auto st = from_json_value<trust::approval_statement>(j);
  if (!st) {
    error e = st.err();
    e.path = "/statement" + e.path;
    fail(e);
  }
  return std::move(*st);
}

// {"roots": [{"authority", "key", "level", "parents"}], "delegations": [".minisig text", ...]}
trust::keyring keyring_from(const json& j) {
  trust::keyring ring;
  auto roots = j.find("roots");
  if (roots == j.end() || !roots->is_array() || roots->empty())
    fail(errc::invalid_argument, "/keyring_json/roots", "Cần ít nhất một khóa gốc (\"roots\")",
         "At least one root key (\"roots\") is needed");
  for (std::size_t i = 0; i < roots->size(); ++i) {
    const json& r = (*roots)[i];
    const std::string at = "/keyring_json/roots/" + std::to_string(i);
    if (!r.is_object()) fail(errc::wrong_type, at, "Khóa gốc phải là đối tượng", "A root must be an object");
    try {
      const std::string authority = string_member(r, "authority");
      if (authority.empty())
        fail(errc::missing_field, "/authority", "Thiếu \"authority\"", "\"authority\" is missing");
      const std::string key = string_member(r, "key");
      trust::authority_scope sc;
      if (r.contains("level") && !r["level"].is_null()) {
        sc.level = enum_member<role>(r, "level");
        if (!is_approver_role(sc.level))
          fail(errc::invalid_argument, "/level", "Cần một vai trò phê duyệt", "An approver role is needed");
      }
      if (auto p = r.find("parents"); p != r.end() && !p->is_null()) {
        if (!p->is_object())
          fail(errc::wrong_type, "/parents", "\"parents\" phải là đối tượng",
               "\"parents\" must be an object");
        for (auto it = p->begin(); it != p->end(); ++it) {
          if (!it->is_string())
            fail(errc::wrong_type, "/parents", "\"parents\" phải là chuỗi",
                 "\"parents\" values must be strings");
          sc.parents[it.key()] = it->get<std::string>();
        }
      }
      ring.add_root(unit_id{authority}, must(trust::public_key::parse(key)), std::move(sc));
    } catch (failure& f) {
      f.err.path = at + f.err.path;
      throw;
    }
  }
  if (auto d = j.find("delegations"); d != j.end() && !d->is_null()) {
    if (!d->is_array())
      fail(errc::wrong_type, "/keyring_json/delegations", "\"delegations\" phải là mảng",
           "\"delegations\" must be an array");
    for (std::size_t i = 0; i < d->size(); ++i) {
      if (!(*d)[i].is_string())
        fail(errc::wrong_type, "/keyring_json/delegations/" + std::to_string(i), "Cần văn bản .minisig",
             "A .minisig text is needed");
      auto r = ring.add_delegation((*d)[i].get<std::string>());
      if (!r) {
        error e = r.err();
        e.path = "/keyring_json/delegations/" + std::to_string(i) + e.path;
        fail(e);
      }
    }
  }
  return ring;
}

}  // namespace
}  // namespace pbgdpl::c_api

using namespace pbgdpl;
using namespace pbgdpl::c_api;

extern "C" {

PBGDPL_C_API pbgdpl_c_status pbgdpl_key_generate(char** out_secret_key, char** out_public_key) {
  char* sk = nullptr;
  auto st = barrier([&] {
    out_arg(out_secret_key, "out_secret_key");
    out_arg(out_public_key, "out_public_key");
    auto k = trust::secret_key::generate();
    std::string text = k.to_file();
    sk = dup(text);
    std::fill(text.begin(), text.end(), '\0');
    *out_public_key = dup(k.public_part().to_file());
    *out_secret_key = sk;
    sk = nullptr;
  });
  if (sk) std::free(sk);  // the public half failed: nothing is returned
  return st;
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_sign(const char* secret_key, const char* password, const void* data,
                                         size_t size, const char* trusted_comment, char** out_signature) {
  return barrier([&] {
    out_arg(out_signature, "out_signature");
    auto content = bytes_arg(data, size, "data");
    auto k = secret_key_arg(secret_key, password);
    std::string tc = trusted_comment ? text_arg(trusted_comment, "trusted_comment")
                                     : trust::default_trusted_comment("data", now());
    if (tc.find('\n') != std::string::npos)
      fail(errc::invalid_argument, "/trusted_comment", "Chú thích tin cậy không được xuống dòng",
           "The trusted comment must be one line");
    *out_signature = dup(trust::sign(k, content, tc, "signature from pbgdpl secret key").to_text());
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_verify(const char* public_key, const char* signature, const void* data,
                                           size_t size, char** out_json) {
  return barrier([&] {
    if (out_json) *out_json = nullptr;
    auto content = bytes_arg(data, size, "data");
    auto pk = public_key_arg(public_key);
    auto s = signature_arg(signature);
    must(trust::verify(pk, s, content));
    put_json(out_json, signature_info(s));
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_approval_sign(const char* secret_key, const char* password,
                                                  const char* statement_json, const void* data, size_t size,
                                                  char** out_json) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    auto content = bytes_arg(data, size, "data");
    auto k = secret_key_arg(secret_key, password);
    json sj = json_arg(statement_json, "statement_json");
    auto d = trust::digest_content(content);
    auto st = statement_from(std::move(sj), k, trust::to_hex(d.b256));
    auto sig = must(trust::sign_approval(k, st, d));
    put_json(out_json, json{{"signature", sig.to_text()}, {"statement", to_json_value(st)}});
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_approval_verify(const char* keyring_json, const char* signature,
                                                    const void* data, size_t size, const char* options_json,
                                                    char** out_json) {
  return barrier([&] {
    if (out_json) *out_json = nullptr;
    auto content = bytes_arg(data, size, "data");
    auto ring = keyring_from(json_arg(keyring_json, "keyring_json"));
    const std::string sig = text_arg(signature, "signature");
    json o = options_json ? json_arg(options_json, "options_json") : json::object();
    trust::verify_context ctx{time_member(o, "at"), enum_member<approval_use>(o, "use")};
    auto st = must(ring.verify_approval(sig, trust::digest_content(content), ctx, nullptr));
    put_json(out_json, to_json_value(st));
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_delegation_sign(const char* root_secret_key, const char* password,
                                                    const char* approver_public_key,
                                                    const char* delegation_json, char** out_signature) {
  return barrier([&] {
    out_arg(out_signature, "out_signature");
    auto root = secret_key_arg(root_secret_key, password, "root_secret_key");
    auto approver = public_key_arg(approver_public_key, "approver_public_key");
    json j = json_arg(delegation_json, "delegation_json");
    j["format"] = std::string(trust::delegation_format);
    j["key"] = approver.base64();
    auto d = from_json_value<trust::delegation>(j);
    if (!d) {
      error e = d.err();
      e.path = "/delegation_json" + e.path;
      fail(e);
    }
    // The rule verifiers apply (model/approval.hpp): sign nothing they would refuse.
    for (auto u : d->uses)
      if (!role_may_approve(d->approver_role, u))
        fail(errc::permission_denied, "/delegation_json/uses",
             "Vai trò " + std::string(to_string(d->approver_role)) + " không được phê duyệt cho mục đích " +
                 std::string(to_string(u)),
             "Role " + std::string(to_string(d->approver_role)) + " may not approve for use " +
                 std::string(to_string(u)));
    *out_signature = dup(trust::sign_delegation(root, *d).to_text());
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_bundle_pack(const char* path, const char* secret_key,
                                                const char* password, const char* options_json,
                                                char** out_json) {
  return barrier([&] {
    if (out_json) *out_json = nullptr;
    const std::string p = text_arg(path, "path");
    auto k = secret_key_arg(secret_key, password);
    json o = json_arg(options_json, "options_json");
    media::pack_options po;
    po.content_id = string_member(o, "content_id");
    po.title = string_member(o, "title");
    if (auto m = o.find("metadata"); m != o.end() && !m->is_null()) {
      if (!m->is_object())
        fail(errc::wrong_type, "/metadata", "\"metadata\" phải là đối tượng",
             "\"metadata\" must be an object");
      po.metadata = *m;
    }
    po.created_at = time_member(o, "created_at");
    json sj = o.contains("statement") ? o["statement"] : json::object();
    if (!sj.is_object())
      fail(errc::wrong_type, "/statement", "\"statement\" phải là đối tượng",
           "\"statement\" must be an object");
    sj["content_id"] = po.content_id;
    if (!sj.contains("id") || sj["id"].is_null())
      sj["id"] = po.content_id + "-" + (sj.contains("sequence") ? sj["sequence"].dump() : std::string("0"));
    // The digest is the manifest's, known only once packed: pack_and_approve fills it in.
    auto st = statement_from(std::move(sj), k, std::string(64, '0'));
    put_json(out_json, to_json_value(must(media::pack_and_approve(p, po, k, st))));
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_bundle_verify(const char* path, const char* keyring_json,
                                                  const char* options_json, char** out_json) {
  return barrier([&] {
    if (out_json) *out_json = nullptr;
    const std::string p = text_arg(path, "path");
    auto ring = keyring_from(json_arg(keyring_json, "keyring_json"));
    json o = options_json ? json_arg(options_json, "options_json") : json::object();
    trust::verify_context ctx{time_member(o, "at"), enum_member<approval_use>(o, "use")};
    media::verify_options vo;
    if (auto a = o.find("allow_unlisted_files"); a != o.end() && !a->is_null()) {
      if (!a->is_boolean())
        fail(errc::wrong_type, "/allow_unlisted_files", "Phải là true/false", "Must be true or false");
      vo.allow_unlisted_files = a->get<bool>();
    }
    auto v = must(media::verify_bundle(p, ring, ctx, nullptr, vo));
    put_json(out_json,
             json{{"manifest", to_json_value(v.manifest)}, {"approval", to_json_value(v.approval)}});
  });
}

}  // extern "C"
