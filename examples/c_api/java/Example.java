// The C example's steps from Java (examples/c_api/example.c): a store in a temporary directory,
// the demo seed, an article created and published, "ke hoach" found, sign and verify, the portal
// on a chosen port answering /healthz, and the errors a Java caller sees. Exits non-zero when a
// step does not do what it should (CTest runs it).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

public final class Example {
  static int failures = 0;

  static void expect(boolean ok, String what) {
    System.out.println((ok ? "ok      " : "FAILED  ") + what);
    if (!ok) failures++;
  }

  static int httpStatus(int port, String path) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream o = s.getOutputStream();
      o.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      o.flush();
      String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return line == null ? 0 : Integer.parseInt(line.split(" ")[1]);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: java Example <seed dir>");
      System.exit(2);
    }
    System.out.println("pbgdpl " + Pbgdpl.version() + " through JNA");
    Path dir = Files.createTempDirectory("pbgdpl-java-");
    try {
      run(args[0], dir);
    } finally {
      try (var walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.println(failures + " failure(s)");
    System.exit(failures == 0 ? 0 : 1);
  }

  static void run(String seed, Path dir) throws Exception {
    Pbgdpl.Store store = Pbgdpl.Store.openSqlite(dir.resolve("pbgdpl.db").toString());
    String counts = store.importDataset(seed, "java-example");
    expect(counts.contains("\"articles\":"), "imported the seed: " + counts.substring(0, Math.min(80, counts.length())) + "...");

    String created = store.create("article",
        "{\"kind\":\"activity_news\",\"title\":\"Kế hoạch tuyên truyền pháp luật (Java)\",\"slug\":\"ke-hoach-java\","
            + "\"body_markdown\":\"**Kế hoạch** của trường\",\"category\":\"Tin tức hoạt động\",\"unit\":\"th-van-yen\","
            + "\"author\":\"acc-school-editor\",\"state\":\"draft\"}",
        "java");
    String id = Pbgdpl.member(created, "id");
    expect(!id.isEmpty() && created.contains("<strong>Kế hoạch</strong>"), "created draft " + id);
    expect(!store.search("{\"q\":\"ke hoach java\"}").contains(id), "the draft is not in the public search");
    String published = store.publish("article", id, 1, "java");
    expect(published.contains("\"state\":\"published\""), "published");
    String hits = store.search("{\"q\":\"ke hoach\",\"kinds\":[\"article\"],\"limit\":5}");
    expect(hits.contains(id) && hits.contains("Kế hoạch"), "\"ke hoach\" finds \"Kế hoạch\"");

    // Errors are exceptions with the library's code.
    try {
      store.publish("article", id, 1, "java");  // version 1 is stale now
      expect(false, "a stale publish is refused");
    } catch (Pbgdpl.PbgdplException e) {
      expect(e.status == Pbgdpl.CONFLICT && e.code().equals("conflict"), "a stale publish is refused: " + e.code());
    }
    try {
      store.create("article", "{\"title\": ", "java");
      expect(false, "invalid JSON is refused");
    } catch (Pbgdpl.PbgdplException e) {
      expect(e.status == Pbgdpl.INVALID_ARGUMENT && e.code().equals("parse_error"), "invalid JSON is refused: " + e.code());
    }
    try {
      store.get("article", "no-such-article");
      expect(false, "a missing article is not found");
    } catch (Pbgdpl.PbgdplException e) {
      expect(e.status == Pbgdpl.NOT_FOUND && e.json.contains("\"vi\":\"") && e.json.contains("\"en\":\""),
             "a missing article: NOT_FOUND with Vietnamese and English messages");
    }

    // A signage timeline from the seed's schedule and playlist (a school day in 2023).
    String seedDir = seed;
    String plan = "{\"entries\":" + Files.readString(Path.of(seedDir, "schedules.json"))
        + ",\"playlists\":" + Files.readString(Path.of(seedDir, "playlists.json")) + ",\"day\":\"2023-11-13\"}";
    expect(Pbgdpl.signageTimeline(plan).contains("\"playlist\":\"pl-cau-thang-thcs-van-yen\""),
           "signage timeline: the staircase playlist plays on a school day");

    Pbgdpl.KeyPair keys = Pbgdpl.KeyPair.generate();
    byte[] text = "Kế hoạch 19/KH-PGDĐT".getBytes(StandardCharsets.UTF_8);
    String sig = Pbgdpl.sign(keys.secretKey, text, null);
    expect(Pbgdpl.verify(keys.publicKey, sig, text).contains("\"key_id\":\""), "signed and verified");
    try {
      Pbgdpl.verify(keys.publicKey, sig, "Kế hoạch 20/KH-PGDĐT".getBytes(StandardCharsets.UTF_8));
      expect(false, "tampered text is refused");
    } catch (Pbgdpl.PbgdplException e) {
      expect(e.status == Pbgdpl.SIGNATURE && e.code().equals("tampered"), "tampered text is refused: " + e.code());
    }

    try (Pbgdpl.Portal portal = Pbgdpl.Portal.start(store, "{\"host\":\"127.0.0.1\",\"port\":0}")) {
      store.close();  // the portal keeps the store alive
      int port = portal.port();
      expect(port > 0 && httpStatus(port, "/healthz") == 200, "portal on 127.0.0.1:" + port + " answers /healthz");
    }
    try {
      Pbgdpl.C.pbgdpl_store_close(null);  // NULL: a no-op
      expect(Pbgdpl.C.pbgdpl_store_get(null, "article", id, new com.sun.jna.ptr.PointerByReference()) == Pbgdpl.INVALID_ARGUMENT,
             "a NULL handle is an error, not a crash");
    } catch (Throwable t) {
      expect(false, "NULL handles: " + t);
    }
  }
}
