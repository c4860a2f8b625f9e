// Approvals, delegations, revocation lists, keyrings, sequence trackers and media bundles
// (trust/approval.hpp, media/bundle.hpp) for pbgdpl.trust. Statements cross as dicts decoded by
// the library's own describe() lists, so Python gets the same checks and messages as C++.
#include "py_common.hpp"
#include "trust_common.hpp"

#include <pbgdpl/core/files.hpp>
#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/trust/approval.hpp>

#include <pybind11/stl/filesystem.h>

#include <mutex>
#include <shared_mutex>

namespace pbgdpl::python {

namespace {

namespace fs = std::filesystem;
using trust::public_key;
using trust::secret_key;

// A keyring shared by Python threads: verifying (GIL released) reads it while another thread may
// add a delegation, so every use takes the lock, always with the GIL released (a writer waiting for
// a long bundle check must not hold every other Python thread up).
struct keyring_handle {
  trust::keyring ring;
  mutable std::shared_mutex mu;
};

// A sequence tracker, updated by verifications that run with the GIL released.
struct tracker_handle {
  trust::sequence_tracker tracker;
  std::mutex mu;
  tracker_handle() = default;
  explicit tracker_handle(std::uint64_t max_step) : tracker(max_step) {}
};

template <class F>
auto released(F&& f) {
  py::gil_scoped_release nogil;
  return f();
}

json object_from_py(py::handle o, std::string_view what) {
  json j = from_py(o);
  if (!j.is_object())
    raise(error(errc::wrong_type, {}, std::string(what) + " phải là dict", std::string(what) + " must be a dict"));
  return j;
}

template <class E>
E enum_arg(const std::string& s, std::string_view path) {
  if (auto v = enum_from_string<E>(s)) return *v;
  std::string names;
  for (const auto& [v, n] : enum_names<E>::values) names += (names.empty() ? "" : ", ") + std::string(n);
  raise(error(errc::invalid_argument, std::string(path), "Giá trị không hợp lệ \"" + s + "\" (chọn: " + names + ")",
              "Invalid value \"" + s + "\" (one of: " + names + ")"));
}

// None -> now; a datetime (aware, or naive Hà Nội time) or timestamp text -> that instant.
timestamp time_arg(py::handle at, std::string_view path) {
  if (at.is_none()) return now();
  json j = from_py(at);
  if (!j.is_string())
    raise(error(errc::wrong_type, std::string(path), "Cần thời điểm (datetime)", "Needs a point in time (datetime)"));
  auto t = parse_timestamp(j.get<std::string>());
  if (!t) raise(error(t.err().code, std::string(path), t.err().message_vi, t.err().message_en));
  return *t;
}

// The statement a caller asks to sign, decoded and checked by the library: the fields the signer
// owns (format, key id, content digest) are set here whatever the dict said.
trust::approval_statement statement_from(json j, const secret_key& key, const std::string& b256_hex) {
  j["format"] = std::string(trust::approval_format);
  j["key_id"] = key.id().hex();
  j["content_blake2b"] = b256_hex;
  if (!j.contains("id") || j["id"].is_null()) j["id"] = random_id_string();
  return unwrap(from_json_value<trust::approval_statement>(j));
}

trust::content_digest digest_of(py::handle data, const std::optional<fs::path>& path) {
  if (path) return unwrap(released([&] { return trust::digest_file(*path); }));
  if (!py::isinstance<py::bytes>(data))
    raise(error(errc::wrong_type, "/data", "Nội dung phải là bytes hoặc đường dẫn", "Content must be bytes or a path"));
  std::string_view content = py::reinterpret_borrow<py::bytes>(data);
  return released([&] { return trust::digest_content(content); });
}

py::tuple signed_approval(const trust::signature& sig) {
  auto text = sig.to_text();
  auto st = unwrap(trust::from_json_text_unique<trust::approval_statement>(sig.trusted_comment));
  return py::make_tuple(text, to_py(to_json_value(trust::to_record(st, text))), to_py(to_json_value(st)));
}

trust::authority_scope scope_arg(const std::string& level, const std::map<std::string, std::string>& parents) {
  trust::authority_scope sc;
  auto r = enum_arg<role>(level, "/level");
  if (!is_approver_role(r))
    raise(error(errc::invalid_argument, "/level", "Cần một vai trò phê duyệt: \"" + level + "\"",
                "Needs an approver role: \"" + level + "\""));
  sc.level = r;
  sc.parents = parents;
  return sc;
}

py::object manifest_py(const media::bundle_manifest& m) { return to_py(to_json_value(m)); }

}  // namespace

void register_trust_approvals(py::module_& m) {
  py::class_<tracker_handle>(m, "TrustSequenceTracker",
                             "The highest approval sequence seen per (authority, approver unit, content id): "
                             "refuses rollbacks. Persist it between runs with to_json().")
      .def(py::init<std::uint64_t>(), py::arg("max_step") = trust::sequence_tracker::default_max_step)
      .def_static(
          "from_json",
          [](std::string_view text) {
            auto t = unwrap(trust::from_json_text_unique<trust::sequence_tracker>(text));
            auto h = std::make_unique<tracker_handle>();
            h->tracker = std::move(t);
            return h;
          },
          py::arg("text"), "Reads the state to_json() wrote (ValidationError when malformed).")
      .def(
          "to_json",
          [](tracker_handle& h) {
            return released([&] {
              std::lock_guard lock(h.mu);
              return to_json_value(h.tracker).dump(2) + "\n";
            });
          },
          "The state as JSON text (format pbgdpl/sequences/1).")
      .def_property_readonly("max_step", [](tracker_handle& h) { return h.tracker.max_step(); },
                             "How far ahead of the last sequence a new one may jump.")
      .def(
          "highest",
          [](tracker_handle& h, std::string authority, std::string approver_unit, std::string content_id) {
            return released([&] {
              std::lock_guard lock(h.mu);
              return h.tracker.highest({std::move(authority), std::move(approver_unit), std::move(content_id)});
            });
          },
          py::arg("authority"), py::arg("approver_unit"), py::arg("content_id"),
          "The highest sequence seen in that scope, or None.")
      .def("__len__", [](tracker_handle& h) {
        return released([&] {
          std::lock_guard lock(h.mu);
          return h.tracker.all().size();
        });
      });

  py::class_<keyring_handle>(m, "TrustKeyring",
                             "Pinned root keys, the approver keys they delegated and their revocation lists; "
                             "verifies approvals offline.")
      .def(py::init<>())
      .def(
          "add_root",
          [](keyring_handle& k, const std::string& authority, const public_key& root, const std::string& level,
             const std::map<std::string, std::string>& parents) {
            auto sc = scope_arg(level, parents);
            released([&] {
              std::unique_lock lock(k.mu);
              k.ring.add_root(unit_id{authority}, root, std::move(sc));
              return 0;
            });
          },
          py::arg("authority"), py::arg("root"), py::arg("level"), py::arg("parents"),
          "Pins an authority's root key; it may delegate approver roles up to `level` for its unit and "
          "the units below it in `parents` (child -> parent).")
      .def(
          "add_delegation",
          [](keyring_handle& k, std::string text) {
            auto d = released([&] {
              std::unique_lock lock(k.mu);
              return k.ring.add_delegation(text);
            });
            return to_py(to_json_value(unwrap(std::move(d))));
          },
          py::arg("signature_text"),
          "Adds a signed delegation (.minisig text); returns it as a dict. SignatureError unknown_key / "
          "bad_signature / revoked / superseded, AccessDeniedError permission_denied, ConflictError.")
      .def(
          "apply_revocations",
          [](keyring_handle& k, std::string body, std::string signature_text) {
            auto l = released([&] {
              std::unique_lock lock(k.mu);
              return k.ring.apply_revocations(body, signature_text);
            });
            return to_py(to_json_value(unwrap(std::move(l))));
          },
          py::arg("body"), py::arg("signature_text"), "Applies a signed revocation list; returns it as a dict.")
      .def(
          "delegations",
          [](const keyring_handle& k) {
            auto all = released([&] {
              std::shared_lock lock(k.mu);
              return k.ring.delegations();
            });
            py::list out;
            for (const auto& [key, d] : all) out.append(to_py(to_json_value(d)));
            return out;
          },
          "The delegations held, as dicts.")
      .def(
          "verify_approval",
          [](const keyring_handle& k, std::string_view signature_text, py::handle data, std::optional<fs::path> path,
             const std::string& use, py::handle at, tracker_handle* seen) {
            trust::verify_context ctx{time_arg(at, "/at"), enum_arg<approval_use>(use, "/use")};
            auto d = digest_of(data, path);
            std::string text(signature_text);
            auto r = released([&] {
              std::shared_lock lock(k.mu);
              if (!seen) return k.ring.verify_approval(text, d, ctx, nullptr);
              std::lock_guard tl(seen->mu);
              return k.ring.verify_approval(text, d, ctx, &seen->tracker);
            });
            return to_py(to_json_value(unwrap(std::move(r))));
          },
          py::arg("signature_text"), py::arg("data"), py::arg("path"), py::arg("use"), py::arg("at"),
          py::arg("tracker"),
          "Verifies an approval of bytes (data) or of a file (path); returns the statement as a dict. "
          "SignatureError bad_signature / unknown_key / tampered / revoked / expired / not_yet_valid / "
          "wrong_use / superseded, AccessDeniedError permission_denied, ValidationError out_of_range.");

  m.def(
      "trust_sign_approval",
      [](const secret_key& key, py::handle statement, py::handle data, std::optional<fs::path> path) {
        auto d = digest_of(data, path);
        auto st = statement_from(object_from_py(statement, "statement"), key, trust::to_hex(d.b256));
        auto sig = released([&] { return trust::sign_approval(key, st, d); });
        return signed_approval(unwrap(std::move(sig)));
      },
      py::arg("key"), py::arg("statement"), py::arg("data"), py::arg("path"),
      "Signs an approval of bytes or a file. `statement` holds id (default random), content_id, "
      "approver_unit, approver_role, use, valid_from, valid_until, sequence; the key id and content "
      "digest are the signer's. Returns (signature text, approval record dict, statement dict).");
  m.def(
      "trust_approval_record",
      [](std::string_view signature_text) { return signed_approval(parse_signature(signature_text)); },
      py::arg("signature_text"),
      "Reads an approval signature WITHOUT verifying it: (text, record dict, statement dict). For "
      "display only; verify with TrustKeyring.verify_approval.");
  m.def(
      "trust_sign_delegation",
      [](const secret_key& root, const public_key& approver, py::handle delegation) {
        json j = object_from_py(delegation, "delegation");
        j["format"] = std::string(trust::delegation_format);
        j["key"] = approver.base64();
        auto d = unwrap(from_json_value<trust::delegation>(j));
        // The rule verifiers apply (model/approval.hpp): sign nothing they would refuse.
        for (auto u : d.uses)
          if (!role_may_approve(d.approver_role, u))
            raise(error(errc::permission_denied, "/uses",
                        "Vai trò " + std::string(to_string(d.approver_role)) + " không được phê duyệt cho mục đích " +
                            std::string(to_string(u)),
                        "Role " + std::string(to_string(d.approver_role)) + " may not approve for use " +
                            std::string(to_string(u))));
        return trust::sign_delegation(root, d).to_text();
      },
      py::arg("root"), py::arg("approver"), py::arg("delegation"),
      "Signs a delegation with a root key: `delegation` holds authority, unit, approver_role, uses, "
      "valid_from, valid_until, sequence. Returns the .minisig text (over the approver's .pub file).");
  m.def(
      "trust_sign_revocations",
      [](const secret_key& root, py::handle list) {
        json j = object_from_py(list, "revocations");
        j["format"] = std::string(trust::revocations_format);
        auto l = unwrap(from_json_value<trust::revocation_list>(j));
        auto s = trust::sign_revocations(root, l);
        return py::make_tuple(s.body, s.sig.to_text());
      },
      py::arg("root"), py::arg("revocations"),
      "Signs a revocation list {authority, sequence, issued_at, revoked: [{key_id, since, reason}]}: "
      "returns (body text, .minisig text).");

  m.def(
      "trust_bundle_layout",
      [](const fs::path& p) {
        auto l = media::bundle_layout::of(p);
        py::dict d;
        d["root"] = l.root;
        d["manifest"] = l.manifest;
        d["signature"] = l.signature;
        d["single_file"] = l.single_file ? py::cast(*l.single_file) : py::none();
        return d;
      },
      py::arg("path"), "Where a bundle's manifest and signature are: {root, manifest, signature, single_file}.");
  m.def(
      "trust_bundle_pack",
      [](const fs::path& p, const std::string& content_id, const std::string& title, py::handle metadata,
         py::handle created_at, const secret_key* key, py::handle statement) {
        media::pack_options o;
        o.content_id = content_id;
        o.title = title;
        o.metadata = metadata.is_none() ? json::object() : object_from_py(metadata, "metadata");
        o.created_at = time_arg(created_at, "/created_at");
        if (!key) {
          auto r = released([&]() -> result<media::bundle_manifest> {
            auto mf = media::pack(p, o);
            if (!mf) return mf;
            if (auto w = media::write_file_atomically(media::bundle_layout::of(p).manifest, media::manifest_text(*mf)); !w)
              return w.err();
            return mf;
          });
          return manifest_py(unwrap(std::move(r)));
        }
        json sj = object_from_py(statement, "statement");
        sj["content_id"] = content_id;
        if (!sj.contains("id") || sj["id"].is_null())
          sj["id"] = content_id + "-" + (sj.contains("sequence") ? sj["sequence"].dump() : std::string("0"));
        // The digest is the manifest's, known only once packed: pack_and_approve fills it in.
        auto st = statement_from(std::move(sj), *key, std::string(64, '0'));
        auto r = released([&] { return media::pack_and_approve(p, o, *key, st); });
        return manifest_py(unwrap(std::move(r)));
      },
      py::arg("path"), py::arg("content_id"), py::arg("title"), py::arg("metadata"), py::arg("created_at"),
      py::arg("key"), py::arg("statement"),
      "Packs a directory (or one file): hashes every file into the manifest and, with a key, signs it "
      "as an approval (GIL released). Returns the manifest dict.");
  m.def(
      "trust_bundle_verify_signer",
      [](const fs::path& p, const public_key& signer, py::handle at, std::optional<std::string> use,
         bool allow_unlisted_files) {
        const timestamp when = time_arg(at, "/at");
        std::optional<approval_use> wanted;
        if (use) wanted = enum_arg<approval_use>(*use, "/use");
        media::verify_options vo;
        vo.allow_unlisted_files = allow_unlisted_files;
        auto r = released([&]() -> result<media::verified_bundle> {
          auto l = media::bundle_layout::of(p);
          // One read of each: the bytes verified are the bytes decoded.
          auto text = files::read_regular(l.manifest, PBGDPL_MAX_JSON_BYTES);
          if (!text) return text.err();
          auto sig_text = files::read_regular(l.signature, 16 * 1024);
          if (!sig_text) return sig_text.err();
          auto sig = trust::signature::parse(*sig_text);
          if (!sig) return sig.err();
          if (auto v = trust::verify(signer, *sig, *text, false); !v) return v.err();
          auto st = trust::from_json_text_unique<trust::approval_statement>(sig->trusted_comment);
          if (!st) return error(errc::bad_signature, st.err().path, "Chú thích tin cậy không phải phê duyệt pbgdpl: " + st.err().message_vi,
                                "The trusted comment is not a pbgdpl approval: " + st.err().message_en);
          if (when < st->valid_from)
            return error(errc::not_yet_valid, {}, "Phê duyệt chưa có hiệu lực (từ " + format_timestamp(st->valid_from) + ")",
                         "The approval is not valid yet (from " + format_timestamp(st->valid_from) + ")");
          if (when >= st->valid_until)
            return error(errc::expired, {}, "Phê duyệt đã hết hạn lúc " + format_timestamp(st->valid_until),
                         "The approval expired at " + format_timestamp(st->valid_until));
          if (wanted && st->use != *wanted)
            return error(errc::wrong_use, {}, "Nội dung không được phê duyệt cho mục đích " + std::string(to_string(*wanted)),
                         "The content is not approved for use " + std::string(to_string(*wanted)));
          auto m = trust::from_json_text_unique<media::bundle_manifest>(*text);
          if (!m) return m.err();
          if (m->content_id != st->content_id)
            return error(errc::tampered, "/content_id", "Mã nội dung của bản kê khác phê duyệt",
                         "The manifest's content id differs from the approval's");
          if (l.single_file && (m->files.size() != 1 || m->files[0].path != *l.single_file))
            return error(errc::tampered, "/files", "Bản kê không thuộc tệp này", "The manifest does not describe this file");
          if (auto f = media::verify_files(l, *m, vo); !f) return f.err();
          return media::verified_bundle{std::move(*m), std::move(*st)};
        });
        auto v = unwrap(std::move(r));
        return py::make_tuple(manifest_py(v.manifest), to_py(to_json_value(v.approval)));
      },
      py::arg("path"), py::arg("signer"), py::arg("at"), py::arg("use"), py::arg("allow_unlisted_files"),
      "Verifies a bundle against ONE signer key, without a keyring: the manifest's signature by that "
      "key, the approval's validity window (and use, when given), then every file. No delegation, "
      "revocation or rollback check: use trust_bundle_verify for those.");
  m.def(
      "trust_bundle_verify",
      [](const fs::path& p, const keyring_handle& k, const std::string& use, py::handle at, tracker_handle* seen,
         bool allow_unlisted_files) {
        trust::verify_context ctx{time_arg(at, "/at"), enum_arg<approval_use>(use, "/use")};
        media::verify_options vo;
        vo.allow_unlisted_files = allow_unlisted_files;
        auto r = released([&] {
          std::shared_lock lock(k.mu);
          if (!seen) return media::verify_bundle(p, k.ring, ctx, nullptr, vo);
          std::lock_guard tl(seen->mu);
          return media::verify_bundle(p, k.ring, ctx, &seen->tracker, vo);
        });
        auto v = unwrap(std::move(r));
        return py::make_tuple(manifest_py(v.manifest), to_py(to_json_value(v.approval)));
      },
      py::arg("path"), py::arg("keyring"), py::arg("use"), py::arg("at"), py::arg("tracker"),
      py::arg("allow_unlisted_files"),
      "Verifies a bundle end to end (approval, manifest, every file; GIL released): returns "
      "(manifest dict, approval statement dict) or raises the error naming what is wrong.");
}

}  // namespace pbgdpl::python
