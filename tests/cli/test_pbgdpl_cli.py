# The `pbgdpl` tool as an operator runs it: exit codes (0 ok, 1 refused, 2 usage, 3 other),
# messages in Vietnamese and English, signatures the stock minisign accepts, hashes equal to
# b2sum/xxhsum, signed bundles and their tampering, and the progress bar on a terminal.
# Keys are unencrypted (-W): minisign's scrypt parameters take seconds and a GiB per key.
import base64
import os
import pty
import shutil
import subprocess

import pytest

CLI = os.environ.get("PBGDPL_CLI", "")
FROM, UNTIL, AT = "2024-01-01T00:00:00+07:00", "2034-01-01T00:00:00+07:00", "2025-06-01T08:00:00+07:00"
AUTHORITY, UNIT, ROLE = "so-gddt-hcm", "pgd-quan-1", "division_approver"
PROGRESS_THRESHOLD = 64 << 20  # the CLI draws its bar for files of at least 64 MiB


def pbgdpl(*args, cwd=None):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          stdin=subprocess.DEVNULL, timeout=60)


def ok(*args, cwd=None):
    r = pbgdpl(*args, cwd=cwd)
    assert r.returncode == 0, f"pbgdpl {' '.join(map(str, args))}: {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def refused(r, vi, en):
    """A refusal: exit code 1 and the reason in both languages."""
    assert r.returncode == 1, f"{r.returncode}\n{r.stdout}\n{r.stderr}"
    assert "Lỗi:" in r.stderr and "Error:" in r.stderr, r.stderr
    assert vi in r.stderr, r.stderr
    assert en in r.stderr, r.stderr


def flip_byte(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x01]))


def keygen(d, name):
    ok("keygen", "-W", "-p", d / f"{name}.pub", "-s", d / f"{name}.key")
    return d / f"{name}.pub", d / f"{name}.key"


@pytest.fixture(scope="session", autouse=True)
def tools():
    assert CLI and os.access(CLI, os.X_OK), "PBGDPL_CLI must name the built pbgdpl"
    for tool in ("minisign", "b2sum", "xxhsum", "truncate"):
        assert shutil.which(tool), f"{tool} is needed"


@pytest.fixture
def keys(tmp_path):
    return keygen(tmp_path, "me")


@pytest.fixture
def content(tmp_path):
    f = tmp_path / "thong-bao.txt"
    f.write_bytes("Thông báo tuyên truyền pháp luật\n".encode() * 5000 + os.urandom(3000))
    return f


def test_keygen_writes_a_minisign_key_pair_and_will_not_overwrite_it(tmp_path):
    r = ok("keygen", "-W", "-p", tmp_path / "k.pub", "-s", tmp_path / "k.key")
    pub, key = tmp_path / "k.pub", tmp_path / "k.key"
    comment, line = pub.read_text().splitlines()
    raw = base64.b64decode(line)
    assert len(raw) == 42 and raw[:2] == b"Ed"  # algorithm, 8-byte key id, Ed25519 key
    key_id = raw[2:10][::-1].hex().upper()  # minisign prints the little-endian id as a number
    assert comment == f"untrusted comment: minisign public key {key_id}"
    assert key_id in r.stdout
    raw = base64.b64decode(key.read_text().splitlines()[1])
    assert raw[:6] == b"Ed\0\0B2"  # unencrypted (-W): no KDF, BLAKE2b checksum
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    before = key.read_bytes()
    r = pbgdpl("keygen", "-W", "-p", tmp_path / "other.pub", "-s", key)
    assert r.returncode == 3 and "-f" in r.stderr
    assert key.read_bytes() == before


def test_a_signed_file_verifies_and_minisign_agrees(tmp_path, keys, content):
    pub, key = keys
    ok("sign", "-W", "-s", key, "-m", content, "-t", "phê duyệt / approved")
    sig = content.with_name(content.name + ".minisig")
    assert sig.exists()
    r = ok("verify", "-p", pub, "-m", content)
    assert "Signature verified" in r.stdout and "phê duyệt / approved" in r.stdout
    m = subprocess.run(["minisign", "-V", "-p", pub, "-m", content], capture_output=True, text=True, timeout=30)
    assert m.returncode == 0, m.stderr
    assert "phê duyệt / approved" in m.stdout


def test_a_signature_by_minisign_verifies_with_pbgdpl(tmp_path, content):
    m = subprocess.run(["minisign", "-G", "-W", "-p", tmp_path / "m.pub", "-s", tmp_path / "m.key"],
                       capture_output=True, text=True, timeout=30)
    assert m.returncode == 0, m.stderr
    m = subprocess.run(["minisign", "-S", "-s", tmp_path / "m.key", "-m", content, "-t", "từ minisign"],
                       capture_output=True, text=True, timeout=30)
    assert m.returncode == 0, m.stderr
    assert "từ minisign" in ok("verify", "-p", tmp_path / "m.pub", "-m", content).stdout


def test_a_flipped_byte_is_refused_by_pbgdpl_and_by_minisign(tmp_path, keys, content):
    pub, key = keys
    ok("sign", "-W", "-s", key, "-m", content)
    flip_byte(content, content.stat().st_size // 2)
    refused(pbgdpl("verify", "-p", pub, "-m", content), "nội dung đã bị sửa đổi", "the content was modified")
    m = subprocess.run(["minisign", "-V", "-p", pub, "-m", content], capture_output=True, text=True, timeout=30)
    assert m.returncode != 0


def test_a_signature_from_another_key_is_refused(tmp_path, keys, content):
    _, key = keys
    other_pub, _ = keygen(tmp_path, "other")
    ok("sign", "-W", "-s", key, "-m", content)
    refused(pbgdpl("verify", "-p", other_pub, "-m", content), "không phải khóa", "not by key")


def test_hash_equals_b2sum_and_etag_equals_xxhsum(content):
    for bits, b2args in (("256", ["-l", "256"]), ("512", [])):
        ours = ok("hash", "-l", bits, content).stdout.split()[0]
        theirs = subprocess.run(["b2sum", *b2args, content], capture_output=True, text=True).stdout.split()[0]
        assert ours == theirs and len(ours) == int(bits) // 4
    ours = ok("hash", "--etag", content).stdout.split()[0]
    theirs = subprocess.run(["xxhsum", "-H2", content], capture_output=True, text=True).stdout.split()[0]
    assert ours == theirs


def make_bundle(tmp_path):
    root_pub, root_key = keygen(tmp_path, "root")
    ap_pub, ap_key = keygen(tmp_path, "approver")
    ok("delegate", "-W", "-s", root_key, "-k", ap_pub, "--authority", AUTHORITY, "--unit", UNIT, "--role", ROLE,
       "--use", "signage_school,portal", "--from", FROM, "--until", UNTIL)
    b = tmp_path / "bundle"
    (b / "video").mkdir(parents=True)
    (b / "video" / "clip.mp4").write_bytes(os.urandom(300_000))
    (b / "notice.txt").write_text("Ngày Pháp luật Việt Nam 9/11\n")
    r = ok("bundle", "pack", b, "--id", "pbgdpl-2025-01", "--title", "Ngày Pháp luật", "-W", "-s", ap_key,
           "--unit", UNIT, "--role", ROLE, "--use", "signage_school", "--from", FROM, "--until", UNTIL)
    assert "2" in r.stdout
    verify = ["bundle", "verify", b, "--root", root_pub, "--authority", AUTHORITY, "--level", "city_official",
              "--parent", f"{UNIT}={AUTHORITY}", "-d", ap_pub.with_name(ap_pub.name + ".minisig"), "--at", AT]
    return b, verify


def test_a_packed_bundle_verifies(tmp_path):
    b, verify = make_bundle(tmp_path)
    r = ok(*verify, "--use", "signage_school")
    assert "Bundle verified: pbgdpl-2025-01" in r.stdout and UNIT in r.stdout


def test_a_tampered_bundle_file_is_refused(tmp_path):
    b, verify = make_bundle(tmp_path)
    flip_byte(b / "video" / "clip.mp4", 150_000)
    r = pbgdpl(*verify, "--use", "signage_school")
    assert r.returncode == 1, r.stderr
    assert "Lỗi:" in r.stderr and "Error:" in r.stderr and "clip.mp4" in r.stderr


def test_a_tampered_manifest_is_refused(tmp_path):
    b, verify = make_bundle(tmp_path)
    manifest = b / "pbgdpl-bundle.json"
    manifest.write_text(manifest.read_text().replace("Ngày Pháp luật", "Ngày Pháp luật!"))
    r = pbgdpl(*verify, "--use", "signage_school")
    assert r.returncode == 1, r.stderr
    assert "Lỗi:" in r.stderr and "Error:" in r.stderr


def test_a_bundle_approved_for_schools_is_refused_for_public_screens(tmp_path):
    _, verify = make_bundle(tmp_path)
    r = pbgdpl(*verify, "--use", "signage_public")
    assert r.returncode == 1, r.stderr
    assert "Lỗi:" in r.stderr and "Error:" in r.stderr


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["sign", "-m", "x"], ["hash"], ["hash", "-l", "384", "x"],
                                  ["bundle", "unpack", "x"], ["verify", "-p"]])
def test_usage_errors_exit_2_with_the_usage_text(args):
    r = pbgdpl(*args)
    assert r.returncode == 2, (args, r.returncode, r.stderr)
    assert "Cách dùng / Usage:" in r.stderr
    assert r.stdout == ""


def test_help_prints_the_usage_and_succeeds():
    r = ok("--help")
    assert "Cách dùng / Usage:" in r.stdout


def run_on_terminal(*args):
    """Runs pbgdpl with stderr on a pseudo-terminal (stdout a pipe); returns (code, stdout, stderr)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([CLI, *map(str, args)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal's last end
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    out = p.stdout.read()
    p.stdout.close()
    return p.wait(timeout=60), out.decode(), err.decode(errors="replace")


@pytest.fixture
def sparse(tmp_path):
    f = tmp_path / "video-lon.mp4"
    subprocess.run(["truncate", "-s", str(PROGRESS_THRESHOLD + (16 << 20)), f], check=True)
    return f


@pytest.mark.parametrize("mode", [[], ["--etag"]])
def test_a_large_file_shows_a_progress_bar_on_a_terminal_stderr(sparse, mode):
    code, out, err = run_on_terminal("hash", *mode, sparse)
    assert code == 0, err
    assert "[" + "#" * 40 + "] 100%" in err, err[-300:]
    assert "\r" in err and err.count("%") > 10  # redrawn as it goes
    assert "80/80 MiB" in err
    assert str(sparse) in out and "%" not in out  # the digest alone on stdout
    assert out.split()[0] == ok("hash", *mode, sparse).stdout.split()[0]


def test_no_progress_bar_for_a_small_file_or_when_stderr_is_not_a_terminal(content, sparse):
    code, out, err = run_on_terminal("hash", content)
    assert code == 0 and err == ""
    assert out.split() == ok("hash", content).stdout.split()
    r = ok("hash", sparse)
    assert r.stderr == "" and r.stdout.split()[1] == str(sparse)


def quick(*args, timeout=10):
    """Runs pbgdpl and fails the test (instead of hanging) if it does not finish within `timeout`."""
    try:
        return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pbgdpl {' '.join(map(str, args))} hung for more than {timeout} s")


def test_a_fifo_given_as_a_file_is_refused_not_waited_on(tmp_path, keys, content):
    pub, key = keys
    ok("sign", "-W", "-s", key, "-m", content)
    sig = content.with_name(content.name + ".minisig")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for args in (["hash", fifo], ["hash", "--etag", fifo], ["verify", "-p", pub, "-m", fifo, "-x", sig],
                 ["verify", "-p", fifo, "-m", content], ["verify", "-p", pub, "-m", content, "-x", fifo],
                 ["sign", "-W", "-s", fifo, "-m", content], ["sign", "-W", "-s", key, "-m", fifo, "-x", tmp_path / "s"]):
        refused(quick(*args), "Không phải tệp thông thường", "Not a regular file")


def test_a_bundle_whose_manifest_is_a_fifo_is_refused_not_waited_on(tmp_path):
    b, verify = make_bundle(tmp_path)
    manifest = b / "pbgdpl-bundle.json"
    manifest.unlink()
    os.mkfifo(manifest)
    refused(quick(*verify, "--use", "signage_school"), "Không phải tệp thông thường", "Not a regular file")
    manifest.unlink()
    (b / "pbgdpl-bundle.json.minisig").unlink()
    os.mkfifo(b / "pbgdpl-bundle.json.minisig")
    manifest.write_text("{}")
    refused(quick(*verify, "--use", "signage_school"), "Không phải tệp thông thường", "Not a regular file")


def test_keygen_refuses_a_dangling_symlink_at_the_secret_key_path(tmp_path):
    target = tmp_path / "elsewhere" / "stolen.key"
    target.parent.mkdir()
    link = tmp_path / "k.key"
    link.symlink_to(target)
    r = quick("keygen", "-W", "-p", tmp_path / "k.pub", "-s", link)
    assert r.returncode == 3, r.stderr
    assert "Lỗi:" in r.stderr and "Error:" in r.stderr and "liên kết" in r.stderr and "symbolic link" in r.stderr
    assert not target.exists() and link.is_symlink()
    # With -f the link itself is replaced by the new key; its target is still never created.
    ok("keygen", "-W", "-f", "-p", tmp_path / "k.pub", "-s", link)
    assert not target.exists() and not link.is_symlink()
    assert oct(link.stat().st_mode & 0o777) == "0o600"


def test_keygen_creates_the_secret_key_0600_even_with_umask_000(tmp_path):
    def run_with_umask_0(*args):
        return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=30, preexec_fn=lambda: os.umask(0))
    r = run_with_umask_0("keygen", "-W", "-p", tmp_path / "k.pub", "-s", tmp_path / "k.key")
    assert r.returncode == 0, r.stderr
    assert oct((tmp_path / "k.key").stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "k.pub").stat().st_mode & 0o777) == "0o644"  # public, never group/other-writable
    first = (tmp_path / "k.key").read_bytes()
    r = run_with_umask_0("keygen", "-W", "-f", "-p", tmp_path / "k.pub", "-s", tmp_path / "k.key")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "k.key").read_bytes() != first
    assert oct((tmp_path / "k.key").stat().st_mode & 0o777) == "0o600"
    assert not list(tmp_path.glob("*.tmp*"))


def test_outputs_replace_a_planted_link_instead_of_writing_through_it(tmp_path, keys, content):
    _, key = keys
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n")
    sig = tmp_path / "out.minisig"
    sig.symlink_to(victim)
    ok("sign", "-W", "-s", key, "-m", content, "-x", sig)
    assert victim.read_text() == "do not touch\n"
    assert not sig.is_symlink() and sig.read_text().startswith("untrusted comment:")


def without(args, option, count=2):
    """args with `option` and its value(s) removed."""
    i = args.index(option)
    return args[:i] + args[i + count:]


def test_bundle_verify_refuses_a_delegation_outside_the_authoritys_tree_or_level(tmp_path):
    b, verify = make_bundle(tmp_path)
    # The approver's unit is not known to be under the authority: refused.
    refused(quick(*without(verify, "--parent"), "--use", "signage_school"),
            f"không thuộc phạm vi của {AUTHORITY}", f"is not under authority {AUTHORITY}")
    # A tree that puts it under another unit, with a cycle that must not hang the check.
    units = tmp_path / "units.json"
    units.write_text(f'{{"{UNIT}": "pgd-quan-3", "pgd-quan-3": "pgd-quan-5", "pgd-quan-5": "pgd-quan-3"}}')
    refused(quick(*without(verify, "--parent"), "--units", units, "--use", "signage_school"),
            "không thuộc phạm vi", "is not under authority")
    units.write_text(f'{{"{UNIT}": "{AUTHORITY}"}}')
    ok(*without(verify, "--parent"), "--units", units, "--use", "signage_school")
    # An authority pinned at school level may not have delegated a division approver.
    refused(quick(*without(verify, "--level"), "--level", "school_approver", "--use", "signage_school"),
            "cao hơn cấp của mình", "above its own level")
    # The level must be stated.
    r = quick(*without(verify, "--level"), "--use", "signage_school")
    assert r.returncode == 2 and "--level" in r.stderr


def test_a_school_approver_cannot_be_delegated_or_approve_for_public_screens(tmp_path, content):
    root_pub, root_key = keygen(tmp_path, "root")
    ap_pub, ap_key = keygen(tmp_path, "approver")
    refused(quick("delegate", "-W", "-s", root_key, "-k", ap_pub, "--authority", AUTHORITY, "--unit", "thcs-a",
                  "--role", "school_approver", "--use", "signage_school,signage_public", "--from", FROM, "--until", UNTIL),
            "không được phê duyệt cho mục đích signage_public", "may not approve for use signage_public")
    assert not ap_pub.with_name(ap_pub.name + ".minisig").exists()
    refused(quick("approve", "-W", "-s", ap_key, "-m", content, "--content-id", "c1", "--unit", "thcs-a",
                  "--role", "school_approver", "--use", "signage_public", "--from", FROM, "--until", UNTIL),
            "không được phê duyệt", "may not approve")
