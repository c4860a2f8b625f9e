// The social publishers: one instance posts to one account of one platform (a Facebook Page, a
// YouTube channel, an X account, a Zalo Official Account) through an idempotent queue kept in a
// file, so that a post asked for twice is sent once, failures are retried with back-off, and a
// restart loses nothing. All HTTP goes through the host (services::http), which applies its
// policy; tokens come from the configuration and never appear in a log line or an error.
#pragma once
#include "services.hpp"

#include <pbgdpl/core/errors.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace plugin::social {

enum class platform { facebook, youtube, x, zalo };
std::string_view platform_name(platform p) noexcept;

// One publish request, platform-neutral (the shape of pbgdpl_publisher_api::publish).
struct media_item {
  std::string url;
  std::string type;  // "image/jpeg", "video/mp4"
};
struct post {
  std::string id;  // the idempotency key
  std::string channel, title, text, url;
  std::vector<media_item> media;
  std::optional<timestamp> published_at;  // not before
};
// Reads {"id", "channel"?, "title"?, "text"?, "url"?, "media"?, "published_at"?}, or the same
// with the content taken from a model entity: {"id"?, "article": {...}} (title, summary, the
// Markdown body as text, "url" or the portal link given beside it) or {"id"?, "channel_post":
// {...}} (title, url). "id" defaults to the entity's id. Bounded: 64 KiB of text, 16 media.
result<post> post_from_json(const json& j);
json to_json(const post& p);

// --- Text limits -------------------------------------------------------------------------------
// The length X gives a text (twitter-text 3.0 "weighted length", the counting the 280 limit uses):
// every code point in U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F or U+2032-U+2037 counts 1, any
// other counts 2 (so precomposed Vietnamese letters of U+1EA0-U+1EF9 count 2 each), and every
// http:// or https:// URL counts 23 whatever its length (t.co wrapping).
std::size_t x_weighted_length(std::string_view text);
// At most `max` code points of `s`, cut at a code point (and, when possible, a space) with "…".
std::string fit_code_points(std::string_view s, std::size_t max);
// The text of a post for each platform, within its limit (all include the link when there is one).
std::string x_text(const post& p);             // <= 280 weighted
std::string facebook_message(const post& p);   // <= 63,206 code points
std::string zalo_message_text(const post& p);  // <= 2,000 code points

// --- Configuration -----------------------------------------------------------------------------
struct config {
  platform kind = platform::facebook;
  std::string base_url;  // default: the platform's own API host
  std::string token;     // page access token, OAuth 2.0 bearer token, or the OA access_token
  // Facebook
  std::string page_id;
  std::string graph_version = "v21.0";
  // YouTube
  std::string privacy_status = "public";
  std::string category_id = "27";  // Education
  std::size_t max_video_bytes = 256u << 20;
  // Zalo
  std::string zalo_mode = "article";  // "article" (an OA article) or "message" (a CS message)
  std::string zalo_user_id;           // the recipient of "message"
  std::string zalo_author;
  std::string zalo_cover_url;  // the cover of an article without an image of its own
  // The queue
  std::filesystem::path state_dir;  // required: <state_dir>/social-<name>.json
  std::string name;                 // [a-z0-9_-]{1,64}; default: the platform's name
  unsigned max_attempts = 6;
  std::chrono::seconds retry_first{30};
  std::chrono::seconds retry_max{6 * 3600};
  std::chrono::milliseconds timeout{30'000};
  std::size_t max_items = 10'000;                  // entries kept (pending and finished)
  std::chrono::seconds keep_finished{90 * 86400};  // finished entries forgotten after this
};
// From the instance's configuration JSON; unknown keys are refused (a misspelt "token" must not
// pass silently). Errors never quote the token.
result<config> config_from_json(const json& j);

// What one attempt gave (internal, exposed for tests).
struct outcome {
  enum class kind { sent, retry, fail } what = kind::fail;
  std::string remote_id, remote_url;
  error err;
  std::optional<std::chrono::seconds> retry_after;
};

// The queue. Not thread-safe: the host serialises calls to one instance (the descriptor does not
// claim PBGDPL_PLUGIN_THREAD_SAFE).
class publisher_queue {
 public:
  // Reads the state file; throws pbgdpl::exception (errc::corrupt) when it does not decode, and
  // errc::unsafe_path when it is not a regular file: never a silent reset.
  publisher_queue(services s, config c);

  // Queues the post (the same id again returns the first one's state, sending nothing) and tries
  // it at once when it is due. -> {"state", "remote_id"?, "remote_url"?, "attempts",
  // "next_attempt_at"?, "last_error"?}
  result<json> publish(const json& request);
  // Tries at most `max` entries that are due. -> {"sent", "failed", "queued", "items": [...]}
  result<json> drain(std::size_t max);

  const config& settings() const noexcept { return cfg_; }
  std::filesystem::path state_file() const;

 private:
  struct entry {
    std::string id;
    json post;  // dropped once finished (the file keeps only what idempotency needs)
    std::string state = "queued";
    unsigned attempts = 0;
    timestamp created_at{}, next_attempt_at{};
    std::optional<timestamp> finished_at;
    std::string remote_id, remote_url;
    std::optional<error> last_error;
    json resume = json::object();  // a platform's progress (YouTube's upload session)
  };
  void load();
  result<void> save();
  void prune(timestamp now);
  json state_of(const entry& e) const;
  void attempt(entry& e);
  outcome send(entry& e, const post& p);
  outcome send_facebook(const post& p);
  outcome send_x(const post& p);
  outcome send_zalo(const post& p);
  outcome send_youtube(entry& e, const post& p);
  outcome classify(const result<http_response>& r, std::string_view what_vi, std::string_view what_en);
  result<http_response> call(http_request r);
  std::string scrub(std::string s) const;
  void log(pbgdpl_log_level level, const std::string& m) const;

  services svc_;
  config cfg_;
  std::vector<entry> entries_;
  std::map<std::string, std::size_t, std::less<>> by_id_;
};

}  // namespace plugin::social
PBGDPL_NAMESPACE_END
