"""The reference signage player (pbgdpl_signage_player) run for real: windowed under Xvfb, against
a fake portal on 127.0.0.1 (port 0) that speaks the device protocol (enrol, manifest, content with
Range, plays, heartbeat) and serves a manifest signed by a key made for this run
(pbgdpl_test_signage_world). The player's own snapshots (PNG) are read here pixel by pixel and
compared with the expected composition; the play records it uploads are checked by their times.

The world: a 1280x720 layout with a legal zone (960x630), a notice zone (320x630) and a ticker
band (1280x90). The playlist: a 16:9 infographic (orange | teal halves: letterboxed, black bars
above and below), a 2-second test video (ffmpeg testsrc), a notice image (green), and an
infographic in in a colour of its own whose approval is for other bytes: it must never appear.
"""
import hashlib
import http.server
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
import zlib
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("PBGDPL_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY_DIR = Path(os.environ.get("PBGDPL_BINARY_DIR", SOURCE_DIR / "build"))
PLAYER = os.environ.get("PBGDPL_SIGNAGE_PLAYER", str(BINARY_DIR / "examples/signage_player/pbgdpl_signage_player"))
WORLD = os.environ.get("PBGDPL_SIGNAGE_WORLD", str(BINARY_DIR / "tests/player/pbgdpl_test_signage_world"))

W, H = 1280, 720
BAND = H // 8                 # 90: the ticker band
MAIN_H = H - BAND             # 630
LEGAL_W = W * 3 // 4          # 960
ORANGE, TEAL, GREEN = (255, 128, 0), (0, 128, 128), (0, 160, 0)
UNAPPROVED = (201, 47, 173)  # a colour testsrc's bars do not have
TICKER_BG = (0x8B, 0x10, 0x10)
CODE = "7KQ-M4P"
DISPLAY = "cau-thang-a2"


# --- PNG: written here, read through ffmpeg ---

def png_write(path, w, h, pixel):
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        for x in range(w):
            raw.extend(pixel(x, y))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                           chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def png_read(data):
    """Decodes through ffmpeg (already needed for the clip) to RGB24: pure Python is too slow for
    a 1280x720 frame every half second."""
    w, h = png_size(data)
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "png_pipe", "-i", "-", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         input=data, capture_output=True, check=True, timeout=30).stdout
    assert len(raw) == w * h * 3, (len(raw), w, h)
    return Image(w, h, 3, [raw[y * w * 3:(y + 1) * w * 3] for y in range(h)])


class Image:
    def __init__(self, w, h, bpp, rows):
        self.width, self.height, self.bpp, self.rows = w, h, bpp, rows

    def at(self, x, y):
        r = self.rows[y]
        return tuple(r[x * self.bpp:x * self.bpp + 3])

    def count(self, x0, y0, x1, y1, colour, step=1):
        return sum(1 for y in range(y0, y1, step) for x in range(x0, x1, step) if self.at(x, y) == colour)

    def colours(self, x0, y0, x1, y1, step=4):
        return {self.at(x, y) for y in range(y0, y1, step) for x in range(x0, x1, step)}


def near(c, want, tol=6):
    return all(abs(a - b) <= tol for a, b in zip(c, want))


# --- The fake portal ---------------------------------------------------------------------------

class FakePortal:
    def __init__(self, world_dir, files):
        self.manifests = [(world_dir / "manifest.json").read_bytes(), (world_dir / "manifest2.json").read_bytes()]
        self.serving = 0  # which manifest GET /manifest answers
        self.authority_pub = (world_dir / "authority.pub").read_text()
        self.content = {hashlib.blake2b(Path(f).read_bytes(), digest_size=32).hexdigest(): Path(f).read_bytes() for f in files}
        self.authorised = threading.Event()
        self.lock = threading.Lock()
        self.enrolments, self.plays, self.heartbeats, self.unsigned, self.ranges, self.manifest_gets = [], [], [], [], [], []
        portal = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def reply(self, status, body=b"", ctype="application/json", headers=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                if body and self.command != "HEAD":
                    self.wfile.write(body)

            def body(self):
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n else b""

            def signed(self):
                ok = all(self.headers.get(h) for h in ("X-Pbgdpl-Device", "X-Pbgdpl-Time", "X-Pbgdpl-Signature"))
                if not ok:
                    with portal.lock:
                        portal.unsigned.append(self.path)
                return ok

            def do_POST(self):
                data = self.body()
                if self.path == "/api/v1/signage/enrol":
                    req = json.loads(data)
                    with portal.lock:
                        portal.enrolments.append(req)
                    if not portal.authorised.is_set():
                        return self.reply(202, json.dumps({"state": "pending", "code": CODE}).encode())
                    return self.reply(200, json.dumps({"state": "authorised", "display": DISPLAY, "authority": "pgd-ha-dong",
                                                       "authority_public_key": portal.authority_pub}).encode())
                if not self.signed():
                    return self.reply(401, b'{"error":"unauthenticated"}')
                if self.path == "/api/v1/signage/plays":
                    lines = json.loads(data)["lines"]
                    with portal.lock:
                        for line in lines:
                            p = json.loads(line)
                            if all(q["seq"] != p["seq"] for q in portal.plays):
                                portal.plays.append(p)
                        through = max([q["seq"] for q in portal.plays], default=0)
                    return self.reply(200, json.dumps({"accepted_through": through}).encode())
                if self.path == "/api/v1/signage/heartbeat":
                    with portal.lock:
                        portal.heartbeats.append(json.loads(data))
                    return self.reply(204)
                return self.reply(404, b'{"error":"not_found"}')

            def do_GET(self):
                if not self.signed():
                    return self.reply(401, b'{"error":"unauthenticated"}')
                if self.path == "/api/v1/signage/manifest":
                    n = portal.serving
                    etag = f'"m{n + 1}"'
                    if self.headers.get("If-None-Match") == etag:
                        return self.reply(304, headers=[("ETag", etag)])
                    with portal.lock:
                        portal.manifest_gets.append(n)
                    return self.reply(200, portal.manifests[n], headers=[("ETag", etag)])
                prefix = "/api/v1/signage/content/"
                if self.path.startswith(prefix) and self.path[len(prefix):] in portal.content:
                    data = portal.content[self.path[len(prefix):]]
                    rng = self.headers.get("Range")
                    if rng and rng.startswith("bytes="):
                        a, _, b = rng[6:].partition("-")
                        a = int(a)
                        b = min(int(b) if b else len(data) - 1, len(data) - 1)
                        with portal.lock:
                            portal.ranges.append(rng)
                        if a >= len(data):
                            return self.reply(416, headers=[("Content-Range", f"bytes */{len(data)}")])
                        return self.reply(206, data[a:b + 1], "application/octet-stream",
                                          [("Content-Range", f"bytes {a}-{b}/{len(data)}")])
                    return self.reply(200, data, "application/octet-stream")
                return self.reply(404, b'{"error":"not_found"}')

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *a):
        self.server.shutdown()
        self.server.server_close()


def start_xvfb():
    """Xvfb on a free display number (-displayfd), 1280x720x24; returns (process, ':N')."""
    r, w = os.pipe()
    x = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{W}x{H}x24", "-nolisten", "tcp"],
                         pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    got = b""
    deadline = time.time() + 15
    while not got.endswith(b"\n") and time.time() < deadline:
        chunk = os.read(r, 16)
        if not chunk:
            break
        got += chunk
    os.close(r)
    assert got.strip(), "Xvfb did not start"
    return x, ":" + got.decode().strip()


@pytest.fixture(scope="module")
def tools():
    for t in ("Xvfb", "ffmpeg"):
        assert shutil.which(t), f"{t} is missing: scripts/install-deps.sh test"
    for b in (PLAYER, WORLD):
        assert Path(b).is_file(), f"missing {b}: build pbgdpl_signage_player and pbgdpl_test_signage_world"


def make_media(d):
    png_write(d / "infographic.png", 800, 450, lambda x, y: ORANGE if x < 400 else TEAL)
    png_write(d / "notice.png", 300, 600, lambda x, y: GREEN)
    png_write(d / "unapproved.png", 800, 450, lambda x, y: UNAPPROVED)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "2",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(d / "clip.mp4")], check=True, timeout=60)


def test_player_enrols_plays_the_signed_plan_and_records_completed_plays(tools):
    with tempfile.TemporaryDirectory(prefix="pbgdpl-player-") as tmp:
        d = Path(tmp)
        make_media(d)
        items = [f"{d / 'infographic.png'}|phap-luat|1|4|image/png|ok",
                 f"{d / 'clip.mp4'}|phap-luat|1|3|video/mp4|ok",
                 f"{d / 'unapproved.png'}|phap-luat|1|4|image/png|other",
                 f"{d / 'notice.png'}|thong-bao|0|5|image/png|none"]
        subprocess.run([WORLD, str(d / "world"), DISPLAY, str(W), str(H)] + items, check=True, timeout=30)
        files = [i.split("|")[0] for i in items]
        xvfb, display = start_xvfb()
        snaps = d / "snaps"
        try:
            with FakePortal(d / "world", files) as portal:
                env = dict(os.environ, DISPLAY=display)
                out = open(d / "player.log", "w")
                player = subprocess.Popen([PLAYER, "--server", portal.url, "--state", str(d / "state"), "--name", "Cầu thang A2",
                                           "--size", f"{W}x{H}", "--windowed", "--snapshot-dir", str(snaps),
                                           "--snapshot-every", "0.5", "--sync-every", "2"],
                                          env=env, stdout=out, stderr=subprocess.STDOUT)
                try:
                    frames, reached = watch(player, portal, snaps, d)
                finally:
                    if player.poll() is None:
                        player.send_signal(signal.SIGTERM)
                    code = player.wait(timeout=30)
                    out.close()
                log = (d / "player.log").read_text(errors="replace")
                assert code == 0, "SIGTERM should end the player cleanly:\n" + log
                assert reached == "done", f"stopped at phase {reached}; frames {sorted(frames)}:\n" + log
                check_frames(frames, log)
                check_protocol(portal, log)
        finally:
            xvfb.terminate()
            xvfb.wait(timeout=10)


def watch(player, portal, snaps, d):
    """Reads the player's snapshots (up to 45 s) through four phases: the enrolment screen (then
    the administrator authorises), the signed plan playing (infographic, video, a video play
    uploaded), a second manifest with an unapproved item (refused whole: the first keeps playing),
    the portal gone (offline: it still keeps playing). Returns the frames seen, by kind and phase."""
    frames, seen = {}, set()
    phase, phase_at = "enrol", time.time()
    log_path = d / "player.log"
    deadline = time.time() + 45
    while time.time() < deadline and player.poll() is None:
        time.sleep(0.25)
        try:
            data = (snaps / "snapshot.png").read_bytes()
        except FileNotFoundError:
            continue
        key = hashlib.blake2b(data, digest_size=16).digest()
        if key in seen:
            continue
        seen.add(key)
        img = png_read(data)
        assert (img.width, img.height) == (W, H)
        # Never the unapproved item, in any frame, anywhere.
        # (a block of it: a decoded video frame may hold a stray pixel of any colour)
        assert img.count(0, 0, W, H, UNAPPROVED, step=8) < 20, "an unapproved item was shown"
        kind = classify(img)
        if kind:
            frames.setdefault((phase, kind), img)
        log = log_path.read_text(errors="replace")
        if phase == "enrol" and kind == "enrolment":
            portal.authorised.set()  # the administrator typed the code
            phase = "play"
        elif phase == "play":
            with portal.lock:
                video_played = any(pl.get("media") == "media-2" for pl in portal.plays)
            if ("play", "infographic") in frames and ("play", "video") in frames and video_played:
                portal.serving = 1
                phase = "refuse"
        elif phase == "refuse" and "manifest refused" in log:
            phase, phase_at = "refused", time.time()
        elif phase == "refused" and kind in ("infographic", "video") and time.time() - phase_at > 1:
            portal.server.shutdown()
            portal.server.server_close()
            phase = "offline"
        elif phase == "offline" and "sync offline" in log:
            phase, phase_at = "offline-playing", time.time()
        elif phase == "offline-playing" and kind in ("infographic", "video") and time.time() - phase_at > 1:
            return frames, "done"
    return frames, phase


def classify(img):
    if img.count(W // 2 - 200, H * 3 // 10, W // 2 + 200, H * 3 // 10 + H // 4, (0xFF, 0xD7, 0x00), step=4) > 200:
        return "enrolment"
    c = img.at(LEGAL_W // 4, MAIN_H // 2)
    if near(c, ORANGE, 2):
        return "infographic"
    legal = img.colours(0, 0, LEGAL_W, MAIN_H, step=16)
    if len(legal) > 6:  # testsrc: colour bars, a gradient, a counter
        return "video"
    return None


def check_frames(frames, log):
    img = frames[("play", "infographic")]
    # 800x450 letterboxed into 960x630: 960x540 at y 45..584, black bars above and below.
    assert img.count(0, 0, LEGAL_W, 45, (0, 0, 0), step=3) == len(range(0, LEGAL_W, 3)) * len(range(0, 45, 3))
    assert img.count(0, 586, LEGAL_W, MAIN_H, (0, 0, 0), step=3) == len(range(0, LEGAL_W, 3)) * len(range(586, MAIN_H, 3))
    assert near(img.at(10, 60), ORANGE, 2) and near(img.at(470, 570), ORANGE, 2)
    assert near(img.at(490, 60), TEAL, 2) and near(img.at(950, 570), TEAL, 2)
    # The notice zone (320x630) shows the green notice, letterboxed (315x630).
    assert img.count(LEGAL_W + 10, 10, W - 10, MAIN_H - 10, GREEN, step=5) > 0.95 * len(range(LEGAL_W + 10, W - 10, 5)) * len(
        range(10, MAIN_H - 10, 5))
    # The ticker band: its background and text pixels inside it.
    band = img.colours(0, MAIN_H, W, H, step=1)
    assert TICKER_BG in band and len(band) > 3, "the ticker band is empty"
    # The enrolment screen shows the code large (yellow glyph pixels where the code is).
    assert frames[("enrol", "enrolment")].count(0, H * 3 // 10, W, H * 3 // 10 + H // 4, (0xFF, 0xD7, 0x00), step=2) > 1000


def ts(v):
    if isinstance(v, (int, float)):
        return float(v)
    from datetime import datetime
    return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()


def check_protocol(portal, log):
    assert f"enrolment code {CODE}" in log, "the code is printed on stdout:\n" + log
    assert portal.enrolments and portal.enrolments[0].get("width") == W and portal.enrolments[0].get("height") == H
    assert not portal.unsigned, f"requests without the device signature: {portal.unsigned}"
    with portal.lock:
        plays = list(portal.plays)
        beats = list(portal.heartbeats)
    video = [p for p in plays if p["media"] == "media-2"]
    assert video, "no play record for the video:\n" + json.dumps(plays) + "\n" + log
    for p in video:
        # A 2-second clip from its first frame to its end (whole seconds on the wire).
        assert 1 <= ts(p["end"]) - ts(p["start"]) <= 3, p
    assert all(p["media"] != "media-3" for p in plays), "a play of the unapproved item"
    assert [p["seq"] for p in sorted(plays, key=lambda p: p["seq"])] == list(range(1, len(plays) + 1))
    assert beats, "no heartbeat"
    snaps = [b for b in beats if b.get("snapshot_png")]
    assert snaps, "no snapshot in the heartbeats"
    import base64
    sw, sh = png_size(base64.b64decode(snaps[-1]["snapshot_png"]))
    assert sw <= 640 and sw * H == sh * W, (sw, sh)


def run_headless(d, portal, extra, seconds):
    """Runs the player headless (no DISPLAY at all) for `seconds`; returns (exit code, log, last snapshot)."""
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    snaps = d / "snaps-headless"
    with open(d / "headless.log", "w") as out:
        p = subprocess.run([PLAYER, "--server", portal.url, "--state", str(d / "state-headless"), "--size", f"{W}x{H}",
                            "--headless", "--snapshot-dir", str(snaps), "--snapshot-every", "0.5", "--sync-every", "2",
                            "--exit-after", str(seconds)] + extra, env=env, stdout=out, stderr=subprocess.STDOUT,
                           timeout=seconds + 30)
    return p.returncode, (d / "headless.log").read_text(errors="replace"), png_read((snaps / "snapshot.png").read_bytes())


def test_headless_player_pins_the_authority_key_given_out_of_band(tools):
    with tempfile.TemporaryDirectory(prefix="pbgdpl-player-") as tmp:
        d = Path(tmp)
        png_write(d / "infographic.png", 800, 450, lambda x, y: ORANGE if x < 400 else TEAL)
        png_write(d / "notice.png", 300, 600, lambda x, y: GREEN)
        items = [f"{d / 'infographic.png'}|phap-luat|1|4|image/png|ok", f"{d / 'notice.png'}|thong-bao|0|5|image/png|none"]
        subprocess.run([WORLD, str(d / "world"), DISPLAY, str(W), str(H)] + items, check=True, timeout=30)
        subprocess.run([WORLD, str(d / "other"), DISPLAY, str(W), str(H)] + items, check=True, timeout=30)
        with FakePortal(d / "world", [i.split("|")[0] for i in items]) as portal:
            portal.authorised.set()
            # Pinned to another authority's key: the portal's key is refused, nothing plays.
            code, log, img = run_headless(d, portal, ["--authority-key", str(d / "other" / "authority.pub")], 4)
            assert code == 0, log
            assert "enrolment failed" in log and "manifest" not in log, log
            assert classify(img) == "enrolment" or img.count(0, 0, W, H, ORANGE, step=8) == 0, log
            assert img.count(0, 0, W, H, ORANGE, step=8) == 0 and img.count(0, 0, W, H, TEAL, step=8) == 0
            # Pinned to the right key: plays with no display at all, and --exit-after ends it cleanly.
            shutil.rmtree(d / "state-headless")
            code, log, img = run_headless(d, portal, ["--authority-key", str(d / "world" / "authority.pub")], 6)
            assert code == 0, log
            assert "manifest 1 in use" in log and "stopped" in log, log
            assert classify(img) == "infographic", log
            assert img.at(480, 10) == (0, 0, 0)  # the letterbox bar
