"""pbgdpl.PluginHost: manifests listed without loading code, the reference plugins checked and
opened, the postgres store's clean failure when its server is unreachable (and a full run when
PBGDPL_TEST_PG names a server: scripts/pg-test-server.sh exec DIR ctest ...), malformed and lying
manifests, unsafe library paths, a FIFO where a library should be, ABI mismatches, closed hosts."""
import json
import os
import pathlib
import shutil
import socket
import threading
import time

import pytest

import pbgdpl
from pbgdpl import PluginError, PluginHost, PluginInfo, Store, ValidationError
from pbgdpl.model import LegalDocument, Unit
from pbgdpl.plugins import LOAD_ERRORS

from conftest import BINARY_DIR

FIXTURES = BINARY_DIR / "tests" / "plugin_fixtures"


def lib(plugin_dir, name):
    p = plugin_dir / f"pbgdpl-{name}.so"
    if not p.is_file():
        pytest.skip(f"{p.name} is not built (ninja plugins/{p.name})")
    return p


def fixture_lib(name):
    p = FIXTURES / name / f"{name}.so"
    if not p.is_file():
        pytest.skip(f"fixture {name} is not built (ninja pbgdpl_fixture_{name})")
    return p


def manifest(d, id, library, *, major=1, minor=0, kinds=("notifier",), name=None, **extra):
    m = {"id": id, "library": library, "abi": {"major": major, "minor": minor}, "kinds": list(kinds),
         "version": "1.0.0", "license": "MIT", "description": "Một plugin thử / a test plugin", **extra}
    (d / (name or f"{id}.json")).write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def pdir(tmp_path):
    d = tmp_path / "plugins"
    d.mkdir(mode=0o755)
    os.chmod(d, 0o755)
    return d


def copy_lib(src, d, name):
    to = d / name
    shutil.copyfile(src, to)
    os.chmod(to, 0o755)
    return to


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the reference plugins ---------------------------------------------------------------------


def test_reference_plugins_are_listed_from_their_manifests(plugin_dir):
    if not (plugin_dir / "postgres.json").is_file():
        pytest.skip("no plugin manifests in the build")
    with PluginHost([plugin_dir]) as host:
        infos = {p.id: p for p in host.plugins()}
        assert host.search_path == [pathlib.Path(plugin_dir)]
        assert host.problems() == []
    want = {p.stem for p in pathlib.Path(plugin_dir).glob("*.json")}
    assert set(infos) == want
    pg = infos["postgres"]
    assert isinstance(pg, PluginInfo) and pg.kinds == ("store",) and pg.license == "MIT"
    assert pg.path == pathlib.Path(plugin_dir) / "postgres.json"
    assert pg.library.name == "pbgdpl-postgres.so"
    m = json.loads(pg.path.read_text(encoding="utf-8"))
    assert (pg.version, pg.description, pg.abi) == (m["version"], m["description"], (m["abi"]["major"], m["abi"]["minor"]))


def test_check_loads_and_verifies_a_library(plugin_dir):
    lib(plugin_dir, "bookcase")
    with PluginHost(plugin_dir) as host:  # one path works as well as a list
        info = host.check("bookcase")
        assert info.id == "bookcase" and "exporter" in info.kinds
        with pytest.raises(PluginError) as e:
            host.check("khong-co")
        assert e.value.path == "not_found" and e.value.message_vi and e.value.message_en


def test_postgres_store_unreachable_is_a_clean_plugin_error(plugin_dir):
    lib(plugin_dir, "postgres")
    port = free_port()  # nothing listens there
    with PluginHost([plugin_dir]) as host:
        t = time.monotonic()
        with pytest.raises(PluginError) as e:
            host.open_store("postgres", {"conninfo": f"host=127.0.0.1 port={port} dbname=x user=x connect_timeout=3"})
        assert time.monotonic() - t < 10
    assert e.value.path == "create_failed" and e.value.path in LOAD_ERRORS
    assert "PostgreSQL" in e.value.message_en and "PostgreSQL" in e.value.message_vi
    assert e.value.message_en != e.value.message_vi
    assert isinstance(e.value, pbgdpl.Error)


def test_postgres_store_bad_config_is_a_plugin_error(plugin_dir):
    lib(plugin_dir, "postgres")
    with PluginHost([plugin_dir]) as host:
        with pytest.raises(PluginError):
            host.open_store("postgres", {"conninfo": 42})
        with pytest.raises(ValidationError):
            host.open_store("postgres", ["not", "a", "dict"])


@pytest.mark.skipif(not os.environ.get("PBGDPL_TEST_PG"), reason="PBGDPL_TEST_PG names no PostgreSQL server")
def test_postgres_store_full_run(plugin_dir, seed_dir):
    lib(plugin_dir, "postgres")
    schema = f"py_{os.getpid()}_{int(time.time())}"
    with PluginHost([plugin_dir]) as host:
        with host.open_store("postgres", {"conninfo": os.environ["PBGDPL_TEST_PG"], "schema": schema}) as s:
            assert s.backend == "plugin"
            counts = s.import_dataset(seed_dir)
            assert counts["legal_documents"] == 6
            assert next(s.search("19/KH-PGDĐT")).id == "kh-19-pgddt-2023"
            assert any("Kế hoạch" in h.title for h in s.search("ke hoach", limit=None))
            u = s.get(Unit, "th-van-yen")
            u.name = "Trường Tiểu học Văn Yên (sửa)"
            s.update(u)
            with pytest.raises(pbgdpl.ConflictError):
                s.update(u)

            def fail():
                s.create(Unit(id="pg-tx", kind="school", level="th", name="x", parent="ha-noi"))
                raise KeyError("rollback")

            with pytest.raises(KeyError):
                s.transaction(fail)
            with pytest.raises(pbgdpl.NotFoundError):
                s.get(Unit, "pg-tx")


def test_bookcase_exporter_writes_legal_documents(plugin_dir, seed_dir):
    lib(plugin_dir, "bookcase")
    with Store.memory() as s, PluginHost([plugin_dir]) as host:
        s.import_dataset(seed_dir)
        docs = list(s.list(LegalDocument))
        x = host.open_exporter("bookcase")
        fmts = {f[0]: f for f in x.formats}
        assert "bookcase-json" in fmts
        out = x.export("bookcase-json", docs)
        assert isinstance(out, bytes)
        text = out.decode("utf-8")
        for d in docs:
            assert d.number in text
        with pytest.raises(pbgdpl.Error):
            x.export("pdf", docs)  # a format it does not list
        bad = docs[0].copy()
        bad.title = ""
        with pytest.raises(ValidationError):
            x.export("bookcase-json", [bad])
        with pytest.raises(ValidationError):
            x.export("bookcase-json", [{"title": "no kind"}])


# --- fixtures: the host's checks ------------------------------------------------------------------


def test_a_working_notifier_fixture(pdir):
    copy_lib(fixture_lib("good"), pdir, "good.so")
    manifest(pdir, "fixture", "good.so")
    with PluginHost([pdir]) as host:
        n = host.open_notifier("fixture")
        assert n.name == "fixture"
        assert n.send("report.reminder", {"id": "e1", "unit": "th-van-yen", "units": ["th-van-yen"]}) == 3


def test_newer_abi_minor_is_refused(pdir):
    copy_lib(fixture_lib("new_minor"), pdir, "new.so")
    manifest(pdir, "claims", "new.so", minor=99)  # on the manifest's word, before its code runs
    manifest(pdir, "honest", "new.so")  # its entry point refuses the host
    with PluginHost([pdir]) as host:
        for id in ("claims", "honest"):
            with pytest.raises(PluginError) as e:
                host.check(id)
            assert e.value.path == "abi_minor_too_new", id
            assert e.value.code == "unsupported_version"


def test_malformed_manifests_are_plugin_errors(pdir):
    (pdir / "broken.json").write_text("{not json", encoding="utf-8")
    (pdir / "wrongtype.json").write_text(json.dumps({"id": 5, "library": "x.so"}), encoding="utf-8")
    (pdir / "badutf8.json").write_bytes(b'{"id": "\xff\xfe", "library": "x.so"}')
    (pdir / "huge.json").write_text(json.dumps({"id": "huge", "pad": "x" * 70000}), encoding="utf-8")
    manifest(pdir, "BAD ID!", "x.so", name="badid.json")
    manifest(pdir, "escape", "../evil.so")
    manifest(pdir, "absolute", "/usr/lib/evil.so")
    with PluginHost([pdir]) as host:
        assert host.plugins() == []
        problems = host.problems()
        assert len(problems) == 7
        assert all(isinstance(p, PluginError) and p.path in LOAD_ERRORS for p in problems)
        by_file = {pathlib.Path(p.file).name: p.path for p in problems}
        assert by_file["broken.json"] in ("manifest_invalid", "manifest_unreadable")
        assert by_file["escape.json"] == "unsafe_library_path"
        assert by_file["absolute.json"] == "unsafe_library_path"
        assert by_file["huge.json"] in ("manifest_invalid", "manifest_unreadable")
        with pytest.raises(PluginError):
            host.check("escape")


def test_library_missing_or_not_a_regular_file(pdir):
    manifest(pdir, "gone", "gone.so")
    os.mkfifo(pdir / "fifo.so")
    manifest(pdir, "fifo", "fifo.so")
    (pdir / "dir.so").mkdir()
    manifest(pdir, "dir", "dir.so")
    out = {}

    def run():
        with PluginHost([pdir]) as host:
            for id in ("gone", "fifo", "dir"):
                try:
                    host.check(id)
                    out[id] = "loaded"
                except PluginError as e:
                    out[id] = e.path

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(20)
    assert not t.is_alive(), "a FIFO in place of a library blocked the host"
    assert out == {"gone": "library_missing", "fifo": "library_not_regular_file", "dir": "library_not_regular_file"}


def test_a_world_writable_library_is_refused(pdir):
    copy_lib(fixture_lib("good"), pdir, "good.so")
    os.chmod(pdir / "good.so", 0o777)
    manifest(pdir, "fixture", "good.so")
    with PluginHost([pdir]) as host, pytest.raises(PluginError) as e:
        host.open_notifier("fixture")
    assert e.value.path == "unsafe_library_path" or e.value.path == "library_not_regular_file"


def test_duplicate_ids_and_wrong_kind(pdir, tmp_path):
    copy_lib(fixture_lib("good"), pdir, "good.so")
    manifest(pdir, "fixture", "good.so")
    manifest(pdir, "fixture", "good.so", name="again.json")
    with PluginHost([pdir]) as host:
        assert [p.id for p in host.plugins()] == ["fixture"]
        assert [p.path for p in host.problems()] == ["duplicate_id"]
        with pytest.raises(PluginError):
            host.open_store("fixture")  # a notifier, not a store


def test_closed_host_and_bad_arguments(pdir):
    host = PluginHost([pdir])
    host.close()
    host.close()
    assert host.closed
    with pytest.raises(PluginError):
        host.plugins()
    with pytest.raises(ValidationError):
        PluginHost([42])
    with pytest.raises(ValidationError):
        PluginHost([""])


def test_env_path_only_when_asked(pdir, monkeypatch):
    copy_lib(fixture_lib("good"), pdir, "good.so")
    manifest(pdir, "fixture", "good.so")
    monkeypatch.setenv("PBGDPL_PLUGIN_PATH", str(pdir))
    with PluginHost() as host:
        assert host.plugins() == []
    with PluginHost(use_env_path=True) as host:
        assert [p.id for p in host.plugins()] == ["fixture"]
