// The pbgdpl tool's commands, apart from its command line: main.cpp includes CLI11 and this header,
// commands.cpp the pbgdpl headers, so the two compile side by side and a change to the help text
// does not recompile the trust layer (nor the reverse).
#pragma once
#include <string>
#include <vector>

namespace pbgdpl_cli {

// A mistake in the command line (exit code 2), in both languages.
struct usage_error {
  std::string vi, en;
};

// The values options take, checked exactly as written; each throws usage_error.
void check_seq(const std::string& s);     // decimal digits only, at most 2^64-1
void check_time(const std::string& s);    // 2024-09-01T00:00:00+07:00
void check_role(const std::string& s);    // a role's name
void check_use(const std::string& s);     // an approval use's name
void check_uses(const std::string& s);    // USE[,USE]
void check_level(const std::string& s);   // an approver role
void check_parent(const std::string& s);  // CHILD=PARENT
void check_bits(const std::string& s);    // 256 or 512
std::string approver_role_names();        // "school_approver, division_approver, city_official"
std::string use_names();                  // "portal, signage_school, signage_public, report"

// What each command is given (CLI11 fills these in main.cpp). Empty strings are options not given.

// -s KEY.key and -W, shared by the commands that sign.
struct key_options {
  std::string secret;
  bool unencrypted = false;
};

// The approval statement's fields (approve, bundle pack -s).
struct approval_options {
  std::string seq, unit, role, use, from, until;
};

struct keygen_options {
  std::string pub;
  key_options key;
  bool force = false;
};

struct sign_options {
  key_options key;
  std::string file, sig, comment;
};

struct verify_options {
  std::string pub, file, sig;
};

struct hash_options {
  std::vector<std::string> files;
  std::string bits = "256";
  bool etag = false;
};

struct delegate_options {
  key_options root;
  std::string approver_pub, authority, unit, role, uses, from, until, seq = "1", out;
};

struct approve_options {
  key_options key;
  approval_options approval;
  std::string file, id, content_id, sig;
};

struct pack_options {
  std::string path, content_id, title, approval_id;
  key_options key;
  approval_options approval;
};

struct bundle_verify_options {
  std::string path, root, authority, level, units, use, at, revocations, seen;
  std::vector<std::string> parents, delegations;
};

// pbgdpl crawl: the compliance crawler over a list of sites (crawl.cpp).
struct crawl_options {
  std::string sites;     // SITES.json: [{"url", "unit"?, "division_url"?}] or units with "website"
  std::string out;       // results JSON (default stdout)
  std::string division;  // the division portal's URL (criterion b)
  std::string today;     // TIME: "now" for criterion d (default: now)
  std::string connect_to;  // ADDR:PORT: every site's host is reached there (local fake sites)
  unsigned days = 30, concurrency = 8, budget = 12, timeout = 10;
  bool no_ocr = false, allow_private = false, quiet = false;
  // With --data and --unit: the open schools below the unit in the portal's store are crawled
  // (their websites) and the run is stored there, for the KPI page (instead of SITES.json).
  std::string data, unit;
};

// `aggregate`: read the feeds of the schools below some units into the store under --data.
struct aggregate_options {
  std::string data = "var";
  std::vector<std::string> units;       // the units whose schools are read (default: every root)
  std::vector<std::string> subscribe;   // SCHOOL=URL, configured before reading
  bool force = false;                   // also the failing feeds still in their backoff
  bool allow_private = false;           // feeds on loopback or the private network (tests, demo)
  bool no_discover = false;             // no look at school sites for <link rel=alternate>
  unsigned concurrency = 4;
  unsigned timeout = 15;                // seconds per feed
};

// `syndicate`: the export package of one unit, built from a portal's data directory (its SQLite
// store), signed, written as goi.json and goi.json.minisig, and optionally pushed.
struct syndicate_options {
  std::string data = "var";  // the portal's data directory: pbgdpl.db, syndication.key
  std::string unit;
  key_options key;           // default: <data>/syndication.key, unencrypted
  std::string base_url = "http://127.0.0.1:8080";  // the unit's pages, for the items' links
  std::string out = ".";
  std::string push;          // the city's endpoint; "" writes only
  std::vector<std::string> headers;  // "Name: value"
  unsigned attempts = 6, retry_base = 30, timeout = 30;
  bool allow_private = false;
};

// `plugins list` / `plugins check [ID]`: the plugin directories' manifests, and whether each
// library loads (plugins.cpp: the plugin tier).
struct plugins_options {
  std::vector<std::string> dirs;  // besides PBGDPL_PLUGIN_PATH
  std::string id;                 // check: only this plugin
  bool check = false;
  bool json = false;
};

// `bookcase import|export` (bookcase.cpp): the National Electronic Legal Bookcase's catalogue into
// and out of a portal's SQLite store, through the `bookcase` plugin found in plugin_dir.
struct bookcase_options {
  std::string plugin_dir;  // where bookcase.json and pbgdpl-bookcase.so are
  std::string db;          // the store (pbgdpl.db); import creates it when missing
  std::string format = "csv";
  std::string file;        // import: the catalogue; export: where to write ("" or "-": stdout)
  std::string unit;        // import: the unit that keeps imported books; export: only its books
  std::string level;       // import: the level of documents that give none (default central)
  bool accept_warnings = false;  // import: store the good rows of a catalogue with bad ones
  bool include_drafts = false;   // export: drafts too (imported books are drafts)
};

// Each runs one command and returns its exit code: 0 done, 1 refused (bad signature, tampered,
// expired, revoked...), 3 other error (I/O, malformed input), the reason printed in both
// languages. A mistake only the command can see (-p and -s naming one file) throws usage_error.
int run_keygen(const keygen_options& o);
int run_sign(const sign_options& o);
int run_verify(const verify_options& o);
int run_hash(const hash_options& o);
int run_delegate(const delegate_options& o);
int run_approve(const approve_options& o);
int run_bundle_pack(const pack_options& o);
int run_bundle_verify(const bundle_verify_options& o);
int run_crawl(const crawl_options& o);
int run_aggregate(const aggregate_options& o);  // aggregate.cpp: the store and network tiers
int run_syndicate(const syndicate_options& o);
int run_plugins(const plugins_options& o);  // exit 1 when a plugin does not load
int run_bookcase_import(const bookcase_options& o);  // bookcase.cpp: the plugin host and the store
int run_bookcase_export(const bookcase_options& o);

}  // namespace pbgdpl_cli
