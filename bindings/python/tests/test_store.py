"""pbgdpl.Store over a real SQLite file (and the in-memory store): CRUD, server-owned fields,
optimistic concurrency, transactions that roll back, paging, filters, the audit log, dataset
import, hostile input, closed stores, paths that are not files, and the GIL released while the
store waits."""
import datetime as dt
import itertools
import json
import os
import shutil
import sqlite3
import threading
import time
import unicodedata

import pytest

from pbgdpl import ConflictError, NotFoundError, StorageError, Store, ValidationError
from pbgdpl.model import Article, LegalDocument, Unit

UTC = dt.timezone.utc
T0 = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "memory"])
def store(request, tmp_path):
    s = Store.open(tmp_path / "db" / "pbgdpl.db") if request.param == "sqlite" else Store.memory()
    with s:
        yield s


@pytest.fixture
def seeded(tmp_path, seed_dir):
    with Store.open(tmp_path / "seeded.db") as s:
        s.import_dataset(seed_dir)
        yield s


def school(name="Trường Tiểu học Thử", parent="ha-noi", **kw):
    return Unit(kind="school", level="th", name=name, parent=parent, **kw)


def root_store(store):
    store.create(Unit(id="ha-noi", kind="city", name="Thành phố Hà Nội"))
    return store


def article(title, unit="ha-noi", state="published", when=T0, **kw):
    return Article(kind="activity_news", title=title, body_markdown=kw.pop("body", "Nội dung."), unit=unit,
                   author="acc-1", state=state, created_at=when, published_at=when if state == "published" else None,
                   **kw)


# --- CRUD ---------------------------------------------------------------------------------------


def test_crud_on_a_sqlite_file_persists_across_reopen(tmp_path):
    path = tmp_path / "a" / "b" / "pbgdpl.db"  # directories created
    with Store.open(str(path)) as s:
        root_store(s)
        u = s.create(school())
        assert isinstance(u, Unit) and u.id and u.version == 1
        u.name = "Trường Tiểu học Đổi Tên"
        u2 = s.update(u, actor="acc-admin")
        assert u2.version == 2 and u2.name == "Trường Tiểu học Đổi Tên"
    assert path.is_file()
    with Store.open(path) as s:  # PathLike too
        again = s.get(Unit, u.id)
        assert again.version == 2 and again.name == "Trường Tiểu học Đổi Tên"
        assert s.get("unit", u.id) == again
        assert [e.action for e in s.audit(Unit, u.id)] == ["update", "create"]
        assert s.audit(Unit, u.id)[0].actor == "acc-admin"


def test_create_sets_server_owned_fields(store):
    root_store(store)
    a = article("Bài viết", state="draft", body="**đậm** <script>alert(1)</script>")
    a.version = 7  # a client cannot choose the version
    a.body_html = "<script>alert('owned')</script>"  # nor the HTML the portal shows
    out = store.create(a)
    assert out.version == 1 and len(out.id) > 0
    assert out.created_at.tzinfo is not None and out.updated_at == out.created_at
    # The HTML is rendered by the store's write path, and the script is not carried into it.
    assert "<strong>đậm</strong>" in out.body_html and "<script>" not in out.body_html
    assert "owned" not in out.body_html
    assert store.get(Article, out.id) == out
    again = out.copy()
    again.body_html = "<script>alert('owned')</script>"
    assert "owned" not in store.update(again).body_html
    # A dict with kind= works as well as a model object.
    d = store.create({"kind": "school", "level": "th", "name": "Từ dict", "parent": "ha-noi"}, kind=Unit)
    assert d.name == "Từ dict" and store.get(Unit, d.id).name == "Từ dict"


def test_created_text_is_nfc(store):
    root_store(store)
    nfd = unicodedata.normalize("NFD", "Trường Tiểu học Đống Đa")
    assert nfd != unicodedata.normalize("NFC", nfd)
    u = store.create(school(nfd))
    assert u.name == unicodedata.normalize("NFC", nfd)
    assert store.get(Unit, u.id).name == unicodedata.normalize("NFC", nfd)


def test_stale_update_is_a_conflict_and_changes_nothing(store):
    root_store(store)
    u = store.create(school())
    first, second = store.get(Unit, u.id), store.get(Unit, u.id)
    first.name = "Người thứ nhất"
    store.update(first)
    second.name = "Người thứ hai"
    with pytest.raises(ConflictError) as e:
        store.update(second)
    assert e.value.code == "conflict"
    assert "phiên bản" in e.value.message_vi and "version" in e.value.message_en
    assert store.get(Unit, u.id).name == "Người thứ nhất"


def test_duplicate_id_and_not_found(store):
    root_store(store)
    store.create(school(id="th-a"))
    with pytest.raises(ConflictError) as e:
        store.create(school(id="th-a"))
    assert e.value.code == "already_exists"
    with pytest.raises(NotFoundError) as e:
        store.get(Unit, "khong-co")
    assert e.value.code == "not_found"
    with pytest.raises(NotFoundError):
        store.update(school(id="khong-co", version=1))


def test_archive_hides_from_lists_and_remove_deletes(store):
    root_store(store)
    u = store.create(school(id="th-b"))
    with pytest.raises(ConflictError):
        store.archive(Unit, "th-b", expected_version=5)
    archived = store.archive(u)
    assert archived.version == 2
    assert "th-b" not in [x.id for x in store.list(Unit)]
    assert "th-b" in [x.id for x in store.list(Unit, include_archived=True)]
    assert store.get(Unit, "th-b").version == 2  # still readable by id
    with pytest.raises(ConflictError):
        store.remove(u)  # u is version 1, the stored one is 2
    store.remove(Unit, "th-b")
    with pytest.raises(NotFoundError):
        store.get(Unit, "th-b")
    assert store.audit(Unit, "th-b")[0].action == "remove"


# --- transactions --------------------------------------------------------------------------------


class Boom(Exception):
    pass


def test_transaction_rolls_back_everything_and_reraises_the_same_exception(store):
    root_store(store)
    before = len(store.audit(limit=1000))
    exc = Boom("giữa chừng")

    def work():
        store.create(school(id="tx-1"))
        store.create(school(id="tx-2"))
        raise exc

    with pytest.raises(Boom) as e:
        store.transaction(work)
    assert e.value is exc
    for i in ("tx-1", "tx-2"):
        with pytest.raises(NotFoundError):
            store.get(Unit, i)
    assert len(store.audit(limit=1000)) == before


def test_transaction_commits_returns_and_nests(store):
    root_store(store)

    def inner():
        store.create(school(id="in-1"))
        raise Boom()

    def outer(n):
        store.create(school(id="out-1"))
        with pytest.raises(Boom):
            store.transaction(inner)  # the inner one rolls back alone
        return n * 2

    assert store.transaction(outer, 21) == 42
    assert store.get(Unit, "out-1").version == 1
    with pytest.raises(NotFoundError):
        store.get(Unit, "in-1")


def test_library_error_inside_a_transaction_rolls_back(store):
    root_store(store)

    def work():
        store.create(school(id="ok-1"))
        store.create(school(id="ok-1"))  # ConflictError

    with pytest.raises(ConflictError):
        store.transaction(work)
    with pytest.raises(NotFoundError):
        store.get(Unit, "ok-1")


def test_keyboard_interrupt_inside_a_transaction_rolls_back(store):
    root_store(store)

    def work():
        store.create(school(id="ki-1"))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.transaction(work)
    with pytest.raises(NotFoundError):
        store.get(Unit, "ki-1")


def test_closing_inside_a_transaction(store):
    root_store(store)

    def work():
        store.create(school(id="cl-1"))
        store.close()
        store.create(school(id="cl-2"))  # StorageError: rolls the transaction back

    with pytest.raises(StorageError):
        store.transaction(work)
    assert store.closed


def test_another_threads_write_waits_for_a_transaction_and_is_not_rolled_back(store):
    root_store(store)
    order = []

    def other():
        store.create(school(id="other-1"))
        order.append("other wrote")

    t = threading.Thread(target=other)

    def work():
        store.create(school(id="mine-1"))
        t.start()
        time.sleep(0.3)  # releases the GIL: the other thread runs and waits for the store
        order.append("rolling back")
        raise Boom()

    with pytest.raises(Boom):
        store.transaction(work)
    t.join(10)
    assert order == ["rolling back", "other wrote"]
    assert store.get(Unit, "other-1").version == 1
    with pytest.raises(NotFoundError):
        store.get(Unit, "mine-1")


def test_transaction_needs_a_callable(store):
    with pytest.raises(TypeError):
        store.transaction(42)


# --- lists ----------------------------------------------------------------------------------------


def test_list_iterates_over_many_pages_lazily(tmp_path):
    s = root_store(Store.open(tmp_path / "many.db", synchronous_full=False))
    ids = {f"th-{i:03d}" for i in range(250)}
    s.transaction(lambda: [s.create(school(id=i)) for i in sorted(ids)])
    got = [u.id for u in s.list(Unit, page_size=7) if u.kind == "school"]
    assert len(got) == 250 and set(got) == ids
    assert [u.id for u in itertools.islice(s.list(Unit, page_size=100), 5)] == \
           [u.id for u in s.list(Unit, limit=5)]
    assert len(list(s.list(Unit, limit=33, page_size=10))) == 33
    oldest = [u.id for u in s.list(Unit, oldest_first=True)]
    assert oldest == sorted(oldest) and len(oldest) == 251
    # Lazy: the first page is read when list() is called, the next only when reached.
    it = s.list(Unit, page_size=10)
    first = [next(it) for _ in range(10)]
    assert len(first) == 10
    s.close()
    with pytest.raises(StorageError):
        next(it)


def test_list_page_cursor(store):
    root_store(store)
    for i in range(5):
        store.create(school(id=f"p-{i}"))
    p1 = store.list_page(Unit, limit=4)
    assert len(p1.items) == 4 and p1.next_cursor
    p2 = store.list_page(Unit, limit=4, cursor=p1.next_cursor)
    assert len(p2.items) == 2 and p2.next_cursor == ""
    assert {u.id for u in p1.items + p2.items} == {"ha-noi"} | {f"p-{i}" for i in range(5)}
    with pytest.raises(ValidationError):
        store.list_page(Unit, limit=0)
    with pytest.raises(ValidationError):
        store.list_page(Unit, limit=101)
    with pytest.raises(ValidationError):
        store.list_page(Unit, cursor="not-a-cursor")


def _subtree(units, root):
    kids = {}
    for u in units:
        kids.setdefault(u.get("parent"), []).append(u["id"])
    out, todo = set(), [root]
    while todo:
        x = todo.pop()
        out.add(x)
        todo.extend(kids.get(x, []))
    return out


def test_list_filters_agree_with_the_seed(seeded, seed_dir):
    units = json.loads((seed_dir / "units.json").read_text(encoding="utf-8"))
    arts = json.loads((seed_dir / "articles.json").read_text(encoding="utf-8"))
    for root in ("ha-noi", "ubnd-ha-dong", "pgddt-ha-dong", "th-van-yen"):
        sub = _subtree(units, root)
        want = {a["id"] for a in arts if a["unit"] in sub}
        assert {a.id for a in seeded.list(Article, unit=root)} == want, root
        direct = {a["id"] for a in arts if a["unit"] == root}
        assert {a.id for a in seeded.list(Article, unit=root, include_descendants=False)} == direct
    published = {a["id"] for a in arts if a["state"] == "published"}
    assert {a.id for a in seeded.list(Article, state="published")} == published
    assert seeded.count(Article, state="submitted") == len(arts) - len(published)
    # A Unit object stands for its id.
    assert seeded.count(Article, unit=seeded.get(Unit, "th-van-yen")) == seeded.count(Article, unit="th-van-yen")
    docs = json.loads((seed_dir / "legal_documents.json").read_text(encoding="utf-8"))
    kh = {d["id"] for d in docs if d["type_code"] == "KH"}
    assert {d.id for d in seeded.list(LegalDocument, doc_type="KH")} == kh
    since = {d["id"] for d in docs if d["issued_on"] >= "2022-12-01"}
    assert {d.id for d in seeded.list(LegalDocument, date_from=dt.date(2022, 12, 1))} == since


def test_visible_at_leaves_out_scheduled_articles(tmp_path):
    with Store.memory() as s:
        root_store(s)
        now = dt.datetime.now(tz=UTC).replace(microsecond=0)
        s.create(article("Đã đăng", when=now - dt.timedelta(days=1), id="past"))
        future = article("Hẹn giờ", when=now - dt.timedelta(days=1), id="future")
        future.published_at = now + dt.timedelta(days=3)
        s.create(future)
        assert {a.id for a in s.list(Article)} == {"past", "future"}
        assert {a.id for a in s.list(Article, visible_at=now)} == {"past"}
        naive_hanoi = (now + dt.timedelta(days=4)).astimezone(dt.timezone(dt.timedelta(hours=7))).replace(tzinfo=None)
        assert {a.id for a in s.list(Article, visible_at=naive_hanoi)} == {"past", "future"}


def test_bad_filters_are_refused(seeded):
    with pytest.raises(ValidationError) as e:
        seeded.list(Article, colour="red")
    assert e.value.path == "/filters/colour"
    with pytest.raises(ValidationError):
        seeded.list(Article, date_from="22/03/2023")
    with pytest.raises(ValidationError):
        seeded.list(Article, include_archived="yes")
    with pytest.raises(ValidationError):
        seeded.list(Article, units="th-van-yen")  # a str is not a list of ids
    with pytest.raises(ValidationError):
        seeded.list("no_such_kind")
    with pytest.raises(ValidationError):
        seeded.list(Article, limit=0)


# --- hostile input --------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert('x')</script>",
    "\"><img src=x onerror=alert(1)>",
    "Robert'); DROP TABLE records;--",
    "' OR '1'='1",
    "x\" NEAR(a b) ^ * :",
]


def test_xss_and_sql_payloads_are_stored_verbatim_and_harmless(store):
    root_store(store)
    for i, p in enumerate(PAYLOADS):
        u = store.create(school(name=p, id=f"x-{i}", address=p))
        assert store.get(Unit, u.id).name == p and store.get(Unit, u.id).address == p
    assert store.count(Unit) == 1 + len(PAYLOADS)  # the table is still there, nothing else appeared
    with pytest.raises(NotFoundError):
        store.get(Unit, "' OR '1'='1")


def test_wrong_types_and_invalid_text_are_validation_errors(store):
    root_store(store)
    with pytest.raises(ValidationError) as e:
        store.create({"kind": "school", "level": "th", "name": "bad \udc80", "parent": "ha-noi"}, kind=Unit)
    assert e.value.code == "invalid_utf8"
    with pytest.raises(ValidationError) as e:
        store.create({"kind": "school", "level": "th", "name": 42, "parent": "ha-noi"}, kind=Unit)
    assert e.value.path == "/name"
    cyclic = {"kind": "school", "level": "th", "parent": "ha-noi"}
    cyclic["name"] = cyclic
    with pytest.raises(ValidationError):
        store.create(cyclic, kind=Unit)
    with pytest.raises(ValidationError):
        store.create({"name": "x"})  # a dict needs kind=
    with pytest.raises(ValidationError):
        store.create(school(), kind=Article)  # disagrees with the object
    with pytest.raises(ValidationError):
        store.create(object(), kind=Unit)
    with pytest.raises(ValidationError) as e:
        store.create(school(parent="khong-co"))  # the parent must be stored
    assert e.value.path == "/parent"
    with pytest.raises(ValidationError):
        store.archive(Unit, "ha-noi")  # expected_version is required
    assert store.count(Unit) == 1


def test_unit_cycle_is_refused(store):
    root_store(store)
    a = store.create(school(id="c-a"))
    b = store.create(school(id="c-b", parent="c-a"))
    a.parent = "c-b"
    with pytest.raises(ValidationError):
        store.update(a)
    assert store.get(Unit, "c-a").parent == "ha-noi" and b.parent == "c-a"


# --- closed stores, paths ---------------------------------------------------------------------------


def test_closed_store_raises_storage_error_everywhere(tmp_path):
    s = Store.open(tmp_path / "c.db")
    root_store(s)
    handle = s.handle
    s.close()
    s.close()  # idempotent
    assert s.closed and handle.closed and repr(s) == "<pbgdpl.Store closed>"
    for call in (lambda: s.get(Unit, "ha-noi"), lambda: s.create(school()), lambda: list(s.list(Unit)),
                 lambda: list(s.search("ha noi")), lambda: s.transaction(lambda: None), lambda: s.audit(),
                 lambda: s.import_dataset(tmp_path), lambda: s.backend):
        with pytest.raises(StorageError) as e:
            call()
        assert e.value.code == "io_error"
        assert "closed" in e.value.message_en and "đóng" in e.value.message_vi


def test_closed_store_from_another_thread(tmp_path):
    with Store.open(tmp_path / "t.db") as s:
        root_store(s)
    errors = []

    def use():
        try:
            s.get(Unit, "ha-noi")
        except StorageError as e:
            errors.append(e)

    t = threading.Thread(target=use)
    t.start()
    t.join(10)
    assert not t.is_alive() and len(errors) == 1


def test_context_manager_closes_even_on_error(tmp_path):
    with pytest.raises(Boom):
        with Store.open(tmp_path / "cm.db") as s:
            raise Boom()
    assert s.closed


def _open_in_thread(path):
    out = {}

    def run():
        try:
            out["store"] = Store.open(path)
        except Exception as e:  # noqa: BLE001 - the test inspects it
            out["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "opening the path blocked"
    return out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    out = _open_in_thread(fifo)
    assert isinstance(out.get("error"), StorageError) and "regular file" in out["error"].message_en
    link = tmp_path / "link.db"
    link.symlink_to(fifo)
    assert isinstance(_open_in_thread(link).get("error"), StorageError)


def test_a_directory_or_a_foreign_file_is_refused(tmp_path):
    with pytest.raises(StorageError) as e:
        Store.open(tmp_path)
    assert "directory" in e.value.message_en
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(StorageError):
        Store.open(junk)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    with pytest.raises(StorageError):
        Store.open(other)  # SQLite, but not a pbgdpl database
    with pytest.raises(ValidationError):
        Store.open(42)
    with pytest.raises(ValidationError):
        Store.open("")
    with pytest.raises(ValidationError):
        Store.open(tmp_path / "nul\0.db")


def test_backup_and_integrity_check(tmp_path):
    with Store.open(tmp_path / "b.db") as s:
        root_store(s)
        s.integrity_check()
        s.backup(tmp_path / "copy.db")
    with Store.open(tmp_path / "copy.db") as c:
        assert c.get(Unit, "ha-noi").name == "Thành phố Hà Nội"
    with Store.memory() as m, pytest.raises(ValidationError):
        m.backup(tmp_path / "x.db")


# --- dataset import ---------------------------------------------------------------------------------


def test_import_seed_counts_match_the_files_and_twice_is_harmless(store, seed_dir):
    counts = store.import_dataset(seed_dir)
    for f in seed_dir.glob("*.json"):
        assert counts[f.stem] == len(json.loads(f.read_text(encoding="utf-8"))), f.stem
    assert store.count(Unit) == counts["units"]
    assert set(store.import_dataset(seed_dir).values()) == {0}
    assert store.get(LegalDocument, "kh-19-pgddt-2023").number == "19/KH-PGDĐT"
    # Rendered like the portal's write path does.
    assert store.get(Article, "gioi-thieu-kh19").body_html


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_dataset_is_skipped_not_read(store, seed_dir, tmp_path):
    d = tmp_path / "with-fifo"
    d.mkdir()
    shutil.copy(seed_dir / "units.json", d / "units.json")
    os.mkfifo(d / "articles.json")
    out = {}
    t = threading.Thread(target=lambda: out.update(store.import_dataset(d)), daemon=True)
    t.start()
    t.join(20)
    assert not t.is_alive(), "a FIFO in the dataset blocked the import"
    assert out["units"] == len(json.loads((seed_dir / "units.json").read_text(encoding="utf-8")))
    assert out["articles"] == 0


def test_a_bad_dataset_writes_nothing(store, seed_dir, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(seed_dir, bad)
    arts = json.loads((bad / "articles.json").read_text(encoding="utf-8"))
    arts[3]["unit"] = "khong-co-don-vi"  # a dangling reference
    (bad / "articles.json").write_text(json.dumps(arts, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(NotFoundError) as e:
        store.import_dataset(bad)
    assert e.value.path == "/articles/3/unit"
    arts[3]["unit"] = "th-van-yen"
    arts[5]["title"] = 42  # a wrong type
    (bad / "articles.json").write_text(json.dumps(arts, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        store.import_dataset(bad)
    assert e.value.path == "/articles/5/title" or any(d.path == "/articles/5/title" for d in e.value.details)
    assert store.count(Unit) == 0 and store.audit() == []
    (bad / "articles.json").write_text("[{", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        store.import_dataset(bad)
    assert e.value.path.startswith("articles.json")
    with pytest.raises(NotFoundError):
        store.import_dataset(tmp_path / "missing")
    assert store.count(Unit) == 0


# --- the GIL ---------------------------------------------------------------------------------------


def test_store_calls_release_the_gil(tmp_path):
    """A write that waits for another connection's lock (busy timeout) must not hold the GIL:
    the main thread releases that lock from Python while the write waits. Were the GIL held, the
    main thread could not run, the write would time out (busy) and the search queued behind it
    would wait too."""
    path = tmp_path / "gil.db"
    s = Store.open(path, busy_timeout_ms=5000)
    root_store(s)
    blocker = sqlite3.connect(path, isolation_level=None, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # holds the write lock, writes nothing
    results, started = {}, threading.Event()

    def write():
        started.set()
        t = time.monotonic()
        try:
            results["write"] = s.create(school(id="gil-1")).id
        except Exception as e:  # noqa: BLE001
            results["write"] = e
        results["waited"] = time.monotonic() - t

    def search():
        results["search"] = [h.id for h in s.search("ha noi")]

    w = threading.Thread(target=write)
    w.start()
    started.wait(5)
    time.sleep(0.05)
    r = threading.Thread(target=search)
    r.start()
    spins, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < 0.4:  # pure Python: needs the GIL
        spins += 1
    assert w.is_alive(), "the write should still be waiting for the lock"
    blocker.execute("ROLLBACK")
    blocker.close()
    w.join(10)
    r.join(10)
    assert results["write"] == "gil-1"
    assert results["waited"] >= 0.3
    assert spins > 1000
    assert "search" in results
    s.close()
