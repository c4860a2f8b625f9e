// The work behind each command of the pbgdpl tool (see commands.hpp); its command line is main.cpp.
#include "commands.hpp"

#include <pbgdpl/core/files.hpp>
#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/network/syndication_push.hpp>
#include <pbgdpl/portal/syndication.hpp>
#include <pbgdpl/store/sqlite.hpp>
#include <pbgdpl/trust/approval.hpp>
#include <pbgdpl/trust/minisign.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace pbgdpl_cli {

using namespace pbgdpl;
namespace fs = std::filesystem;

namespace {

// --- Values on the command line ------------------------------------------------------------------

template <class E>
std::string names_of(bool (*keep)(E) = nullptr) {
  std::string s;
  for (const auto& [v, n] : enum_names<E>::values)
    if (!keep || keep(v)) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

template <class E>
E parse_enum(const std::string& s) {
  if (auto v = enum_from_string<E>(s)) return *v;
  throw usage_error{"giá trị không hợp lệ \"" + s + "\" (chọn: " + names_of<E>() + ")",
                    "invalid value \"" + s + "\" (one of: " + names_of<E>() + ")"};
}

// A sequence number exactly as written: decimal digits only (no sign, space or suffix), at most
// 2^64-1. std::stoull took "-1" as 2^64-1 and " 12abc" as 12.
std::uint64_t parse_seq(const std::string& s) {
  std::uint64_t v = 0;
  const bool digits = !s.empty() && s.size() <= 20 &&
                      std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!digits || ec != std::errc() || end != s.data() + s.size())
    throw usage_error{
        "cần số nguyên không âm, chỉ gồm chữ số, tối đa 18446744073709551615: \"" + s + "\"",
        "needs a non-negative integer of digits only, at most 18446744073709551615: \"" + s + "\""};
  return v;
}

timestamp parse_time(const std::string& s) {
  auto t = parse_timestamp(s);
  if (!t) throw usage_error{t.err().message_vi + ": \"" + s + "\"", t.err().message_en + ": \"" + s + "\""};
  return *t;
}

// USE[,USE]: each one checked.
std::vector<trust::approval_use> parse_uses(const std::string& s) {
  std::vector<trust::approval_use> uses;
  for (std::size_t start = 0; start <= s.size();) {
    auto end = s.find(',', start);
    uses.push_back(
        parse_enum<trust::approval_use>(s.substr(start, end == std::string::npos ? end : end - start)));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return uses;
}

// --level: only an approver role can be the highest level an authority delegates.
role parse_level(const std::string& s) {
  auto r = enum_from_string<role>(s);
  if (!r || !is_approver_role(*r))
    throw usage_error{"cần một vai trò phê duyệt (" + names_of<role>(is_approver_role) + "): \"" + s + "\"",
                      "needs an approver role (" + names_of<role>(is_approver_role) + "): \"" + s + "\""};
  return *r;
}

std::pair<std::string, std::string> parse_parent(const std::string& p) {
  auto eq = p.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
    throw usage_error{"cần dạng CON=CHA: \"" + p + "\"", "needs the form CHILD=PARENT: \"" + p + "\""};
  return {p.substr(0, eq), p.substr(eq + 1)};
}

}  // namespace

void check_seq(const std::string& s) { parse_seq(s); }
void check_time(const std::string& s) { parse_time(s); }
void check_role(const std::string& s) { parse_enum<role>(s); }
void check_use(const std::string& s) { parse_enum<trust::approval_use>(s); }
void check_uses(const std::string& s) { parse_uses(s); }
void check_level(const std::string& s) { parse_level(s); }
void check_parent(const std::string& s) { parse_parent(s); }
void check_bits(const std::string& s) {
  if (s != "256" && s != "512")
    throw usage_error{"chỉ 256 hoặc 512: \"" + s + "\"", "only 256 or 512: \"" + s + "\""};
}
std::string approver_role_names() { return names_of<role>(is_approver_role); }
std::string use_names() { return names_of<trust::approval_use>(); }

namespace {

// --- Doing the work ------------------------------------------------------------------------------

int report(const error& e) {
  std::cerr << "Lỗi: " << e.message_vi << "\nError: " << e.message_en << "\n";
  switch (e.code) {
    case errc::bad_signature:
    case errc::unknown_key:
    case errc::tampered:
    case errc::expired:
    case errc::not_yet_valid:
    case errc::revoked:
    case errc::superseded:
    case errc::wrong_use:
    case errc::unsafe_path:
    case errc::clock_rollback:
    case errc::permission_denied:
    case errc::conflict:
    case errc::out_of_range:
      return 1;
    default:
      return 3;
  }
}

template <class T>
T must(result<T> r) {
  if (!r) throw exception(r.err());
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

// Reads a small input file (a key, a signature, a delegation). files::read_regular opens without
// blocking and refuses a FIFO or device named as the file, so the tool cannot hang on one.
std::string slurp(const fs::path& p, std::size_t limit = 1 << 20) {
  return must(files::read_regular(p, limit));
}

// Writes an output that is not secret (a signature, a public key, a manifest): a fresh temporary
// beside it (O_EXCL|O_NOFOLLOW) renamed over the path, so a link or FIFO planted there is
// replaced, never followed or waited on.
void spit(const fs::path& p, const std::string& s) { must(media::write_file_atomically(p, s)); }

std::string password() {
  if (const char* p = std::getenv("PBGDPL_PASSWORD")) return p;
  std::string line;
  if (isatty(0)) std::cerr << "Mật khẩu / Password: ";
  std::getline(std::cin, line);
  return line;
}

trust::secret_key load_key(const key_options& k) {
  auto text = slurp(k.secret);
  if (k.unencrypted) return must(trust::secret_key::parse(text));
  auto pw = password();
  return must(trust::secret_key::parse(text, std::string_view(pw)));
}

// A progress bar on stderr for files over 64 MiB, only when stderr is a terminal.
trust::progress_fn progress_bar(std::uint64_t total_hint = 0) {
  if (!isatty(2)) return {};
  return [last = -1, total_hint](std::uint64_t done, std::uint64_t total) mutable {
    if (total == 0) total = total_hint;
    if (total < (64u << 20)) return;
    int pct = static_cast<int>(done * 100 / total);
    if (pct == last) return;
    last = pct;
    int w = 40, fill = pct * w / 100;
    std::fprintf(stderr, "\r[%s%s] %3d%% %llu/%llu MiB",
                 std::string(static_cast<std::size_t>(fill), '#').c_str(),
                 std::string(static_cast<std::size_t>(w - fill), '.').c_str(), pct,
                 static_cast<unsigned long long>(done >> 20), static_cast<unsigned long long>(total >> 20));
    if (done >= total) std::fprintf(stderr, "\n");
  };
}

trust::approval_statement statement_from(const approval_options& o, const std::string& content_id,
                                         const std::string& approval_id) {
  trust::approval_statement s;
  s.sequence = parse_seq(o.seq);
  s.id = approval_id;
  s.content_id = content_id;
  s.approver_unit = unit_id{o.unit};
  s.approver_role = parse_enum<role>(o.role);
  s.use = parse_enum<trust::approval_use>(o.use);
  s.valid_from = parse_time(o.from);
  s.valid_until = parse_time(o.until);
  return s;
}

// The path as the file system resolves its directory, to tell whether two arguments name one file.
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  auto abs = fs::absolute(p, ec);
  if (ec) return p.lexically_normal();
  auto dir = fs::weakly_canonical(abs.parent_path(), ec);
  return ec ? abs.lexically_normal() : (dir / abs.filename()).lexically_normal();
}

int keygen(const keygen_options& o) {
  auto key = trust::secret_key::generate();
  fs::path pub = o.pub, sec = o.key.secret;
  // One path for both would leave the public key where the secret was: the secret is lost.
  if (resolved(pub) == resolved(sec))
    throw usage_error{"-p và -s phải là hai tệp khác nhau", "-p and -s must be two different files"};
  {
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(pub, ec)))
      throw exception(error(errc::invalid_argument, {},
                            pub.string() + " là một thư mục, không phải tệp khóa công khai",
                            pub.string() + " is a directory, not a public key file"));
  }
  // Refuse early (before asking for a password) anything at the secret key's path: a file, or a
  // symbolic link even when it dangles. write_secret checks again atomically (O_EXCL|O_NOFOLLOW).
  auto exists_error = [&] {
    return exception(error(errc::already_exists, {}, sec.string() + " đã tồn tại (dùng -f để thay)",
                           sec.string() + " exists (use -f to replace it)"));
  };
  std::error_code ec;
  const auto there = fs::symlink_status(sec, ec).type();
  if (!o.force && there == fs::file_type::symlink)
    throw exception(error(errc::already_exists, {},
                          sec.string() + " là một liên kết tượng trưng: không ghi khóa bí mật qua liên kết "
                                         "(dùng -f để thay chính liên kết)",
                          sec.string() + " is a symbolic link: a secret key is never written through a link "
                                         "(use -f to replace the link itself)"));
  if (!o.force && there != fs::file_type::not_found) throw exists_error();
  std::string text;
  if (o.key.unencrypted) {
    text = key.to_file();
  } else {
    auto pw = password();
    if (pw.empty()) throw usage_error{"cần mật khẩu hoặc -W", "a password or -W is needed"};
    text = key.to_file(std::string_view(pw));
  }
  // Mode 0600 from the moment the file exists, whatever the umask; a link at the path is never
  // followed (with -f it is replaced by the new file).
  if (auto w = files::write_secret(sec, text, o.force ? files::if_exists::replace : files::if_exists::fail);
      !w) {
    if (w.err().code == errc::already_exists) throw exists_error();
    throw exception(w.err());
  }
  // A secret key without its public key is of no use: remove it if the public key cannot be written.
  if (auto w = media::write_file_atomically(pub, key.public_part().to_file()); !w) {
    ::unlink(sec.c_str());
    const auto& e = w.err();
    throw exception(error(e.code, {}, e.message_vi + " (đã xóa khóa bí mật vừa tạo " + sec.string() + ")",
                          e.message_en + " (the new secret key " + sec.string() + " was removed)"));
  }
  std::cout << "Mã khóa / key id: " << key.id().hex() << "\n";
  return 0;
}

int sign(const sign_options& o) {
  auto key = load_key(o.key);
  fs::path file = o.file;
  auto tc = o.comment.empty() ? trust::default_trusted_comment(file.filename().string(), now()) : o.comment;
  trust::read_options ro;
  ro.progress = progress_bar();
  auto sig = must(trust::sign_file(key, file, tc, "signature from pbgdpl secret key", ro));
  spit(o.sig.empty() ? file.string() + ".minisig" : o.sig, sig.to_text());
  return 0;
}

int verify(const verify_options& o) {
  auto pk = must(trust::public_key::parse(slurp(o.pub)));
  fs::path file = o.file;
  auto sig = must(trust::signature::parse(slurp(o.sig.empty() ? file.string() + ".minisig" : o.sig)));
  trust::read_options ro;
  ro.progress = progress_bar();
  must(catch_result([&] { trust::verify_file(pk, sig, file, ro).value(); }));
  std::cout << "Chữ ký hợp lệ / Signature verified\nTrusted comment: " << sig.trusted_comment << "\n";
  return 0;
}

int hash(const hash_options& o) {
  for (auto& f : o.files) {
    trust::read_options ro;
    ro.progress = progress_bar();
    if (o.etag) {
      // Never map a file the operator names: if it shrinks while mapped the kernel raises SIGBUS.
      // (xxh3_128_file maps by default, for the server's own stored bytes.) read() just errors.
      ro.map = false;
      std::cout << must(trust::xxh3_128_file(f, ro)) << "  " << f << "\n";
    } else {
      auto d = must(trust::blake2b_file(f, o.bits == "512" ? 64 : 32, ro));
      std::cout << trust::to_hex(d.digest) << "  " << f << "\n";
    }
  }
  return 0;
}

int delegate(const delegate_options& o) {
  auto root = load_key(o.root);
  trust::delegation d;
  d.authority = unit_id{o.authority};
  fs::path pubf = o.approver_pub;
  d.key = must(trust::public_key::parse(slurp(pubf)));
  d.unit = unit_id{o.unit};
  d.approver_role = parse_enum<role>(o.role);
  d.uses = parse_uses(o.uses);
  d.valid_from = parse_time(o.from);
  d.valid_until = parse_time(o.until);
  d.sequence = parse_seq(o.seq);
  // The same rule verifiers apply (model/approval.hpp): sign nothing they would refuse.
  for (auto u : d.uses)
    if (!role_may_approve(d.approver_role, u))
      throw exception(error(errc::permission_denied, {},
                            "Vai trò " + std::string(to_string(d.approver_role)) +
                                " không được phê duyệt cho mục đích " + std::string(to_string(u)),
                            "Role " + std::string(to_string(d.approver_role)) + " may not approve for use " +
                                std::string(to_string(u))));
  spit(o.out.empty() ? pubf.string() + ".minisig" : o.out, trust::sign_delegation(root, d).to_text());
  return 0;
}

int approve(const approve_options& o) {
  auto key = load_key(o.key);
  fs::path file = o.file;
  trust::read_options ro;
  ro.progress = progress_bar();
  auto d = must(trust::digest_file(file, ro));
  auto sig = must(trust::sign_approval(
      key, statement_from(o.approval, o.content_id, o.id.empty() ? random_id_string() : o.id), d));
  spit(o.sig.empty() ? file.string() + ".minisig" : o.sig, sig.to_text());
  return 0;
}

int bundle_pack(const pack_options& o) {
  media::pack_options p;
  p.content_id = o.content_id;
  p.title = o.title;
  p.created_at = now();
  p.progress = progress_bar();
  if (!o.key.secret.empty()) {
    // --id is the content's id; the approval gets its own (CONTENT_ID-SEQ unless --approval-id).
    auto st = statement_from(o.approval, p.content_id, "");
    st.id = o.approval_id.empty() ? p.content_id + "-" + std::to_string(st.sequence) : o.approval_id;
    auto key = load_key(o.key);
    auto m = must(media::pack_and_approve(o.path, p, key, st));
    std::cout << "Đã đóng gói và phê duyệt " << m.files.size() << " tệp / packed and approved "
              << m.files.size() << " files\n";
  } else {
    auto m = must(media::pack(o.path, p));
    spit(media::bundle_layout::of(o.path).manifest, media::manifest_text(m));
    std::cout << "Đã đóng gói " << m.files.size() << " tệp / packed " << m.files.size() << " files\n";
  }
  return 0;
}

// What the pinned authority may delegate: --level (required: the operator states it), the unit
// tree from --units (a JSON object child -> parent) and --parent CHILD=PARENT.
trust::authority_scope scope_from(const bundle_verify_options& o) {
  trust::authority_scope sc;
  sc.level = parse_level(o.level);
  if (!o.units.empty()) {
    auto j = must(json_io::parse(slurp(o.units, PBGDPL_MAX_JSON_BYTES)));
    if (!j.is_object())
      throw exception(error(errc::parse_error, {}, "--units phải là một đối tượng JSON {\"con\": \"cha\"}",
                            "--units must be a JSON object {\"child\": \"parent\"}"));
    for (auto& [child, parent] : j.items()) {
      if (!parent.is_string())
        throw exception(error(errc::parse_error, {}, "--units: đơn vị cha của " + child + " phải là chuỗi",
                              "--units: the parent of " + child + " must be a string"));
      sc.parents[child] = parent.get<std::string>();
    }
  }
  for (auto& p : o.parents) {
    auto [child, parent] = parse_parent(p);
    sc.parents[child] = parent;
  }
  return sc;
}

int bundle_verify(const bundle_verify_options& o) {
  trust::keyring ring;
  ring.add_root(unit_id{o.authority}, must(trust::public_key::parse(slurp(o.root))), scope_from(o));
  for (auto& d : o.delegations) must(ring.add_delegation(slurp(d)));
  if (!o.revocations.empty())
    must(ring.apply_revocations(slurp(o.revocations), slurp(o.revocations + ".minisig")));
  trust::verify_context ctx{o.at.empty() ? now() : parse_time(o.at), parse_enum<trust::approval_use>(o.use)};
  // --seen: the sequences already seen (a missing file starts empty); written back only when the
  // bundle verifies. Without it nothing is remembered and no rollback check is made.
  std::optional<trust::sequence_tracker> seen;
  if (!o.seen.empty()) {
    std::error_code ec;
    if (fs::symlink_status(o.seen, ec).type() == fs::file_type::not_found)
      seen.emplace();
    else
      seen =
          must(trust::from_json_text_unique<trust::sequence_tracker>(slurp(o.seen, PBGDPL_MAX_JSON_BYTES)));
  }
  media::verify_options vo;
  vo.progress = progress_bar();
  auto v = must(media::verify_bundle(o.path, ring, ctx, seen ? &*seen : nullptr, vo));
  if (seen) spit(o.seen, to_json_value(*seen).dump(2) + "\n");
  std::cout << "Gói hợp lệ / Bundle verified: " << v.manifest.content_id << ", " << v.manifest.files.size()
            << " tệp/files, phê duyệt/approved by " << v.approval.approver_unit.value << " ("
            << to_string(v.approval.approver_role) << ") đến/until "
            << format_timestamp(v.approval.valid_until) << "\n";
  return 0;
}

// The unit's package from the portal's store, signed with the portal's syndication key, written
// beside each other so `minisign -Vm goi.json -p syndication.pub` checks it; then, with --push,
// POSTed with retries. Exit 0 when written (and delivered), 1 when the endpoint refused or never
// took it (the delivery log in the store says each attempt), 3 on other errors.
int syndicate(const syndicate_options& o) {
  const fs::path data = o.data;
  auto db = must(store::open_sqlite_store(data / "pbgdpl.db"));
  auto u = must(db->get<unit>(o.unit));
  key_options k = o.key;
  if (k.secret.empty()) {
    k.secret = (data / "syndication.key").string();
    k.unencrypted = true;
  }
  auto key = std::make_shared<const trust::secret_key>(load_key(k));
  auto base = o.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!rules::is_web_url(base))
    throw usage_error{"--base-url cần địa chỉ http:// hoặc https://", "--base-url needs an http:// or https:// URL"};
  auto pkg = must(portal::build_package(*db, u, portal::urls{base}, now()));
  portal::syndication_signer signer(key);
  auto s = must(signer.sign(std::move(pkg)));
  fs::create_directories(o.out);
  spit(fs::path(o.out) / network::package_file_name, s.text);
  spit(fs::path(o.out) / network::package_signature_file_name, s.signature);
  std::cout << "Đã ghi / written: " << (fs::path(o.out) / network::package_file_name).string() << " (" << s.items
            << " mục / items, BLAKE2b " << s.blake2b << ")\n";
  if (o.push.empty()) return 0;
  network::push_options po;
  po.url = o.push;
  for (const auto& h : o.headers) {
    auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0 || h.find_first_of("\r\n") != std::string::npos)
      throw usage_error{"--header cần dạng \"Tên: giá trị\"", "--header needs \"Name: value\""};
    auto v = h.substr(colon + 1);
    v.erase(0, v.find_first_not_of(' '));
    po.headers.emplace_back(h.substr(0, colon), v);
  }
  po.retry.max_attempts = std::max(1u, o.attempts);
  po.retry.first = std::chrono::seconds(std::max(1u, o.retry_base));
  po.fetch.timeout = std::chrono::seconds(std::max(1u, o.timeout));
  po.fetch.allow_private_addresses = o.allow_private;
  po.actor = "pbgdpl-cli";
  auto r = must(network::push(s, po, db.get()));
  for (const auto& a : r.attempts)
    std::cerr << "  " << format_timestamp(a.at) << "  HTTP " << a.status << (a.error.empty() ? "" : "  " + a.error) << "\n";
  if (r.state == delivery_state::delivered) {
    std::cout << "Đã gửi / delivered: " << o.push << " (Idempotency-Key " << r.id.value << ", " << r.attempts.size()
              << " lần / attempts)\n";
    return 0;
  }
  std::cerr << "Lỗi: không gửi được gói liên thông sau " << r.attempts.size() << " lần\nError: the package was not delivered after "
            << r.attempts.size() << " attempts (" << r.last_error << ")\n";
  return 1;
}

// pbgdpl's errors say what happened in both languages; the exit code tells a script whether the
// input was refused (1) or could not be checked (3).
template <class F>
int guarded(F run) {
  try {
    return run();
  } catch (const exception& e) {
    return report(e.err());
  } catch (const std::exception& e) {
    std::cerr << "Lỗi / Error: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace

int run_keygen(const keygen_options& o) {
  return guarded([&] { return keygen(o); });
}
int run_sign(const sign_options& o) {
  return guarded([&] { return sign(o); });
}
int run_verify(const verify_options& o) {
  return guarded([&] { return verify(o); });
}
int run_hash(const hash_options& o) {
  return guarded([&] { return hash(o); });
}
int run_delegate(const delegate_options& o) {
  return guarded([&] { return delegate(o); });
}
int run_approve(const approve_options& o) {
  return guarded([&] { return approve(o); });
}
int run_bundle_pack(const pack_options& o) {
  return guarded([&] { return bundle_pack(o); });
}
int run_bundle_verify(const bundle_verify_options& o) {
  return guarded([&] { return bundle_verify(o); });
}
int run_syndicate(const syndicate_options& o) {
  return guarded([&] { return syndicate(o); });
}

}  // namespace pbgdpl_cli
