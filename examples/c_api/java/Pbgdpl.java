// pbgdpl from Java through JNA: the C API (include/pbgdpl/c/pbgdpl.h, libpbgdpl_c.so) bound
// function by function in Native, and a thin Java face over it (Pbgdpl.Store, Pbgdpl.Portal, static
// methods for keys), where a failed call throws Pbgdpl.PbgdplException carrying the library's status, code,
// JSON pointer and both messages. JSON crosses as String (parse it with the JSON library you use).
//
//   javac -cp /usr/share/java/jna.jar Pbgdpl.java Example.java
//   java -cp /usr/share/java/jna.jar:. -Djna.library.path=<dir of libpbgdpl_c.so> Example data/seed
//
// Ownership: every String the library returns is copied into Java and the C copy freed at once
// (pbgdpl_free), so nothing leaks and nothing is used after it is freed. Handles are released by
// close() (Store, Portal implement AutoCloseable: use try-with-resources). Assumes a 64-bit
// platform (size_t as long).
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;
import java.util.Map;

public final class Pbgdpl {
  private Pbgdpl() {}

  /** The C functions, one to one (see pbgdpl.h for each one's JSON shapes). */
  public interface Native_ extends Library {
    String pbgdpl_version();
    int pbgdpl_abi_version();
    int pbgdpl_version_json(PointerByReference out);
    String pbgdpl_status_name(int status);
    String pbgdpl_last_error_json();
    void pbgdpl_free(Pointer p);

    int pbgdpl_store_open_sqlite(String path, PointerByReference out);
    int pbgdpl_store_open_memory(PointerByReference out);
    int pbgdpl_store_close(Pointer store);
    int pbgdpl_store_import_dataset(Pointer store, String dir, String actor, PointerByReference out);
    int pbgdpl_store_create(Pointer store, String kind, String json, String actor, PointerByReference out);
    int pbgdpl_store_update(Pointer store, String kind, String json, String actor, PointerByReference out);
    int pbgdpl_store_get(Pointer store, String kind, String id, PointerByReference out);
    int pbgdpl_store_publish(Pointer store, String kind, String id, long expectedVersion, String actor, PointerByReference out);
    int pbgdpl_store_search(Pointer store, String requestJson, PointerByReference out);

    int pbgdpl_key_generate(PointerByReference secretKey, PointerByReference publicKey);
    int pbgdpl_sign(String secretKey, String password, byte[] data, long size, String trustedComment, PointerByReference out);
    int pbgdpl_verify(String publicKey, String signature, byte[] data, long size, PointerByReference out);

    int pbgdpl_approval_sign(String secretKey, String password, String statementJson, byte[] data, long size,
                             PointerByReference out);
    int pbgdpl_approval_verify(String keyringJson, String signature, byte[] data, long size, String optionsJson,
                               PointerByReference out);
    int pbgdpl_delegation_sign(String rootSecretKey, String password, String approverPublicKey, String delegationJson,
                               PointerByReference out);
    int pbgdpl_bundle_pack(String path, String secretKey, String password, String optionsJson, PointerByReference out);
    int pbgdpl_bundle_verify(String path, String keyringJson, String optionsJson, PointerByReference out);

    int pbgdpl_signage_timeline(String requestJson, PointerByReference out);

    int pbgdpl_report_open_draft(Pointer store, String requestJson, PointerByReference out);
    int pbgdpl_report_save_values(Pointer store, String requestJson, PointerByReference out);
    int pbgdpl_report_validate(String templateJson, String submissionJson, PointerByReference out);
    int pbgdpl_report_submit(Pointer store, String requestJson, String secretKey, String password, PointerByReference out);

    int pbgdpl_portal_start(Pointer store, String optionsJson, PointerByReference out);
    int pbgdpl_portal_port(Pointer portal, IntByReference out);
    int pbgdpl_portal_stop(Pointer portal);
  }

  /** The library, loaded once, with UTF-8 strings whatever the platform's default charset. */
  public static final Native_ C = Native.load("pbgdpl_c", Native_.class,
      Map.of(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name()));

  public static final int OK = 0, INVALID_ARGUMENT = 1, NOT_FOUND = 2, CONFLICT = 3, SIGNATURE = 4,
      ACCESS_DENIED = 5, STORAGE = 6, INTERNAL = 99;

  /** A failed call: the status, and the library's error JSON {"code","path","vi","en",...}. */
  public static final class PbgdplException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int status;
    public final String json;

    PbgdplException(int status, String json) {
      super(C.pbgdpl_status_name(status) + ": " + json);
      this.status = status;
      this.json = json;
    }

    /** The library's code ("not_found", "tampered", ...), read from the JSON. */
    public String code() { return member(json, "code"); }
  }

  static void check(int status) {
    if (status != OK) throw new PbgdplException(status, C.pbgdpl_last_error_json());
  }

  /** Takes a CALLER-OWNED string out of the library: copied, then freed. */
  static String take(PointerByReference ref) {
    Pointer p = ref.getValue();
    if (p == null) return null;
    try {
      return p.getString(0, StandardCharsets.UTF_8.name());
    } finally {
      C.pbgdpl_free(p);
    }
  }

  static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  /** "key":"value" from a flat JSON text (for the example; use a JSON library in real code). */
  public static String member(String json, String key) {
    String pat = "\"" + key + "\":\"";
    int i = json == null ? -1 : json.indexOf(pat);
    if (i < 0) return "";
    int j = json.indexOf('"', i + pat.length());
    return json.substring(i + pat.length(), j);
  }

  public static String version() { return C.pbgdpl_version(); }

  /** An open store; close() releases it (a portal serving it keeps it alive). */
  public static final class Store implements AutoCloseable {
    private Pointer h;

    private Store(Pointer h) { this.h = h; }

    public static Store openSqlite(String path) {
      PointerByReference out = new PointerByReference();
      check(C.pbgdpl_store_open_sqlite(path, out));
      return new Store(out.getValue());
    }

    public static Store openMemory() {
      PointerByReference out = new PointerByReference();
      check(C.pbgdpl_store_open_memory(out));
      return new Store(out.getValue());
    }

    Pointer handle() { return h; }

    public String importDataset(String dir, String actor) {
      PointerByReference out = new PointerByReference();
      check(C.pbgdpl_store_import_dataset(h, dir, actor, out));
      return take(out);
    }

    public String create(String kind, String json, String actor) {
      PointerByReference out = new PointerByReference();
      check(C.pbgdpl_store_create(h, kind, json, actor, out));
      return take(out);
    }

    public String update(String kind, String json, String actor) {
      PointerByReference out = new PointerByReference();
      check(C.pbgdpl_store_update(h, kind, json, actor, out));
      return take(out);
    }

    public String get(String kind, String id) {
      PointerByReference out = new PointerByReference();
      check(C.pbgdpl_store_get(h, kind, id, out));
      return take(out);
    }

    public String publish(String kind, String id, long expectedVersion, String actor) {
      PointerByReference out = new PointerByReference();
      check(C.pbgdpl_store_publish(h, kind, id, expectedVersion, actor, out));
      return take(out);
    }

    public String search(String requestJson) {
      PointerByReference out = new PointerByReference();
      check(C.pbgdpl_store_search(h, requestJson, out));
      return take(out);
    }

    @Override
    public void close() {
      if (h == null) return;  // idempotent on the Java side; the C side refuses a second close
      Pointer p = h;
      h = null;
      check(C.pbgdpl_store_close(p));
    }
  }

  /** A key pair as the minisign file texts. */
  public static final class KeyPair {
    public final String secretKey, publicKey;

    KeyPair(String s, String p) { secretKey = s; publicKey = p; }

    public static KeyPair generate() {
      PointerByReference s = new PointerByReference(), p = new PointerByReference();
      check(C.pbgdpl_key_generate(s, p));
      return new KeyPair(take(s), take(p));
    }
  }

  /** The .minisig text of `data` signed with a .key text. */
  public static String sign(String secretKey, byte[] data, String trustedComment) {
    PointerByReference out = new PointerByReference();
    check(C.pbgdpl_sign(secretKey, null, data, data.length, trustedComment, out));
    return take(out);
  }

  /** Verifies; throws PbgdplException (status SIGNATURE, code tampered / unknown_key / bad_signature). */
  public static String verify(String publicKey, String signature, byte[] data) {
    PointerByReference out = new PointerByReference();
    check(C.pbgdpl_verify(publicKey, signature, data, data.length, out));
    return take(out);
  }

  /** What plays when on a local day (see pbgdpl_signage_timeline for the JSON). */
  public static String signageTimeline(String requestJson) {
    PointerByReference out = new PointerByReference();
    check(C.pbgdpl_signage_timeline(requestJson, out));
    return take(out);
  }

  /** The portal on its own threads; close() stops it. */
  public static final class Portal implements AutoCloseable {
    private Pointer h;

    private Portal(Pointer h) { this.h = h; }

    public static Portal start(Store store, String optionsJson) {
      PointerByReference out = new PointerByReference();
      check(C.pbgdpl_portal_start(store == null ? null : store.handle(), optionsJson, out));
      return new Portal(out.getValue());
    }

    public int port() {
      IntByReference out = new IntByReference();
      check(C.pbgdpl_portal_port(h, out));
      return out.getValue();
    }

    @Override
    public void close() {
      if (h == null) return;
      Pointer p = h;
      h = null;
      check(C.pbgdpl_portal_stop(p));
    }
  }
}
