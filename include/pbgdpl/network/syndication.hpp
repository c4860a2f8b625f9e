// Upward syndication (plan task 1.1: units send their PBGDPL content up to the city portal): the
// export package a unit sends, its minisign signature by the portal's syndication key, the
// verification the city runs (pushing it: syndication_push.hpp).
// Each article travels as the exact bytes its approver signed (publish::approved_content), with
// the approval records and the approvers' public keys, so the city checks offline, with this
// library or the stock `minisign`, both who sent the package and who approved each article.
// Building a package from the store lives in portal/syndication.hpp (it needs publish/).
#pragma once
#include "../model/approval.hpp"
#include "../trust/approval.hpp"
#include "../trust/minisign.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

inline constexpr std::string_view syndication_format = "pbgdpl/syndication/1";
// The JSON body of a push: the package as text (its exact signed bytes) and its .minisig.
inline constexpr std::string_view syndication_push_format = "pbgdpl/syndication-push/1";
// The file names the portal serves and the CLI writes (the trusted comment names the first).
inline constexpr std::string_view package_file_name = "goi.json";
inline constexpr std::string_view package_signature_file_name = "goi.json.minisig";

// The unit whose content the package carries, as the city needs to file it.
struct package_unit {
  unit_id id;
  std::string name;
  std::string kind;  // unit_kind's name
  std::string website;
  friend bool operator==(const package_unit&, const package_unit&) = default;
};

// An approver's public key, named by its minisign key id (upper-case hex, as minisign prints it).
struct approver_key {
  std::string key_id;
  std::string public_key;  // the bare base64 line (`minisign -P` takes it)
  friend bool operator==(const approver_key&, const approver_key&) = default;
};

// One item: an article (content = the bytes its approvals sign) or a legal document the unit
// issued (content = its public record as compact JSON; documents carry no editorial approval).
struct package_item {
  std::string kind;  // "article" or "legal_document"
  std::string id;
  std::string url;  // its public page
  std::optional<timestamp> published_at;
  timestamp updated_at{};
  std::string content;
  std::string content_blake2b;  // hex BLAKE2b-256 of content
  // The approval records of this content as it is (older revisions' left out), each with its
  // minisign text; the approver's account is not exported (approver unset).
  std::vector<approval_record> approvals;
  friend bool operator==(const package_item&, const package_item&) = default;
};

struct package {
  int schema_version = 1;
  package_unit unit;
  timestamp generated_at{};  // written in Asia/Ho_Chi_Minh (RFC 3339, +07:00)
  std::string signer_key_id;  // the key that signs the package (upper-case hex)
  std::vector<approver_key> approver_keys;
  std::vector<package_item> items;
  friend bool operator==(const package&, const package&) = default;
};

template <class V>
void describe(V& f, package_unit& x) {
  using model_io::need;
  using model_io::short_text;
  f("id", x.id, need::required);
  f("name", x.name, need::required, short_text);
  f("kind", x.kind, need::required, short_text);
  f("website", x.website, need::optional, short_text);
}

template <class V>
void describe(V& f, approver_key& x) {
  using model_io::need;
  f("key_id", x.key_id, need::required, model_io::short_text);
  f("public_key", x.public_key, need::required, model_io::short_text);
}

template <class V>
void describe(V& f, package_item& x) {
  using model_io::need;
  using model_io::short_text;
  f("kind", x.kind, need::required, short_text);
  f("id", x.id, need::required, short_text);
  f("url", x.url, need::optional, short_text);
  f("published_at", x.published_at);
  f("updated_at", x.updated_at, need::required);
  f("content", x.content, need::required);
  f("content_blake2b", x.content_blake2b, need::required, short_text);
  f("approvals", x.approvals);
}

template <class V>
void describe(V& f, package& x) {
  using model_io::need;
  trust::describe_format(f, syndication_format, "Định dạng gói liên thông", "syndication package format");
  f("schema_version", x.schema_version, need::required);
  f("unit", x.unit, need::required);
  f("generated_at", x.generated_at, need::required);
  f("signer_key_id", x.signer_key_id, need::required, model_io::short_text);
  f("approver_keys", x.approver_keys);
  f("items", x.items);
}

PBGDPL_MODEL_DECLARE(package_unit)
PBGDPL_MODEL_DECLARE(approver_key)
PBGDPL_MODEL_DECLARE(package_item)
PBGDPL_MODEL_DECLARE(package)
PBGDPL_DECL void validate(const package_unit& u, validator& v);
PBGDPL_DECL void validate(const approver_key& k, validator& v);
PBGDPL_DECL void validate(const package_item& i, validator& v);
PBGDPL_DECL void validate(const package& p, validator& v);

// A package as it travels: its exact bytes and their detached minisign signature.
struct signed_package {
  std::string text;       // goi.json
  std::string signature;  // goi.json.minisig
  std::string blake2b;    // hex BLAKE2b-256 of text
  std::size_t items = 0;
  unit_id unit;
};

// The item for an article whose approved bytes are `content`: the digest filled in, and of the
// given approval records those whose digest is that of `content`, their accounts removed.
PBGDPL_DECL package_item article_item(std::string id, std::string url, std::optional<timestamp> published_at,
                                      timestamp updated_at, std::string content,
                                      const std::vector<approval_record>& approvals);

// The package's bytes (compact JSON, keys in the describe() order) and its signature with `key`.
// Sets signer_key_id. The trusted comment reads
// "timestamp:<unix>\tfile:goi.json\tpbgdpl/syndication/1 unit:<id> items:<n> blake2b:<hex>",
// so `minisign -Vm goi.json -p unit.pub` shows what was signed.
PBGDPL_DECL result<signed_package> sign_package(package p, const trust::secret_key& key);

// What verification found: the package, and how many approvals it checked.
struct verified_package {
  package pkg;
  std::size_t approvals_verified = 0;
};

// Checks a package as the city receives it, refusing (each with its code and a JSON pointer):
// a signature by another key (unknown_key) or that does not verify (bad_signature), bytes changed
// after signing (tampered), a trusted comment that does not name these bytes and this unit
// (tampered), a package that is not one (parse_error, unsupported_version, validation errors),
// an item whose digest is not its content's (tampered, /items/i), and an approval that does not
// match its article: another content id or digest, a key the package does not list, a signature
// that does not verify over the item's content, a record that says other than its signed
// statement (bad_signature or tampered, /items/i/approvals/k). Who may approve for which unit is
// the keyring's question (trust/approval.hpp); this checks the approvals are genuine and belong.
PBGDPL_DECL result<verified_package> verify_package(std::string_view text, std::string_view signature,
                                                    const trust::public_key& unit_key);

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/syndication.ipp"
#endif
