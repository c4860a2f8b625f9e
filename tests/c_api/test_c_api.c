/* The C API from C (compiled as C99): every function's success and error paths, against the demo
 * seed in a temporary directory. Each CHECK that fails is printed and counted; the exit status is
 * the number of failures (capped), so CTest shows every broken expectation at once.
 *
 * usage: pbgdpl_c_api_test <seed dir> [section]  (sections: core store documents search keys approvals
 *        bundles signage reports portal threads; none: all) */
#define _POSIX_C_SOURCE 200809L
#include <pbgdpl/c/pbgdpl.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;
static const char* seed_dir = NULL;
static char tmp_dir[256];

#define CHECK(cond)                                                                        \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      ++failures;                                                                          \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, \
              pbgdpl_last_error_json());                                                   \
    }                                                                                      \
  } while (0)

/* The call returned `st` and the thread's last error names `code`. */
#define CHECK_ERR(call, st, code)                                                                   \
  do {                                                                                              \
    pbgdpl_c_status got_ = (call);                                                                  \
    if (got_ != (st) || !strstr(pbgdpl_last_error_json(), "\"code\":\"" code "\"")) {               \
      ++failures;                                                                                   \
      fprintf(stderr, "%s:%d: %s: expected %s/%s, got %s; last error: %s\n", __FILE__, __LINE__, #call, \
              pbgdpl_status_name(st), code, pbgdpl_status_name(got_), pbgdpl_last_error_json());    \
    }                                                                                               \
  } while (0)

#define CHECK_OK(call)                                                                                      \
  do {                                                                                                      \
    pbgdpl_c_status got_ = (call);                                                                          \
    if (got_ != PBGDPL_C_OK) {                                                                              \
      ++failures;                                                                                           \
      fprintf(stderr, "%s:%d: %s: %s; last error: %s\n", __FILE__, __LINE__, #call, pbgdpl_status_name(got_), \
              pbgdpl_last_error_json());                                                                    \
    }                                                                                                       \
  } while (0)

static int contains(const char* hay, const char* needle) { return hay && strstr(hay, needle) != NULL; }

static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  long n;
  char* buf;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  if (buf) buf[n] = '\0';
  fclose(f);
  return buf;
}

static void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  if (!f) {
    ++failures;
    fprintf(stderr, "cannot write %s\n", path);
    return;
  }
  fputs(text, f);
  fclose(f);
}

/* The value of "key":"..." in a JSON text (the first), copied into out; "" when absent. */
static void json_string(const char* json, const char* key, char* out, size_t size) {
  char pat[128];
  const char* p;
  size_t i = 0;
  out[0] = '\0';
  if (!json) return;
  snprintf(pat, sizeof pat, "\"%s\":\"", key);
  p = strstr(json, pat);
  if (!p) return;
  p += strlen(pat);
  while (*p && *p != '"' && i + 1 < size) out[i++] = *p++;
  out[i] = '\0';
}

static pbgdpl_store* open_seeded(const char* name) {
  char path[512];
  pbgdpl_store* s = NULL;
  char* counts = NULL;
  snprintf(path, sizeof path, "%s/%s.db", tmp_dir, name);
  CHECK_OK(pbgdpl_store_open_sqlite(path, &s));
  if (!s) return NULL;
  CHECK_OK(pbgdpl_store_import_dataset(s, seed_dir, "test", &counts));
  CHECK(contains(counts, "\"articles\":"));
  pbgdpl_free(counts);
  return s;
}

/* --- core: version, status names, the last error, free ---------------------------------------- */
static void test_core(void) {
  char* v = NULL;
  CHECK(strcmp(pbgdpl_version(), "0.1.0") == 0);
  CHECK(pbgdpl_abi_version() == PBGDPL_C_ABI_VERSION);
  CHECK_OK(pbgdpl_version_json(&v));
  CHECK(contains(v, "\"kinds\":[") && contains(v, "\"article\"") && contains(v, "\"legal_document\""));
  CHECK(contains(pbgdpl_last_error_json(), "\"code\":\"ok\""));
  pbgdpl_free(v);
  CHECK_ERR(pbgdpl_version_json(NULL), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  /* The error is bilingual and names the argument. */
  CHECK(contains(pbgdpl_last_error_json(), "\"path\":\"/out_json\"") && contains(pbgdpl_last_error_json(), "\"vi\":\"") &&
        contains(pbgdpl_last_error_json(), "\"en\":\""));
  CHECK(strcmp(pbgdpl_status_name(PBGDPL_C_SIGNATURE), "signature") == 0);
  CHECK(strcmp(pbgdpl_status_name((pbgdpl_c_status)1234), "unknown") == 0);
  pbgdpl_free(NULL); /* defined: no-op */
}

/* --- store: open, close, create, update, get, publish ---------------------------------------- */
static void test_store(void) {
  pbgdpl_store* s = NULL;
  pbgdpl_store* m = NULL;
  char *out = NULL, *out2 = NULL;
  char path[512], id[128];
  static const char bad_utf8[] = {'{', '"', 't', 'i', 't', 'l', 'e', '"', ':', '"', (char)0xC3, (char)0x28, '"', '}', 0};

  /* Opening: NULL arguments, a directory, a FIFO (refused at once, never blocking). */
  CHECK_ERR(pbgdpl_store_open_sqlite(NULL, &s), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_open_sqlite("x.db", NULL), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_open_sqlite(tmp_dir, &s), PBGDPL_C_STORAGE, "io_error");
  CHECK(s == NULL);
  snprintf(path, sizeof path, "%s/fifo", tmp_dir);
  CHECK(mkfifo(path, 0600) == 0);
  CHECK_ERR(pbgdpl_store_open_sqlite(path, &s), PBGDPL_C_STORAGE, "io_error");
  CHECK_ERR(pbgdpl_store_open_sqlite("\xff.db", &s), PBGDPL_C_INVALID_ARGUMENT, "invalid_utf8");

  /* Closing: NULL is a no-op; a second close is an error, not a crash; so is using it. */
  CHECK_OK(pbgdpl_store_close(NULL));
  CHECK_OK(pbgdpl_store_open_memory(&m));
  CHECK(m != NULL);
  CHECK_OK(pbgdpl_store_close(m));
  CHECK_ERR(pbgdpl_store_close(m), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_get(m, "article", "x", &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK(out == NULL);
  /* A pointer that is no handle at all, and a portal handle's type confusion (Java passes Pointers). */
  CHECK_ERR(pbgdpl_store_get((pbgdpl_store*)path, "article", "x", &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_portal_stop((pbgdpl_portal*)path), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");

  s = open_seeded("store");
  if (!s) return;
  /* The import of a directory that is not there: an error, nothing written. */
  snprintf(path, sizeof path, "%s/no-such-dir", tmp_dir);
  CHECK(pbgdpl_store_import_dataset(s, path, NULL, NULL) != PBGDPL_C_OK);
  CHECK_ERR(pbgdpl_store_import_dataset(s, NULL, NULL, NULL), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");

  /* Create: a draft article; the caller's body_html is replaced by the rendering of the Markdown. */
  CHECK_OK(pbgdpl_store_create(s, "article",
                               "{\"kind\":\"activity_news\",\"title\":\"Kế hoạch tuyên truyền pháp luật tháng 12 (C API)\","
                               "\"slug\":\"ke-hoach-c-api\",\"body_markdown\":\"**Kế hoạch** năm học\","
                               "\"body_html\":\"<script>alert(1)</script>\",\"category\":\"Tin tức hoạt động\","
                               "\"unit\":\"th-van-yen\",\"author\":\"acc-school-editor\",\"state\":\"draft\"}",
                               "c-test", &out));
  CHECK(contains(out, "\"version\":1") && contains(out, "<strong>Kế hoạch</strong>") && !contains(out, "<script>"));
  json_string(out, "id", id, sizeof id);
  CHECK(id[0] != '\0');
  pbgdpl_free(out);
  out = NULL;

  /* Get, update (version checked), stale update, duplicate id. */
  CHECK_OK(pbgdpl_store_get(s, "article", id, &out));
  CHECK(contains(out, "\"state\":\"draft\""));
  pbgdpl_free(out);
  out = NULL;
  CHECK_ERR(pbgdpl_store_get(s, "article", "no-such-article", &out), PBGDPL_C_NOT_FOUND, "not_found");
  CHECK(out == NULL);
  {
    char body[1024];
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"version\":1,\"kind\":\"activity_news\",\"title\":\"Kế hoạch tuyên truyền (sửa)\","
             "\"slug\":\"ke-hoach-c-api\",\"body_markdown\":\"Kế hoạch\",\"category\":\"Tin tức hoạt động\","
             "\"unit\":\"th-van-yen\",\"author\":\"acc-school-editor\",\"state\":\"draft\",\"created_at\":\"2026-12-01T08:00:00+07:00\","
             "\"updated_at\":\"2026-12-01T08:00:00+07:00\"}",
             id);
    CHECK_OK(pbgdpl_store_update(s, "article", body, "c-test", &out));
    CHECK(contains(out, "\"version\":2") && contains(out, "(sửa)"));
    pbgdpl_free(out);
    out = NULL;
    CHECK_ERR(pbgdpl_store_update(s, "article", body, "c-test", &out), PBGDPL_C_CONFLICT, "conflict");
    CHECK_ERR(pbgdpl_store_create(s, "article", body, "c-test", &out), PBGDPL_C_CONFLICT, "already_exists");
  }

  /* Bad input: invalid JSON, invalid UTF-8, wrong types, unknown kind, a failing validation. */
  CHECK_ERR(pbgdpl_store_create(s, "article", "{\"title\": ", NULL, &out), PBGDPL_C_INVALID_ARGUMENT, "parse_error");
  CHECK(pbgdpl_store_create(s, "article", bad_utf8, NULL, &out) == PBGDPL_C_INVALID_ARGUMENT);
  CHECK(contains(pbgdpl_last_error_json(), "\"code\":\"invalid_utf8\"") || contains(pbgdpl_last_error_json(), "\"code\":\"parse_error\""));
  CHECK_ERR(pbgdpl_store_create(s, "article", "[1,2]", NULL, &out), PBGDPL_C_INVALID_ARGUMENT, "wrong_type");
  CHECK_ERR(pbgdpl_store_create(s, "article", "{\"kind\":\"activity_news\",\"title\": 5}", NULL, &out), PBGDPL_C_INVALID_ARGUMENT, "wrong_type");
  CHECK_ERR(pbgdpl_store_create(s, "no_such_kind", "{}", NULL, &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK(pbgdpl_store_create(s, "article", "{\"title\":\"\"}", NULL, &out) == PBGDPL_C_INVALID_ARGUMENT);
  CHECK(out == NULL);
  {
    /* Hostile nesting: refused by the parser's depth limit, not a stack overflow. */
    size_t n = 200000;
    char* deep = malloc(n + 1);
    memset(deep, '[', n);
    deep[n] = '\0';
    CHECK(pbgdpl_store_create(s, "article", deep, NULL, &out) == PBGDPL_C_INVALID_ARGUMENT);
    CHECK(pbgdpl_store_search(s, deep, &out) == PBGDPL_C_INVALID_ARGUMENT);
    free(deep);
  }
  CHECK_ERR(pbgdpl_store_create(s, NULL, "{}", NULL, &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_create(s, "article", NULL, NULL, &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_create(s, "article", "{}", NULL, NULL), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_create(NULL, "article", "{}", NULL, &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");

  /* Publish: stale expected version, a kind that is not published, then for real. */
  CHECK_ERR(pbgdpl_store_publish(s, "article", id, 1, "c-test", &out), PBGDPL_C_CONFLICT, "conflict");
  CHECK_ERR(pbgdpl_store_publish(s, "unit", "th-van-yen", 0, "c-test", &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_publish(s, "article", "nope", 0, "c-test", &out), PBGDPL_C_NOT_FOUND, "not_found");
  CHECK_OK(pbgdpl_store_publish(s, "article", id, 2, "c-test", &out));
  CHECK(contains(out, "\"state\":\"published\"") && contains(out, "\"published_at\":\"") && contains(out, "\"version\":3"));
  pbgdpl_free(out);
  out = NULL;
  (void)out2;
  CHECK_OK(pbgdpl_store_close(s));
}

/* A copy of `text` with the first `from` replaced by `to` (malloc'd). */
static char* replace_first(const char* text, const char* from, const char* to) {
  const char* at = strstr(text, from);
  size_t n = strlen(text) - (at ? strlen(from) : 0) + (at ? strlen(to) : 0) + 1;
  char* out = malloc(n);
  if (!at) {
    memcpy(out, text, strlen(text) + 1);
    return out;
  }
  memcpy(out, text, (size_t)(at - text));
  strcpy(out + (at - text), to);
  strcat(out, at + strlen(from));
  return out;
}

/* --- legal documents: a copy of a seed document as a draft, hidden, published, found -------- */
static void test_documents(void) {
  pbgdpl_store* s = open_seeded("documents");
  char *law = NULL, *a, *b, *c, *out = NULL;
  if (!s) return;
  CHECK_OK(pbgdpl_store_get(s, "legal_document", "luat-pbgdpl-2012", &law));
  if (!law) return;
  CHECK(contains(law, "Luật Phổ biến, giáo dục pháp luật"));
  a = replace_first(law, "\"id\":\"luat-pbgdpl-2012\"", "\"id\":\"luat-c-api-zqxv\"");
  b = replace_first(a, "\"state\":\"published\"", "\"state\":\"draft\"");
  c = replace_first(b, "\"title\":\"", "\"title\":\"Bản sao zqxv ");
  CHECK_OK(pbgdpl_store_create(s, "legal_document", c, "c-test", &out));
  CHECK(contains(out, "\"state\":\"draft\"") && contains(out, "\"version\":1"));
  pbgdpl_free(out);
  out = NULL;
  CHECK_OK(pbgdpl_store_search(s, "{\"q\":\"zqxv\",\"kinds\":[\"legal_document\"]}", &out));
  CHECK(!contains(out, "luat-c-api-zqxv"));
  pbgdpl_free(out);
  out = NULL;
  CHECK_OK(pbgdpl_store_publish(s, "legal_document", "luat-c-api-zqxv", 1, "c-test", &out));
  CHECK(contains(out, "\"state\":\"published\"") && contains(out, "\"version\":2"));
  pbgdpl_free(out);
  out = NULL;
  CHECK_OK(pbgdpl_store_search(s, "{\"q\":\"ban sao zqxv\",\"kinds\":[\"legal_document\"]}", &out));
  CHECK(contains(out, "luat-c-api-zqxv"));
  pbgdpl_free(out);
  out = NULL;
  /* The same id again: taken. */
  CHECK_ERR(pbgdpl_store_create(s, "legal_document", c, "c-test", &out), PBGDPL_C_CONFLICT, "already_exists");
  free(a);
  free(b);
  free(c);
  pbgdpl_free(law);
  CHECK_OK(pbgdpl_store_close(s));
}

/* --- search: "ke hoach" finds "Kế hoạch"; drafts stay hidden unless asked ------------------- */
static void test_search(void) {
  pbgdpl_store* s = open_seeded("search");
  char *out = NULL, id[128];
  if (!s) return;
  CHECK_OK(pbgdpl_store_create(s, "article",
                               "{\"kind\":\"activity_news\",\"title\":\"Kế hoạch bí mật chưa đăng zqxj\",\"slug\":\"bi-mat\","
                               "\"body_markdown\":\"nháp\",\"category\":\"Tin tức hoạt động\",\"unit\":\"th-van-yen\","
                               "\"author\":\"acc-school-editor\",\"state\":\"draft\"}",
                               NULL, &out));
  json_string(out, "id", id, sizeof id);
  pbgdpl_free(out);
  out = NULL;

  CHECK_OK(pbgdpl_store_search(s, "{\"q\":\"ke hoach\",\"kinds\":[\"legal_document\"]}", &out));
  CHECK(contains(out, "\"kind\":\"legal_document\"") && contains(out, "Kế hoạch"));
  CHECK(contains(out, "<mark>"));
  pbgdpl_free(out);
  out = NULL;
  /* The draft: not found by an ordinary search, found when unpublished content is asked for. */
  CHECK_OK(pbgdpl_store_search(s, "{\"q\":\"zqxj\"}", &out));
  CHECK(contains(out, "\"items\":[]") && !contains(out, id));
  pbgdpl_free(out);
  out = NULL;
  CHECK_OK(pbgdpl_store_search(s, "{\"q\":\"zqxj\",\"include_unpublished\":true}", &out));
  CHECK(contains(out, id));
  pbgdpl_free(out);
  out = NULL;
  /* Paging: limit 1 gives a cursor. */
  CHECK_OK(pbgdpl_store_search(s, "{\"q\":\"phap luat\",\"limit\":1}", &out));
  CHECK(contains(out, "\"next_cursor\":\"") && !contains(out, "\"next_cursor\":\"\""));
  pbgdpl_free(out);
  out = NULL;

  CHECK_ERR(pbgdpl_store_search(s, "{\"q\":\"x\",\"state\":\"draft\"}", &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_search(s, "{\"q\":\"x\",\"limit\":0}", &out), PBGDPL_C_INVALID_ARGUMENT, "out_of_range");
  CHECK_ERR(pbgdpl_store_search(s, "{\"q\":\"x\",\"limit\":\"5\"}", &out), PBGDPL_C_INVALID_ARGUMENT, "wrong_type");
  CHECK_ERR(pbgdpl_store_search(s, "{\"q\":\"x\",\"kinds\":[\"account\"]}", &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_search(s, "{\"q\":\"x\",\"order\":\"random\"}", &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_store_search(s, "\"just a string\"", &out), PBGDPL_C_INVALID_ARGUMENT, "wrong_type");
  CHECK_ERR(pbgdpl_store_search(s, "{\"q\":", &out), PBGDPL_C_INVALID_ARGUMENT, "parse_error");
  CHECK(out == NULL);
  CHECK_OK(pbgdpl_store_close(s));
}

/* --- keys: generate, sign, verify ---------------------------------------------------------- */
static void test_keys(void) {
  char *sk = NULL, *pk = NULL, *sk2 = NULL, *pk2 = NULL, *sig = NULL, *info = NULL;
  const char msg[] = "Kế hoạch 19/KH-PGDĐT";
  CHECK_OK(pbgdpl_key_generate(&sk, &pk));
  CHECK_OK(pbgdpl_key_generate(&sk2, &pk2));
  CHECK(contains(sk, "untrusted comment:") && contains(pk, "untrusted comment: minisign public key"));
  CHECK_ERR(pbgdpl_key_generate(NULL, &pk), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");

  CHECK_OK(pbgdpl_sign(sk, NULL, msg, strlen(msg), "timestamp:1\tfile:msg", &sig));
  CHECK(contains(sig, "trusted comment: timestamp:1\tfile:msg"));
  CHECK_OK(pbgdpl_verify(pk, sig, msg, strlen(msg), &info));
  CHECK(contains(info, "\"algorithm\":\"ED\"") && contains(info, "\"key_id\":\""));
  pbgdpl_free(info);
  info = NULL;
  CHECK_OK(pbgdpl_verify(pk, sig, msg, strlen(msg), NULL)); /* the info is optional */

  CHECK_ERR(pbgdpl_verify(pk2, sig, msg, strlen(msg), &info), PBGDPL_C_SIGNATURE, "unknown_key");
  CHECK_ERR(pbgdpl_verify(pk, sig, msg, strlen(msg) - 1, &info), PBGDPL_C_SIGNATURE, "tampered");
  CHECK(info == NULL);
  {
    /* A forged trusted comment. */
    char* forged = malloc(strlen(sig) + 8);
    char* p;
    strcpy(forged, sig);
    p = strstr(forged, "timestamp:1");
    if (p) p[10] = '2';
    CHECK_ERR(pbgdpl_verify(pk, forged, msg, strlen(msg), NULL), PBGDPL_C_SIGNATURE, "bad_signature");
    free(forged);
  }
  CHECK(pbgdpl_verify("not a key", sig, msg, strlen(msg), NULL) != PBGDPL_C_OK);
  CHECK(pbgdpl_verify(pk, "not a signature", msg, strlen(msg), NULL) != PBGDPL_C_OK);
  pbgdpl_free(sig); /* a failing call sets its out-param to NULL: free what it held first */
  sig = NULL;
  CHECK(pbgdpl_sign("not a key", NULL, msg, strlen(msg), NULL, &sig) != PBGDPL_C_OK);
  CHECK(sig == NULL);
  CHECK_ERR(pbgdpl_sign(sk, NULL, NULL, 5, NULL, &sig), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_sign(sk, NULL, msg, 1, "two\nlines", &sig), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  pbgdpl_free(sig);
  sig = NULL;
  CHECK_OK(pbgdpl_sign(sk, NULL, NULL, 0, NULL, &sig)); /* empty content: NULL with size 0 */
  CHECK_OK(pbgdpl_verify(pk, sig, NULL, 0, NULL));
  pbgdpl_free(sig);
  pbgdpl_free(sk);
  pbgdpl_free(pk);
  pbgdpl_free(sk2);
  pbgdpl_free(pk2);
}

/* A root (the division) and an approver it delegates to; the keyring JSON that pins the root and
 * holds the delegation. */
struct approver {
  char *root_sk, *root_pk, *sk, *pk, *delegation;
  char keyring[8192];
};

static void make_approver(struct approver* a) {
  memset(a, 0, sizeof *a);
  CHECK_OK(pbgdpl_key_generate(&a->root_sk, &a->root_pk));
  CHECK_OK(pbgdpl_key_generate(&a->sk, &a->pk));
  CHECK_OK(pbgdpl_delegation_sign(a->root_sk, NULL, a->pk,
                                  "{\"authority\":\"pgddt-ha-dong\",\"unit\":\"pgddt-ha-dong\",\"approver_role\":\"division_approver\","
                                  "\"uses\":[\"portal\",\"signage_school\"],\"valid_from\":\"2020-01-01T00:00:00+07:00\","
                                  "\"valid_until\":\"2099-01-01T00:00:00+07:00\",\"sequence\":1}",
                                  &a->delegation));
}

/* A JSON string literal of `text` (newlines and tabs escaped) into out. */
static void json_quote(const char* text, char* out, size_t size) {
  size_t i = 0;
  out[i++] = '"';
  for (; text && *text && i + 3 < size; ++text) {
    if (*text == '\n') {
      out[i++] = '\\';
      out[i++] = 'n';
    } else if (*text == '\t') {
      out[i++] = '\\';
      out[i++] = 't';
    } else if (*text == '"' || *text == '\\') {
      out[i++] = '\\';
      out[i++] = *text;
    } else {
      out[i++] = *text;
    }
  }
  out[i++] = '"';
  out[i] = '\0';
}

static void keyring_json(const struct approver* a, int with_delegation, char* out, size_t size) {
  char root[1024], del[4096];
  json_quote(a->root_pk, root, sizeof root);
  json_quote(a->delegation, del, sizeof del);
  snprintf(out, size,
           "{\"roots\":[{\"authority\":\"pgddt-ha-dong\",\"key\":%s,\"level\":\"division_approver\"}],\"delegations\":[%s]}",
           root, with_delegation ? del : "");
}

static void free_approver(struct approver* a) {
  pbgdpl_free(a->root_sk);
  pbgdpl_free(a->root_pk);
  pbgdpl_free(a->sk);
  pbgdpl_free(a->pk);
  pbgdpl_free(a->delegation);
}

static const char* statement =
    "{\"content_id\":\"video-atgt\",\"approver_unit\":\"pgddt-ha-dong\",\"approver_role\":\"division_approver\","
    "\"use\":\"portal\",\"valid_from\":\"2020-01-01T00:00:00+07:00\",\"valid_until\":\"2099-01-01T00:00:00+07:00\",\"sequence\":1}";

/* --- approvals ------------------------------------------------------------------------------ */
static void test_approvals(void) {
  struct approver a;
  char ring[8192], no_delegation[8192], sig_field[4096];
  char *out = NULL, *verified = NULL;
  const char content[] = "video bytes";
  make_approver(&a);
  keyring_json(&a, 1, ring, sizeof ring);
  keyring_json(&a, 0, no_delegation, sizeof no_delegation);

  CHECK_OK(pbgdpl_approval_sign(a.sk, NULL, statement, content, strlen(content), &out));
  CHECK(contains(out, "\"signature\":\"") && contains(out, "\"content_id\":\"video-atgt\""));
  /* The signature text, unescaped from the JSON answer. */
  {
    const char* p = strstr(out ? out : "", "\"signature\":\"");
    size_t i = 0;
    if (p)
      for (p += 13; *p && *p != '"' && i + 1 < sizeof sig_field; ++p) {
        if (*p == '\\' && p[1] == 'n') {
          sig_field[i++] = '\n';
          ++p;
        } else if (*p == '\\' && p[1] == 't') {
          sig_field[i++] = '\t';
          ++p;
        } else if (*p == '\\' && p[1] == '"') {
          sig_field[i++] = '"';
          ++p;
        } else {
          sig_field[i++] = *p;
        }
      }
    sig_field[i] = '\0';
  }
  pbgdpl_free(out);
  out = NULL;
  CHECK_OK(pbgdpl_approval_verify(ring, sig_field, content, strlen(content), "{\"use\":\"portal\"}", &verified));
  CHECK(contains(verified, "\"content_id\":\"video-atgt\"") && contains(verified, "\"approver_unit\":\"pgddt-ha-dong\""));
  pbgdpl_free(verified);
  verified = NULL;
  CHECK_ERR(pbgdpl_approval_verify(ring, sig_field, "video bytez", 11, "{\"use\":\"portal\"}", &verified), PBGDPL_C_SIGNATURE, "tampered");
  CHECK_ERR(pbgdpl_approval_verify(no_delegation, sig_field, content, strlen(content), "{\"use\":\"portal\"}", NULL),
            PBGDPL_C_SIGNATURE, "unknown_key");
  CHECK_ERR(pbgdpl_approval_verify(ring, sig_field, content, strlen(content), "{\"use\":\"report\"}", NULL), PBGDPL_C_SIGNATURE, "wrong_use");
  CHECK_ERR(pbgdpl_approval_verify(ring, sig_field, content, strlen(content), "{\"use\":\"portal\",\"at\":\"2100-01-01T00:00:00Z\"}", NULL),
            PBGDPL_C_SIGNATURE, "expired");
  CHECK_ERR(pbgdpl_approval_verify(ring, sig_field, content, strlen(content), "{\"use\":\"bogus\"}", NULL), PBGDPL_C_INVALID_ARGUMENT,
            "invalid_argument");
  CHECK_ERR(pbgdpl_approval_verify("{\"roots\":[]}", sig_field, content, strlen(content), "{\"use\":\"portal\"}", NULL),
            PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_approval_verify("{\"roots\":", sig_field, content, strlen(content), "{\"use\":\"portal\"}", NULL),
            PBGDPL_C_INVALID_ARGUMENT, "parse_error");
  CHECK(verified == NULL);
  /* A statement the JSON tries to own for the signer: the key id and digest are overwritten, and a
   * school approver may not be delegated signage_public... the signer's role rule: */
  CHECK_ERR(pbgdpl_delegation_sign(a.root_sk, NULL, a.pk,
                                   "{\"authority\":\"pgddt-ha-dong\",\"unit\":\"th-van-yen\",\"approver_role\":\"school_approver\","
                                   "\"uses\":[\"signage_public\"],\"valid_from\":\"2020-01-01T00:00:00+07:00\","
                                   "\"valid_until\":\"2099-01-01T00:00:00+07:00\",\"sequence\":1}",
                                   &out),
            PBGDPL_C_ACCESS_DENIED, "permission_denied");
  CHECK(pbgdpl_approval_sign(a.sk, NULL, "{\"content_id\":\"x\"}", content, 3, &verified) == PBGDPL_C_INVALID_ARGUMENT);
  pbgdpl_free(out);
  free_approver(&a);
}

/* --- bundles -------------------------------------------------------------------------------- */
static void test_bundles(void) {
  struct approver a;
  char ring[8192], dir[512], file[600];
  char* out = NULL;
  make_approver(&a);
  keyring_json(&a, 1, ring, sizeof ring);
  snprintf(dir, sizeof dir, "%s/bundle", tmp_dir);
  CHECK(mkdir(dir, 0700) == 0);
  snprintf(file, sizeof file, "%s/a.txt", dir);
  write_file(file, "Kế hoạch tuyên truyền");
  snprintf(file, sizeof file, "%s/b.txt", dir);
  write_file(file, "Luật Phổ biến, giáo dục pháp luật");
  {
    char opts[2048];
    snprintf(opts, sizeof opts, "{\"content_id\":\"video-atgt\",\"title\":\"Gói tuyên truyền\",\"statement\":%s}", statement);
    CHECK_OK(pbgdpl_bundle_pack(dir, a.sk, NULL, opts, &out));
    CHECK(contains(out, "a.txt") && contains(out, "b.txt"));
    pbgdpl_free(out);
    out = NULL;
    CHECK_ERR(pbgdpl_bundle_pack(dir, a.sk, NULL, "{\"content_id\":", &out), PBGDPL_C_INVALID_ARGUMENT, "parse_error");
  }
  CHECK_OK(pbgdpl_bundle_verify(dir, ring, "{\"use\":\"portal\"}", &out));
  CHECK(contains(out, "\"manifest\":{") && contains(out, "\"approval\":{"));
  pbgdpl_free(out);
  out = NULL;
  /* An extra file not in the manifest, then a changed file: refused. */
  snprintf(file, sizeof file, "%s/c.txt", dir);
  write_file(file, "thêm");
  CHECK(pbgdpl_bundle_verify(dir, ring, "{\"use\":\"portal\"}", &out) != PBGDPL_C_OK);
  CHECK_OK(pbgdpl_bundle_verify(dir, ring, "{\"use\":\"portal\",\"allow_unlisted_files\":true}", NULL));
  CHECK(unlink(file) == 0);
  snprintf(file, sizeof file, "%s/a.txt", dir);
  write_file(file, "Kế hoạch tuyên truyền!");
  CHECK_ERR(pbgdpl_bundle_verify(dir, ring, "{\"use\":\"portal\"}", &out), PBGDPL_C_SIGNATURE, "tampered");
  CHECK(out == NULL);
  CHECK(pbgdpl_bundle_verify(NULL, ring, NULL, NULL) == PBGDPL_C_INVALID_ARGUMENT);
  free_approver(&a);
}

/* --- signage timelines ---------------------------------------------------------------------- */
static void test_signage(void) {
  char path[512], *schedules, *playlists, *req, *out = NULL;
  size_t n;
  snprintf(path, sizeof path, "%s/schedules.json", seed_dir);
  schedules = read_file(path);
  snprintf(path, sizeof path, "%s/playlists.json", seed_dir);
  playlists = read_file(path);
  CHECK(schedules && playlists);
  if (!schedules || !playlists) return;
  n = strlen(schedules) + strlen(playlists) + 256;
  req = malloc(n);
  /* A school day inside the seed's schedule (Monday 2023-11-13), then a Sunday. */
  snprintf(req, n, "{\"entries\":%s,\"playlists\":%s,\"day\":\"2023-11-13\"}", schedules, playlists);
  CHECK_OK(pbgdpl_signage_timeline(req, &out));
  CHECK(contains(out, "\"playlist\":\"pl-cau-thang-thcs-van-yen\"") && contains(out, "\"start\":"));
  pbgdpl_free(out);
  out = NULL;
  snprintf(req, n, "{\"entries\":%s,\"playlists\":%s,\"day\":\"2023-11-12\",\"time_zone\":\"Asia/Ho_Chi_Minh\"}", schedules, playlists);
  CHECK_OK(pbgdpl_signage_timeline(req, &out));
  CHECK(out && !contains(out, "lich-ngay-hoc"));
  pbgdpl_free(out);
  out = NULL;
  snprintf(req, n, "{\"entries\":%s,\"playlists\":[],\"day\":\"2023-11-13\"}", schedules);
  CHECK_ERR(pbgdpl_signage_timeline(req, &out), PBGDPL_C_NOT_FOUND, "not_found");
  snprintf(req, n, "{\"entries\":%s,\"playlists\":%s,\"day\":\"2023-13-45\"}", schedules, playlists);
  CHECK(pbgdpl_signage_timeline(req, &out) == PBGDPL_C_INVALID_ARGUMENT);
  CHECK_ERR(pbgdpl_signage_timeline("{\"entries\":{},\"playlists\":[],\"day\":\"2023-11-13\"}", &out), PBGDPL_C_INVALID_ARGUMENT,
            "wrong_type");
  CHECK_ERR(pbgdpl_signage_timeline("{\"entries\":[{\"id\":5}],\"playlists\":[],\"day\":\"2023-11-13\"}", &out),
            PBGDPL_C_INVALID_ARGUMENT, "wrong_type");
  CHECK(out == NULL);
  free(req);
  free(schedules);
  free(playlists);
}

/* --- reports: open a draft, fill it, validate, submit signed -------------------------------- */
static void test_reports(void) {
  pbgdpl_store* s = open_seeded("reports");
  char *sk = NULL, *pk = NULL, *sk2 = NULL, *pk2 = NULL, *out = NULL, *tmpl = NULL, *check = NULL;
  char sub_id[160], buf[8192], quoted[1024], tmpl_id[128];
  const char* now = "\"now\":\"2026-12-01T09:00:00Z\"";
  if (!s) return;
  CHECK_OK(pbgdpl_key_generate(&sk, &pk));
  CHECK_OK(pbgdpl_key_generate(&sk2, &pk2));
  json_quote(pk, quoted, sizeof quoted);
  snprintf(buf, sizeof buf,
           "{\"id\":\"acc-school-approver\",\"approval_public_key\":%s,\"password_hash\":"
           "\"$argon2id$v=19$m=65536,t=3,p=1$c2VsLXRlc3Q$bm90LWEtcmVhbC1oYXNoLWp1c3QtYS10ZXN0\"}",
           quoted);
  CHECK_OK(pbgdpl_store_create(s, "credential", buf, "test", &out));
  pbgdpl_free(out);
  out = NULL;

  snprintf(buf, sizeof buf, "{\"period\":\"bc-kh19-v2-2026-dot-2\",\"unit\":\"th-van-yen\",\"account\":\"acc-school-approver\",%s}", now);
  CHECK_OK(pbgdpl_report_open_draft(s, buf, &out));
  CHECK(contains(out, "\"state\":\"draft\""));
  json_string(out, "id", sub_id, sizeof sub_id);
  json_string(out, "template_id", tmpl_id, sizeof tmpl_id);
  CHECK(sub_id[0] != '\0' && tmpl_id[0] != '\0');
  CHECK_OK(pbgdpl_store_get(s, "report_template", tmpl_id, &tmpl));
  /* The draft as if sent: required values are missing. */
  CHECK_OK(pbgdpl_report_validate(tmpl, out, &check));
  CHECK(contains(check, "\"valid\":false"));
  pbgdpl_free(check);
  check = NULL;
  pbgdpl_free(out);
  out = NULL;
  CHECK_ERR(pbgdpl_report_open_draft(s, "{\"period\":\"none\",\"unit\":\"th-van-yen\",\"account\":\"acc-school-approver\"}", &out),
            PBGDPL_C_NOT_FOUND, "not_found");
  CHECK_ERR(pbgdpl_report_open_draft(s, "{\"unit\":\"th-van-yen\",\"account\":\"acc-school-approver\"}", &out),
            PBGDPL_C_INVALID_ARGUMENT, "missing_field");

  /* Sending an empty draft: a blocking rule refuses it. */
  snprintf(buf, sizeof buf, "{\"submission_id\":\"%s\",\"account\":\"acc-school-approver\",%s}", sub_id, now);
  CHECK_ERR(pbgdpl_report_submit(s, buf, sk, NULL, &out), PBGDPL_C_INVALID_ARGUMENT, "validation_failed");

  snprintf(buf, sizeof buf,
           "{\"submission_id\":\"%s\",\"account\":\"acc-school-approver\",%s,\"values\":["
           "{\"code\":\"staff_total\",\"number\":40},"
           "{\"code\":\"staff_trained\",\"number\":12,\"justification\":\"Tập huấn trực tiếp tại trường\"},"
           "{\"code\":\"has_pbgdpl_section\",\"flag\":true},{\"code\":\"linked_to_division\",\"flag\":true},"
           "{\"code\":\"has_city_banner\",\"flag\":false},{\"code\":\"results\",\"text\":\"Kế hoạch đào tạo\"}]}",
           sub_id, now);
  CHECK_OK(pbgdpl_report_save_values(s, buf, &out));
  CHECK_OK(pbgdpl_report_validate(tmpl, out, &check));
  CHECK(contains(check, "\"valid\":true") && contains(check, "\"errors\":[]"));
  pbgdpl_free(check);
  check = NULL;
  pbgdpl_free(out);
  out = NULL;
  CHECK_ERR(pbgdpl_report_save_values(s, "{\"submission_id\":\"x\",\"account\":\"acc-school-approver\",\"values\":5}", &out),
            PBGDPL_C_INVALID_ARGUMENT, "wrong_type");
  CHECK_ERR(pbgdpl_report_validate(tmpl, "{\"values\":7}", &check), PBGDPL_C_INVALID_ARGUMENT, "missing_field");
  CHECK_ERR(pbgdpl_report_validate("[]", tmpl, &check), PBGDPL_C_INVALID_ARGUMENT, "wrong_type");
  CHECK(check == NULL);

  snprintf(buf, sizeof buf, "{\"submission_id\":\"%s\",\"account\":\"acc-school-approver\",%s}", sub_id, now);
  /* Another key than the account's: refused; a malformed key; then the right one. */
  CHECK(pbgdpl_report_submit(s, buf, sk2, NULL, &out) == PBGDPL_C_SIGNATURE);
  CHECK(pbgdpl_report_submit(s, buf, "not a key", NULL, &out) == PBGDPL_C_SIGNATURE);
  CHECK(out == NULL);
  CHECK_OK(pbgdpl_report_submit(s, buf, sk, NULL, &out));
  CHECK(contains(out, "\"state\":\"submitted\"") && contains(out, "\"signature\":\"") && contains(out, "\"warnings\":["));
  pbgdpl_free(out);
  out = NULL;
  /* Sent once: a second send is refused. */
  CHECK(pbgdpl_report_submit(s, buf, sk, NULL, &out) != PBGDPL_C_OK);
  pbgdpl_free(tmpl);
  pbgdpl_free(sk);
  pbgdpl_free(pk);
  pbgdpl_free(sk2);
  pbgdpl_free(pk2);
  CHECK_OK(pbgdpl_store_close(s));
}

/* GET `path` from 127.0.0.1:port with a plain socket; the status code (0 on failure), and the
 * body's first bytes into body. */
static int http_get(int port, const char* path, char* body, size_t size) {
  struct sockaddr_in a;
  char req[512], buf[65536];
  size_t got = 0;
  ssize_t n;
  int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;
  if (fd < 0) return 0;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr*)&a, sizeof a) != 0) {
    close(fd);
    return 0;
  }
  snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", path, port);
  if (write(fd, req, strlen(req)) < 0) {
    close(fd);
    return 0;
  }
  while (got + 1 < sizeof buf && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)n;
  buf[got] = '\0';
  close(fd);
  if (sscanf(buf, "HTTP/1.1 %d", &status) != 1) status = 0;
  if (body) {
    const char* b = strstr(buf, "\r\n\r\n");
    snprintf(body, size, "%s", b ? b + 4 : "");
  }
  return status;
}

/* --- portal: start on a store handle, port 0, close the store while it runs, stop ---------- */
static void test_portal(void) {
  pbgdpl_store* s = open_seeded("portal");
  pbgdpl_portal *p = NULL, *q = NULL;
  int port = 0, port2 = 0;
  char body[4096], opts[1024];
  if (!s) return;
  CHECK_ERR(pbgdpl_portal_start(s, "{\"port\":70000}", &p), PBGDPL_C_INVALID_ARGUMENT, "out_of_range");
  CHECK_ERR(pbgdpl_portal_start(s, "{\"prot\":0}", &p), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_portal_start(s, "{\"port\":", &p), PBGDPL_C_INVALID_ARGUMENT, "parse_error");
  CHECK_ERR(pbgdpl_portal_start(s, "{\"host\":\"127.0.0.1\\u0000x\"}", &p), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_portal_start(NULL, "{}", &p), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument"); /* no store, no data_dir */
  CHECK_ERR(pbgdpl_portal_start(s, "{}", NULL), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK(p == NULL);

  CHECK_OK(pbgdpl_portal_start(s, "{\"host\":\"127.0.0.1\",\"port\":0}", &p));
  CHECK_OK(pbgdpl_portal_port(p, &port));
  CHECK(port > 0);
  CHECK(http_get(port, "/healthz", body, sizeof body) == 200);
  /* The same port again: refused (in use), not a crash. */
  snprintf(opts, sizeof opts, "{\"port\":%d}", port);
  CHECK_ERR(pbgdpl_portal_start(s, opts, &q), PBGDPL_C_STORAGE, "io_error");
  /* The caller closes its store handle: the portal still serves (shared ownership). */
  CHECK_OK(pbgdpl_store_close(s));
  CHECK(http_get(port, "/healthz", NULL, 0) == 200);
  CHECK(http_get(port, "/tim-kiem?q=ke+hoach", body, sizeof body) == 200);
  CHECK_OK(pbgdpl_portal_stop(p));
  CHECK(http_get(port, "/healthz", NULL, 0) == 0); /* the port is released */
  CHECK_ERR(pbgdpl_portal_stop(p), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_portal_port(p, &port2), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_portal_port(NULL, &port2), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_OK(pbgdpl_portal_stop(NULL));

  /* Behind a reverse proxy: the public origin and prefix in every absolute URL. */
  snprintf(opts, sizeof opts,
           "{\"data_dir\":\"%s/portal-proxy\",\"seed\":\"%s\",\"base_url\":\"https://truong.edu.vn/\","
           "\"public_prefix\":\"/phap-luat\",\"trusted_proxies\":[\"127.0.0.1\",\"10.0.0.0/8\"]}",
           tmp_dir, seed_dir);
  CHECK_OK(pbgdpl_portal_start(NULL, opts, &q));
  CHECK_OK(pbgdpl_portal_port(q, &port2));
  CHECK(http_get(port2, "/sitemap.xml", body, sizeof body) == 200);
  CHECK(contains(body, "<loc>https://truong.edu.vn/phap-luat/pbgdpl/"));
  CHECK(!contains(body, "127.0.0.1"));
  CHECK_OK(pbgdpl_portal_stop(q));
  q = NULL;
  CHECK_ERR(pbgdpl_portal_start(NULL, "{\"data_dir\":\"/proc/pbgdpl-never\",\"base_url\":\"ftp://truong.edu.vn\"}", &q),
            PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_portal_start(NULL, "{\"data_dir\":\"/proc/pbgdpl-never\",\"base_url\":\"https://a/b\"}", &q),
            PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_portal_start(NULL, "{\"data_dir\":\"/proc/pbgdpl-never\",\"public_prefix\":\"/phap luat\"}", &q),
            PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_portal_start(NULL, "{\"data_dir\":\"/proc/pbgdpl-never\",\"trusted_proxies\":[\"khong-phai-ip\"]}", &q),
            PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK_ERR(pbgdpl_portal_start(NULL, "{\"data_dir\":\"/proc/pbgdpl-never\",\"trusted_proxies\":\"127.0.0.1\"}", &q),
            PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
  CHECK(q == NULL);

  /* Over a data directory, seeded on the first start. */
  snprintf(opts, sizeof opts, "{\"data_dir\":\"%s/portal-data\",\"seed\":\"%s\"}", tmp_dir, seed_dir);
  CHECK_OK(pbgdpl_portal_start(NULL, opts, &q));
  CHECK_OK(pbgdpl_portal_port(q, &port2));
  CHECK(http_get(port2, "/healthz", NULL, 0) == 200);
  CHECK_OK(pbgdpl_portal_stop(q));
}

/* --- hostile: an outsider's inputs (issue 20's red team) ------------------------------------- */
static void* error_in_thread(void* arg) {
  pbgdpl_store* s = NULL;
  (void)arg;
  pbgdpl_store_open_sqlite(NULL, &s); /* leaves a last error in this thread, which then exits */
  return NULL;
}

static void test_hostile(void) {
  pbgdpl_store *s = open_seeded("hostile"), *s2 = NULL;
  pbgdpl_portal* p = NULL;
  char path[512], *out = NULL, *deep = NULL;
  size_t i, depth = 100000;
  pthread_t t;
  if (!s) return;
  /* Binding every interface (0.0.0.0, ::) would make every absolute link of the portal
     http://0.0.0.0:PORT and serve the network with no proxy in front: refused, with no bind. */
  {
    const char* everywhere[] = {"0.0.0.0", "::", "0:0::0", "::ffff:0.0.0.0", "0"};
    char opts[128];
    for (i = 0; i < sizeof everywhere / sizeof *everywhere; ++i) {
      snprintf(opts, sizeof opts, "{\"host\":\"%s\",\"port\":0}", everywhere[i]);
      CHECK_ERR(pbgdpl_portal_start(s, opts, &p), PBGDPL_C_INVALID_ARGUMENT, "invalid_argument");
      CHECK(p == NULL);
      if (p) pbgdpl_portal_stop(p);
      p = NULL;
    }
  }
  /* Invalid UTF-8 in a kind, an id, a path. */
  CHECK_ERR(pbgdpl_store_get(s, "artic\xff", "x", &out), PBGDPL_C_INVALID_ARGUMENT, "invalid_utf8");
  CHECK(out == NULL);
  CHECK(pbgdpl_store_get(s, "article", "\xc3\x28", &out) != PBGDPL_C_OK);
  CHECK(pbgdpl_store_open_sqlite("/tmp/\xff\xfe/x.db", &s2) != PBGDPL_C_OK);
  CHECK(s2 == NULL);
  /* Ids that look like paths: not found or refused, never another record. */
  CHECK(pbgdpl_store_get(s, "article", "../to-gap-atgt", &out) != PBGDPL_C_OK);
  CHECK(pbgdpl_store_get(s, "article", "to-gap-atgt/..", &out) != PBGDPL_C_OK);
  CHECK(out == NULL);
  /* Deep JSON: refused, not a stack overflow. */
  deep = (char*)malloc(2 * depth + 1);
  if (deep) {
    for (i = 0; i < depth; ++i) deep[i] = '[';
    for (i = 0; i < depth; ++i) deep[depth + i] = ']';
    deep[2 * depth] = 0;
    CHECK(pbgdpl_store_search(s, deep, &out) != PBGDPL_C_OK);
    CHECK(out == NULL);
    free(deep);
  }
  /* Duplicate keys: the document is refused or one value wins; a draft never reaches search. */
  CHECK_OK(pbgdpl_store_search(s, "{\"q\":\"be vui hoc luat\",\"include_unpublished\":true}", &out));
  CHECK(contains(out, "mn-van-khe-be-vui-hoc-luat")); /* the control: asked for, it is found */
  pbgdpl_free(out);
  out = NULL;
  CHECK(pbgdpl_store_search(
            s, "{\"q\":\"be vui hoc luat\",\"include_unpublished\":true,\"include_unpublished\":false}",
            &out) == PBGDPL_C_OK);
  CHECK(out && !contains(out, "mn-van-khe-be-vui-hoc-luat"));
  pbgdpl_free(out);
  out = NULL;
  /* A directory and a FIFO as the store: refused at once, no blocking open. */
  snprintf(path, sizeof path, "%s/fifo.db", tmp_dir);
  CHECK(mkfifo(path, 0600) == 0);
  CHECK_ERR(pbgdpl_store_open_sqlite(path, &s2), PBGDPL_C_STORAGE, "io_error");
  CHECK_ERR(pbgdpl_store_open_sqlite(tmp_dir, &s2), PBGDPL_C_STORAGE, "io_error");
  snprintf(path, sizeof path, "%s/link.db", tmp_dir);
  CHECK(symlink(tmp_dir, path) == 0);
  CHECK_ERR(pbgdpl_store_open_sqlite(path, &s2), PBGDPL_C_STORAGE, "io_error");
  CHECK(s2 == NULL);
  /* A thread's last error dies with it; this thread's stays its own. */
  CHECK_OK(pbgdpl_store_close(NULL));
  CHECK(pthread_create(&t, NULL, error_in_thread, NULL) == 0);
  pthread_join(t, NULL);
  CHECK(contains(pbgdpl_last_error_json(), "\"code\":\"ok\""));
  CHECK_OK(pbgdpl_store_close(s));
}

/* --- threads: one store handle searched from several threads at once ----------------------- */
static pbgdpl_store* shared_store = NULL;
static void* searcher(void* arg) {
  int i, bad = 0;
  (void)arg;
  for (i = 0; i < 20; ++i) {
    char* out = NULL;
    if (pbgdpl_store_search(shared_store, "{\"q\":\"ke hoach\"}", &out) != PBGDPL_C_OK || !contains(out, "Kế hoạch")) ++bad;
    pbgdpl_free(out);
    /* Each thread's last error is its own. */
    if (pbgdpl_store_get(shared_store, "article", "nope", &out) != PBGDPL_C_NOT_FOUND ||
        !contains(pbgdpl_last_error_json(), "not_found"))
      ++bad;
  }
  return (void*)(size_t)bad;
}

/* Searches until the handle is refused: every answer is OK (a call under way finishes on the
 * store it holds) or INVALID_ARGUMENT (the handle is closed); never a crash. */
static volatile int closing_started = 0;
static void* searcher_until_closed(void* arg) {
  int i, bad = 0, ok = 0;
  (void)arg;
  for (i = 0; i < 100000; ++i) {
    char* out = NULL;
    pbgdpl_c_status st = pbgdpl_store_search(shared_store, "{\"q\":\"phap luat\"}", &out);
    pbgdpl_free(out);
    if (st == PBGDPL_C_OK) {
      ++ok;
      continue;
    }
    if (st != PBGDPL_C_INVALID_ARGUMENT || !closing_started) ++bad;
    break;
  }
  return (void*)(size_t)(bad + (ok == 0));
}

static void test_threads(void) {
  pthread_t t[4];
  int i;
  shared_store = open_seeded("threads");
  if (!shared_store) return;
  for (i = 0; i < 4; ++i) CHECK(pthread_create(&t[i], NULL, searcher, NULL) == 0);
  for (i = 0; i < 4; ++i) {
    void* r = NULL;
    pthread_join(t[i], &r);
    CHECK(r == NULL);
  }
  CHECK_OK(pbgdpl_store_close(shared_store));

  /* Closing while other threads use the handle. */
  shared_store = open_seeded("threads-close");
  if (!shared_store) return;
  for (i = 0; i < 4; ++i) CHECK(pthread_create(&t[i], NULL, searcher_until_closed, NULL) == 0);
  {
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  closing_started = 1;
  CHECK_OK(pbgdpl_store_close(shared_store));
  for (i = 0; i < 4; ++i) {
    void* r = NULL;
    pthread_join(t[i], &r);
    CHECK(r == NULL);
  }
}

/* A store closed from an atexit handler (a C program's usual clean-up): glibc has destroyed the
   library's thread-local error text by then; the close must not write into it (valgrind and ASan
   saw a write into freed memory before the fix). */
static pbgdpl_store* at_exit_store = NULL;
static void close_at_exit(void) {
  pbgdpl_c_status s = pbgdpl_store_close(at_exit_store);
  const char* e = pbgdpl_last_error_json();
  if (s != PBGDPL_C_OK || !contains(e, "\"ok\"")) {
    fprintf(stderr, "FAIL: closing a store at exit: status %d, %s\n", (int)s, e ? e : "(null)");
    _exit(1);
  }
}

int main(int argc, char** argv) {
  const char* only = argc > 2 ? argv[2] : NULL;
  if (argc < 2) {
    fprintf(stderr, "usage: %s <seed dir> [section]\n", argv[0]);
    return 2;
  }
  seed_dir = argv[1];
  snprintf(tmp_dir, sizeof tmp_dir, "/tmp/pbgdpl-c-api-XXXXXX");
  if (!mkdtemp(tmp_dir)) {
    perror("mkdtemp");
    return 2;
  }
#define RUN(name)                                  \
  if (!only || strcmp(only, #name) == 0) {         \
    int before = failures;                         \
    test_##name();                                 \
    printf("%-10s %s\n", #name, failures == before ? "ok" : "FAILED"); \
  }
  RUN(core)
  RUN(store)
  RUN(documents)
  RUN(search)
  RUN(keys)
  RUN(approvals)
  RUN(bundles)
  RUN(signage)
  RUN(reports)
  RUN(portal)
  RUN(threads)
  RUN(hostile)
  {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp_dir);
  }
  if (!only && pbgdpl_store_open_memory(&at_exit_store) == PBGDPL_C_OK) atexit(close_at_exit);
  printf("%d failure(s)\n", failures);
  return failures > 100 ? 100 : failures;
}
