// The editorial workflow (publish/workflow.hpp), the accounts in the store (portal/accounts.hpp)
// and the permission of every role for every workflow step, on the demo's units.
#include <pbgdpl/portal/accounts.hpp>
#include <pbgdpl/portal/editor.hpp>
#include <pbgdpl/publish/workflow.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace pbgdpl;
namespace fs = std::filesystem;

namespace {

dataset seed_data() {
  auto raw = store::read_dataset_directory(std::string(PBGDPL_SOURCE_DIR) + "/data/seed");
  REQUIRE(raw);
  auto d = dataset_from_json(*raw);
  REQUIRE(d);
  return *d;
}

article draft_at(const std::string& unit) {
  article a;
  a.id = article_id{"bai-thu"};
  a.unit = unit_id{unit};
  a.title = "Bài thử";
  a.body_markdown = "Nội dung";
  a.author = account_id{"acc-school-editor"};
  a.created_at = a.updated_at = now();
  return a;
}

}  // namespace

TEST_CASE("the workflow refuses steps that are not edges of the machine") {
  auto a = draft_at("th-van-yen");
  const auto t = now();
  CHECK(publish::apply(a, publish::step::publish, t).err().code == errc::conflict);
  CHECK(publish::apply(a, publish::step::approve, t).err().code == errc::conflict);
  CHECK(a.state == article_state::draft);
  REQUIRE(publish::apply(a, publish::step::submit, t));
  CHECK(a.state == article_state::submitted);
  CHECK(publish::apply(a, publish::step::reject, t, "   ").err().code == errc::missing_field);
  CHECK(a.state == article_state::submitted);
  REQUIRE(publish::apply(a, publish::step::approve, t));
  CHECK(publish::apply(a, publish::step::publish, t, {}, t - std::chrono::hours(1)).err().code == errc::invalid_argument);
  auto later = t + std::chrono::hours(2);
  REQUIRE(publish::apply(a, publish::step::publish, t, {}, later));
  CHECK(a.state == article_state::published);
  CHECK(a.published_at == later);
  CHECK_FALSE(is_visible_at(a, t));
  CHECK(is_visible_at(a, later));
  REQUIRE(publish::apply(a, publish::step::archive, t));
  REQUIRE(publish::apply(a, publish::step::reopen, t));
  CHECK(a.state == article_state::draft);
  CHECK_FALSE(a.published_at);
}

// Every role of the demo against every workflow step, for content of a school (th-van-yen) and of
// the ward office that took over the division's duties (vhxh-phuong-ha-dong), on a day after the
// reform. The expected answers are written out: a change to the permission function that moves
// any of them fails here.
TEST_CASE("every role against every workflow step, at a school and at the ward office") {
  auto seed = seed_data();
  auto tree = unit_directory::at(seed.units, date{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{1}});
  std::map<std::string, account> by_id;
  for (const auto& a : seed.accounts) by_id[a.id.value] = a;
  // step order: submit withdraw approve reject publish archive reopen
  struct row {
    const char* account;
    const char* unit;
    const char* expected;  // 1 = may, 0 = may not, per step in the order above
  };
  const row rows[] = {
      {"acc-school-editor", "th-van-yen", "1100001"},
      {"acc-school-approver", "th-van-yen", "1111111"},
      {"acc-division-editor", "th-van-yen", "0000000"},
      // Those above approve, return, publish and take down a school's content; they do not write it.
      {"acc-division-approver", "th-van-yen", "0011110"},
      {"acc-city-official", "th-van-yen", "0011110"},
      {"acc-signage-operator", "th-van-yen", "0000000"},
      {"acc-auditor", "th-van-yen", "0000000"},
      {"acc-school-editor", "vhxh-phuong-ha-dong", "0000000"},
      {"acc-school-approver", "vhxh-phuong-ha-dong", "0000000"},
      {"acc-division-editor", "vhxh-phuong-ha-dong", "1100001"},
      {"acc-division-approver", "vhxh-phuong-ha-dong", "1111111"},
      {"acc-city-official", "vhxh-phuong-ha-dong", "0011110"},
      {"acc-signage-operator", "vhxh-phuong-ha-dong", "0000000"},
      {"acc-auditor", "vhxh-phuong-ha-dong", "0000000"},
  };
  const publish::step steps[] = {publish::step::submit, publish::step::withdraw, publish::step::approve, publish::step::reject,
                                 publish::step::publish, publish::step::archive, publish::step::reopen};
  const article_state from[] = {article_state::draft, article_state::submitted, article_state::submitted,
                                article_state::submitted, article_state::approved, article_state::published,
                                article_state::archived};
  for (const auto& r : rows) {
    REQUIRE(by_id.count(r.account));
    std::string got;
    for (std::size_t i = 0; i < 7; ++i) {
      const auto* rule = publish::find_rule(steps[i], from[i]);
      REQUIRE(rule);
      got += trust::allowed(by_id[r.account], rule->needs, unit_id{r.unit}, tree) ? '1' : '0';
    }
    const std::string who = std::string(r.account) + " at " + r.unit;
    CHECK_MESSAGE(got == std::string(r.expected), who);
  }
}

TEST_CASE("an approval signs the article's content: minisign verifies it, a changed body breaks it") {
  auto a = draft_at("th-van-yen");
  auto key = trust::secret_key::generate();
  auto r = publish::sign_article_approval(a, key, role::school_approver, unit_id{"th-van-yen"}, now(), 1);
  REQUIRE(r);
  CHECK(publish::verify_article_approval(a, *r, key.public_part()));
  // The real minisign tool verifies the same bytes with the same key.
  auto dir = fs::temp_directory_path() / ("pbgdpl-approval-" + random_id_string());
  fs::create_directories(dir);
  std::ofstream(dir / "content") << publish::approved_content(a);
  std::ofstream(dir / "content.minisig") << r->signature;
  std::ofstream(dir / "key.pub") << key.public_part().to_file();
  auto cmd = "minisign -Vm '" + (dir / "content").string() + "' -p '" + (dir / "key.pub").string() + "' >/dev/null 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
  fs::remove_all(dir);
  auto changed = a;
  changed.body_markdown += " (sửa sau khi duyệt)";
  CHECK(publish::verify_article_approval(changed, *r, key.public_part()).err().code == errc::tampered);
  auto other = trust::secret_key::generate();
  CHECK_FALSE(publish::verify_article_approval(a, *r, other.public_part()));
}

TEST_CASE("accounts live in the store: sign-in, sessions renewed, sign-out, throttling, API keys") {
  store::memory_store db;
  auto seed = seed_data();
  REQUIRE(store::import_dataset(db, seed));
  timestamp t = now();
  portal::account_limits l;
  l.passwords.opslimit = 1;
  l.passwords.memlimit = 8192 * 1024;  // fast hashes for the test
  l.per_account.max_failures = 3;
  portal::account_service acc(db, [&] { return t; }, l);
  REQUIRE(acc.set_password(account_id{"acc-school-approver"}, "mat-khau-dai-1", "test"));
  auto cred = db.get<credential>("acc-school-approver");
  REQUIRE(cred);
  CHECK(cred->password_hash.starts_with("$argon2id$"));
  CHECK(cred->password_hash.find("mat-khau-dai-1") == std::string::npos);
  CHECK_FALSE(cred->approval_public_key.empty());  // an approver gets a signing key

  auto s1 = acc.sign_in("tran.van.hung", "mat-khau-dai-1", "10.0.0.1");
  REQUIRE(s1);
  auto s2 = acc.sign_in("tran.van.hung", "mat-khau-dai-1", "10.0.0.1");
  REQUIRE(s2);
  CHECK(s1->token != s2->token);  // a new session at every sign-in
  CHECK(acc.session(s1->token));
  // Only the hash is stored.
  CHECK_FALSE(db.get<access_token>(s1->token));
  CHECK(db.get<access_token>(trust::token_hash(s1->token)));
  REQUIRE(acc.sign_out(s1->token));
  CHECK_FALSE(acc.session(s1->token));
  CHECK(acc.session(s2->token));
  t += std::chrono::hours(9);  // past the working day's lifetime
  CHECK_FALSE(acc.session(s2->token));

  // Wrong passwords: refused alike, then throttled (even the right one waits), then free again.
  CHECK(acc.sign_in("tran.van.hung", "sai", "10.0.0.2").err().code == errc::unauthenticated);
  CHECK(acc.sign_in("khong-co-ai", "sai", "10.0.0.2").err().code == errc::unauthenticated);
  CHECK(acc.sign_in("tran.van.hung", "sai", "10.0.0.3").err().code == errc::unauthenticated);
  CHECK(acc.sign_in("tran.van.hung", "sai", "10.0.0.4").err().code == errc::unauthenticated);
  CHECK(acc.sign_in("tran.van.hung", "mat-khau-dai-1", "10.0.0.5").err().code == errc::too_many_attempts);
  t += std::chrono::minutes(16);
  CHECK(acc.sign_in("tran.van.hung", "mat-khau-dai-1", "10.0.0.5"));

  // The approval key opens only with the password.
  CHECK(acc.approval_key(account_id{"acc-school-approver"}, "sai").err().code == errc::unauthenticated);
  REQUIRE(acc.approval_key(account_id{"acc-school-approver"}, "mat-khau-dai-1"));

  // API keys: in the store, usable until revoked.
  auto k = acc.issue_api_key(account_id{"acc-school-editor"}, "phần mềm quản lý", std::chrono::hours(24), "test");
  REQUIRE(k);
  CHECK(acc.api_key_account(k->token));
  CHECK_FALSE(acc.session(k->token));  // an API key is not a session
  REQUIRE(acc.revoke(k->record.id, "test"));
  CHECK_FALSE(acc.api_key_account(k->token));
}

TEST_CASE("a password change ends every session, and a disabled account's sessions and API keys stop at once") {
  store::memory_store db;
  auto seed = seed_data();
  REQUIRE(store::import_dataset(db, seed));
  timestamp t = now();
  portal::account_limits l;
  l.passwords.opslimit = 1;
  l.passwords.memlimit = 8192 * 1024;
  portal::account_service acc(db, [&] { return t; }, l);
  REQUIRE(acc.set_password(account_id{"acc-school-editor"}, "mat-khau-cu-1", "test"));
  auto laptop = acc.sign_in("nguyen.thi.lan", "mat-khau-cu-1", "10.0.0.1");
  auto shared_pc = acc.sign_in("nguyen.thi.lan", "mat-khau-cu-1", "10.0.0.2");
  REQUIRE(laptop);
  REQUIRE(shared_pc);
  REQUIRE(acc.set_password(account_id{"acc-school-approver"}, "mat-khau-khac", "test"));
  auto other = acc.sign_in("tran.van.hung", "mat-khau-khac", "10.0.0.3");
  REQUIRE(other);
  auto key = acc.issue_api_key(account_id{"acc-school-editor"}, "phần mềm", std::chrono::hours(24), "test");
  REQUIRE(key);

  // In the same second as the sessions began: the change still ends them.
  REQUIRE(acc.set_password(account_id{"acc-school-editor"}, "mat-khau-moi-2", "acc-school-editor", "mat-khau-cu-1"));
  CHECK_FALSE(acc.session(laptop->token));
  CHECK_FALSE(acc.session(shared_pc->token));
  CHECK(acc.session(other->token));           // another account's session is untouched
  CHECK(acc.api_key_account(key->token));     // a program's key stays until revoked
  CHECK(acc.sign_in("nguyen.thi.lan", "mat-khau-cu-1", "10.0.0.4").err().code == errc::unauthenticated);
  auto again = acc.sign_in("nguyen.thi.lan", "mat-khau-moi-2", "10.0.0.4");
  REQUIRE(again);
  CHECK(acc.session(again->token));  // a session begun after the change lives

  // Signing out writes the session's revocation under the account's own id, byte for byte (a
  // short id was once read from the moved-from record: "\0cc-..." in the audit log, refused by
  // PostgreSQL, so the session stayed alive there).
  REQUIRE(acc.set_password(account_id{"acc-auditor"}, "mat-khau-kiem-tra", "test"));
  auto audit = acc.sign_in("hoang.thi.mai", "mat-khau-kiem-tra", "10.0.0.6");
  REQUIRE(audit);
  REQUIRE(acc.sign_out(audit->token));
  CHECK_FALSE(acc.session(audit->token));
  auto log = db.audit_log("access_token", trust::token_hash(audit->token));
  REQUIRE(log);
  REQUIRE(log->size() == 2);  // issued, revoked
  for (const auto& e : *log) CHECK(e.actor == "acc-auditor");

  // A rehash of the same password (sign-in under new parameters) is not a change.
  REQUIRE(acc.set_password(account_id{"acc-school-editor"}, "mat-khau-moi-2", "acc-school-editor", "mat-khau-moi-2"));
  CHECK(acc.session(again->token));

  // Disabling the account: its live session and its API key are refused from the next request.
  auto a = db.get<account>("acc-school-editor");
  REQUIRE(a);
  a->disabled = true;
  REQUIRE(db.update(std::move(*a), "test"));
  CHECK_FALSE(acc.session(again->token));
  CHECK_FALSE(acc.api_key_account(key->token));
  CHECK(acc.sign_in("nguyen.thi.lan", "mat-khau-moi-2", "10.0.0.5").err().code == errc::unauthenticated);
}
