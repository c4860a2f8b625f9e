"""pbgdpl.portal.Portal: the reference portal on background threads, reached through real HTTP
(urllib, 127.0.0.1 only) from the same process."""
import datetime
import json
import os
import pathlib
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request

import pytest

import pbgdpl
from pbgdpl import _core
from pbgdpl.portal import Portal


def get(url, *, headers=None, timeout=10):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.headers, r.read()


def post_json(url, body, *, key=None, timeout=10):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = "Bearer " + key
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def port_free(port):
    """True when a new listener can bind the port. SO_REUSEADDR as any server sets it: connections
    the stopped server closed may linger in TIME_WAIT, but on Linux it still refuses a port that
    has a listener."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        s.listen(1)
        return True
    except OSError:
        return False
    finally:
        s.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, request):
    """One seeded portal for the read-only tests (seeding once keeps the file quick)."""
    from conftest import SEED_DIR
    p = Portal(tmp_path_factory.mktemp("portal") / "var", seed=SEED_DIR)
    p.start()
    request.addfinalizer(p.stop)
    return p


def test_serves_the_seeded_portal(seeded):
    assert seeded.running
    assert seeded.port > 0
    assert seeded.url == f"http://127.0.0.1:{seeded.port}"
    assert seeded.seeded > 50  # the demo's units, documents, articles...
    status, _, body = get(seeded.url + "/healthz")
    assert status == 200
    assert json.loads(body)["cache"] is not None
    status, headers, body = get(seeded.url + "/pbgdpl/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Phổ biến, giáo dục pháp luật".lower() in body.decode().lower()


def test_feed_names_the_portal_own_port(seeded):
    status, _, body = get(seeded.url + "/pbgdpl/feed.json")
    assert status == 200
    feed = json.loads(body)
    assert feed["items"], "the seeded section has news"
    # Absolute URLs carry the port bound at start (port 0 asked for a free one).
    assert feed["items"][0]["url"].startswith(seeded.url + "/")
    status, headers, body = get(seeded.url + "/pbgdpl/feed.atom")
    assert status == 200 and b"<feed" in body


def test_search_without_accents_finds_plan_19(seeded):
    status, _, body = get(seeded.url + "/tim-kiem?q=ke+hoach")
    assert status == 200
    page = body.decode()
    assert "19/KH-PGDĐT" in page
    status, _, body = get(seeded.url + "/api/v1/search?q=ke+hoach")
    assert status == 200
    ids = [h["id"] for h in json.loads(body)["items"]]
    assert "kh-19-pgddt-2023" in ids


def test_api_lists_legal_documents(seeded):
    status, _, body = get(seeded.url + "/api/v1/legal-documents?limit=50")
    assert status == 200
    numbers = [d["number"] for d in json.loads(body)["items"]]
    assert "19/KH-PGDĐT" in numbers


def test_api_write_needs_a_key_and_shows_on_the_next_request(seeded):
    body = {"number": "7/KH-THCS", "title": "Kế hoạch thử nghiệm <script>alert(1)</script>", "type_code": "KH",
            "year": 2024, "level": "school", "issuer": "Trường THCS thử", "issued_on": "2024-01-02",
            "unit": seeded.default_unit, "state": "published", "body_markdown": "Nội dung."}
    status, _ = post_json(seeded.url + "/api/v1/legal-documents", body)
    assert status == 401
    status, _ = post_json(seeded.url + "/api/v1/legal-documents", body, key="pbk_not_a_real_key")
    assert status == 401
    key = seeded.issue_api_key("acc-division-approver", lifetime=datetime.timedelta(minutes=5))
    status, answer = post_json(seeded.url + "/api/v1/legal-documents", body, key=key)
    assert status == 201, answer
    created = json.loads(answer)
    _, _, page = get(seeded.url + "/tim-kiem?q=thu+nghiem")
    page = page.decode()
    assert "7/KH-THCS" in page
    assert "<script>alert(1)</script>" not in page  # stored verbatim, escaped where rendered
    status, _, raw = get(seeded.url + "/api/v1/legal-documents/" + created["id"])
    assert json.loads(raw)["title"] == body["title"]


def test_api_key_errors(seeded):
    with pytest.raises(pbgdpl.NotFoundError):
        seeded.issue_api_key("no-such-account")
    with pytest.raises(pbgdpl.ValidationError):
        seeded.issue_api_key("acc-division-approver", lifetime=datetime.timedelta(seconds=0))
    with pytest.raises(pbgdpl.ValidationError):
        seeded.issue_api_key("acc-division-approver", lifetime=3600)


def test_python_threads_run_while_it_serves(seeded):
    # Requests from several Python threads at once: the server's threads never need the GIL.
    results, errors = [], []

    def worker():
        try:
            for _ in range(5):
                results.append(get(seeded.url + "/healthz")[0])
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and results == [200] * 20


def test_two_portals_at_once(tmp_path, seed_dir):
    with Portal(tmp_path / "a", seed=seed_dir) as a, Portal(tmp_path / "b") as b:
        assert a.port != b.port
        assert get(a.url + "/healthz")[0] == 200
        assert get(b.url + "/healthz")[0] == 200
        # b has no seed: its store is empty, a's is not.
        assert b.seeded == 0 and a.seeded > 0
        assert json.loads(get(a.url + "/api/v1/legal-documents")[2])["items"]
        assert json.loads(get(b.url + "/api/v1/legal-documents")[2])["items"] == []


def test_stop_releases_the_port_and_is_idempotent(tmp_path):
    p = Portal(tmp_path / "var")
    p.start()
    p.start()  # idempotent: still the same server
    port = p.port
    assert get(p.url + "/healthz")[0] == 200
    t = time.monotonic()
    p.stop()
    elapsed = time.monotonic() - t
    assert elapsed < 3.5, elapsed  # graceful stop: 2 s grace at most, nothing was in flight
    assert not p.running
    p.stop()  # idempotent
    assert port_free(port)
    with pytest.raises(urllib.error.URLError):
        get(f"http://127.0.0.1:{port}/healthz", timeout=2)
    # And it starts again.
    p.start()
    try:
        assert get(p.url + "/healthz")[0] == 200
    finally:
        p.stop()


def test_stop_is_bounded_with_a_slow_client(tmp_path):
    # A client that sent half a request and one that sent nothing: stop() still returns within
    # the grace period (2 s) plus a little, and the port is free.
    p = Portal(tmp_path / "var").start()
    slow = socket.create_connection(("127.0.0.1", p.port))
    idle = socket.create_connection(("127.0.0.1", p.port))
    try:
        slow.sendall(b"GET /pbgdpl/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.2)
        port = p.port
        t = time.monotonic()
        p.stop()
        assert time.monotonic() - t < 3.5
        assert port_free(port)
    finally:
        slow.close()
        idle.close()


def test_start_and_stop_from_many_threads(tmp_path):
    p = Portal(tmp_path / "var")
    errors = []

    def flip(i):
        try:
            for _ in range(5):
                if i % 2:
                    p.start()
                    status = get(p.url + "/healthz")[0] if p.running else 200
                    assert status == 200
                else:
                    p.stop()
        except OSError:
            pass  # stopped by another thread between the check and the request (refused, reset)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=flip, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    p.stop()
    assert not p.running


def test_a_dropped_portal_stops(tmp_path):
    import gc
    p = Portal(tmp_path / "var").start()
    port = p.port
    del p
    gc.collect()
    assert port_free(port)


def test_dropping_a_busy_portal_lets_python_threads_run(tmp_path):
    # The stop a dropped portal does (up to the 2 s grace with a client mid-request) releases the
    # GIL: another Python thread keeps counting meanwhile.
    import gc
    p = Portal(tmp_path / "var").start()
    slow = socket.create_connection(("127.0.0.1", p.port))
    slow.sendall(b"GET /pbgdpl/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    time.sleep(0.2)
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    t = threading.Thread(target=count)
    t.start()
    try:
        start = time.monotonic()
        del p
        gc.collect()
        end = time.monotonic()
    finally:
        done.set()
        t.join()
        slow.close()
    assert end - start > 1.0  # the grace period really was waited for
    during = [x for x in ticks if start < x < end]
    assert len(during) > 20, len(during)


def test_malformed_seed_is_a_validation_error(tmp_path):
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "units.json").write_text("[{]", encoding="utf-8")
    p = Portal(tmp_path / "var", seed=seed)
    with pytest.raises(pbgdpl.ValidationError) as e:
        p.start()
    assert "units.json" in e.value.path
    assert not p.running


def test_port_in_use_is_a_storage_error(tmp_path):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    taken = s.getsockname()[1]
    try:
        p = Portal(tmp_path / "var", port=taken)
        with pytest.raises(pbgdpl.StorageError) as e:
            p.start()
        assert e.value.code == "io_error"
        assert e.value.path == "/port"
        assert str(taken) in e.value.message_en and "in use" in e.value.message_en
        assert "đang được dùng" in e.value.message_vi
        assert not p.running
        with pytest.raises(pbgdpl.StorageError):
            with p:
                pass  # pragma: no cover
    finally:
        s.close()
    # Once the port is free, the same portal starts on it.
    with p:
        assert p.port == taken
        assert get(p.url + "/healthz")[0] == 200


def _new_plan(model, store, number, title, id):
    plan = store.get("legal_document", "kh-19-pgddt-2023")
    d = dict(plan.to_dict(), id=id, number=number, title=title, version=0)
    return model.class_for("legal_document").from_dict(d)


def test_store_written_in_python_shows_on_the_next_request(tmp_path, seed_dir):
    from pbgdpl import model
    from pbgdpl.store import Store
    with Store.open(tmp_path / "own.db") as store:
        store.import_dataset(seed_dir)
        with Portal(store=store) as p:
            before = get(p.url + "/tim-kiem?q=giao+duc+tu+xa")[2].decode()
            assert "99/KH-PGDĐT" not in before
            assert p.store is store
            store.create(_new_plan(model, store, "99/KH-PGDĐT", "Kế hoạch Giáo dục từ xa", "kh-99-pgddt-2024"),
                         actor="pytest")
            after = get(p.url + "/tim-kiem?q=giao+duc+tu+xa")[2].decode()
            assert "99/KH-PGDĐT" in after
            status, _, raw = get(p.url + "/api/v1/legal-documents/kh-99-pgddt-2024")
            assert status == 200 and json.loads(raw)["title"] == "Kế hoạch Giáo dục từ xa"


def test_the_portal_store_of_a_data_directory(tmp_path, seed_dir):
    from pbgdpl import model
    from pbgdpl.store import Store
    with Portal(tmp_path / "var", seed=seed_dir) as p:
        store = p.store
        assert isinstance(store, Store)
        assert isinstance(p.store_handle, _core.StoreHandle)
        with pytest.raises(urllib.error.HTTPError) as e:
            get(p.url + "/api/v1/legal-documents/kh-77-pgddt-2024")
        assert e.value.code == 404
        store.create(_new_plan(model, store, "77/KH-PGDĐT", "Kế hoạch <b>thử</b>", "kh-77-pgddt-2024"), actor="pytest")
        status, _, raw = get(p.url + "/api/v1/legal-documents/kh-77-pgddt-2024")
        assert status == 200 and json.loads(raw)["title"] == "Kế hoạch <b>thử</b>"


def test_closing_the_given_store_does_not_break_the_portal(tmp_path, seed_dir):
    from pbgdpl.store import Store
    store = Store.open(tmp_path / "own.db")
    store.import_dataset(seed_dir)
    with Portal(store=store) as p:
        store.close()
        with pytest.raises(pbgdpl.StorageError):
            store.get("legal_document", "kh-19-pgddt-2023")
        # The portal holds its own reference: it keeps serving the same data.
        status, _, body = get(p.url + "/api/v1/legal-documents/kh-19-pgddt-2023")
        assert status == 200 and json.loads(body)["number"] == "19/KH-PGDĐT"
    with pytest.raises(pbgdpl.StorageError):
        Portal(store=store)  # a closed store cannot be served


def test_bad_arguments():
    with pytest.raises(pbgdpl.ValidationError):
        Portal()  # neither a data directory nor a store
    with pytest.raises(pbgdpl.ValidationError):
        Portal("var", port=70000)
    with pytest.raises(pbgdpl.ValidationError):
        Portal("var", port=-1)
    with pytest.raises(pbgdpl.ValidationError):
        Portal("var", port="8080")
    with pytest.raises(pbgdpl.ValidationError):
        Portal("var", threads=0)
    with pytest.raises(pbgdpl.ValidationError):
        Portal(12345)
    with pytest.raises(pbgdpl.ValidationError):
        Portal("var\udcff")  # a lone surrogate is not a path we can encode
    with pytest.raises(pbgdpl.ValidationError):
        Portal("var", host="127.0.0.1/evil")
    with pytest.raises(pbgdpl.ValidationError):
        Portal(store=object())


def test_hosts(tmp_path):
    with Portal(tmp_path / "a", host="localhost") as p:  # taken as 127.0.0.1
        assert p.url.startswith("http://127.0.0.1:")
        assert get(p.url + "/healthz")[0] == 200
    with pytest.raises(pbgdpl.ValidationError) as e:
        Portal(tmp_path / "b", host="not-an-address").start()
    assert e.value.path == "/host" and "not-an-address" in e.value.message_en
    if socket.has_ipv6:
        try:
            with Portal(tmp_path / "c", host="::1") as p:
                assert p.url == f"http://[::1]:{p.port}"
                assert get(p.url + "/healthz")[0] == 200
        except pbgdpl.StorageError:
            pass  # no IPv6 loopback on this machine


def test_missing_seed_and_a_file_as_data_dir(tmp_path):
    p = Portal(tmp_path / "var", seed=tmp_path / "no-seed")
    with pytest.raises(pbgdpl.NotFoundError):
        p.start()
    assert not p.running
    f = tmp_path / "file"
    f.write_text("not a directory")
    with pytest.raises(pbgdpl.StorageError):
        Portal(f).start()


def test_fifo_as_seed_does_not_hang(tmp_path):
    fifo = tmp_path / "seed"
    os.mkfifo(fifo)
    t = time.monotonic()
    with pytest.raises(pbgdpl.NotFoundError):
        Portal(tmp_path / "var", seed=fifo).start()
    assert time.monotonic() - t < 5


def test_interpreter_exit_stops_a_running_portal(tmp_path):
    # A portal left running (no stop, no with) when the interpreter exits, with a daemon thread
    # still sending requests: the portal's atexit hook stops it (the check registered before the
    # import runs after that hook), the process ends promptly and cleanly, the port is free.
    code = textwrap.dedent(f"""
        import atexit, threading, urllib.request
        state = {{}}
        atexit.register(lambda: print("running-at-exit", state["p"].running, flush=True))
        from pbgdpl.portal import Portal
        p = state["p"] = Portal({str(tmp_path / "var")!r}).start()
        with urllib.request.urlopen(p.url + "/healthz", timeout=10) as r:
            assert r.status == 200
        def hammer():
            while True:
                try:
                    urllib.request.urlopen(p.url + "/pbgdpl/", timeout=10).read()
                except Exception:
                    pass
        threading.Thread(target=hammer, daemon=True).start()
        print("port", p.port, flush=True)
    """)
    t = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, env=os.environ)
    elapsed = time.monotonic() - t
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    port = int(lines[0].split()[1])
    assert "running-at-exit False" in lines
    assert elapsed < 15
    assert port_free(port)


def test_the_serve_portal_example(tmp_path, seed_dir):
    # The example serves until SIGINT, then stops cleanly (exit 0, the port released).
    import signal
    example = pathlib.Path(__file__).resolve().parents[1] / "examples" / "serve_portal.py"
    proc = subprocess.Popen([sys.executable, str(example), "--data", str(tmp_path / "var"), "--seed", str(seed_dir),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("listening on http://127.0.0.1:"), first + proc.stderr.read()
        url = first.split()[-1].rstrip("/")
        assert get(url + "/healthz")[0] == 200
        assert "19/KH-PGDĐT" in get(url + "/tim-kiem?q=ke+hoach")[2].decode()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "Đã dừng / stopped." in out
        assert port_free(int(url.rsplit(":", 1)[1]))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_serve_portal_example_with_a_taken_port(tmp_path):
    example = pathlib.Path(__file__).resolve().parents[1] / "examples" / "serve_portal.py"
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    try:
        out = subprocess.run([sys.executable, str(example), "--data", str(tmp_path / "var"), "--port",
                              str(s.getsockname()[1])], capture_output=True, text=True, timeout=30)
    finally:
        s.close()
    assert out.returncode == 1
    assert "LỖI / ERROR" in out.stderr and "in use" in out.stderr
