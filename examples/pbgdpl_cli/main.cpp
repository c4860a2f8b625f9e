// pbgdpl: a small tool an operator or a vendor's script uses to make keys, sign and verify files,
// delegate approver keys, approve content and pack or verify signed media bundles. Everything it
// writes is minisign-compatible. Exit codes: 0 ok, 1 refused (bad signature, tampered, expired,
// revoked...), 2 usage error, 3 other error (I/O, malformed input).
// The command line is parsed by CLI11 (Debian's libcli11-dev); help and usage errors are in
// Vietnamese and English. It needs only the core and trust tiers (trust/ and media/).
#include <pbgdpl/core/files.hpp>
#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/trust/approval.hpp>
#include <pbgdpl/trust/minisign.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace pbgdpl;
namespace fs = std::filesystem;

namespace {

// A mistake in the command line (exit code 2), in both languages.
struct usage_error {
  std::string vi, en;
};

// --- Values on the command line --------------------------------------------------------------
// Each parse_* throws usage_error; as CLI11 checks (checked()) they refuse a bad value while the
// command line is parsed, before any key is read or file written.

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

void parse_bits(const std::string& s) {
  if (s != "256" && s != "512")
    throw usage_error{"chỉ 256 hoặc 512: \"" + s + "\"", "only 256 or 512: \"" + s + "\""};
}

// A CLI11 check from a parse_* function. CLI11 puts the option's name in front of the refusal;
// the two languages travel as "vi\nen" and main() prints them on their own lines.
template <class F>
CLI::Validator checked(F parse) {
  return CLI::Validator(
      [parse](std::string& s) -> std::string {
        try {
          (void)parse(s);
          return {};
        } catch (const usage_error& e) {
          return e.vi + '\n' + e.en;
        }
      },
      "", "");
}

// --- Help in both languages ------------------------------------------------------------------

std::size_t columns(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A text in both languages as the formatter receives it: Vietnamese, a newline, English, and the
// values an option takes (the same in both) on a line of their own.
std::string both(std::string_view vi, std::string_view en, std::string_view values = {}) {
  std::string s = std::string(vi) + '\n' + std::string(en);
  if (!values.empty()) s += '\n' + std::string(values);
  return s;
}

// CLI11's layout with every label in both languages. A description is "vi / en" on one line when
// it fits beside the option, else English on the line below; defaults and "repeatable" follow in
// the same way. Required options come first, under their own heading. The option column stays
// ASCII (CLI11 pads it by bytes). The usage line names the required options, so the usage shown
// with an error says what to add.
class help_formatter : public CLI::Formatter {
 public:
  help_formatter() {
    label("Usage", "Cách dùng / Usage");
    label("Options", "Tùy chọn / Options");
    label("Positionals", "Đối số / Arguments");
    label("OPTIONS", "OPTIONS");
    label("SUBCOMMAND", "COMMAND");
    column_width(30);
  }

  // `text` from both(); each note is {vi, en}.
  static std::string layout(const std::string& text,
                            const std::vector<std::pair<std::string, std::string>>& notes = {}) {
    const auto nl = text.find('\n');
    if (nl == std::string::npos) return text;
    const auto nl2 = text.find('\n', nl + 1);
    std::string vi = text.substr(0, nl),
                en = text.substr(nl + 1, nl2 == std::string::npos ? nl2 : nl2 - nl - 1);
    const std::string values = nl2 == std::string::npos ? std::string() : "\n" + text.substr(nl2 + 1);
    std::string one = vi + " / " + en;
    for (auto& [nvi, nen] : notes) one += " (" + nvi + " / " + nen + ")";
    if (columns(one) <= 50) return one + values;
    for (auto& [nvi, nen] : notes) {
      vi += " (" + nvi + ")";
      en += " (" + nen + ")";
    }
    return vi + "\n" + en + values;
  }

  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
    std::string s = make_description(app) + make_usage(app, name) + make_positionals(app);
    auto required =
        app->get_options([](const CLI::Option* o) { return o->get_required() && o->nonpositional(); });
    if (!required.empty()) s += make_group("Bắt buộc / Required", false, required);
    for (const auto& g : app->get_groups()) {
      auto opts = app->get_options([&g](const CLI::Option* o) {
        return o->get_group() == g && o->nonpositional() && !o->get_required();
      });
      if (!g.empty() && !opts.empty()) s += make_group(g, false, opts);
    }
    return s + make_subcommands(app, mode) + "\n" + make_footer(app);
  }

  std::string make_group(std::string group, bool is_positional,
                         std::vector<const CLI::Option*> opts) const override {
    return CLI::Formatter::make_group(get_label(group), is_positional, std::move(opts));
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_name(), layout(sub->get_description()), column_width_);
    return out.str();
  }

  std::string make_option_opts(const CLI::Option* opt) const override {
    std::string s;
    if (opt->get_type_size() != 0 && !opt->get_positional()) s += " " + opt->get_type_name();
    if (opt->get_type_size() != 0 && opt->get_expected_max() >= CLI::detail::expected_max_vector_size)
      s += " ...";
    return s;
  }

  std::string make_option_desc(const CLI::Option* opt) const override {
    std::vector<std::pair<std::string, std::string>> notes;
    if (!opt->get_default_str().empty())
      notes.emplace_back("mặc định " + opt->get_default_str(), "default " + opt->get_default_str());
    if (opt->get_expected_max() >= CLI::detail::expected_max_vector_size && !opt->get_positional())
      notes.emplace_back("lặp lại được", "repeatable");
    return layout(opt->get_description(), notes);
  }

  std::string make_usage(const CLI::App* app, std::string name) const override {
    std::string s = get_label("Usage") + ": " + name;
    if (!app->get_subcommands([](const CLI::App* c) { return !c->get_name().empty(); }).empty())
      s += " " + get_label("SUBCOMMAND");
    for (const CLI::Option* o : app->get_options([](const CLI::Option* o) { return o->get_positional(); }))
      s += " " + make_option_usage(o);
    bool optional = false;
    for (const CLI::Option* o : app->get_options([](const CLI::Option* o) { return o->nonpositional(); })) {
      if (o->get_required())
        s += " " + o->get_name() + " " + o->get_type_name();
      else if (o != app->get_help_ptr())
        optional = true;
    }
    if (optional) s += " [" + get_label("OPTIONS") + "]";
    return s + "\n";
  }
};

// --- Doing the work ----------------------------------------------------------------------------

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

// -s KEY.key and -W, shared by the commands that sign.
struct key_options {
  std::string secret;
  bool unencrypted = false;
};

CLI::Option* add_key_options(CLI::App& c, key_options& k, std::string_view vi, std::string_view en) {
  c.add_flag(
      "-W", k.unencrypted,
      both("khóa bí mật không mã hóa (không hỏi mật khẩu)", "the secret key is not encrypted (no password)"));
  return c.add_option("-s", k.secret, both(vi, en))->type_name("KEY.key");
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

// The approval statement's fields (approve, bundle pack -s).
struct approval_options {
  std::string seq, unit, role, use, from, until;
};

std::vector<CLI::Option*> add_approval_options(CLI::App& c, approval_options& o) {
  return {
      c.add_option("--unit", o.unit, both("đơn vị của người phê duyệt", "the approver's unit"))
          ->type_name("UNIT"),
      c.add_option("--role", o.role, both("vai trò", "role", names_of<role>(is_approver_role)))
          ->type_name("ROLE")
          ->check(checked(parse_enum<role>)),
      c.add_option("--use", o.use, both("mục đích", "use", names_of<trust::approval_use>()))
          ->type_name("USE")
          ->check(checked(parse_enum<trust::approval_use>)),
      c.add_option("--from", o.from, both("hiệu lực từ", "valid from"))
          ->type_name("TIME")
          ->check(checked(parse_time)),
      c.add_option("--until", o.until, both("hiệu lực đến", "valid until"))
          ->type_name("TIME")
          ->check(checked(parse_time)),
      // Required wherever an approval is signed: a fixed default would make every approval of one
      // content interchangeable.
      c.add_option("--seq", o.seq, both("số thứ tự của lần phê duyệt", "the approval's sequence number"))
          ->type_name("N")
          ->check(checked(parse_seq)),
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

const char* const seq_footer =
    "--seq N: số thứ tự, tăng mỗi lần phê duyệt lại cùng nội dung, mỗi lần tăng tối đa 1000.\n"
    "--seq N: a sequence number: raise it (by at most 1000) each time the same content is approved again.\n"
    "TIME: 2024-09-01T00:00:00+07:00.";

// The path as the file system resolves its directory, to tell whether two arguments name one file.
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  auto abs = fs::absolute(p, ec);
  if (ec) return p.lexically_normal();
  auto dir = fs::weakly_canonical(abs.parent_path(), ec);
  return ec ? abs.lexically_normal() : (dir / abs.filename()).lexically_normal();
}

struct keygen_options {
  std::string pub;
  key_options key;
  bool force = false;
};

int cmd_keygen(const keygen_options& o) {
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

struct sign_options {
  key_options key;
  std::string file, sig, comment;
};

int cmd_sign(const sign_options& o) {
  auto key = load_key(o.key);
  fs::path file = o.file;
  auto tc = o.comment.empty() ? trust::default_trusted_comment(file.filename().string(), now()) : o.comment;
  trust::read_options ro;
  ro.progress = progress_bar();
  auto sig = must(trust::sign_file(key, file, tc, "signature from pbgdpl secret key", ro));
  spit(o.sig.empty() ? file.string() + ".minisig" : o.sig, sig.to_text());
  return 0;
}

struct verify_options {
  std::string pub, file, sig;
};

int cmd_verify(const verify_options& o) {
  auto pk = must(trust::public_key::parse(slurp(o.pub)));
  fs::path file = o.file;
  auto sig = must(trust::signature::parse(slurp(o.sig.empty() ? file.string() + ".minisig" : o.sig)));
  trust::read_options ro;
  ro.progress = progress_bar();
  must(catch_result([&] { trust::verify_file(pk, sig, file, ro).value(); }));
  std::cout << "Chữ ký hợp lệ / Signature verified\nTrusted comment: " << sig.trusted_comment << "\n";
  return 0;
}

struct hash_options {
  std::vector<std::string> files;
  std::string bits = "256";
  bool etag = false;
};

int cmd_hash(const hash_options& o) {
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

struct delegate_options {
  key_options root;
  std::string approver_pub, authority, unit, role, uses, from, until, seq = "1", out;
};

int cmd_delegate(const delegate_options& o) {
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

struct approve_options {
  key_options key;
  approval_options approval;
  std::string file, id, content_id, sig;
};

int cmd_approve(const approve_options& o) {
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

struct pack_options {
  std::string path, content_id, title, approval_id;
  key_options key;
  approval_options approval;
};

int cmd_bundle_pack(const pack_options& o) {
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

struct bundle_verify_options {
  std::string path, root, authority, level, units, use, at, revocations, seen;
  std::vector<std::string> parents, delegations;
};

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

int cmd_bundle_verify(const bundle_verify_options& o) {
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

// --- The command line ----------------------------------------------------------------------------

struct options {
  std::map<const CLI::App*, std::function<int()>> run;  // what each command does
  keygen_options keygen;
  sign_options sign;
  verify_options verify;
  hash_options hash;
  delegate_options delegate;
  approve_options approve;
  pack_options pack;
  bundle_verify_options bundle_verify;
};

// Every command, option name and default of the tool; `o` receives the values.
void define(CLI::App& app, options& o) {
  app.formatter(std::make_shared<help_formatter>());
  // Later occurrences of an option replace earlier ones, as with getopt (and the earlier parser).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_help_flag("-h,--help", both("in trợ giúp rồi thoát", "print this help and exit"));
  app.group("Lệnh / Commands");  // the heading subcommands inherit
  app.require_subcommand(1);

  {
    auto& c = *app.add_subcommand("keygen", both("tạo cặp khóa (minisign)", "make a key pair (minisign)"));
    o.run[&c] = [&o] { return cmd_keygen(o.keygen); };
    c.add_option("-p", o.keygen.pub, both("tệp khóa công khai sẽ ghi", "public key file to write"))
        ->type_name("KEY.pub")
        ->required();
    add_key_options(c, o.keygen.key, "tệp khóa bí mật sẽ ghi (quyền 0600)",
                    "secret key file to write (mode 0600)")
        ->required();
    c.add_flag("-f", o.keygen.force,
               both("thay tệp khóa bí mật đã có", "replace an existing secret key file"));
  }
  {
    auto& c = *app.add_subcommand("sign", both("ký một tệp", "sign a file"));
    o.run[&c] = [&o] { return cmd_sign(o.sign); };
    add_key_options(c, o.sign.key, "khóa bí mật", "secret key file")->required();
    c.add_option("-m", o.sign.file, both("tệp cần ký", "file to sign"))->type_name("FILE")->required();
    c.add_option("-x", o.sign.sig,
                 both("tệp chữ ký (mặc định FILE.minisig)", "signature file (default FILE.minisig)"))
        ->type_name("SIG");
    c.add_option("-t", o.sign.comment,
                 both("lời chú thích được ký (mặc định: tên tệp và thời điểm)",
                      "trusted comment (default: file name and time)"))
        ->type_name("COMMENT");
  }
  {
    auto& c = *app.add_subcommand("verify", both("kiểm tra chữ ký của một tệp", "verify a file's signature"));
    o.run[&c] = [&o] { return cmd_verify(o.verify); };
    c.add_option("-p", o.verify.pub, both("khóa công khai", "public key file"))
        ->type_name("KEY.pub")
        ->required();
    c.add_option("-m", o.verify.file, both("tệp cần kiểm tra", "file to verify"))
        ->type_name("FILE")
        ->required();
    c.add_option("-x", o.verify.sig,
                 both("tệp chữ ký (mặc định FILE.minisig)", "signature file (default FILE.minisig)"))
        ->type_name("SIG");
  }
  {
    auto& c = *app.add_subcommand(
        "hash", both("băm tệp: BLAKE2b như b2sum, hoặc ETag XXH3-128 như xxhsum -H2",
                     "hash files: BLAKE2b as b2sum does, or the XXH3-128 ETag as xxhsum -H2"));
    o.run[&c] = [&o] { return cmd_hash(o.hash); };
    c.add_option("FILE", o.hash.files, both("tệp cần băm", "files to hash"))->required();
    c.add_option("-l", o.hash.bits,
                 both("độ dài BLAKE2b: 256 hoặc 512 bit", "BLAKE2b length: 256 or 512 bits"))
        ->type_name("BITS")
        ->check(checked(parse_bits))
        ->capture_default_str();
    c.add_flag("--etag", o.hash.etag,
               both("tính ETag XXH3-128 thay cho BLAKE2b", "the XXH3-128 ETag instead of BLAKE2b"));
  }
  {
    auto& c =
        *app.add_subcommand("delegate", both("ủy quyền cho khóa của người phê duyệt (ký bằng khóa gốc)",
                                             "delegate to an approver's key (signed with the root key)"));
    o.run[&c] = [&o] { return cmd_delegate(o.delegate); };
    auto& d = o.delegate;
    add_key_options(c, d.root, "khóa bí mật gốc của đơn vị ủy quyền", "the authority's root secret key")
        ->type_name("ROOT.key")
        ->required();
    c.add_option("-k", d.approver_pub,
                 both("khóa công khai của người phê duyệt", "the approver's public key"))
        ->type_name("APPROVER.pub")
        ->required();
    c.add_option("--authority", d.authority, both("đơn vị ủy quyền", "the delegating authority"))
        ->type_name("UNIT")
        ->required();
    c.add_option("--unit", d.unit, both("đơn vị của người phê duyệt", "the approver's unit"))
        ->type_name("UNIT")
        ->required();
    c.add_option("--role", d.role, both("vai trò", "role", names_of<role>(is_approver_role)))
        ->type_name("ROLE")
        ->required()
        ->check(checked(parse_enum<role>));
    c.add_option(
         "--use", d.uses,
         both("các mục đích, cách nhau dấu phẩy", "uses, comma-separated", names_of<trust::approval_use>()))
        ->type_name("USE[,USE]")
        ->required()
        ->check(checked(parse_uses));
    c.add_option("--from", d.from, both("hiệu lực từ", "valid from"))
        ->type_name("TIME")
        ->required()
        ->check(checked(parse_time));
    c.add_option("--until", d.until, both("hiệu lực đến", "valid until"))
        ->type_name("TIME")
        ->required()
        ->check(checked(parse_time));
    c.add_option("--seq", d.seq, both("số thứ tự của ủy quyền", "the delegation's sequence number"))
        ->type_name("N")
        ->check(checked(parse_seq))
        ->capture_default_str();
    c.add_option("-x", d.out,
                 both("tệp ủy quyền (mặc định APPROVER.pub.minisig)",
                      "delegation file (default APPROVER.pub.minisig)"))
        ->type_name("SIG");
    c.footer("TIME: 2024-09-01T00:00:00+07:00.");
  }
  {
    auto& c = *app.add_subcommand("approve", both("phê duyệt một tệp (ký bản phê duyệt)",
                                                  "approve a file (sign an approval statement)"));
    o.run[&c] = [&o] { return cmd_approve(o.approve); };
    auto& a = o.approve;
    add_key_options(c, a.key, "khóa bí mật của người phê duyệt", "the approver's secret key")->required();
    c.add_option("-m", a.file, both("tệp được phê duyệt", "the approved file"))
        ->type_name("FILE")
        ->required();
    c.add_option("--content-id", a.content_id, both("mã của nội dung", "the content's id"))
        ->type_name("ID")
        ->required();
    c.add_option("--id", a.id, both("mã phê duyệt (mặc định: ngẫu nhiên)", "approval id (default: random)"))
        ->type_name("ID");
    for (auto* opt : add_approval_options(c, a.approval)) opt->required();
    c.add_option("-x", a.sig,
                 both("tệp chữ ký (mặc định FILE.minisig)", "signature file (default FILE.minisig)"))
        ->type_name("SIG");
    c.footer(seq_footer);
  }
  {
    auto& b = *app.add_subcommand(
        "bundle", both("gói nội dung đã ký (màn hình, trang)", "signed media bundles (screens, portal)"));
    b.require_subcommand(1);
    {
      auto& c = *b.add_subcommand("pack", both("đóng gói một thư mục (và phê duyệt nếu có -s)",
                                               "pack a folder (and approve it with -s)"));
      o.run[&c] = [&o] { return cmd_bundle_pack(o.pack); };
      auto& p = o.pack;
      c.add_option("PATH", p.path, both("thư mục của gói", "the bundle's folder"))->required();
      c.add_option("--id", p.content_id, both("mã của nội dung", "the content's id"))
          ->type_name("CONTENT_ID")
          ->required();
      c.add_option("--title", p.title, both("tiêu đề", "title"))->type_name("T");
      auto* key = add_key_options(c, p.key, "phê duyệt bằng khóa bí mật này", "approve with this secret key");
      auto* id =
          c.add_option("--approval-id", p.approval_id,
                       both("mã phê duyệt (mặc định CONTENT_ID-N)", "approval id (default CONTENT_ID-N)"))
              ->type_name("ID");
      // With -s every field of the statement is stated; without it they would be ignored, so
      // each needs -s (an operator who forgot -s is told, not handed an unapproved bundle).
      const std::string with_key = "Phê duyệt, cùng -s / Approval, with -s";
      for (auto* opt : add_approval_options(c, p.approval)) {
        key->needs(opt);
        opt->needs(key)->group(with_key);
      }
      for (auto* opt : {key, id, c.get_option("-W")}) opt->group(with_key);
      id->needs(key);
      c.footer(std::string(seq_footer) +
               "\nMã phê duyệt của gói: CONTENT_ID-N nếu không có --approval-id.\n"
               "The bundle's approval id: CONTENT_ID-N unless --approval-id.");
    }
    {
      auto& c = *b.add_subcommand("verify", both("kiểm tra một gói đã ký", "verify a signed bundle"));
      o.run[&c] = [&o] { return cmd_bundle_verify(o.bundle_verify); };
      auto& v = o.bundle_verify;
      c.add_option("PATH", v.path, both("thư mục của gói", "the bundle's folder"))->required();
      c.add_option("--root", v.root, both("khóa công khai gốc được ghim", "the pinned root public key"))
          ->type_name("ROOT.pub")
          ->required();
      c.add_option("--authority", v.authority, both("đơn vị của khóa gốc", "the root key's authority unit"))
          ->type_name("UNIT")
          ->required();
      // Required: the operator states how far the authority reaches; no default grants a level.
      c.add_option("--level", v.level,
                   both("vai trò cao nhất đơn vị gốc được ủy quyền",
                        "the highest role the authority may delegate", names_of<role>(is_approver_role)))
          ->type_name("ROLE")
          ->required()
          ->check(checked(parse_level));
      c.add_option("--use", v.use,
                   both("mục đích cần kiểm tra", "the use to check", names_of<trust::approval_use>()))
          ->type_name("USE")
          ->required()
          ->check(checked(parse_enum<trust::approval_use>));
      c.add_option("-d", v.delegations, both("tệp ủy quyền", "delegation file"))
          ->type_name("DELEGATION.minisig")
          ->allow_extra_args(false);
      c.add_option("--parent", v.parents, both("một cạnh của cây đơn vị", "one edge of the unit tree"))
          ->type_name("CHILD=PARENT")
          ->allow_extra_args(false)
          ->check(checked(parse_parent));
      c.add_option("--units", v.units,
                   both("cây đơn vị {\"con\": \"cha\"}", "the unit tree {\"child\": \"parent\"}"))
          ->type_name("UNITS.json");
      c.add_option("--at", v.at,
                   both("thời điểm kiểm tra (mặc định: bây giờ)", "the time to check at (default: now)"))
          ->type_name("TIME")
          ->check(checked(parse_time));
      c.add_option("--revocations", v.revocations,
                   both("danh sách thu hồi, ký trong LIST.json.minisig",
                        "revocation list, signed in LIST.json.minisig"))
          ->type_name("LIST.json");
      c.add_option("--seen", v.seen,
                   both("tệp trạng thái số thứ tự đã thấy", "state file of the sequences seen"))
          ->type_name("STATE.json");
      c.footer(
          "--seen: tạo nếu chưa có, cập nhật khi gói hợp lệ; không có nó thì không kiểm tra quay lui.\n"
          "--seen: created if missing, updated when the bundle verifies; without it there is no rollback\n"
          "  check: an older approved bundle verifies too.\n"
          "--parent / --units: cây đơn vị; chỉ chấp nhận ủy quyền cho đơn vị thuộc đơn vị gốc.\n"
          "--parent / --units: the unit tree; delegations are accepted only below the authority.\n"
          "TIME: 2024-09-01T00:00:00+07:00.");
    }
  }
  // Set last: subcommands copy their parent's footer when they are made.
  app.footer(
      "Mật khẩu khóa đọc từ biến PBGDPL_PASSWORD hoặc dòng đầu của stdin; -W: khóa không mã hóa.\n"
      "Key passwords come from PBGDPL_PASSWORD or the first line of stdin; -W: unencrypted key.\n"
      "Mã thoát: 0 được, 1 bị từ chối (chữ ký sai, bị sửa, hết hạn, bị thu hồi...), 2 sai cú pháp lệnh, 3 "
      "lỗi khác.\n"
      "Exit codes: 0 ok, 1 refused (bad signature, tampered, expired, revoked...), 2 usage error, 3 other "
      "error.\n"
      "Trợ giúp từng lệnh / Help on a command: pbgdpl COMMAND --help, pbgdpl help COMMAND");
}

// The deepest command the parse reached and its name as typed ("pbgdpl bundle verify").
std::pair<CLI::App*, std::string> reached(CLI::App& app) {
  CLI::App* at = &app;
  std::string name = app.get_name();
  for (auto subs = at->get_subcommands(); !subs.empty(); subs = at->get_subcommands()) {
    at = subs.front();
    name += " " + at->get_name();
  }
  return {at, name};
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// CLI11's refusal, said in both languages and naming what to change. What CLI11 reports first is
// not always the cause: with an unknown option it reports the required option that was not
// recognised (--sequence 5 for --seq 5), so unknown arguments are named first.
usage_error explain(const CLI::ParseError& e, const CLI::App& app, const CLI::App& at) {
  const std::string what = e.what();
  std::vector<std::string> left;  // unrecognised, from pbgdpl down to `at`
  for (const CLI::App* a = &app;; a = a->get_subcommands().front()) {
    for (auto& x : a->remaining()) left.push_back(x);
    if (a == &at) break;
  }
  if (!left.empty()) {
    const auto& first = left.front();
    auto commands = at.get_subcommands([](const CLI::App* c) { return !c->get_name().empty(); });
    if (!commands.empty() && at.remaining() == left && first[0] != '-') {
      std::vector<std::string> names;
      for (auto* c : commands) names.push_back(c->get_name());
      return {"lệnh không rõ \"" + first + "\" (có: " + joined(names) + ")",
              "unknown command \"" + first + "\" (there are: " + joined(names) + ")"};
    }
    if (first.size() > 1 && first[0] == '-')
      return {"tùy chọn không rõ: " + first, "unknown option: " + first};
    return {"đối số thừa: " + first, "unexpected argument: " + first};
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e)) {
    std::vector<std::string> options, arguments;
    for (const CLI::Option* o :
         at.get_options([](const CLI::Option* o) { return o->get_required() && o->count() == 0; }))
      (o->nonpositional() ? options : arguments).push_back(o->get_name());
    if (!options.empty())
      return {"thiếu tùy chọn bắt buộc: " + joined(options), "missing required option: " + joined(options)};
    if (!arguments.empty())
      return {"thiếu đối số: " + joined(arguments), "missing argument: " + joined(arguments)};
    if (at.get_require_subcommand_min() > 0 && at.get_subcommands().empty()) {
      std::vector<std::string> names;
      for (auto* c : at.get_subcommands([](const CLI::App* c) { return !c->get_name().empty(); }))
        names.push_back(c->get_name());
      return {"cần một lệnh: " + joined(names), "a command is needed: " + joined(names)};
    }
  }
  if (dynamic_cast<const CLI::RequiresError*>(&e)) {
    for (const CLI::Option* o : at.get_options([](const CLI::Option* o) { return o->count() > 0; })) {
      const auto needs = o->get_needs();
      std::vector<std::string> absent;  // in the order the options were defined
      for (const CLI::Option* n : at.get_options())
        if (n->count() == 0 && std::find(needs.begin(), needs.end(), n) != needs.end())
          absent.push_back(n->get_name());
      if (!absent.empty())
        return {o->get_name() + " cần kèm " + joined(absent), o->get_name() + " requires " + joined(absent)};
    }
  }
  if (dynamic_cast<const CLI::ValidationError*>(&e)) {
    // "NAME: vi\nen", from checked().
    const auto colon = what.find(": "), nl = what.find('\n');
    if (colon != std::string::npos && nl != std::string::npos && colon < nl)
      return {what.substr(0, nl), what.substr(0, colon + 2) + what.substr(nl + 1)};
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    // "NAME: 1 required TYPE missing" when an option is last with no value after it.
    const auto colon = what.find(": ");
    if (colon != std::string::npos && what.find(" required ") != std::string::npos &&
        what.ends_with(" missing"))
      return {"thiếu giá trị cho " + what.substr(0, colon), "missing value for " + what.substr(0, colon)};
  }
  return {"dòng lệnh không hợp lệ (" + what + ")", what};
}

// A usage error on stderr: the reason in both languages, the command's usage line, where to read
// more; when a command is missing, the commands to choose from.
int usage(const CLI::App& at, const std::string& name, const usage_error& e, bool whole_help) {
  std::cerr << "Lỗi: " << e.vi << "\nError: " << e.en << "\n";
  if (whole_help) {
    const auto space = name.rfind(' ');  // help() adds at's own name to its parents'
    std::cerr << "\n" << at.help(space == std::string::npos ? "" : name.substr(0, space));
  } else {
    if (auto* f = dynamic_cast<const help_formatter*>(at.get_formatter().get()))
      std::cerr << f->make_usage(&at, name);
    std::cerr << "Xem thêm / More: " << name << " --help\n";
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{both("pbgdpl: khóa, chữ ký, ủy quyền, phê duyệt và gói nội dung, tương thích minisign",
                    "keys, signatures, delegations, approvals and media bundles, minisign-compatible"),
               "pbgdpl"};
  options o;
  define(app, o);
  // `pbgdpl help [COMMAND...]` is `pbgdpl [COMMAND...] --help`. CLI11 takes the arguments reversed.
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  if (!args.empty() && args.front() == "help") {
    args.erase(args.begin());
    args.push_back("--help");
  }
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    auto [at, name] = reached(app);
    const bool no_command =
        at->get_require_subcommand_min() > 0 && at->get_subcommands().empty() && at->remaining().empty();
    return usage(*at, name, explain(e, app, *at), no_command);
  }
  auto [at, name] = reached(app);
  try {
    return o.run.at(at)();  // every leaf command has an entry; require_subcommand() reaches one
  } catch (const usage_error& e) {
    return usage(*at, name, e, false);
  } catch (const exception& e) {
    return report(e.err());
  } catch (const std::exception& e) {
    std::cerr << "Lỗi / Error: " << e.what() << "\n";
    return 3;
  }
}
