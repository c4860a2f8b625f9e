/* pbgdpl from C: the walk-through of the C API (include/pbgdpl/c/pbgdpl.h). Opens a store in a
 * temporary directory, imports the demo seed, creates and publishes an article, searches
 * "ke hoach" (found: "Kế hoạch"), signs and verifies, starts the portal on a port the system
 * picks, GETs /healthz with a plain socket, and stops. Each step prints one line.
 *
 *   cc -std=c99 example.c $(pkg-config --cflags --libs pbgdpl-c) -o example
 *   ./example data/seed
 *
 * The pattern on every call: it returns a status; on anything but PBGDPL_C_OK,
 * pbgdpl_last_error_json() says what and where, in Vietnamese and English. Strings the library
 * returns are yours: free them with pbgdpl_free(). */
#define _POSIX_C_SOURCE 200809L
#include <pbgdpl/c/pbgdpl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Stops the program with the library's error when a call fails. */
static void must(pbgdpl_c_status st, const char* what) {
  if (st != PBGDPL_C_OK) {
    fprintf(stderr, "%s failed (%s): %s\n", what, pbgdpl_status_name(st), pbgdpl_last_error_json());
    exit(1);
  }
}

/* The value of "key":"..." in a JSON text (enough for an id; use a JSON parser in real code). */
static void json_string(const char* json, const char* key, char* out, size_t size) {
  char pat[64];
  const char* p;
  size_t i = 0;
  snprintf(pat, sizeof pat, "\"%s\":\"", key);
  p = strstr(json, pat);
  if (p)
    for (p += strlen(pat); *p && *p != '"' && i + 1 < size; ++p) out[i++] = *p;
  out[i] = '\0';
}

static int http_status(int port, const char* path) {
  struct sockaddr_in a;
  char req[256], buf[512];
  int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;
  ssize_t n;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr*)&a, sizeof a) != 0) return 0;
  snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
  if (write(fd, req, strlen(req)) > 0 && (n = read(fd, buf, sizeof buf - 1)) > 0) {
    buf[n] = '\0';
    if (sscanf(buf, "HTTP/1.1 %d", &status) != 1) status = 0;
  }
  close(fd);
  return status;
}

int main(int argc, char** argv) {
  char dir[] = "/tmp/pbgdpl-c-example-XXXXXX", path[512], id[128], cmd[600];
  pbgdpl_store* store = NULL;
  pbgdpl_portal* portal = NULL;
  char *out = NULL, *sk = NULL, *pk = NULL, *sig = NULL;
  const char* text = "Kế hoạch tuyên truyền pháp luật năm học 2026-2027";
  int port = 0, status;

  if (argc < 2) {
    fprintf(stderr, "usage: %s <seed dir, e.g. data/seed>\n", argv[0]);
    return 2;
  }
  if (pbgdpl_abi_version() != PBGDPL_C_ABI_VERSION) {
    fprintf(stderr, "libpbgdpl_c is ABI %d, this program was built for %d\n", pbgdpl_abi_version(), PBGDPL_C_ABI_VERSION);
    return 1;
  }
  printf("pbgdpl %s (C ABI %d)\n", pbgdpl_version(), pbgdpl_abi_version());
  if (!mkdtemp(dir)) return 1;

  /* 1. A store in the temporary directory, with the demo seed. */
  snprintf(path, sizeof path, "%s/pbgdpl.db", dir);
  must(pbgdpl_store_open_sqlite(path, &store), "open");
  must(pbgdpl_store_import_dataset(store, argv[1], "example", &out), "import");
  printf("imported: %.120s...\n", out);
  pbgdpl_free(out);

  /* 2. An article: created as a draft (the HTML is rendered from the Markdown), then published. */
  must(pbgdpl_store_create(store, "article",
                           "{\"kind\":\"activity_news\",\"title\":\"Kế hoạch tuyên truyền pháp luật tháng 12\","
                           "\"slug\":\"ke-hoach-thang-12\",\"body_markdown\":\"Trường triển khai **Kế hoạch** tháng 12.\","
                           "\"category\":\"Tin tức hoạt động\",\"unit\":\"th-van-yen\",\"author\":\"acc-school-editor\","
                           "\"state\":\"draft\"}",
                           "example", &out),
       "create");
  json_string(out, "id", id, sizeof id);
  pbgdpl_free(out);
  must(pbgdpl_store_publish(store, "article", id, 1, "example", &out), "publish");
  printf("published: %s\n", id);
  pbgdpl_free(out);

  /* 3. Search without accents: "ke hoach" finds "Kế hoạch". */
  must(pbgdpl_store_search(store, "{\"q\":\"ke hoach\",\"kinds\":[\"article\"],\"limit\":5}", &out), "search");
  printf("search \"ke hoach\": %s\n", strstr(out, id) ? "found the new article" : "NOT FOUND");
  status = strstr(out, id) != NULL;
  pbgdpl_free(out);
  if (!status) return 1;

  /* 4. Sign and verify (minisign formats: the .key, .pub and .minisig texts). */
  must(pbgdpl_key_generate(&sk, &pk), "key");
  must(pbgdpl_sign(sk, NULL, text, strlen(text), NULL, &sig), "sign");
  must(pbgdpl_verify(pk, sig, text, strlen(text), NULL), "verify");
  printf("signature verifies; tampered text: %s\n",
         pbgdpl_verify(pk, sig, text, strlen(text) - 1, NULL) == PBGDPL_C_SIGNATURE ? "refused" : "ACCEPTED");
  memset(sk, 0, strlen(sk)); /* the secret key's text: wiped before it is freed */
  pbgdpl_free(sk);
  pbgdpl_free(pk);
  pbgdpl_free(sig);

  /* 5. The portal over the same store, on a port the system picks. The portal shares the store:
   *    closing our handle now is fine. */
  must(pbgdpl_portal_start(store, "{\"host\":\"127.0.0.1\",\"port\":0}", &portal), "portal start");
  must(pbgdpl_store_close(store), "close");
  must(pbgdpl_portal_port(portal, &port), "port");
  status = http_status(port, "/healthz");
  printf("portal on 127.0.0.1:%d, GET /healthz: %d\n", port, status);
  must(pbgdpl_portal_stop(portal), "portal stop");

  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return status == 200 ? 0 : 1;
}
