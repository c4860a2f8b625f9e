// Upward syndication from the portal's store: the export package of one unit's own published
// content (network/syndication.hpp's format, built here because it needs publish/'s approved
// bytes), a signer that keeps one package per unit while its content is unchanged (so the
// package and its .minisig served on two URLs always match), and the background pusher the
// reference portal runs when --syndicate-url is set.
// Which key signs: the portal's own syndication key (one per installation, kept by the operator
// as a minisign .key, e.g. <data>/syndication.key), not an approver's: approvers' keys are
// encrypted with their passwords and sign only while they type them, while a package is made
// unattended. The approvals inside carry the approvers' own signatures.
// Thread safety: syndication_signer locks inside; a syndicator runs one thread of its own.
#pragma once
#include "../model/article.hpp"
#include "../model/unit.hpp"
#include "../network/syndication.hpp"
#include "../network/syndication_push.hpp"
#include "../store/store.hpp"
#include "../core/files.hpp"
#include "../trust/minisign.hpp"
#include "options.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

struct package_limits {
  std::size_t max_articles = 1000;   // newest first
  std::size_t max_documents = 1000;  // newest first
  // The items' estimated JSON size: newer items are kept, older ones left for a later package, so
  // a unit of long articles still gets a package the verifier's 8 MiB parse limit accepts.
  std::size_t max_bytes = 6u << 20;
};

// The package of `u`'s own content (not of the units below it: each unit sends its own) that is
// published and visible at `now`: its articles, each with the approval records that verify
// against its current bytes and the approvers' public keys, and the legal documents it issued.
// `links` gives absolute page URLs (base "https://school.example" or ".../don-vi/<unit>").
// generated_at is left at `now`; nothing of drafts, questions or accounts is read into it.
PBGDPL_DECL result<network::package> build_package(store::store& db, const unit& u, const urls& links, timestamp now,
                                                   const package_limits& limits = {});

// The Atom entry id of an article, the same in every feed of the portal: on the owning unit's
// domain ("tag:<host>,<year>:pbgdpl/article/<id>"), so a reader (or the city) following the
// school's and the division's feeds sees the article once.
// The approval records of `a` that verify against its current bytes with the key of the account
// that signed (its credential's public key), newest first; each key used is added to `keys`.
PBGDPL_DECL std::vector<approval_record> verified_approvals(store::store& db, const article& a,
                                                           std::map<std::string, std::string>* keys = nullptr);

PBGDPL_DECL std::string article_entry_id(std::string_view owner_website, const article& a);

// A portal data directory's syndication key: <dir>/syndication.key, made on first use
// (unencrypted: the server signs unattended; mode 0600 from the start) with its public half in
// syndication.pub, the file the city pins to check this portal's packages. The key appears whole
// or not at all (written aside, then linked into place), so two portals starting at once on one
// directory share the first one's key instead of one reading the other's half-written file.
PBGDPL_DECL result<std::shared_ptr<const trust::secret_key>> data_dir_syndication_key(const std::filesystem::path& dir);

// Signs packages with one key, keeping the last signed package per unit: a package whose
// content (everything but generated_at) is unchanged is answered with the same bytes and
// signature, so goi.json and goi.json.minisig fetched one after the other always match.
class syndication_signer {
 public:
  explicit syndication_signer(std::shared_ptr<const trust::secret_key> key) : key_(std::move(key)) {}
  const trust::secret_key& key() const noexcept { return *key_; }
  result<network::signed_package> sign(network::package p);

 private:
  std::shared_ptr<const trust::secret_key> key_;
  std::mutex mu_;
  // unit id + "/" + hex BLAKE2b-256 of the package with generated_at unset -> the package signed
  // for it (the same unit reached by two host names has two, their URLs differ). Bounded.
  std::map<std::string, network::signed_package> last_;
};

struct syndicator_options {
  unit_id unit;                  // whose package is pushed
  urls links;                    // absolute base of that unit's pages
  network::push_options push;    // url, retries, timeouts
  std::chrono::seconds interval{3600};  // how often the content is looked at again
  package_limits limits;
  std::function<timestamp()> now;  // default: pbgdpl::now
};

// Pushes the unit's package at start and then, each interval, when its content changed since
// the last delivered push (a failed push is tried again at the next round, rebuilt from the
// store: nothing is lost). Every push is in the delivery log (network::list_pushes).
class syndicator {
 public:
  syndicator(store::store& db, std::shared_ptr<syndication_signer> signer, syndicator_options o);
  syndicator(const syndicator&) = delete;
  syndicator& operator=(const syndicator&) = delete;
  ~syndicator();

  void start();
  // Stops the thread; a push under way gives up at its next wait (each POST bounded by its timeout).
  void stop();
  // One round on the caller's thread: the push made (nullopt when nothing changed).
  result<std::optional<syndication_push>> run_once();

 private:
  timestamp now() const { return opt_.now ? opt_.now() : pbgdpl::now(); }
  void loop();

  store::store& db_;
  std::shared_ptr<syndication_signer> signer_;
  syndicator_options opt_;
  std::string delivered_fingerprint_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/syndication.ipp"
#endif
