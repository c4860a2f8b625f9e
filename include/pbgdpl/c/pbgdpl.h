/* The pbgdpl C API: the library's main operations for programs that are not C++ (C, .NET through
 * P/Invoke, Java through JNA, Go through cgo, PHP through FFI). Pure C99, no other header of the
 * project. Link libpbgdpl_c.so (SONAME libpbgdpl_c.so.1; every symbol versioned PBGDPL_C_1.0).
 * Read docs/design.md, "C API (issue 20)", and examples/c_api/example.c first.
 *
 * RULES (numbered so that reviews can cite them)
 *  1. Every function returns a pbgdpl_c_status and writes its results through out-params. On
 *     anything but PBGDPL_C_OK the out-params are left NULL/0 and nothing was written to a store
 *     (the library's writes are whole or nothing).
 *  2. Errors: the failing call records its error for the calling thread; pbgdpl_last_error_json()
 *     returns it as {"status": "<status name>", "code": "<library code>", "path": "<JSON pointer>",
 *     "vi": "...", "en": "...", "details": [...]} (Vietnamese and English for people). A call
 *     that succeeds sets it to the OK error, so read it right after the failing call.
 *  3. Text crosses as NUL-terminated UTF-8. Invalid UTF-8 or invalid JSON in an argument is
 *     PBGDPL_C_INVALID_ARGUMENT (code invalid_utf8 / parse_error), never a crash. JSON documents'
 *     shapes are written beside each function (they are the library's model, docs/model.md).
 *  4. Ownership is spelled beside every pointer: BORROWED (valid for the call only; the library
 *     never keeps or frees it), CALLER-OWNED (allocated by the library with malloc, the caller
 *     frees it with pbgdpl_free), STATIC (lives as long as the library stays loaded),
 *     THREAD-LOCAL (valid on the calling thread until its next pbgdpl_* call).
 *  5. Handles (pbgdpl_store*, pbgdpl_portal*) are opaque. pbgdpl_store_close(NULL) and
 *     pbgdpl_portal_stop(NULL) are no-ops. The library keeps a table of its live handles, so a
 *     handle that was closed (or never opened, or of the other type) is refused with
 *     PBGDPL_C_INVALID_ARGUMENT instead of being read; a second close of the same handle is
 *     therefore an error, not a crash. (Once closed, the same address may be reused by a later
 *     open: do not keep closed handles.)
 *  6. No C++ exception crosses: every function has a catch-all barrier that reports
 *     PBGDPL_C_INTERNAL.
 *  7. Threads: every function may be called from any thread. A store handle may be used by many
 *     threads at once (the SQLite store serialises on its own lock). Closing a store while a call
 *     on another thread uses it lets that call finish first; a portal keeps its store alive
 *     (shared ownership), so the store may be closed before the portal stops.
 *  8. Symbols are only appended; a changed behaviour gets a new name (_v2) and the version node
 *     PBGDPL_C_1.<n>. PBGDPL_C_ABI_VERSION counts those nodes.
 */
#ifndef PBGDPL_C_PBGDPL_H
#define PBGDPL_C_PBGDPL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PBGDPL_C_ABI_VERSION 1

#if defined(_WIN32)
#define PBGDPL_C_API
#else
#define PBGDPL_C_API __attribute__((visibility("default")))
#endif

/* The outcome of a call. (Named pbgdpl_c_status: the plugin ABI, plugin/abi.h, owns the name
 * pbgdpl_status, and a program may include both.) The library's finer code is in the error JSON.
 * Numeric values are stable; append only. */
typedef enum pbgdpl_c_status {
  PBGDPL_C_OK = 0,
  PBGDPL_C_INVALID_ARGUMENT = 1, /* malformed or refused input: NULL, bad JSON/UTF-8, validation */
  PBGDPL_C_NOT_FOUND = 2,
  PBGDPL_C_CONFLICT = 3,      /* stale version, or the id is taken (code already_exists) */
  PBGDPL_C_SIGNATURE = 4,     /* bad signature, unknown key, tampered, expired, revoked... */
  PBGDPL_C_ACCESS_DENIED = 5, /* permission_denied, unauthenticated */
  PBGDPL_C_STORAGE = 6,       /* I/O, corrupt database, full, busy, unsafe path */
  PBGDPL_C_INTERNAL = 99      /* a bug, or an exception caught by the barrier */
} pbgdpl_c_status;

typedef struct pbgdpl_store pbgdpl_store;   /* an open store (SQLite file or memory) */
typedef struct pbgdpl_portal pbgdpl_portal; /* a running portal (HTTP server on its own threads) */

/* --- Version, errors, memory ------------------------------------------------------------------ */

/* The library's version text, e.g. "0.1.0". STATIC. */
PBGDPL_C_API const char* pbgdpl_version(void);
/* PBGDPL_C_ABI_VERSION as the loaded library was built: compare with the header's. */
PBGDPL_C_API int pbgdpl_abi_version(void);
/* {"version": "0.1.0", "abi": 1, "kinds": [every stored kind], "searchable": [...]}.
 * *out_json: CALLER-OWNED. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_version_json(char** out_json);
/* The short name of a status ("ok", "invalid_argument", ...). STATIC. */
PBGDPL_C_API const char* pbgdpl_status_name(pbgdpl_c_status status);
/* The calling thread's last error (rule 2). THREAD-LOCAL; never NULL. */
PBGDPL_C_API const char* pbgdpl_last_error_json(void);
/* Frees what the library returned as CALLER-OWNED. NULL is a no-op. */
PBGDPL_C_API void pbgdpl_free(void* p);

/* --- Stores ----------------------------------------------------------------------------------- */

/* Opens (creating it and its directory if missing) the SQLite store at `path` (BORROWED) and
 * migrates it. A directory, FIFO or other non-regular file is refused (STORAGE) without blocking.
 * *out: release with pbgdpl_store_close. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_store_open_sqlite(const char* path, pbgdpl_store** out);
/* A new, empty in-memory store. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_store_open_memory(pbgdpl_store** out);
/* Releases the handle (rule 5, 7). NULL: no-op, OK. A closed handle: INVALID_ARGUMENT. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_store_close(pbgdpl_store* store);

/* Imports a dataset directory (`dir`, BORROWED: <key>.json files such as data/seed) in one
 * transaction, creating what the store lacks; Markdown is rendered to the *_html members.
 * *out_json (CALLER-OWNED, may be NULL if unwanted): {"<dataset key>": records created, ...}. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_store_import_dataset(pbgdpl_store* store, const char* dir,
                                                         const char* actor, char** out_json);

/* The records: `kind` is a stored kind's name ("article", "legal_document", "question", "unit",
 * ...; pbgdpl_version_json lists them). `record_json` (BORROWED) is the kind's JSON object. All
 * strings BORROWED; *out_json CALLER-OWNED: the record as stored.
 * create: an empty or missing id gets a random one; version 1; unset times are now; the *_html
 *   members are rendered from the Markdown (a caller cannot store HTML of its own).
 * update: written only if its "version" is still the stored one (else CONFLICT); version + 1.
 * get: NOT_FOUND when absent.
 * publish: an article or legal document to state "published" (published_at now if unset);
 *   `expected_version` 0 means any. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_store_create(pbgdpl_store* store, const char* kind,
                                                 const char* record_json, const char* actor, char** out_json);
PBGDPL_C_API pbgdpl_c_status pbgdpl_store_update(pbgdpl_store* store, const char* kind,
                                                 const char* record_json, const char* actor, char** out_json);
PBGDPL_C_API pbgdpl_c_status pbgdpl_store_get(pbgdpl_store* store, const char* kind, const char* id,
                                              char** out_json);
PBGDPL_C_API pbgdpl_c_status pbgdpl_store_publish(pbgdpl_store* store, const char* kind, const char* id,
                                                  uint64_t expected_version, const char* actor,
                                                  char** out_json);

/* Vietnamese search (accents optional: "ke hoach" finds "Kế hoạch"; "phrases", prefix*).
 * request_json (BORROWED): {"q": "...", "kinds": ["article", "legal_document"] (default: every
 *   searchable kind), "limit": 1..100 (20), "cursor": "", "order": "relevance"|"newest",
 *   "include_unpublished": false, "unit": "...", "category": "...", "doc_type": "..."}.
 * *out_json (CALLER-OWNED): {"items": [{"kind", "id", "title", "title_html", "snippet_html",
 *   "score"}], "next_cursor": "", "approximate": false}. Unpublished content only when asked. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_store_search(pbgdpl_store* store, const char* request_json,
                                                 char** out_json);

/* --- Keys and signatures (minisign formats) ---------------------------------------------------- */

/* A new Ed25519 key pair. *out_secret_key: the .key file text, unencrypted (as minisign -G -W);
 * *out_public_key: the .pub file text. Both CALLER-OWNED (the secret: wipe it before freeing). */
PBGDPL_C_API pbgdpl_c_status pbgdpl_key_generate(char** out_secret_key, char** out_public_key);
/* Signs `size` bytes at `data` (BORROWED; NULL allowed when size is 0) with a .key text
 * (`password` NULL for an unencrypted key). trusted_comment NULL: minisign's default.
 * *out_signature: the .minisig text, CALLER-OWNED. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_sign(const char* secret_key, const char* password, const void* data,
                                         size_t size, const char* trusted_comment, char** out_signature);
/* Verifies a .minisig text over the bytes with a .pub text (or its base64 line). SIGNATURE with
 * code unknown_key (another key), bad_signature (comment forged), tampered (content changed).
 * *out_json (CALLER-OWNED, may be NULL): {"algorithm", "key_id", "trusted_comment",
 * "untrusted_comment"}. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_verify(const char* public_key, const char* signature, const void* data,
                                           size_t size, char** out_json);

/* --- Approvals and bundles ------------------------------------------------------------------- */

/* Signs an approval of the bytes. statement_json: {"content_id", "approver_unit",
 * "approver_role", "use", "valid_from", "valid_until", "sequence", "id" (optional)}; the key id
 * and the content digest are the signer's whatever the JSON says. *out_json (CALLER-OWNED):
 * {"signature": ".minisig text", "statement": {...}}. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_approval_sign(const char* secret_key, const char* password,
                                                  const char* statement_json, const void* data, size_t size,
                                                  char** out_json);
/* Verifies an approval of the bytes against a keyring described by keyring_json:
 * {"roots": [{"authority": unit id, "key": .pub text, "level": the highest approver role it
 *   may delegate ("school_approver" (default), "division_approver", "city_official"),
 *   "parents": {child unit: parent unit} (the units below the authority)}],
 *  "delegations": [".minisig text of a delegation", ...]}
 * and options_json {"use": "...", "at": timestamp (default now)}. *out_json (CALLER-OWNED, may be
 * NULL): the verified statement. SIGNATURE / ACCESS_DENIED with the library's code otherwise. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_approval_verify(const char* keyring_json, const char* signature,
                                                    const void* data, size_t size, const char* options_json,
                                                    char** out_json);
/* Signs a delegation with a root key: delegation_json {"authority", "unit", "approver_role",
 * "uses", "valid_from", "valid_until", "sequence"}, for the approver's .pub text.
 * *out_signature: .minisig text (goes into a keyring's "delegations"), CALLER-OWNED. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_delegation_sign(const char* root_secret_key, const char* password,
                                                    const char* approver_public_key,
                                                    const char* delegation_json, char** out_signature);
/* Packs a directory (or one file) at `path`: hashes every file into the manifest and signs it as
 * an approval. options_json: {"content_id", "title", "metadata": {}, "created_at" (default now),
 * "statement": {approver_unit, approver_role, use, valid_from, valid_until, sequence}}.
 * *out_json (CALLER-OWNED, may be NULL): the manifest. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_bundle_pack(const char* path, const char* secret_key,
                                                const char* password, const char* options_json,
                                                char** out_json);
/* Verifies a bundle end to end against a keyring (as pbgdpl_approval_verify): approval, manifest,
 * every file. options_json: {"use", "at", "allow_unlisted_files": false}. *out_json
 * (CALLER-OWNED, may be NULL): {"manifest": {...}, "approval": {...}}. Tampered: SIGNATURE. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_bundle_verify(const char* path, const char* keyring_json,
                                                  const char* options_json, char** out_json);

/* --- Signage ---------------------------------------------------------------------------------- */

/* What plays when on a local day. request_json: {"entries": [schedule entries], "playlists":
 * [playlists], "day": "YYYY-MM-DD", "time_zone": "Asia/Ho_Chi_Minh" (default)}. *out_json
 * (CALLER-OWNED): [{"start", "end" (UTC epoch seconds), "entry", "playlist", "emergency",
 * "fallback", "priority"}], in order. NOT_FOUND for an entry naming a playlist not given. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_signage_timeline(const char* request_json, char** out_json);

/* --- Reports ---------------------------------------------------------------------------------- */

/* Opens (or returns) a unit's report for a period, pre-filled with the values computed from the
 * store. request_json: {"period": report period id, "unit": unit id, "account": the acting
 * account's id, "now": timestamp (default: the clock)}. *out_json: the submission (CALLER-OWNED). */
PBGDPL_C_API pbgdpl_c_status pbgdpl_report_open_draft(pbgdpl_store* store, const char* request_json,
                                                      char** out_json);
/* Changes values of a draft or returned report. request_json: {"submission_id", "account",
 * "values": [{"code", "number" | "flag" | "text", "justification"}], "now", "expected_version"
 * (optional: CONFLICT when stale)}. *out_json: the submission (CALLER-OWNED). */
PBGDPL_C_API pbgdpl_c_status pbgdpl_report_save_values(pbgdpl_store* store, const char* request_json,
                                                       char** out_json);
/* Checks a submission against its template, as if being sent (required values count).
 * Both JSON BORROWED. *out_json: {"valid": bool, "errors": [{code, path, vi, en}],
 * "findings": [{rule, severity, vi, en, codes}]}. A report that fails its checks is still OK
 * here (the answer says so); only malformed input is an error. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_report_validate(const char* template_json, const char* submission_json,
                                                    char** out_json);
/* Sends a report signed with the acting account's approval key (.key text; its public half must
 * be the account's credential). request_json: {"submission_id", "account", "now"}.
 * *out_json (CALLER-OWNED, may be NULL): {"submission": {...}, "warnings": [findings]}.
 * INVALID_ARGUMENT (code validation_failed, findings in details) when a blocking rule fails;
 * SIGNATURE when the key is not the account's. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_report_submit(pbgdpl_store* store, const char* request_json,
                                                  const char* secret_key, const char* password,
                                                  char** out_json);

/* --- Portal ----------------------------------------------------------------------------------- */

/* Starts the reference portal on its own threads. options_json: {"host": "127.0.0.1",
 * "port": 0 (0: the system picks; read it with pbgdpl_portal_port), "data_dir": "..." (its
 * SQLite store <data_dir>/pbgdpl.db, used when `store` is NULL), "seed": "data/seed" (imported
 * into an empty store), "threads": 2, "default_unit": "", and behind a reverse proxy
 * "base_url": "https://truong.edu.vn" (the public origin of absolute URLs), "public_prefix":
 * "/phap-luat" (the path the proxy strips), "trusted_proxies": ["127.0.0.1"] (only these peers'
 * X-Forwarded-Proto/-Host/-Prefix/-For are believed)}; unknown keys are INVALID_ARGUMENT. "host"
 * is one address: every interface ("0.0.0.0", "::") is INVALID_ARGUMENT (the links would name it). `store` (BORROWED
 * handle, may be NULL): served instead of data_dir's; the portal shares its ownership, so closing the handle
 * while the portal runs is safe. *out: stop with pbgdpl_portal_stop. (An exception to rule 1:
 * a seed imported before the bind failed stays imported; the next start finds it there.) */
PBGDPL_C_API pbgdpl_c_status pbgdpl_portal_start(pbgdpl_store* store, const char* options_json,
                                                 pbgdpl_portal** out);
/* The bound port. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_portal_port(pbgdpl_portal* portal, int* out_port);
/* Stops gracefully (requests under way get 2 s), joins the threads, releases the port and the
 * handle. NULL: no-op, OK. A stopped handle: INVALID_ARGUMENT. */
PBGDPL_C_API pbgdpl_c_status pbgdpl_portal_stop(pbgdpl_portal* portal);

#ifdef __cplusplus
}
#endif

#endif /* PBGDPL_C_PBGDPL_H */
