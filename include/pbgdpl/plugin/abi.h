/* The pbgdpl plugin ABI: what a plugin library and the host exchange. Pure C (C99), no other
 * header of the project, so a plugin may be written in any language that can export a C symbol.
 * The C++ SDK (sdk.hpp) writes all of this for a C++ plugin; read docs/plugins.md first.
 *
 * ABI POLICY (numbered so that reviews can cite it)
 *  1. One exported symbol: pbgdpl_plugin_init (PBGDPL_PLUGIN_ENTRY). The host calls it once per
 *     load with what it offers (pbgdpl_host_info) and receives the plugin's descriptor.
 *  2. Versions: PBGDPL_ABI_MAJOR changes only when something existing changes meaning or layout;
 *     PBGDPL_ABI_MINOR when something is appended. The host refuses a plugin built for another
 *     major or for a newer minor, and accepts an older minor (the fields it lacks read as absent).
 *  3. Every struct starts with `uint32_t struct_size` (sizeof as the writer compiled it) and only
 *     grows at its end. A reader uses a field only when struct_size covers it (PBGDPL_ABI_HAS).
 *     A struct that claims more than the reader's ABI minor can hold is refused, not truncated.
 *  4. A function's signature never changes: a changed behaviour gets a new name with _v2.
 *  5. Documents cross the boundary as UTF-8 JSON text, (pointer, length), not NUL-terminated
 *     unless stated. Their shapes are written beside each function and in docs/plugins.md.
 *  6. Ownership is spelled beside every pointer: BORROWED (valid for the call only, never kept,
 *     never freed by the receiver), HOST-OWNED (allocated with host->alloc, freed by the host),
 *     PLUGIN-OWNED (freed by the plugin's own destroy callback), STATIC (lives as long as the
 *     library stays loaded).
 *  7. Errors: every call returns a pbgdpl_status; on anything but PBGDPL_OK the callee may fill
 *     `error` with a HOST-OWNED JSON object {"code": "<errc name>", "path": "...", "vi": "...",
 *     "en": "..."} (both messages for people). Nothing else is returned on failure.
 *  8. No C++ exception, longjmp or signal crosses the boundary. The SDK wraps every export in a
 *     barrier that turns an exception into PBGDPL_STATUS_INTERNAL (fail closed).
 *  9. Threads: the host may call one plugin instance from several threads at once only when the
 *     descriptor sets PBGDPL_PLUGIN_THREAD_SAFE; otherwise it serialises the calls. Host
 *     functions may be called from any thread.
 * 10. The host never unloads a library while an instance of it lives.
 */
#ifndef PBGDPL_PLUGIN_ABI_H
#define PBGDPL_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PBGDPL_ABI_MAJOR 1
#define PBGDPL_ABI_MINOR 0

/* The entry symbol's name, for dlsym. */
#define PBGDPL_PLUGIN_ENTRY "pbgdpl_plugin_init"

#if defined(_WIN32)
#define PBGDPL_PLUGIN_EXPORT __declspec(dllexport)
#else
#define PBGDPL_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* True when a struct of the given struct_size holds `member` (policy 3). */
#define PBGDPL_ABI_HAS(ptr, type, member) \
  ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, member) + sizeof(((type*)0)->member))

/* In C++ the ABI's enums get a fixed underlying type: a value another module returns outside the
 * list (a buggy plugin's 12345) is then a valid int the host checks and refuses, not undefined
 * behaviour on load. Same size and calling convention as the C enum. */
#ifdef __cplusplus
#define PBGDPL_ABI_ENUM_BASE : int
#else
#define PBGDPL_ABI_ENUM_BASE
#endif

typedef enum pbgdpl_status PBGDPL_ABI_ENUM_BASE {
  PBGDPL_STATUS_OK = 0,
  PBGDPL_STATUS_INVALID_ARGUMENT = 1, /* the request is malformed or refused as input */
  PBGDPL_STATUS_NOT_FOUND = 2,
  PBGDPL_STATUS_CONFLICT = 3,         /* a version check failed */
  PBGDPL_STATUS_ALREADY_EXISTS = 4,
  PBGDPL_STATUS_UNAVAILABLE = 5,      /* a server or network the plugin needs did not answer */
  PBGDPL_STATUS_UNSUPPORTED = 6,      /* this plugin does not do that (a format, a kind) */
  PBGDPL_STATUS_PERMISSION = 7,       /* refused by policy (the host's HTTP allow list...) */
  PBGDPL_STATUS_TOO_LARGE = 8,
  PBGDPL_STATUS_CORRUPT = 9,          /* stored data does not decode */
  PBGDPL_STATUS_VERSION = 10,         /* an ABI version the other side cannot serve */
  PBGDPL_STATUS_INTERNAL = 99         /* a bug or an exception caught by the barrier */
} pbgdpl_status;

/* What a plugin provides; the descriptor's `kinds` is a bit set of these. */
enum {
  PBGDPL_KIND_STORE = 1u << 0,     /* a store backend (pbgdpl_store_api) */
  PBGDPL_KIND_PUBLISHER = 1u << 1, /* posts to social networks or syndication targets */
  PBGDPL_KIND_NOTIFIER = 1u << 2,  /* tells people of events (e-mail, webhooks, chat) */
  PBGDPL_KIND_EXPORTER = 1u << 3,  /* turns records into a file format */
  PBGDPL_KIND_CONNECTOR = 1u << 4  /* imports and exports legal documents from a national system */
};

/* Descriptor flags. */
enum { PBGDPL_PLUGIN_THREAD_SAFE = 1u << 0 };

/* A byte buffer handed to the other side. `data` is HOST-OWNED when a plugin fills one for the
 * host (allocated with host->alloc; the host frees it with host->free), BORROWED otherwise. */
typedef struct pbgdpl_buffer {
  char* data;
  size_t size;
} pbgdpl_buffer;

typedef enum pbgdpl_log_level PBGDPL_ABI_ENUM_BASE {
  PBGDPL_LOG_DEBUG = 0,
  PBGDPL_LOG_INFO = 1,
  PBGDPL_LOG_WARNING = 2,
  PBGDPL_LOG_ERROR = 3
} pbgdpl_log_level;

/* ---------------------------------------------------------------------------------------------
 * What the host offers (pbgdpl_host_*): a table of functions, append-only. `host_ctx` is the
 * host's, passed back unchanged in every call (BORROWED by the plugin for the instance's life).
 */
typedef struct pbgdpl_host_api {
  uint32_t struct_size;
  void* host_ctx;

  /* Allocation for every HOST-OWNED buffer a plugin returns. alloc(0) may return NULL. */
  void* (*alloc)(void* host_ctx, size_t size);
  void (*free)(void* host_ctx, void* ptr);

  /* A line to the host's log. message: BORROWED, (ptr, len). */
  void (*log)(void* host_ctx, pbgdpl_log_level level, const char* message, size_t message_len);

  /* Now, in milliseconds since 1970-01-01T00:00:00Z (the host's clock: tests move it). */
  int64_t (*now_ms)(void* host_ctx);

  /* An HTTP exchange through the host's client, which applies the host's policy (allowed hosts,
   * timeouts, size limits, no redirects to other hosts). request: BORROWED JSON
   *   {"method": "POST", "url": "https://...", "headers": {"name": "value", ...},
   *    "body": "<text>" | "body_base64": "<bytes>", "timeout_ms": 10000}
   * response: HOST-OWNED JSON (freed by the plugin with host->free)
   *   {"status": 200, "headers": {"name": "value", ...}, "body": "<text>"}
   * (names in lower case; a body that is not UTF-8 comes as "body_base64"). An HTTP error status
   * is PBGDPL_STATUS_OK with that status; UNAVAILABLE / PERMISSION / TOO_LARGE when no answer was
   * had, with `error` filled (HOST-OWNED, freed by the plugin). */
  pbgdpl_status (*http)(void* host_ctx, const char* request_json, size_t request_len, pbgdpl_buffer* response,
                        pbgdpl_buffer* error);

  /* Checks a JSON document and returns it compact, with every string in Unicode NFC (what the
   * store keeps). in: BORROWED. out, error: HOST-OWNED, freed by the plugin with host->free. */
  pbgdpl_status (*json_normalize)(void* host_ctx, const char* in, size_t in_len, pbgdpl_buffer* out,
                                  pbgdpl_buffer* error);

  /* For store backends: tells the host of committed writes made through this instance or seen
   * from other nodes (LISTEN/NOTIFY), so that its caches drop what changed. host_instance is the
   * value the host passed to create(). changes: BORROWED JSON array of
   *   {"kind", "id", "unit", "previous_unit"?, "op": "create|update|archive|remove", "version",
   *    "audit_seq"}. */
  void (*store_changed)(void* host_ctx, void* host_instance, const char* changes_json, size_t changes_len);
} pbgdpl_host_api;

/* What the host passes to the entry point. */
typedef struct pbgdpl_host_info {
  uint32_t struct_size;
  uint32_t abi_major, abi_minor; /* the host's */
  const char* host_version;      /* STATIC, NUL-terminated, "0.1.0" */
  const pbgdpl_host_api* api;    /* STATIC for as long as the library is loaded */
} pbgdpl_host_info;

/* ---------------------------------------------------------------------------------------------
 * What a plugin implements (pbgdpl_plugin_*). `instance` is the PLUGIN-OWNED pointer create()
 * returned; every call below receives it. All JSON in is BORROWED; `out` and `error` are
 * HOST-OWNED (allocated with host->alloc), set only as each function says.
 */

/* A store backend: the record-level interface of pbgdpl::store::store (store/store.hpp), with
 * records, queries and pages as JSON (the shapes of plugin/codec.hpp: store_codec). */
typedef struct pbgdpl_store_api {
  uint32_t struct_size;
  /* {"op": "create|update|archive|remove", "record": {...}, "expected": n, "actor": "..."} -> {} */
  pbgdpl_status (*write)(void* instance, const char* request, size_t len, pbgdpl_buffer* out, pbgdpl_buffer* error);
  /* {"kind", "id"} -> record */
  pbgdpl_status (*read)(void* instance, const char* request, size_t len, pbgdpl_buffer* out, pbgdpl_buffer* error);
  /* {"kind", "query": list_query} -> {"items": [record...], "next_cursor"} */
  pbgdpl_status (*list)(void* instance, const char* request, size_t len, pbgdpl_buffer* out, pbgdpl_buffer* error);
  /* search_request -> {"items": [search_hit...], "next_cursor", "approximate"} */
  pbgdpl_status (*search)(void* instance, const char* request, size_t len, pbgdpl_buffer* out, pbgdpl_buffer* error);
  /* {"kind", "id", "limit"} -> [audit_entry...] newest first */
  pbgdpl_status (*audit_log)(void* instance, const char* request, size_t len, pbgdpl_buffer* out, pbgdpl_buffer* error);
  /* Runs body(body_ctx) atomically: the plugin begins a transaction (or a savepoint when one is
   * open on this thread), calls body, which calls back into the same instance on the same
   * thread, and commits when body returns PBGDPL_STATUS_OK, else rolls back and returns body's
   * status. body_ctx: BORROWED for the call. body's error, if any, is the host's own business. */
  pbgdpl_status (*transaction)(void* instance, pbgdpl_status (*body)(void* body_ctx), void* body_ctx,
                               pbgdpl_buffer* error);
  /* The store's change stamp (store::change_stamp); returns 0 with *has = 0 when it cannot tell. */
  pbgdpl_status (*change_stamp)(void* instance, uint64_t* stamp, int* has);
  /* Reads changes committed by other nodes since the last poll and reports them through
   * host->store_changed before returning; *delivered = how many. */
  pbgdpl_status (*poll_changes)(void* instance, uint64_t* delivered, pbgdpl_buffer* error);
} pbgdpl_store_api;

/* A publisher (a Facebook Page, a YouTube channel, an X account, a Zalo Official Account...).
 * publish: {"id": "<idempotency key>", "channel": "...", "title", "text", "url", "media": [...],
 *           "published_at"} -> {"state": "sent|queued|failed", "remote_id"?, "remote_url"?,
 *           "attempts", "next_attempt_at"?, "last_error"?}
 *   The same id published twice is one post (idempotent): the second call returns the first's
 *   state without sending again.
 * drain: {"max": n} -> {"sent": n, "failed": n, "queued": n, "items": [state...]}: sends what is
 *   due in the plugin's queue (retries with back-off). */
typedef struct pbgdpl_publisher_api {
  uint32_t struct_size;
  pbgdpl_status (*publish)(void* instance, const char* request, size_t len, pbgdpl_buffer* out, pbgdpl_buffer* error);
  pbgdpl_status (*drain)(void* instance, const char* request, size_t len, pbgdpl_buffer* out, pbgdpl_buffer* error);
} pbgdpl_publisher_api;

/* A notifier (reports/notifier.hpp): {"event": "report.reminder", "data": {...}} ->
 * {"recipients": n}. The data's "id" makes a second send of one event reach nobody twice. */
typedef struct pbgdpl_notifier_api {
  uint32_t struct_size;
  const char* channel; /* STATIC, NUL-terminated: "email", "webhook", ... */
  pbgdpl_status (*send)(void* instance, const char* request, size_t len, pbgdpl_buffer* out, pbgdpl_buffer* error);
} pbgdpl_notifier_api;

/* An exporter: {"format": "...", "records": [record...]} -> the file's bytes in `out` (HOST-OWNED;
 * not JSON). formats: STATIC NUL-terminated JSON array
 * [{"format": "csv", "content_type": "text/csv; charset=utf-8", "extension": "csv"}, ...]. */
typedef struct pbgdpl_exporter_api {
  uint32_t struct_size;
  const char* formats;
  pbgdpl_status (*export_records)(void* instance, const char* request, size_t len, pbgdpl_buffer* out,
                                  pbgdpl_buffer* error);
} pbgdpl_exporter_api;

/* A legal-document connector (the National Electronic Legal Bookcase...).
 * import: {"format": "json|csv", "content": "<the catalogue's text>"} ->
 *   {"legal_documents": [...], "publications": [...], "warnings": [{"line"?, "vi", "en"}...]}
 *   (entities in the model's JSON; the host validates and stores them).
 * export: {"format": "json|csv", "legal_documents": [...], "publications": [...]} ->
 *   the catalogue's bytes in `out`. */
typedef struct pbgdpl_connector_api {
  uint32_t struct_size;
  pbgdpl_status (*import_catalogue)(void* instance, const char* request, size_t len, pbgdpl_buffer* out,
                                    pbgdpl_buffer* error);
  pbgdpl_status (*export_catalogue)(void* instance, const char* request, size_t len, pbgdpl_buffer* out,
                                    pbgdpl_buffer* error);
} pbgdpl_connector_api;

/* The plugin's descriptor: STATIC (lives in the library). */
typedef struct pbgdpl_plugin_desc {
  uint32_t struct_size;
  uint32_t abi_major, abi_minor; /* the ABI the plugin was built against */
  const char* id;                /* "postgres": [a-z0-9_-]{1,64}, equal to the manifest's */
  const char* version;           /* the plugin's own version, "1.0.0" */
  const char* license;           /* SPDX, mandatory */
  const char* description;       /* one line, mandatory */
  uint32_t kinds;                /* PBGDPL_KIND_* bits; each set bit needs its table below */
  uint32_t flags;                /* PBGDPL_PLUGIN_THREAD_SAFE ... */

  /* Makes an instance from its configuration (BORROWED JSON object, the host's configuration
   * for this plugin: connection strings, tokens...). host_instance: the host's handle for the
   * instance (given back in host->store_changed). *instance: PLUGIN-OWNED until destroy. */
  pbgdpl_status (*create)(const pbgdpl_host_api* host, void* host_instance, const char* config_json, size_t config_len,
                          void** instance, pbgdpl_buffer* error);
  /* Frees an instance; no call on it follows. */
  void (*destroy)(void* instance);

  const pbgdpl_store_api* store;         /* STATIC or NULL */
  const pbgdpl_publisher_api* publisher; /* STATIC or NULL */
  const pbgdpl_notifier_api* notifier;   /* STATIC or NULL */
  const pbgdpl_exporter_api* exporter;   /* STATIC or NULL */
  const pbgdpl_connector_api* connector; /* STATIC or NULL */
} pbgdpl_plugin_desc;

/* The entry point. Checks host->abi_major/minor (a plugin may refuse a host with
 * PBGDPL_STATUS_VERSION) and sets *desc to its STATIC descriptor. Called once per load, before
 * any other function; it must not start threads or open connections (create() does). */
typedef pbgdpl_status (*pbgdpl_plugin_init_fn)(const pbgdpl_host_info* host, const pbgdpl_plugin_desc** desc);

#ifdef __cplusplus
}
#endif
#endif /* PBGDPL_PLUGIN_ABI_H */
