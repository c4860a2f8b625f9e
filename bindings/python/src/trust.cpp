// Keys, signatures and the two hashes (trust/minisign.hpp, trust/hash.hpp) for pbgdpl.trust.
// Secret keys stay C++ objects (wiped on destruction): Python holds a handle, never the raw bytes.
// Approvals, keyrings and bundles are bound in trust_approval.cpp.
#include "py_common.hpp"
#include "trust_common.hpp"

#include <pbgdpl/core/files.hpp>
#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/trust/hash.hpp>
#include <pbgdpl/trust/minisign.hpp>

#include <pybind11/stl/filesystem.h>

namespace pbgdpl::python {

namespace {

using trust::public_key;
using trust::secret_key;
namespace fs = std::filesystem;

// Key and signature files are small; anything bigger is not one (and is not read whole).
constexpr std::size_t small_file_limit = 1u << 20;

trust::kdf_limits kdf_of(const std::string& name) {
  if (name == "sensitive") return trust::kdf_limits::sensitive();
  if (name == "interactive") return trust::kdf_limits::interactive();
  raise(error(errc::invalid_argument, "/kdf", "kdf phải là \"sensitive\" hoặc \"interactive\": \"" + name + "\"",
              "kdf must be \"sensitive\" or \"interactive\": \"" + name + "\""));
}

// Runs f with the GIL released and returns its result (errors are raised after the GIL is back).
template <class F>
auto released(F&& f) {
  py::gil_scoped_release nogil;
  return f();
}

py::dict signature_info(const trust::signature& s) {
  py::dict d;
  d["algorithm"] = s.algorithm == trust::signature_algorithm::prehashed ? "ED" : "Ed";
  d["key_id"] = s.id.hex();
  d["untrusted_comment"] = s.untrusted_comment;
  d["trusted_comment"] = s.trusted_comment;
  return d;
}

[[noreturn]] void hash_name_error(const std::string& algorithm) {
  raise(error(errc::invalid_argument, "/algorithm",
              "Thuật toán băm không hỗ trợ: \"" + algorithm + "\" (blake2b-256, blake2b-512, xxh3-128)",
              "Unsupported hash algorithm: \"" + algorithm + "\" (blake2b-256, blake2b-512, xxh3-128)"));
}

}  // namespace

result<std::string> read_small_file(const fs::path& p) { return files::read_regular(p, small_file_limit); }

trust::signature parse_signature(std::string_view text) { return unwrap(trust::signature::parse(text)); }

void register_trust(py::module_& m) {
  py::class_<public_key>(m, "TrustPublicKey", "A minisign public key (Ed25519 with its 8-byte key id).")
      .def_static(
          "parse", [](std::string_view text) { return unwrap(public_key::parse(text)); }, py::arg("text"),
          "Parses a .pub file's text or its bare base64 line (minisign -P). Raises SignatureError "
          "(bad_key) or ValidationError when malformed.")
      .def_static(
          "load",
          [](const fs::path& p) {
            auto text = released([&] { return read_small_file(p); });
            return unwrap(public_key::parse(unwrap(std::move(text))));
          },
          py::arg("path"),
          "Reads a .pub file (a regular file of at most 1 MiB: a FIFO or device is refused, "
          "StorageError unsafe_path, without blocking).")
      .def_property_readonly("key_id", [](const public_key& k) { return k.id.hex(); },
                             "The key id as minisign prints it (16 upper-case hex digits).")
      .def("base64", &public_key::base64, "The key's base64 line (what minisign -P takes).")
      .def("to_file", &public_key::to_file, "The .pub file text, exactly as minisign -G writes it.")
      .def(
          "save",
          [](const public_key& k, const fs::path& p) {
            auto text = k.to_file();
            unwrap(released([&] { return media::write_file_atomically(p, text); }));
          },
          py::arg("path"),
          "Writes the .pub file atomically (temporary + rename; a link or FIFO at the path is "
          "replaced, never followed).")
      .def("__eq__", [](const public_key& a, const public_key& b) { return a == b; }, py::is_operator())
      .def("__hash__", [](const public_key& k) { return py::hash(py::str(k.base64())); });

  py::class_<secret_key>(m, "TrustSecretKey",
                         "A minisign secret key, held in C++ memory and wiped when dropped.")
      .def_static("generate", &secret_key::generate, "A new random Ed25519 key with a random key id.")
      .def_static(
          "parse",
          [](std::string_view text, std::optional<std::string> password) {
            std::string copy(text);
            auto r = released([&] { return secret_key::parse(copy, password); });
            return unwrap(std::move(r));
          },
          py::arg("text"), py::arg("password") = py::none(),
          "Parses a .key file's text; `password` for an encrypted key (scrypt, seconds: the GIL is "
          "released). Wrong password: SignatureError bad_key.")
      .def_static(
          "load",
          [](const fs::path& p, std::optional<std::string> password) {
            auto r = released([&]() -> result<secret_key> {
              auto text = read_small_file(p);
              if (!text) return text.err();
              return secret_key::parse(*text, password);
            });
            return unwrap(std::move(r));
          },
          py::arg("path"), py::arg("password") = py::none(),
          "Reads a .key file (regular file only: a FIFO is refused at once, StorageError unsafe_path).")
      .def_property_readonly("key_id", [](const secret_key& k) { return k.id().hex(); },
                             "The key id as minisign prints it (16 upper-case hex digits).")
      .def("public_key", &secret_key::public_part, "The matching public key.")
      .def(
          "to_file",
          [](const secret_key& k, std::optional<std::string> password, const std::string& kdf) {
            auto limits = kdf_of(kdf);
            return released([&] { return k.to_file(password, limits); });
          },
          py::arg("password") = py::none(), py::arg("kdf") = "sensitive",
          "The .key file text: scrypt-encrypted with `password` (kdf \"sensitive\" as minisign: "
          "1 GiB, seconds; \"interactive\": 16 MiB), else unencrypted as minisign -G -W.")
      .def(
          "save",
          [](const secret_key& k, const fs::path& p, std::optional<std::string> password, const std::string& kdf,
             bool overwrite) {
            auto limits = kdf_of(kdf);
            unwrap(released([&] {
              auto text = k.to_file(password, limits);
              auto r = files::write_secret(p, text, overwrite ? files::if_exists::replace : files::if_exists::fail);
              std::fill(text.begin(), text.end(), '\0');
              return r;
            }));
          },
          py::arg("path"), py::arg("password") = py::none(), py::arg("kdf") = "sensitive",
          py::arg("overwrite") = false,
          "Writes the .key file with mode 0600 from creation (O_EXCL|O_NOFOLLOW: a link at the path "
          "is never followed). An existing file raises ConflictError unless overwrite.");

  m.def(
      "trust_sign",
      [](const secret_key& k, py::bytes data, std::string_view trusted_comment, std::string_view untrusted_comment) {
        std::string_view content = data;
        std::string tc(trusted_comment), uc(untrusted_comment);
        return released([&] { return trust::sign(k, content, tc, uc).to_text(); });
      },
      py::arg("key"), py::arg("data"), py::arg("trusted_comment"), py::arg("untrusted_comment"),
      "Signs bytes (minisign \"ED\": Ed25519 over BLAKE2b-512); returns the .minisig text.");
  m.def(
      "trust_sign_file",
      [](const secret_key& k, const fs::path& p, std::string_view trusted_comment, std::string_view untrusted_comment) {
        std::string tc(trusted_comment), uc(untrusted_comment);
        auto r = released([&]() -> result<std::string> {
          auto s = trust::sign_file(k, p, tc, uc);
          if (!s) return s.err();
          return s->to_text();
        });
        return unwrap(std::move(r));
      },
      py::arg("key"), py::arg("path"), py::arg("trusted_comment"), py::arg("untrusted_comment"),
      "Signs a file of any size in bounded memory (GIL released); returns the .minisig text.");
  m.def(
      "trust_default_trusted_comment",
      [](std::string_view file_name) { return trust::default_trusted_comment(file_name, now()); },
      py::arg("file_name"), "minisign's default trusted comment: timestamp:<unix>\\tfile:<name>\\thashed.");
  m.def(
      "trust_signature_info", [](std::string_view text) { return signature_info(parse_signature(text)); },
      py::arg("text"),
      "Parses .minisig text strictly: {algorithm, key_id, untrusted_comment, trusted_comment}. "
      "Malformed text raises the library's error (bad_signature / parse_error).");
  m.def(
      "trust_verify",
      [](const public_key& pk, std::string_view sig_text, py::bytes data, bool allow_legacy) {
        auto s = parse_signature(sig_text);
        std::string_view content = data;
        unwrap(released([&] { return trust::verify(pk, s, content, allow_legacy); }));
        return signature_info(s);
      },
      py::arg("key"), py::arg("signature"), py::arg("data"), py::arg("allow_legacy") = true,
      "Verifies bytes: SignatureError unknown_key (other key id), bad_signature (comment forged), "
      "tampered (content changed). Returns the signature's info.");
  m.def(
      "trust_verify_file",
      [](const public_key& pk, std::string_view sig_text, const fs::path& p) {
        auto s = parse_signature(sig_text);
        unwrap(released([&] { return trust::verify_file(pk, s, p); }));
        return signature_info(s);
      },
      py::arg("key"), py::arg("signature"), py::arg("path"),
      "Verifies a file in bounded memory (GIL released); errors as trust_verify.");

  m.def(
      "trust_hash_bytes",
      [](py::bytes data, const std::string& algorithm) -> std::string {
        std::string_view content = data;
        if (algorithm == "blake2b-256") return released([&] { return trust::to_hex(trust::blake2b_256(content)); });
        if (algorithm == "blake2b-512") return released([&] { return trust::to_hex(trust::blake2b_512(content)); });
        if (algorithm == "xxh3-128") return released([&] { return trust::xxh3_128().update(content).hex(); });
        hash_name_error(algorithm);
      },
      py::arg("data"), py::arg("algorithm"),
      "Hex digest of bytes: blake2b-256 / blake2b-512 (the hash signatures and manifests use) or "
      "xxh3-128 (ETags and caches only: not cryptographic).");
  m.def(
      "trust_hash_file",
      [](const fs::path& p, const std::string& algorithm) -> std::string {
        if (algorithm == "blake2b-256" || algorithm == "blake2b-512") {
          const std::size_t n = algorithm == "blake2b-256" ? 32 : 64;
          auto d = released([&] { return trust::blake2b_file(p, n); });
          return trust::to_hex(unwrap(std::move(d)).digest);
        }
        if (algorithm == "xxh3-128") {
          trust::read_options ro;  // read(), never a mapping: a file shrinking under a map is SIGBUS
          return unwrap(released([&] { return trust::xxh3_128_file(p, ro); }));
        }
        hash_name_error(algorithm);
      },
      py::arg("path"), py::arg("algorithm"),
      "Hex digest of a regular file, streamed in bounded memory (GIL released); algorithms as "
      "trust_hash_bytes.");

  m.def(
      "trust_read_small_file",
      [](const fs::path& p) {
        auto r = released([&] { return read_small_file(p); });
        return py::bytes(unwrap(std::move(r)));
      },
      py::arg("path"),
      "Reads a regular file of at most 1 MiB (a signature, a key, a delegation) without blocking on "
      "a FIFO (StorageError unsafe_path).");
  m.def(
      "trust_write_file",
      [](const fs::path& p, std::string_view text) {
        std::string copy(text);
        unwrap(released([&] { return media::write_file_atomically(p, copy); }));
      },
      py::arg("path"), py::arg("text"),
      "Writes a non-secret file (signature, manifest) atomically; a link or FIFO there is replaced.");

  register_trust_approvals(m);
}

}  // namespace pbgdpl::python
