// pbgdpl: a small tool an operator or a vendor's script uses to make keys, sign and verify files,
// delegate approver keys, approve content, pack or verify signed media bundles, crawl school
// sites for the plan's compliance criteria, read the schools' feeds, and send a unit's signed
// syndication package up to the city portal. Everything it
// writes is minisign-compatible. Exit codes: 0 ok, 1 refused (bad signature, tampered, expired,
// revoked...), 2 usage error, 3 other error (I/O, malformed input).
// The command line is parsed by CLI11 (Debian's libcli11-dev); help and usage errors are in
// Vietnamese and English. Its commands need the core and trust tiers (trust/ and media/); only
// `crawl`, `aggregate` and `syndicate` use the network, store and portal tiers.
#include "commands.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using namespace pbgdpl_cli;

namespace {

// A CLI11 check from a check_* function (commands.hpp): a bad value is refused while the command
// line is parsed, before any key is read or file written. CLI11 puts the option's name in front
// of the refusal; the two languages travel as "vi\nen" and explain() prints them on their own lines.
CLI::Validator checked(void (*check)(const std::string&)) {
  return CLI::Validator(
      [check](std::string& s) -> std::string {
        try {
          check(s);
          return {};
        } catch (const usage_error& e) {
          return e.vi + '\n' + e.en;
        }
      },
      "", "");
}

// A value from a fixed list, checked like checked() (CLI11's IsMember would print its own,
// English-only list beside the option; the help names the values in both languages already).
CLI::Validator one_of(std::vector<std::string> values) {
  return CLI::Validator(
      [values](std::string& s) -> std::string {
        if (std::find(values.begin(), values.end(), s) != values.end()) return {};
        std::string list;
        for (const auto& v : values) list += (list.empty() ? "" : ", ") + v;
        return "\"" + s + "\" không nằm trong: " + list + "\n\"" + s + "\" is not one of: " + list;
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

CLI::Option* add_key_options(CLI::App& c, key_options& k, std::string_view vi, std::string_view en) {
  c.add_flag(
      "-W", k.unencrypted,
      both("khóa bí mật không mã hóa (không hỏi mật khẩu)", "the secret key is not encrypted (no password)"));
  return c.add_option("-s", k.secret, both(vi, en))->type_name("KEY.key");
}

std::vector<CLI::Option*> add_approval_options(CLI::App& c, approval_options& o) {
  return {
      c.add_option("--unit", o.unit, both("đơn vị của người phê duyệt", "the approver's unit"))
          ->type_name("UNIT"),
      c.add_option("--role", o.role, both("vai trò", "role", approver_role_names()))
          ->type_name("ROLE")
          ->check(checked(check_role)),
      c.add_option("--use", o.use, both("mục đích", "use", use_names()))
          ->type_name("USE")
          ->check(checked(check_use)),
      c.add_option("--from", o.from, both("hiệu lực từ", "valid from"))
          ->type_name("TIME")
          ->check(checked(check_time)),
      c.add_option("--until", o.until, both("hiệu lực đến", "valid until"))
          ->type_name("TIME")
          ->check(checked(check_time)),
      // Required wherever an approval is signed: a fixed default would make every approval of one
      // content interchangeable.
      c.add_option("--seq", o.seq, both("số thứ tự của lần phê duyệt", "the approval's sequence number"))
          ->type_name("N")
          ->check(checked(check_seq)),
  };
}

const char* const seq_footer =
    "--seq N: số thứ tự, tăng mỗi lần phê duyệt lại cùng nội dung, mỗi lần tăng tối đa 1000.\n"
    "--seq N: a sequence number: raise it (by at most 1000) each time the same content is approved again.\n"
    "TIME: 2024-09-01T00:00:00+07:00.";

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
  crawl_options crawl;
  aggregate_options aggregate;
  syndicate_options syndicate;
  plugins_options plugins;
  bookcase_options bookcase_import, bookcase_export;
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
    o.run[&c] = [&o] { return run_keygen(o.keygen); };
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
    o.run[&c] = [&o] { return run_sign(o.sign); };
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
    o.run[&c] = [&o] { return run_verify(o.verify); };
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
    o.run[&c] = [&o] { return run_hash(o.hash); };
    c.add_option("FILE", o.hash.files, both("tệp cần băm", "files to hash"))->required();
    c.add_option("-l", o.hash.bits,
                 both("độ dài BLAKE2b: 256 hoặc 512 bit", "BLAKE2b length: 256 or 512 bits"))
        ->type_name("BITS")
        ->check(checked(check_bits))
        ->capture_default_str();
    c.add_flag("--etag", o.hash.etag,
               both("tính ETag XXH3-128 thay cho BLAKE2b", "the XXH3-128 ETag instead of BLAKE2b"));
  }
  {
    auto& c =
        *app.add_subcommand("delegate", both("ủy quyền cho khóa của người phê duyệt (ký bằng khóa gốc)",
                                             "delegate to an approver's key (signed with the root key)"));
    o.run[&c] = [&o] { return run_delegate(o.delegate); };
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
    c.add_option("--role", d.role, both("vai trò", "role", approver_role_names()))
        ->type_name("ROLE")
        ->required()
        ->check(checked(check_role));
    c.add_option("--use", d.uses,
                 both("các mục đích, cách nhau dấu phẩy", "uses, comma-separated", use_names()))
        ->type_name("USE[,USE]")
        ->required()
        ->check(checked(check_uses));
    c.add_option("--from", d.from, both("hiệu lực từ", "valid from"))
        ->type_name("TIME")
        ->required()
        ->check(checked(check_time));
    c.add_option("--until", d.until, both("hiệu lực đến", "valid until"))
        ->type_name("TIME")
        ->required()
        ->check(checked(check_time));
    c.add_option("--seq", d.seq, both("số thứ tự của ủy quyền", "the delegation's sequence number"))
        ->type_name("N")
        ->check(checked(check_seq))
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
    o.run[&c] = [&o] { return run_approve(o.approve); };
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
      o.run[&c] = [&o] { return run_bundle_pack(o.pack); };
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
      o.run[&c] = [&o] { return run_bundle_verify(o.bundle_verify); };
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
                        "the highest role the authority may delegate", approver_role_names()))
          ->type_name("ROLE")
          ->required()
          ->check(checked(check_level));
      c.add_option("--use", v.use, both("mục đích cần kiểm tra", "the use to check", use_names()))
          ->type_name("USE")
          ->required()
          ->check(checked(check_use));
      c.add_option("-d", v.delegations, both("tệp ủy quyền", "delegation file"))
          ->type_name("DELEGATION.minisig")
          ->allow_extra_args(false);
      c.add_option("--parent", v.parents, both("một cạnh của cây đơn vị", "one edge of the unit tree"))
          ->type_name("CHILD=PARENT")
          ->allow_extra_args(false)
          ->check(checked(check_parent));
      c.add_option("--units", v.units,
                   both("cây đơn vị {\"con\": \"cha\"}", "the unit tree {\"child\": \"parent\"}"))
          ->type_name("UNITS.json");
      c.add_option("--at", v.at,
                   both("thời điểm kiểm tra (mặc định: bây giờ)", "the time to check at (default: now)"))
          ->type_name("TIME")
          ->check(checked(check_time));
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
  {
    auto& c = *app.add_subcommand("crawl", both("kiểm tra trang web các trường theo 4 tiêu chí PBGDPL",
                                                 "check school sites against the four PBGDPL criteria"));
    o.run[&c] = [&o] { return run_crawl(o.crawl); };
    auto& v = o.crawl;
    c.add_option("SITES", v.sites,
                 both("tệp JSON: [{\"url\", \"unit\", \"division_url\"}] hoặc các đơn vị có \"website\"",
                      "JSON file: [{\"url\", \"unit\", \"division_url\"}] or units with \"website\""))
        ->type_name("SITES.json");
    c.add_option("--data", v.data,
                 both("thư mục dữ liệu của cổng: kiểm tra các trường thuộc --unit và lưu kết quả vào kho",
                      "the portal's data folder: crawl the schools below --unit and store the run there"))
        ->type_name("DIR");
    c.add_option("--unit", v.unit, both("đơn vị quản lý các trường (với --data)", "the unit whose schools are crawled (with --data)"))
        ->type_name("UNIT");
    c.add_option("-o", v.out, both("tệp kết quả JSON (mặc định stdout)", "results JSON file (default stdout)"))
        ->type_name("OUT.json");
    c.add_option("--division", v.division, both("địa chỉ cổng thông tin của Phòng", "the division portal's URL"))
        ->type_name("URL");
    c.add_option("--days", v.days, both("bài mới: trong bao nhiêu ngày", "a recent post: at most this many days old"))
        ->type_name("N")
        ->capture_default_str();
    c.add_option("--today", v.today, both("ngày đối chiếu (mặc định: bây giờ)", "the time to judge at (default: now)"))
        ->type_name("TIME")
        ->check(checked(check_time));
    c.add_option("-j,--concurrency", v.concurrency, both("số trang đọc cùng lúc", "sites crawled at once"))
        ->type_name("N")
        ->capture_default_str();
    c.add_option("--budget", v.budget, both("số yêu cầu tối đa mỗi trang", "requests per site at most"))
        ->type_name("N")
        ->capture_default_str();
    c.add_option("--timeout", v.timeout, both("giới hạn thời gian mỗi yêu cầu (giây)", "timeout per request (seconds)"))
        ->type_name("SEC")
        ->capture_default_str();
    c.add_option("--connect-to", v.connect_to,
                 both("nối mọi trang đến địa chỉ này (trang giả lập cục bộ)",
                      "reach every site's host at this address (local fake sites)"))
        ->type_name("ADDR:PORT");
    c.add_flag("--no-ocr", v.no_ocr, both("không đọc chữ trong ảnh banner", "do not read banner images (OCR)"));
    c.add_flag("--allow-private", v.allow_private,
               both("cho phép địa chỉ nội bộ (127.0.0.1...)", "allow private addresses (127.0.0.1...)"));
    c.add_flag("-q", v.quiet, both("không hiện tiến độ", "no progress on stderr"));
  }
  {
    auto& c = *app.add_subcommand("aggregate", both("đọc nguồn tin của các trường vào kho dữ liệu",
                                                    "read the schools' feeds into the store"));
    o.run[&c] = [&o] { return run_aggregate(o.aggregate); };
    auto& g = o.aggregate;
    c.add_option("--data", g.data, both("thư mục dữ liệu của cổng (pbgdpl.db)", "the portal's data folder (pbgdpl.db)"))
        ->type_name("DIR");
    c.add_option("--unit", g.units, both("đơn vị có các trường cần đọc (mặc định: tất cả)",
                                         "a unit whose schools are read (default: all)"))
        ->type_name("UNIT")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    c.add_option("--subscribe", g.subscribe, both("đặt nguồn tin của một trường", "set a school's feed"))
        ->type_name("SCHOOL=URL")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    c.add_flag("--force", g.force, both("đọc cả nguồn tin lỗi đang chờ thử lại", "also read failing feeds still waiting to retry"));
    c.add_flag("--allow-private", g.allow_private,
               both("cho phép địa chỉ nội bộ (127.0.0.1, mạng riêng)", "allow loopback and private addresses"));
    c.add_flag("--no-discover", g.no_discover,
               both("không tìm nguồn tin trên trang của trường", "do not look for feeds on school sites"));
    c.add_option("--concurrency", g.concurrency, both("số nguồn tin đọc cùng lúc", "feeds read at once"))
        ->type_name("N")
        ->check(CLI::Range(1, 64));
    c.add_option("--timeout", g.timeout, both("giây cho mỗi nguồn tin", "seconds per feed"))
        ->type_name("SECONDS")
        ->check(CLI::Range(1, 600));
  }
  {
    auto& c = *app.add_subcommand(
        "syndicate", both("lập, ký và gửi gói liên thông của một đơn vị lên cổng thành phố",
                          "build, sign and push a unit's syndication package to the city portal"));
    o.run[&c] = [&o] { return run_syndicate(o.syndicate); };
    auto& v = o.syndicate;
    c.add_option("--unit", v.unit, both("đơn vị có nội dung cần gửi", "the unit whose content is sent"))
        ->type_name("UNIT")
        ->required();
    c.add_option("--data", v.data, both("thư mục dữ liệu của cổng (pbgdpl.db)", "the portal's data folder (pbgdpl.db)"))
        ->type_name("DIR")
        ->capture_default_str();
    add_key_options(c, v.key, "khóa ký gói (mặc định DIR/syndication.key, không mã hóa)",
                    "the key that signs (default DIR/syndication.key, unencrypted)");
    c.add_option("--base-url", v.base_url,
                 both("địa chỉ các trang của đơn vị, cho liên kết của từng mục", "where the unit's pages are, for each item's link"))
        ->type_name("URL")
        ->capture_default_str();
    c.add_option("-o", v.out, both("thư mục ghi goi.json và goi.json.minisig", "folder to write goi.json and goi.json.minisig"))
        ->type_name("DIR")
        ->capture_default_str();
    c.add_option("--push", v.push, both("địa chỉ nhận của cổng thành phố (không có: chỉ ghi tệp)",
                                       "the city's endpoint (none: only write the files)"))
        ->type_name("URL");
    c.add_option("--header", v.headers, both("thêm tiêu đề cho mỗi lần gửi", "a header added to each push"))
        ->type_name("\"NAME: VALUE\"")
        ->allow_extra_args(false);
    c.add_option("--attempts", v.attempts, both("số lần gửi tối đa", "at most this many attempts"))->capture_default_str();
    c.add_option("--retry-base", v.retry_base, both("chờ trước lần gửi lại đầu tiên (giây)", "wait before the first retry (seconds)"))
        ->capture_default_str();
    c.add_option("--timeout", v.timeout, both("giới hạn mỗi lần gửi (giây)", "limit per attempt (seconds)"))->capture_default_str();
    c.add_flag("--allow-private", v.allow_private,
               both("cho phép gửi tới địa chỉ nội bộ (127.0.0.1, mạng LAN)", "allow an endpoint on a private address (127.0.0.1, LAN)"));
    c.footer("Mỗi lần gửi lại dùng cùng Idempotency-Key; nhật ký gửi được lưu trong pbgdpl.db.\n"
             "Every retry sends the same Idempotency-Key; the delivery log is kept in pbgdpl.db.");
  }
  {
    auto& p = *app.add_subcommand("plugins", both("plugin trong các thư mục plugin", "the plugins in the plugin directories"));
    p.require_subcommand(1);
    auto& v = o.plugins;
    auto dirs = [&v](CLI::App& c) {
      c.add_option("--dir", v.dirs, both("thư mục plugin (thêm vào PBGDPL_PLUGIN_PATH)", "a plugin directory (besides PBGDPL_PLUGIN_PATH)"))
          ->type_name("DIR")
          ->allow_extra_args(false);
      c.add_flag("--json", v.json, both("in kết quả dạng JSON", "print JSON"));
    };
    {
      auto& c = *p.add_subcommand("list", both("liệt kê các tệp khai báo (không nạp mã)", "list the manifests (no code is loaded)"));
      o.run[&c] = [&o] { return run_plugins(o.plugins); };
      dirs(c);
    }
    {
      auto& c = *p.add_subcommand("check", both("nạp thử từng plugin và cho biết lỗi nếu có",
                                                "load each plugin and say why one does not"));
      o.run[&c] = [&o] {
        o.plugins.check = true;
        return run_plugins(o.plugins);
      };
      c.add_option("ID", v.id, both("chỉ kiểm tra plugin này", "check only this plugin"))->type_name("ID");
      dirs(c);
      c.footer("Mã thoát: 0 mọi plugin nạp được, 1 có plugin không nạp được.\n"
               "Exit codes: 0 every plugin loads, 1 one does not.");
    }
  }
  {
    auto& b = *app.add_subcommand("bookcase", both("Tủ sách pháp luật điện tử quốc gia: nhập, xuất danh mục",
                                                   "the National Electronic Legal Bookcase: catalogue import and export"));
    b.require_subcommand(1);
    auto common = [](CLI::App& c, bookcase_options& v) {
      c.add_option("--plugin-dir", v.plugin_dir, both("thư mục có plugin bookcase (bookcase.json)", "the folder holding the bookcase plugin (bookcase.json)"))
          ->type_name("DIR")
          ->required();
      c.add_option("--db", v.db, both("kho dữ liệu SQLite của cổng (pbgdpl.db)", "the portal's SQLite store (pbgdpl.db)"))
          ->type_name("FILE")
          ->required();
      c.add_option("--format", v.format, both("định dạng danh mục", "the catalogue's format", "csv, json"))
          ->type_name("FORMAT")
          ->check(one_of({"csv", "json"}))
          ->capture_default_str();
    };
    {
      auto& c = *b.add_subcommand("import", both("nhập danh mục vào kho (một giao dịch; nhập lại thì cập nhật)",
                                                 "import a catalogue into the store (one transaction; again: updates)"));
      o.run[&c] = [&o] { return run_bookcase_import(o.bookcase_import); };
      auto& v = o.bookcase_import;
      common(c, v);
      c.add_option("file", v.file, both("tệp danh mục", "the catalogue file"))->type_name("FILE")->required();
      c.add_option("--unit", v.unit, both("đơn vị giữ sách nhập về", "the unit that keeps imported books"))->type_name("UNIT");
      c.add_option("--level", v.level, both("cấp của văn bản không ghi cấp", "the level of documents that give none",
                                            "central, city, district, sector, school"))
          ->type_name("LEVEL")
          ->check(one_of({"central", "city", "district", "sector", "school"}));
      c.add_flag("--accept-warnings", v.accept_warnings,
                 both("vẫn nhập các dòng đúng khi có dòng hỏng", "import the good rows even when some are bad"));
    }
    {
      auto& c = *b.add_subcommand("export", both("xuất văn bản và sách trong kho ra danh mục",
                                                 "export the store's documents and books as a catalogue"));
      o.run[&c] = [&o] { return run_bookcase_export(o.bookcase_export); };
      auto& v = o.bookcase_export;
      common(c, v);
      c.add_option("-o", v.file, both("tệp ghi ra (mặc định: màn hình)", "the file to write (default: stdout)"))->type_name("FILE");
      c.add_option("--unit", v.unit, both("chỉ sách của đơn vị này", "only this unit's books"))->type_name("UNIT");
      c.add_flag("--include-drafts", v.include_drafts, both("xuất cả bản nháp", "export drafts too"));
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
  }
}
