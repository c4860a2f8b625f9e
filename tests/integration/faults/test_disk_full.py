"""A full disk (issue 21): the portal's data directory on a small tmpfs of its own, mounted in a
private mount namespace (`unshare -m`, so nothing outside the test sees it; `unshare -rm` in a user
namespace when not root). A filler file takes the space; then
 - a media upload through the editor is a clean error (507, the reason in Vietnamese and English,
   no hang), leaves nothing half-written (no asset record, no files, no temporary directory), and
   the portal keeps serving; once the space is free the same upload is accepted and its files match
   their record's hash;
 - an API write that the SQLite database cannot hold (SQLITE_FULL) is a clean 507 JSON error, the
   previous state intact (PRAGMA integrity_check, the record as it was); with space again it works.
The test reaches the namespace's files through /proc/<holder>/root (the holder: a process that
keeps the namespace and the mount alive across the portal's restarts)."""
import errno
import os
import random
import shutil
import subprocess
import tempfile
import time
import zlib
import struct
from pathlib import Path

import pytest

from apihelp import assert_json_error, new_article
from faultkit import Portal, check_in_namespace, kill9, query_in_namespace
from test_banner import Session, multipart

SIZE_MB = 24


def noise_png(w, h, seed):
    """A PNG of random pixels, stored (zlib level 0): its size is about w*h*3 bytes."""
    rnd = random.Random(seed)
    rows = b"".join(b"\x00" + rnd.randbytes(w * 3) for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 0)) + chunk(b"IEND", b""))


def namespace_command():
    if os.geteuid() == 0:
        return ["unshare", "-m", "--propagation", "private"]
    return ["unshare", "-r", "-m", "--propagation", "private"]


@pytest.fixture
def small_disk():
    if not shutil.which("unshare") or not shutil.which("nsenter"):
        pytest.skip("unshare/nsenter (util-linux) are missing: no private mount namespace for a small tmpfs")
    under = Path(tempfile.mkdtemp(prefix="pbgdpl-diskfull-"))
    holder = subprocess.Popen(
        namespace_command() + ["sh", "-c", f"mount -t tmpfs -o size={SIZE_MB}m,mode=0755 pbgdpl-full '{under}' && echo ready && exec sleep 600"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = holder.stdout.readline().strip()
    if line != "ready":
        err = holder.stderr.read() if holder.poll() is not None else ""
        holder.kill()
        holder.wait()
        shutil.rmtree(under, ignore_errors=True)
        pytest.skip(f"cannot mount a tmpfs in a private mount namespace (not root, no user namespaces?): {err.strip()}")
    seen = Path(f"/proc/{holder.pid}/root{under}")
    # The portal runs inside the namespace: a wrapper enters it (nsenter execs, so the pid the
    # test kills is the portal's own).
    wrapper = Path(tempfile.mkdtemp(prefix="pbgdpl-diskfull-bin-")) / "portal-in-namespace"
    user = [] if os.geteuid() == 0 else ["-U", "--preserve-credentials"]
    from portal_proc import portal_binary
    wrapper.write_text(f"#!/bin/sh\nexec nsenter -t {holder.pid} -m {' '.join(user)} -- '{portal_binary()}' \"$@\"\n")
    wrapper.chmod(0o755)
    old = os.environ.get("PBGDPL_PORTAL")
    os.environ["PBGDPL_PORTAL"] = str(wrapper)
    try:
        yield seen, holder.pid, under
    finally:
        if old is None:
            os.environ.pop("PBGDPL_PORTAL", None)
        else:
            os.environ["PBGDPL_PORTAL"] = old
        holder.kill()
        holder.wait()
        shutil.rmtree(under, ignore_errors=True)
        shutil.rmtree(wrapper.parent, ignore_errors=True)


def fill(dir_, leave_bytes):
    """Takes the free space of dir_'s file system but `leave_bytes` (0: all of it)."""
    filler = dir_ / "filler.bin"
    st = os.statvfs(dir_)
    want = max(0, st.f_bavail * st.f_frsize - leave_bytes)
    with open(filler, "ab", buffering=0) as f:
        try:
            chunk = b"\0" * (1 << 20)
            while want > 0:
                n = f.write(chunk[:min(len(chunk), want)])
                want -= n
            if leave_bytes == 0:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
    return filler


def media_rows(disk):
    _, holder, under = disk
    return sorted(r[0] for r in query_in_namespace(holder, under, "SELECT id FROM entities WHERE kind='media_asset'"))


def media_dirs(p):
    d = p.data_dir / "media"
    return sorted(x.name for x in d.iterdir()) if d.is_dir() else []


def post_on_full_disk(s, path, fields, file_name, image):
    """Posts an upload form to the editor on the full disk: a 507 in Vietnamese, without hanging
    and without a server path in the page."""
    csrf = Session.csrf(s.get(path).text)
    body, ctype = multipart({"csrf": csrf, **fields}, file_name, image, "image/png")
    t = time.monotonic()
    r = s.post(path, body, ctype)
    assert time.monotonic() - t < 20, "the upload hung on the full disk"
    assert r.status == 507, (r.status, r.text[:2000])
    assert "máy chủ đã hết dung lượng lưu trữ" in r.text, r.text[:3000]
    assert "/tmp/" not in r.text and "/media/" not in r.text and ".tmp-" not in r.text, "no server paths shown"
    return r


def test_a_media_upload_on_a_full_disk_is_a_clean_error_and_works_once_space_is_free(small_disk):
    p = Portal(data_dir=small_disk[0]).start(timeout=60)
    try:
        s = Session(p, "tran.van.hung")  # the school's approver: edits the school's content
        image = noise_png(320, 320, 21)  # ~300 KB
        rows0, dirs0 = media_rows(small_disk), media_dirs(p)
        filler = fill(p.data_dir, 64 * 1024)
        post_on_full_disk(s, "/quan-tri/tep", {"unit": "th-van-yen", "alt_text": "Ảnh thử đĩa đầy", "title": "Đĩa đầy"},
                          "dia-day.png", image)
        # The English editor says the same in English.
        csrf = Session.csrf(s.get("/quan-tri/tep?lang=en").text)
        body, ctype = multipart({"csrf": csrf, "unit": "th-van-yen", "alt_text": "Disk full", "title": "Disk full"},
                                "full.png", image, "image/png")
        r = s.post("/quan-tri/tep?lang=en", body, ctype)
        assert r.status == 507 and "storage is full. Nothing was saved" in r.text, (r.status, r.text[:3000])
        # Nothing half-written: no record, no asset directory, no temporary directory.
        assert media_rows(small_disk) == rows0
        assert media_dirs(p) == dirs0, media_dirs(p)
        # The portal keeps serving.
        assert p.get("/healthz").status == 200
        assert p.get("/don-vi/th-van-yen/pbgdpl/").status == 200
        # Space again: the same upload is accepted, and its files match the record.
        filler.unlink()
        csrf = Session.csrf(s.get("/quan-tri/tep").text)
        body, ctype = multipart({"csrf": csrf, "unit": "th-van-yen", "alt_text": "Ảnh thử đĩa đầy", "title": "Đĩa đầy"},
                                "dia-day.png", image, "image/png")
        r = s.post("/quan-tri/tep", body, ctype)
        assert r.status == 303, (r.status, r.text[:2000])
        new = sorted(set(media_rows(small_disk)) - set(rows0))
        assert len(new) == 1, new
        kill9(p)
        found = check_in_namespace(small_disk[1], small_disk[2])
        assert found["media_files"] >= 1
        assert (p.data_dir / "media" / new[0] / "original.png").read_bytes() == image
    finally:
        p.cleanup()


def test_sqlite_hitting_enospc_is_a_clean_error_and_the_previous_state_stays(small_disk):
    p = Portal(data_dir=small_disk[0]).start(timeout=60)
    try:
        r = p.request("POST", "/api/v1/articles", body=new_article("truoc-khi-day", "Trước khi đầy"), headers=p.auth())
        assert r.status == 201, r.body[:300]
        before = r.json()
        filler = fill(p.data_dir, 0)
        big = "Điều khoản về phổ biến pháp luật. " * 8000  # ~300 KB: the WAL must grow
        t = time.monotonic()
        e = assert_json_error(p.request("POST", "/api/v1/articles", body=new_article("khi-day", "Khi đầy", body_markdown=big),
                                        headers=p.auth(), timeout=30), {507})
        assert time.monotonic() - t < 20
        upd = dict(before, title="Sửa khi đầy", body_markdown=big)
        assert_json_error(p.request("PUT", "/api/v1/articles/truoc-khi-day", body=upd, headers=p.auth(), timeout=30), {507})
        assert e["code"] == "storage_full", e
        # Still serving; the previous state as it was.
        assert p.get("/healthz").status == 200
        assert p.get("/api/v1/articles/truoc-khi-day", headers=p.auth()).json() == before
        assert p.get("/api/v1/articles/khi-day", headers=p.auth()).status == 404
        filler.unlink()
        r = p.request("POST", "/api/v1/articles", body=new_article("khi-day", "Khi đầy", body_markdown=big), headers=p.auth())
        assert r.status == 201, r.body[:300]
        kill9(p)
        check_in_namespace(small_disk[1], small_disk[2])
        p.start()
        assert p.get("/api/v1/articles/truoc-khi-day", headers=p.auth()).json() == before
        assert p.get("/api/v1/articles/khi-day", headers=p.auth()).json()["body_markdown"] == big
    finally:
        p.cleanup()


def media_audit(disk):
    _, holder, under = disk
    return dict(query_in_namespace(holder, under, "SELECT action, count(*) FROM audit_log WHERE kind='media_asset' GROUP BY action"))


def test_a_banner_upload_that_fills_the_disk_midway_is_a_clean_507_and_leaves_no_stray_image(small_disk):
    """A unit's banner is three PNG variants, each an image in the unit's library. Room for the
    small ones and not the largest: the ones written are taken back (their records and files), the
    banner stays as it was, the answer is 507 in the person's language, no server path shown."""
    p = Portal(data_dir=small_disk[0]).start(timeout=60)
    try:
        s = Session(p, "tran.van.hung")  # publishes th-van-yen's banner
        own = "/don-vi/th-van-yen/pbgdpl/bieu-ngu/300x100.png"
        before = p.get(own).body
        image = noise_png(600, 200, 7)  # ~360 KB; random pixels keep its 1200x400 variant ~1.4 MB
        rows0, dirs0, audit0 = media_rows(small_disk), media_dirs(p), media_audit(small_disk)
        filler = fill(p.data_dir, 1024 * 1024)  # room for the 300x100 and 600x200 variants only
        post_on_full_disk(s, "/quan-tri/bieu-ngu", {"unit": "th-van-yen"}, "bieu-ngu.png", image)
        audit = media_audit(small_disk)
        made = audit.get("create", 0) - audit0.get("create", 0)
        assert made >= 1, ("the disk was too small to test taking variants back", audit0, audit)
        assert audit.get("remove", 0) - audit0.get("remove", 0) == made, (audit0, audit)
        assert media_rows(small_disk) == rows0
        assert media_dirs(p) == dirs0, media_dirs(p)
        assert p.get(own).body == before, "the banner stays as it was"
        assert p.get("/healthz").status == 200
        # Space again: the same upload is the unit's banner, three images more in its library.
        filler.unlink()
        csrf = Session.csrf(s.get("/quan-tri/bieu-ngu").text)
        body, ctype = multipart({"csrf": csrf, "unit": "th-van-yen"}, "bieu-ngu.png", image, "image/png")
        r = s.post("/quan-tri/bieu-ngu", body, ctype)
        assert r.status == 303, (r.status, r.text[:2000])
        assert len(set(media_rows(small_disk)) - set(rows0)) == 3
        assert p.get(own).body != before
    finally:
        p.cleanup()
