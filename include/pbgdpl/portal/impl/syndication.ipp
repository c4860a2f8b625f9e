// Bodies of portal/syndication.hpp: compiled once into the portal tier
// (src/portal/syndication.cpp), or included by the header in header-only builds.
#pragma once
#include "../syndication.hpp"

#include "../../model/credential.hpp"
#include "../../model/legal_document.hpp"
#include "../../publish/workflow.hpp"

#include <cerrno>
#include <cstring>
#include <set>
#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL std::string article_entry_id(std::string_view owner_website, const article& a) {
  std::string host(owner_website);
  if (auto p = host.find("://"); p != std::string::npos) host = host.substr(p + 3);
  if (auto s = host.find('/'); s != std::string::npos) host.resize(s);
  if (host.empty()) host = "pbgdpl.invalid";
  return "tag:" + host + "," + std::to_string(static_cast<int>(local_date(a.created_at).year())) +
         ":pbgdpl/article/" + a.id.value;
}

namespace detail {
// Every entity a list gives, page after page, up to `max`.
template <class T, class F>
result<void> each_listed(store::store& db, store::list_query q, std::size_t max, F&& f) {
  std::size_t n = 0;
  q.limit = 100;
  do {
    auto p = db.list<T>(q);
    if (!p) return p.err();
    for (auto& x : p->items) {
      if (n++ >= max) return {};
      f(x);
    }
    q.cursor = p->next_cursor;
  } while (!q.cursor.empty());
  return {};
}
}  // namespace detail

PBGDPL_DECL std::vector<approval_record> verified_approvals(store::store& db, const article& a,
                                                           std::map<std::string, std::string>* keys) {
  std::vector<approval_record> out;
  store::list_query q;
  q.where.category = a.id.value;
  q.limit = 20;
  auto rs = db.list<approval_record>(q);
  if (!rs) return out;
  for (auto& r : rs->items) {
    if (r.content_id != a.id.value || !r.approver) continue;
    auto c = db.get<credential>(r.approver->value);
    if (!c || c->approval_public_key.empty()) continue;
    auto pk = trust::public_key::parse(c->approval_public_key);
    if (!pk || !publish::verify_article_approval(a, r, *pk)) continue;
    if (keys) keys->emplace(pk->id.hex(), pk->base64());
    out.push_back(std::move(r));
  }
  return out;
}

PBGDPL_DECL result<network::package> build_package(store::store& db, const unit& u, const urls& links, timestamp now,
                                                   const package_limits& limits) {
  network::package p;
  p.unit = {u.id, u.name, std::string(to_string(u.kind)), rules::is_web_url(u.website) ? u.website : std::string()};
  p.generated_at = now;
  std::map<std::string, std::string> keys;  // key id (upper case) -> base64 public key
  // What an item adds to the package's JSON, roughly: its content escaped inside a string (a
  // quarter more for the quotes of its JSON) and each approval record with its signature.
  // Once one does not fit, no older one is taken (the package is "the newest N", without gaps).
  std::size_t bytes = 0;
  bool full = false;
  auto fits = [&](const network::package_item& it) {
    std::size_t b = 600 + it.content.size() + it.content.size() / 4;
    for (const auto& a : it.approvals) b += 800 + a.signature.size();
    if (full || bytes + b > limits.max_bytes) return !(full = true);
    bytes += b;
    return true;
  };
  store::list_query q;
  q.where.unit = u.id.value;
  q.where.include_descendants = false;
  q.where.state = std::string(to_string(article_state::published));
  q.where.visible_at = now;
  auto ok = detail::each_listed<article>(db, q, limits.max_articles, [&](const article& a) {
    if (!is_visible_at(a, now) || a.unit != u.id) return;
    auto approvals = verified_approvals(db, a, &keys);
    auto it = network::article_item(a.id.value, links.article(a.id.value), a.published_at,
                                    std::max(a.updated_at, a.published_at.value_or(a.updated_at)),
                                    publish::approved_content(a), approvals);
    if (fits(it)) p.items.push_back(std::move(it));
  });
  if (!ok) return ok.err();

  full = false;  // documents are a list of their own, newest first too
  store::list_query dq;
  dq.where.unit_in = {u.id.value};
  dq.where.state = std::string(to_string(article_state::published));
  ok = detail::each_listed<legal_document>(db, dq, limits.max_documents, [&](const legal_document& d) {
    if (d.state != article_state::published || !d.unit || *d.unit != u.id) return;
    auto j = to_json_value(d);
    j.erase("body_html");  // made from body_markdown by the server
    network::package_item it;
    it.kind = "legal_document";
    it.id = d.id.value;
    it.url = links.document(d.id.value);
    it.updated_at = d.updated_at;
    try {
      it.content = trust::detail::compact(j);
    } catch (const std::exception&) {
      return;  // not UTF-8: never stored that way, but never a half-written package either
    }
    it.content_blake2b = trust::to_hex(trust::blake2b_256(it.content));
    if (fits(it)) p.items.push_back(std::move(it));
  });
  if (!ok) return ok.err();
  for (const auto& [id, key] : keys) p.approver_keys.push_back({id, key});
  return p;
}

PBGDPL_DECL result<network::signed_package> syndication_signer::sign(network::package p) {
  auto bare = p;
  bare.generated_at = timestamp{};
  bare.signer_key_id = key_->id().hex();
  std::string fingerprint;
  try {
    fingerprint = trust::to_hex(trust::blake2b_256(trust::detail::compact(to_json_value(bare))));
  } catch (const std::exception&) {
    return error(errc::invalid_utf8, {}, "Gói có văn bản không phải UTF-8", "The package holds text that is not UTF-8");
  }
  const auto memo_key = p.unit.id.value + "/" + fingerprint;
  std::lock_guard lock(mu_);
  if (auto it = last_.find(memo_key); it != last_.end()) return it->second;
  auto s = network::sign_package(std::move(p), *key_);
  if (!s) return s.err();
  if (last_.size() >= 256) last_.clear();
  last_.emplace(memo_key, *s);
  return s;
}

PBGDPL_DECL syndicator::syndicator(store::store& db, std::shared_ptr<syndication_signer> signer, syndicator_options o)
    : db_(db), signer_(std::move(signer)), opt_(std::move(o)) {
  auto outer = opt_.push.stopping;
  opt_.push.stopping = [this, outer] {
    if (outer && outer()) return true;
    std::lock_guard lock(mu_);
    return stopping_;
  };
}

PBGDPL_DECL syndicator::~syndicator() { stop(); }

PBGDPL_DECL void syndicator::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

PBGDPL_DECL void syndicator::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

PBGDPL_DECL result<std::optional<syndication_push>> syndicator::run_once() {
  auto u = db_.get<unit>(opt_.unit.value);
  if (!u) return u.err();
  auto p = build_package(db_, *u, opt_.links, now(), opt_.limits);
  if (!p) return p.err();
  auto s = signer_->sign(std::move(*p));
  if (!s) return s.err();
  // The signer answers unchanged content with the same bytes: the key tells whether it changed.
  auto key = network::idempotency_key(*s);
  if (key == delivered_fingerprint_) return std::optional<syndication_push>{};
  auto r = network::push(*s, opt_.push, &db_);
  if (!r) return r.err();
  if (r->state == delivery_state::delivered) delivered_fingerprint_ = key;
  return std::optional<syndication_push>(std::move(*r));
}

PBGDPL_DECL void syndicator::loop() {
  for (;;) {
    (void)run_once();  // the outcome is in the delivery log
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, opt_.interval, [this] { return stopping_; })) return;
  }
}

PBGDPL_DECL result<std::shared_ptr<const trust::secret_key>> data_dir_syndication_key(const std::filesystem::path& dir) {
  auto file = dir / "syndication.key";
  auto read_existing = [&]() -> result<std::shared_ptr<const trust::secret_key>> {
    auto text = files::read_regular(file, 4096);
    if (!text) return text.err();
    auto k = trust::secret_key::parse(*text);
    if (!k) return k.err();
    return std::make_shared<const trust::secret_key>(std::move(*k));
  };
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) return read_existing();
  auto k = trust::secret_key::generate();
  auto aside = dir / ("syndication.key.new-" + random_id_string().substr(0, 12));
  if (auto w = files::write_secret(aside, k.to_file(), files::if_exists::fail); !w) return w.err();
  // link() is create-if-absent: whoever links first wins, the other reads the winner's key.
  int linked = ::link(aside.c_str(), file.c_str());
  int link_errno = errno;
  ::unlink(aside.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) return read_existing();
    return error(errc::io_error, file.string(), "Không tạo được khóa ký gói tin",
                 std::string("Cannot create the syndication key: ") + std::strerror(link_errno));
  }
  if (auto w = files::replace_file(dir / "syndication.pub", k.public_part().to_file(), 0644); !w) return w.err();
  return std::make_shared<const trust::secret_key>(std::move(k));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
