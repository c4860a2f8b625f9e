// Definitions for portal/accounts.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../accounts.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL std::int64_t failure_throttle::blocked_for(const std::string& key, timestamp now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  auto until = it->second.first + l_.window;
  if (now >= until) {
    entries_.erase(it);
    return 0;
  }
  if (it->second.failures < l_.max_failures) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(until - now).count() + 1;
}

PBGDPL_DECL void failure_throttle::failed(const std::string& key, timestamp now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && now >= it->second.first + l_.window) {
    entries_.erase(it);
    it = entries_.end();
  }
  if (it == entries_.end()) {
    if (entries_.size() >= l_.max_keys) {
      // Forget the entry whose window started first (a linear pass, only when the table is full).
      auto oldest = entries_.begin();
      for (auto i = entries_.begin(); i != entries_.end(); ++i)
        if (i->second.first < oldest->second.first) oldest = i;
      entries_.erase(oldest);
    }
    it = entries_.emplace(key, entry{0, now}).first;
  }
  ++it->second.failures;
}

PBGDPL_DECL void failure_throttle::succeeded(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

PBGDPL_DECL account_service::account_service(store::store& db, clock now, account_limits l)
    : db_(db), now_(std::move(now)), l_(l), by_account_(l.per_account), by_client_(l.per_client) {}

PBGDPL_DECL bool account_service::verify_bounded(std::string_view hash, std::string_view password) {
  {
    std::unique_lock lock(hash_mu_);
    hash_cv_.wait(lock, [&] { return hashing_ < std::max<std::size_t>(1, l_.concurrent_hashes); });
    ++hashing_;
  }
  bool ok = trust::verify_password(hash, password, l_.passwords);
  {
    std::lock_guard lock(hash_mu_);
    --hashing_;
  }
  hash_cv_.notify_one();
  return ok;
}

namespace detail {
// Revokes every live session of `who` (a password change: set_password).
inline result<void> end_sessions(store::store& db, const account_id& who, timestamp t) {
  store::list_query q;
  q.limit = 100;
  q.where.unit_in = {who.value};  // an access token's subject is its indexed unit
  q.where.state = "live";
  std::vector<access_token> live;
  for (;;) {
    auto p = db.list<access_token>(q);
    if (!p) return p.err();
    for (auto& k : p->items)
      if (k.subject == who && k.kind == access_kind::session && !k.revoked_at) live.push_back(std::move(k));
    if (p->next_cursor.empty()) break;
    q.cursor = p->next_cursor;
  }
  for (auto& k : live) {
    k.revoked_at = t;
    auto u = db.update(std::move(k), who.value);
    if (!u) return u.err();
  }
  return {};
}
}  // namespace detail

PBGDPL_DECL result<void> account_service::set_password(const account_id& who, std::string_view password,
                                                       std::string_view actor,
                                                       std::optional<std::string_view> old_password) {
  auto acc = db_.get<account>(who.value);
  if (!acc) return acc.err();
  auto hash = trust::hash_password(password, l_.passwords);
  if (!hash) return hash.err();
  auto existing = db_.get<credential>(who.value);
  credential c;
  if (existing) c = *existing;
  else if (existing.err().code != errc::not_found) return existing.err();
  c.id = who;
  c.password_hash = std::move(*hash);
  c.password_changed_at = now();
  bool approver = false;
  for (const auto& g : acc->grants) approver = approver || is_approver_role(g.r);
  if (approver) {
    std::optional<trust::secret_key> key;
    if (!c.approval_secret_key.empty() && old_password) {
      auto k = trust::secret_key::parse(c.approval_secret_key, *old_password);
      if (!k) return k.err();
      key = std::move(*k);
    }
    // No key yet, or no old password to open it (an administrator's reset): a new key. Old
    // approvals still verify with the old public key kept in their records' key id history.
    if (!key) key = trust::secret_key::generate();
    c.approval_secret_key = key->to_file(password, l_.key_kdf);
    c.approval_public_key = key->public_part().to_file();
  }
  // A rehash at sign-in (the same password under new parameters) is no change of password.
  const bool changed = !(existing && old_password && *old_password == password);
  if (existing) {
    auto u = db_.update(std::move(c), actor);
    if (!u) return u.err();
  } else {
    auto cr = db_.create(std::move(c), actor);
    if (!cr) return cr.err();
  }
  // A new password ends every session of the account (issue 21): whoever learnt the old one, or
  // holds a cookie from a shared computer, is out; the holder signs in again. API keys are for
  // programs and stay until revoked by handle; disabling the account stops those too.
  if (changed) return detail::end_sessions(db_, who, now());
  return {};
}


PBGDPL_DECL result<access_token> account_service::store_token(const trust::issued_token& t, std::string label,
                                                               std::string_view actor) {
  access_token k;
  k.id = token_id{t.record.hash};
  k.handle = t.record.id;
  k.kind = t.record.kind == trust::token_kind::session ? access_kind::session : access_kind::api_key;
  k.subject = account_id{t.record.subject};
  k.label = std::move(label);
  k.created_at = t.record.created_at;
  k.expires_at = t.record.expires_at;
  k.revoked_at = t.record.revoked_at;
  return db_.create(std::move(k), actor);
}

PBGDPL_DECL result<signed_in> account_service::sign_in(std::string_view username, std::string_view password,
                                                       std::string_view client) {
  const auto t = now();
  const std::string name(username.substr(0, 64));
  const std::string account_key = "a:" + name, client_key = "c:" + std::string(client.substr(0, 64));
  auto wait = std::max(by_account_.blocked_for(account_key, t), by_client_.blocked_for(client_key, t));
  if (wait > 0)
    return error(errc::too_many_attempts, "/password",
                 "Đăng nhập sai quá nhiều lần. Hãy thử lại sau " + std::to_string((wait + 59) / 60) + " phút",
                 "Too many failed sign-ins. Try again in " + std::to_string((wait + 59) / 60) + " minutes");
  auto refuse = [&]() -> error {
    by_account_.failed(account_key, t);
    by_client_.failed(client_key, t);
    return error(errc::unauthenticated, "/password", "Tên đăng nhập hoặc mật khẩu không đúng",
                 "Wrong username or password");
  };
  if (password.size() > l_.passwords.max_length) return refuse();
  // The account by its username: the store keeps usernames in the account's sort column.
  std::optional<account> found;
  if (is_valid_username(name)) {
    store::list_query q;
    q.limit = 100;
    for (;;) {
      auto p = db_.list<account>(q);
      if (!p) return p.err();
      for (auto& a : p->items)
        if (a.username == name) found = std::move(a);
      if (found || p->next_cursor.empty()) break;
      q.cursor = p->next_cursor;
    }
  }
  std::optional<credential> cred;
  if (found && !found->disabled)
    if (auto c = db_.get<credential>(found->id.value)) cred = std::move(*c);
  // The same Argon2id work whether or not the account exists: timing tells nothing.
  static const std::string dummy = trust::hash_password("pbgdpl-no-such-account", l_.passwords).value_or("");
  bool ok = verify_bounded(cred ? cred->password_hash : dummy, password) && cred.has_value();
  if (!ok) return refuse();
  by_account_.succeeded(account_key);
  if (trust::needs_rehash(cred->password_hash, l_.passwords)) (void)set_password(found->id, password, found->id.value, password);
  auto issued = trust::issue_token(trust::token_kind::session, found->id.value, t, l_.session_lifetime);
  auto stored = store_token(issued, {}, found->id.value);
  if (!stored) return stored.err();
  return signed_in{std::move(issued.token), std::move(*stored), std::move(*found)};
}

PBGDPL_DECL std::optional<account> account_service::session(std::string_view token) {
  if (!token.starts_with(trust::token_prefix(trust::token_kind::session)) || token.size() > 200) return std::nullopt;
  auto k = db_.get<access_token>(trust::token_hash(token));
  if (!k || k->kind != access_kind::session || !is_live(*k, now())) return std::nullopt;
  auto a = db_.get<account>(k->subject.value);
  if (!a || a->disabled) return std::nullopt;
  return std::move(*a);
}

PBGDPL_DECL result<void> account_service::sign_out(std::string_view token) {
  if (token.size() > 200) return {};
  auto k = db_.get<access_token>(trust::token_hash(token));
  if (!k) return {};
  if (k->revoked_at) return {};
  k->revoked_at = now();
  // The actor is copied before the record is moved (issue 21): a view of the moved-from subject
  // read a cleared short-string buffer ("\0cc-auditor"), which PostgreSQL refused, so signing out
  // of a short account id silently left the session alive there.
  const std::string actor = k->subject.value;
  auto u = db_.update(std::move(*k), actor);
  if (!u) return u.err();
  return {};
}

PBGDPL_DECL result<trust::issued_token> account_service::issue_api_key(const account_id& who, std::string label,
                                                                      std::chrono::seconds lifetime,
                                                                      std::string_view actor) {
  auto a = db_.get<account>(who.value);
  if (!a) return a.err();
  auto issued = trust::issue_token(trust::token_kind::api_key, who.value, now(), lifetime);
  auto s = store_token(issued, std::move(label), actor);
  if (!s) return s.err();
  return issued;
}

PBGDPL_DECL result<void> account_service::revoke(const std::string& handle_or_hash, std::string_view actor) {
  std::optional<access_token> k;
  if (auto direct = db_.get<access_token>(handle_or_hash)) k = std::move(*direct);
  if (!k) {
    store::list_query q;
    q.limit = 100;
    q.where.include_archived = true;
    for (;;) {
      auto p = db_.list<access_token>(q);
      if (!p) return p.err();
      for (auto& x : p->items)
        if (x.handle == handle_or_hash) k = std::move(x);
      if (k || p->next_cursor.empty()) break;
      q.cursor = p->next_cursor;
    }
  }
  if (!k) return store::not_found_error("access_token", handle_or_hash);
  if (k->revoked_at) return {};
  k->revoked_at = now();
  auto u = db_.update(std::move(*k), actor);
  if (!u) return u.err();
  return {};
}

PBGDPL_DECL std::optional<account> account_service::api_key_account(std::string_view presented) {
  if (!presented.starts_with(trust::token_prefix(trust::token_kind::api_key)) || presented.size() > 200) return std::nullopt;
  auto k = db_.get<access_token>(trust::token_hash(presented));
  if (!k || k->kind != access_kind::api_key || !is_live(*k, now())) return std::nullopt;
  auto a = db_.get<account>(k->subject.value);
  if (!a || a->disabled) return std::nullopt;
  return std::move(*a);
}

PBGDPL_DECL result<std::size_t> account_service::import_token_records(const std::vector<trust::token_record>& rs,
                                                                      std::string_view actor) {
  std::size_t n = 0;
  auto r = db_.transaction([&]() -> result<void> {
    for (const auto& t : rs) {
      if (db_.get<access_token>(t.hash)) continue;
      trust::issued_token it;
      it.record = t;
      auto s = store_token(it, "imported from api-keys.json", actor);
      if (!s) return s.err();
      ++n;
    }
    return {};
  });
  if (!r) return r.err();
  return n;
}

PBGDPL_DECL result<trust::secret_key> account_service::approval_key(const account_id& who, std::string_view password) {
  auto c = db_.get<credential>(who.value);
  if (!c || c->approval_secret_key.empty())
    return error(errc::unknown_key, "/password", "Tài khoản chưa có khóa ký duyệt", "The account has no approval key");
  // The password typed to sign counts against the same per-account throttle as signing in: a
  // stolen session cannot guess it faster than a stranger guesses the sign-in.
  auto acc = db_.get<account>(who.value);
  const std::string key = "a:" + (acc ? acc->username : who.value);
  const auto t = now();
  if (auto wait = by_account_.blocked_for(key, t); wait > 0)
    return error(errc::too_many_attempts, "/password",
                 "Nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau " + std::to_string((wait + 59) / 60) + " phút",
                 "Too many wrong passwords. Try again in " + std::to_string((wait + 59) / 60) + " minutes");
  if (password.size() > l_.passwords.max_length || !verify_bounded(c->password_hash, password)) {
    by_account_.failed(key, t);
    return error(errc::unauthenticated, "/password", "Mật khẩu để ký không đúng", "Wrong password for signing");
  }
  auto k = trust::secret_key::parse(c->approval_secret_key, password);
  if (!k) return error(errc::bad_key, "/password", "Không mở được khóa ký duyệt", "The approval key cannot be opened");
  return std::move(*k);
}

PBGDPL_DECL result<trust::public_key> account_service::approval_public_key(const account_id& who) {
  auto c = db_.get<credential>(who.value);
  if (!c) return c.err();
  if (c->approval_public_key.empty())
    return error(errc::unknown_key, {}, "Tài khoản chưa có khóa ký duyệt", "The account has no approval key");
  return trust::public_key::parse(c->approval_public_key);
}

PBGDPL_DECL authenticator store_key_authenticator(account_service& accounts) {
  return [&accounts](std::string_view bearer) -> std::optional<http::principal> {
    auto acc = accounts.api_key_account(bearer);
    if (!acc) return std::nullopt;
    http::principal p;
    p.id = acc->id.value;
    p.name = acc->display_name;
    for (const auto& g : acc->grants) p.roles.emplace_back(to_string(g.r));
    return p;
  };
}

}  // namespace portal
PBGDPL_NAMESPACE_END
