// pbgdpl: a small tool an operator or a vendor's script uses to make keys, sign and verify files,
// delegate approver keys, approve content and pack or verify signed media bundles. Everything it
// writes is minisign-compatible. Exit codes: 0 ok, 1 refused (bad signature, tampered, expired,
// revoked...), 2 usage error, 3 other error (I/O, malformed input).
#include <pbgdpl/core/files.hpp>
#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/trust/approval.hpp>
#include <pbgdpl/trust/minisign.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

using namespace pbgdpl;
namespace fs = std::filesystem;

namespace {

const char* usage_text =
    "Cách dùng / Usage:\n"
    "  pbgdpl keygen -p KEY.pub -s KEY.key [-W] [-f]     tạo cặp khóa / make a key pair\n"
    "  pbgdpl sign -s KEY.key -m FILE [-x SIG] [-t COMMENT] [-W]\n"
    "  pbgdpl verify -p KEY.pub -m FILE [-x SIG]\n"
    "  pbgdpl hash [-l 256|512] [--etag] FILE...\n"
    "  pbgdpl delegate -s ROOT.key -k APPROVER.pub --authority UNIT --unit UNIT --role ROLE\n"
    "                  --use USE[,USE] --from TIME --until TIME [--seq N] [-W]\n"
    "  pbgdpl approve -s KEY.key -m FILE [--id ID] --content-id ID --unit UNIT --role ROLE --use USE\n"
    "                 --from TIME --until TIME --seq N [-x SIG] [-W]\n"
    "  pbgdpl bundle pack PATH --id CONTENT_ID [--title T]\n"
    "                 [-s KEY.key --seq N [--approval-id ID] --unit.. --role.. --use.. --from.. --until..]\n"
    "  pbgdpl bundle verify PATH --root ROOT.pub --authority UNIT --level ROLE\n"
    "                 [--parent CHILD=PARENT]... [--units UNITS.json] -d DELEGATION.minisig...\n"
    "                 --use USE [--at TIME] [--revocations LIST.json] [--seen STATE.json]\n"
    "Mật khẩu khóa đọc từ biến PBGDPL_PASSWORD hoặc dòng đầu của stdin; -W: khóa không mã hóa.\n"
    "Key passwords come from PBGDPL_PASSWORD or the first line of stdin; -W: unencrypted key.\n"
    "TIME: 2024-09-01T00:00:00+07:00. USE: portal, signage_school, signage_public, report.\n"
    "--seq N (bắt buộc khi phê duyệt / required to approve): số thứ tự, tăng mỗi lần phê duyệt lại cùng\n"
    "  nội dung, mỗi lần tăng tối đa 1000 / a sequence number: raise it (by at most 1000) each time the\n"
    "  same content is approved again. Approval id of a bundle: CONTENT_ID-N unless --approval-id.\n"
    "--seen: tệp trạng thái số thứ tự đã thấy (tạo nếu chưa có, cập nhật khi gói hợp lệ); không có nó thì\n"
    "  không kiểm tra quay lui / the state file of sequences seen (created if missing, updated when the\n"
    "  bundle verifies); without it there is no rollback check: an older approved bundle verifies too.\n"
    "--level: vai trò cao nhất đơn vị gốc được ủy quyền / the highest role the authority may delegate\n"
    "  (city_official, division_approver, school_approver). --parent / --units ({\"con\": \"cha\"}):\n"
    "  cây đơn vị; chỉ ủy quyền cho đơn vị thuộc đơn vị gốc / the unit tree; delegations only below\n"
    "  the authority.\n";

struct usage_error {
  std::string what;
};

struct args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> opts;
  std::set<std::string> flags;

  args(int argc, char** argv, int from, std::set<std::string> known_flags) {
    for (int i = from; i < argc; ++i) {
      std::string a = argv[i];
      if (a.size() > 1 && a[0] == '-') {
        if (known_flags.count(a)) {
          flags.insert(a);
        } else {
          if (i + 1 >= argc) throw usage_error{"thiếu giá trị cho / missing value for " + a};
          opts[a].push_back(argv[++i]);
        }
      } else {
        positional.push_back(a);
      }
    }
  }
  std::string need(const std::string& k) const {
    auto it = opts.find(k);
    if (it == opts.end()) throw usage_error{"thiếu tùy chọn / missing option " + k};
    return it->second.back();
  }
  std::string get(const std::string& k, std::string fallback) const {
    auto it = opts.find(k);
    return it == opts.end() ? fallback : it->second.back();
  }
  bool has(const std::string& f) const { return flags.count(f) > 0; }
};

int report(const error& e) {
  std::cerr << "Lỗi: " << e.message_vi << "\nError: " << e.message_en << "\n";
  switch (e.code) {
    case errc::bad_signature: case errc::unknown_key: case errc::tampered: case errc::expired:
    case errc::not_yet_valid: case errc::revoked: case errc::superseded: case errc::wrong_use:
    case errc::unsafe_path: case errc::permission_denied: case errc::conflict: case errc::out_of_range:
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
std::string slurp(const fs::path& p, std::size_t limit = 1 << 20) { return must(files::read_regular(p, limit)); }

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

trust::secret_key load_key(const args& a) {
  auto text = slurp(a.need("-s"));
  if (a.has("-W")) return must(trust::secret_key::parse(text));
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
    std::fprintf(stderr, "\r[%s%s] %3d%% %llu/%llu MiB", std::string(static_cast<std::size_t>(fill), '#').c_str(),
                 std::string(static_cast<std::size_t>(w - fill), '.').c_str(), pct,
                 static_cast<unsigned long long>(done >> 20), static_cast<unsigned long long>(total >> 20));
    if (done >= total) std::fprintf(stderr, "\n");
  };
}

timestamp parse_time(const std::string& s) { return must(parse_timestamp(s)); }

template <class E>
E parse_enum(const std::string& s, const char* what) {
  auto v = enum_from_string<E>(s);
  if (!v) throw usage_error{std::string("giá trị không hợp lệ / invalid ") + what + ": " + s};
  return *v;
}

// A sequence number exactly as written: decimal digits only (no sign, space or suffix), at most
// 2^64-1. std::stoull took "-1" as 2^64-1 and " 12abc" as 12.
std::uint64_t parse_seq(const std::string& s, const char* option) {
  std::uint64_t v = 0;
  const bool digits = !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!digits || ec != std::errc() || end != s.data() + s.size())
    throw usage_error{std::string(option) + ": cần số nguyên không âm, chỉ gồm chữ số, tối đa 18446744073709551615 / " +
                      "needs a non-negative integer of digits only, at most 18446744073709551615: \"" + s + "\""};
  return v;
}

// The approval statement from the command line; --seq is required (a fixed default would make every
// approval of one content interchangeable). `approval_id` is used when --id is not given.
trust::approval_statement statement_from(const args& a, const std::string& content_id, const std::string& approval_id) {
  trust::approval_statement s;
  s.sequence = parse_seq(a.need("--seq"), "--seq");
  s.id = approval_id;
  s.content_id = content_id;
  s.approver_unit = unit_id{a.need("--unit")};
  s.approver_role = parse_enum<role>(a.need("--role"), "role");
  s.use = parse_enum<trust::approval_use>(a.need("--use"), "use");
  s.valid_from = parse_time(a.need("--from"));
  s.valid_until = parse_time(a.need("--until"));
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

int cmd_keygen(const args& a) {
  auto key = trust::secret_key::generate();
  fs::path pub = a.need("-p"), sec = a.need("-s");
  // One path for both would leave the public key where the secret was: the secret is lost.
  if (resolved(pub) == resolved(sec)) throw usage_error{"-p và -s phải là hai tệp khác nhau / -p and -s must be two different files"};
  {
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(pub, ec)))
      throw exception(error(errc::invalid_argument, {}, pub.string() + " là một thư mục, không phải tệp khóa công khai",
                            pub.string() + " is a directory, not a public key file"));
  }
  // Refuse early (before asking for a password) anything at the secret key's path: a file, or a
  // symbolic link even when it dangles. write_secret checks again atomically (O_EXCL|O_NOFOLLOW).
  const bool force = a.has("-f");
  auto exists_error = [&] {
    return exception(error(errc::already_exists, {}, sec.string() + " đã tồn tại (dùng -f để thay)",
                           sec.string() + " exists (use -f to replace it)"));
  };
  std::error_code ec;
  const auto there = fs::symlink_status(sec, ec).type();
  if (!force && there == fs::file_type::symlink)
    throw exception(error(errc::already_exists, {},
                          sec.string() + " là một liên kết tượng trưng: không ghi khóa bí mật qua liên kết (dùng -f để thay chính liên kết)",
                          sec.string() + " is a symbolic link: a secret key is never written through a link (use -f to replace the link itself)"));
  if (!force && there != fs::file_type::not_found) throw exists_error();
  std::string text;
  if (a.has("-W")) {
    text = key.to_file();
  } else {
    auto pw = password();
    if (pw.empty()) throw usage_error{"cần mật khẩu hoặc -W / a password or -W is needed"};
    text = key.to_file(std::string_view(pw));
  }
  // Mode 0600 from the moment the file exists, whatever the umask; a link at the path is never
  // followed (with -f it is replaced by the new file).
  if (auto w = files::write_secret(sec, text, force ? files::if_exists::replace : files::if_exists::fail); !w) {
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

int cmd_sign(const args& a) {
  auto key = load_key(a);
  fs::path file = a.need("-m");
  auto tc = a.get("-t", trust::default_trusted_comment(file.filename().string(), now()));
  trust::read_options ro;
  ro.progress = progress_bar();
  auto sig = must(trust::sign_file(key, file, tc, "signature from pbgdpl secret key", ro));
  spit(a.get("-x", file.string() + ".minisig"), sig.to_text());
  return 0;
}

int cmd_verify(const args& a) {
  auto pk = must(trust::public_key::parse(slurp(a.need("-p"))));
  fs::path file = a.need("-m");
  auto sig = must(trust::signature::parse(slurp(a.get("-x", file.string() + ".minisig"))));
  trust::read_options ro;
  ro.progress = progress_bar();
  must(catch_result([&] { trust::verify_file(pk, sig, file, ro).value(); }));
  std::cout << "Chữ ký hợp lệ / Signature verified\nTrusted comment: " << sig.trusted_comment << "\n";
  return 0;
}

int cmd_hash(const args& a) {
  if (a.positional.empty()) throw usage_error{"cần tệp / a file is needed"};
  for (auto& f : a.positional) {
    trust::read_options ro;
    ro.progress = progress_bar();
    if (a.has("--etag")) {
      // Never map a file the operator names: if it shrinks while mapped the kernel raises SIGBUS.
      // (xxh3_128_file maps by default, for the server's own stored bytes.) read() just errors.
      ro.map = false;
      std::cout << must(trust::xxh3_128_file(f, ro)) << "  " << f << "\n";
    } else {
      auto bits = a.get("-l", "256");
      if (bits != "256" && bits != "512") throw usage_error{"-l 256|512"};
      auto d = must(trust::blake2b_file(f, bits == "512" ? 64 : 32, ro));
      std::cout << trust::to_hex(d.digest) << "  " << f << "\n";
    }
  }
  return 0;
}

int cmd_delegate(const args& a) {
  auto root = load_key(a);
  trust::delegation d;
  d.authority = unit_id{a.need("--authority")};
  fs::path pubf = a.need("-k");
  d.key = must(trust::public_key::parse(slurp(pubf)));
  d.unit = unit_id{a.need("--unit")};
  d.approver_role = parse_enum<role>(a.need("--role"), "role");
  auto uses = a.need("--use");
  for (std::size_t start = 0; start <= uses.size();) {
    auto end = uses.find(',', start);
    d.uses.push_back(parse_enum<trust::approval_use>(uses.substr(start, end - start), "use"));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  d.valid_from = parse_time(a.need("--from"));
  d.valid_until = parse_time(a.need("--until"));
  d.sequence = parse_seq(a.get("--seq", "1"), "--seq");
  // The same rule verifiers apply (model/approval.hpp): sign nothing they would refuse.
  for (auto u : d.uses)
    if (!role_may_approve(d.approver_role, u))
      throw exception(error(errc::permission_denied, {},
                            "Vai trò " + std::string(to_string(d.approver_role)) + " không được phê duyệt cho mục đích " +
                                std::string(to_string(u)),
                            "Role " + std::string(to_string(d.approver_role)) + " may not approve for use " +
                                std::string(to_string(u))));
  spit(a.get("-x", pubf.string() + ".minisig"), trust::sign_delegation(root, d).to_text());
  return 0;
}

int cmd_approve(const args& a) {
  auto key = load_key(a);
  fs::path file = a.need("-m");
  trust::read_options ro;
  ro.progress = progress_bar();
  auto d = must(trust::digest_file(file, ro));
  auto sig = must(trust::sign_approval(key, statement_from(a, a.need("--content-id"), a.get("--id", random_id_string())), d));
  spit(a.get("-x", file.string() + ".minisig"), sig.to_text());
  return 0;
}

// What the pinned authority may delegate: --level (required: the operator states it), the unit
// tree from --units (a JSON object child -> parent) and --parent CHILD=PARENT.
trust::authority_scope scope_from(const args& a) {
  trust::authority_scope sc;
  sc.level = parse_enum<role>(a.need("--level"), "level");
  if (!is_approver_role(sc.level)) throw usage_error{"--level: city_official, division_approver, school_approver"};
  if (a.opts.count("--units")) {
    auto j = must(json_io::parse(slurp(a.need("--units"), PBGDPL_MAX_JSON_BYTES)));
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
  if (auto it = a.opts.find("--parent"); it != a.opts.end())
    for (auto& p : it->second) {
      auto eq = p.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == p.size()) throw usage_error{"--parent CHILD=PARENT: " + p};
      sc.parents[p.substr(0, eq)] = p.substr(eq + 1);
    }
  return sc;
}

int cmd_bundle(const args& a) {
  if (a.positional.size() != 2) throw usage_error{"bundle pack|verify PATH"};
  fs::path path = a.positional[1];
  if (a.positional[0] == "pack") {
    media::pack_options o;
    o.content_id = a.need("--id");
    o.title = a.get("--title", "");
    o.created_at = now();
    o.progress = progress_bar();
    if (a.opts.count("-s")) {
      // --id is the content's id; the approval gets its own (CONTENT_ID-SEQ unless --approval-id).
      auto st = statement_from(a, o.content_id, "");
      st.id = a.get("--approval-id", o.content_id + "-" + std::to_string(st.sequence));
      auto key = load_key(a);
      auto m = must(media::pack_and_approve(path, o, key, st));
      std::cout << "Đã đóng gói và phê duyệt " << m.files.size() << " tệp / packed and approved " << m.files.size() << " files\n";
    } else {
      auto m = must(media::pack(path, o));
      spit(media::bundle_layout::of(path).manifest, media::manifest_text(m));
      std::cout << "Đã đóng gói " << m.files.size() << " tệp / packed " << m.files.size() << " files\n";
    }
    return 0;
  }
  if (a.positional[0] == "verify") {
    trust::keyring ring;
    ring.add_root(unit_id{a.need("--authority")}, must(trust::public_key::parse(slurp(a.need("--root")))), scope_from(a));
    auto dit = a.opts.find("-d");
    if (dit != a.opts.end())
      for (auto& d : dit->second) must(ring.add_delegation(slurp(d)));
    if (a.opts.count("--revocations")) {
      auto body = a.need("--revocations");
      must(ring.apply_revocations(slurp(body), slurp(body + ".minisig")));
    }
    trust::verify_context ctx{a.opts.count("--at") ? parse_time(a.need("--at")) : now(),
                              parse_enum<trust::approval_use>(a.need("--use"), "use")};
    // --seen: the sequences already seen (a missing file starts empty); written back only when the
    // bundle verifies. Without it nothing is remembered and no rollback check is made.
    std::optional<trust::sequence_tracker> seen;
    fs::path seen_path;
    if (a.opts.count("--seen")) {
      seen_path = a.need("--seen");
      std::error_code ec;
      if (fs::symlink_status(seen_path, ec).type() == fs::file_type::not_found)
        seen.emplace();
      else
        seen = must(trust::from_json_text_unique<trust::sequence_tracker>(slurp(seen_path, PBGDPL_MAX_JSON_BYTES)));
    }
    media::verify_options vo;
    vo.progress = progress_bar();
    auto v = must(media::verify_bundle(path, ring, ctx, seen ? &*seen : nullptr, vo));
    if (seen) spit(seen_path, to_json_value(*seen).dump(2) + "\n");
    std::cout << "Gói hợp lệ / Bundle verified: " << v.manifest.content_id << ", " << v.manifest.files.size()
              << " tệp/files, phê duyệt/approved by " << v.approval.approver_unit.value << " ("
              << to_string(v.approval.approver_role) << ") đến/until " << format_timestamp(v.approval.valid_until) << "\n";
    return 0;
  }
  throw usage_error{"bundle pack|verify PATH"};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage_text;
    return 2;
  }
  std::string cmd = argv[1];
  try {
    const std::set<std::string> flags = {"-W", "-f", "--etag"};
    if (cmd == "bundle") return cmd_bundle(args(argc, argv, 2, flags));
    args a(argc, argv, 2, flags);
    if (cmd == "keygen") return cmd_keygen(a);
    if (cmd == "sign") return cmd_sign(a);
    if (cmd == "verify") return cmd_verify(a);
    if (cmd == "hash") return cmd_hash(a);
    if (cmd == "delegate") return cmd_delegate(a);
    if (cmd == "approve") return cmd_approve(a);
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
      std::cout << usage_text;
      return 0;
    }
    throw usage_error{"lệnh không rõ / unknown command " + cmd};
  } catch (const usage_error& e) {
    std::cerr << e.what << "\n\n" << usage_text;
    return 2;
  } catch (const exception& e) {
    return report(e.err());
  } catch (const std::exception& e) {
    std::cerr << "Lỗi / Error: " << e.what() << "\n";
    return 3;
  }
}
