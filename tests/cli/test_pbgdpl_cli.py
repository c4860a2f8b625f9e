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
           "--unit", UNIT, "--role", ROLE, "--use", "signage_school", "--from", FROM, "--until", UNTIL, "--seq", "1")
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
                  "--role", "school_approver", "--use", "signage_public", "--from", FROM, "--until", UNTIL, "--seq", "1"),
            "không được phê duyệt", "may not approve")


# --- The third round of attacks (docs/security.md): sequences, keygen, bundle ids, planted links,
# rollback state, revocations as written, hashing a file that shrinks.

def approve_args(key, content, *extra):
    return ["approve", "-W", "-s", key, "-m", content, "--content-id", "c1", "--unit", UNIT, "--role", ROLE,
            "--use", "signage_school", "--from", FROM, "--until", UNTIL, *extra]


def test_approve_requires_a_sequence_and_parses_it_strictly(tmp_path, keys, content):
    _, key = keys
    r = quick(*approve_args(key, content))
    assert r.returncode == 2 and "--seq" in r.stderr, r.stderr
    for bad in ["-1", " 12abc", "12abc", "12 ", "+1", "0x10", "", "18446744073709551616", "1e3"]:
        r = quick(*approve_args(key, content, "--seq", bad))
        assert r.returncode == 2, (bad, r.returncode, r.stderr)
        assert "--seq" in r.stderr and "digits only" in r.stderr and "chỉ gồm chữ số" in r.stderr, r.stderr
        assert not content.with_name(content.name + ".minisig").exists()
    ok(*approve_args(key, content, "--seq", "18446744073709551615"))
    sig = content.with_name(content.name + ".minisig").read_text()
    assert '"sequence":18446744073709551615' in sig
    pub, _ = keys
    r = quick("delegate", "-W", "-s", key, "-k", pub, "--authority", AUTHORITY, "--unit", UNIT, "--role", ROLE,
              "--use", "portal", "--from", FROM, "--until", UNTIL, "--seq", "-1")
    assert r.returncode == 2 and "digits only" in r.stderr, r.stderr


def test_keygen_refuses_one_path_for_both_keys(tmp_path):
    for pub, sec in (("k", "k"), ("./k", "k"), ("sub/../k", "k")):
        (tmp_path / "sub").mkdir(exist_ok=True)
        r = subprocess.run([CLI, "keygen", "-W", "-p", pub, "-s", sec], capture_output=True, text=True, cwd=tmp_path,
                           stdin=subprocess.DEVNULL, timeout=30)
        assert r.returncode == 2, (pub, sec, r.stderr)
        assert "-p" in r.stderr and "-s" in r.stderr and "different files" in r.stderr
        assert not (tmp_path / "k").exists()


def test_keygen_leaves_no_secret_key_when_the_public_key_cannot_be_written(tmp_path):
    (tmp_path / "pdir").mkdir()
    r = quick("keygen", "-W", "-p", tmp_path / "pdir", "-s", tmp_path / "new.key")
    assert r.returncode == 3, r.stderr
    assert "directory" in r.stderr and "thư mục" in r.stderr
    assert not (tmp_path / "new.key").exists()
    r = quick("keygen", "-W", "-p", tmp_path / "missing" / "k.pub", "-s", tmp_path / "new.key")
    assert r.returncode == 3, r.stderr
    assert "was removed" in r.stderr and "đã xóa" in r.stderr
    assert not (tmp_path / "new.key").exists()
    assert not list(tmp_path.glob("*.tmp*"))


def trusted_comment(sig_path):
    for line in sig_path.read_text().splitlines():
        if line.startswith("trusted comment: "):
            return line[len("trusted comment: "):]
    raise AssertionError("no trusted comment")


def test_bundle_pack_gives_the_approval_its_own_id(tmp_path):
    b, _ = make_bundle(tmp_path)
    tc = trusted_comment(b / "pbgdpl-bundle.json.minisig")
    assert '"id":"pbgdpl-2025-01-1"' in tc and '"content_id":"pbgdpl-2025-01"' in tc, tc
    ap_key = tmp_path / "approver.key"
    ok("bundle", "pack", b, "--id", "pbgdpl-2025-01", "-W", "-s", ap_key, "--unit", UNIT, "--role", ROLE,
       "--use", "signage_school", "--from", FROM, "--until", UNTIL, "--seq", "2", "--approval-id", "pd-2025-01-lan-2")
    tc = trusted_comment(b / "pbgdpl-bundle.json.minisig")
    assert '"id":"pd-2025-01-lan-2"' in tc and '"sequence":2' in tc, tc
    r = quick("bundle", "pack", b, "--id", "x", "-W", "-s", ap_key, "--unit", UNIT, "--role", ROLE,
              "--use", "signage_school", "--from", FROM, "--until", UNTIL)
    assert r.returncode == 2 and "--seq" in r.stderr, r.stderr


def test_bundle_pack_replaces_a_link_or_fifo_at_the_manifest_path_and_never_prints_link_targets(tmp_path):
    b, verify = make_bundle(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n")
    (b / "pbgdpl-bundle.json").unlink()
    (b / "pbgdpl-bundle.json").symlink_to(victim)
    (b / "pbgdpl-bundle.json.minisig").unlink()
    os.mkfifo(b / "pbgdpl-bundle.json.minisig")
    ok("bundle", "pack", b, "--id", "pbgdpl-2025-01", "-W", "-s", tmp_path / "approver.key", "--unit", UNIT,
       "--role", ROLE, "--use", "signage_school", "--from", FROM, "--until", UNTIL, "--seq", "2")
    assert victim.read_text() == "do not touch\n"
    assert not (b / "pbgdpl-bundle.json").is_symlink()
    ok(*verify, "--use", "signage_school")
    # Unsigned pack too.
    (b / "pbgdpl-bundle.json").unlink()
    (b / "pbgdpl-bundle.json").symlink_to(victim)
    ok("bundle", "pack", b, "--id", "pbgdpl-2025-01")
    assert victim.read_text() == "do not touch\n" and not (b / "pbgdpl-bundle.json").is_symlink()
    # A link elsewhere is refused by its name in the bundle, not by where it points.
    secret = tmp_path / "secret-target-dir"
    secret.mkdir()
    (secret / "x").write_text("x")
    (b / "link.txt").symlink_to(secret / "x")
    r = quick("bundle", "pack", b, "--id", "pbgdpl-2025-01")
    refused(r, "liên kết: link.txt", "links: link.txt")
    assert "secret-target-dir" not in r.stderr


def test_bundle_verify_with_a_state_file_refuses_a_rollback(tmp_path):
    b, verify = make_bundle(tmp_path)
    old = tmp_path / "old-bundle"
    shutil.copytree(b, old)
    (b / "notice.txt").write_text("Ngày Pháp luật Việt Nam 9/11 (bản sửa)\n")
    ap_key = tmp_path / "approver.key"
    pack2 = ["bundle", "pack", b, "--id", "pbgdpl-2025-01", "-W", "-s", ap_key, "--unit", UNIT, "--role", ROLE,
             "--use", "signage_school", "--from", FROM, "--until", UNTIL]
    ok(*pack2, "--seq", "2")
    state = tmp_path / "seen.json"
    ok(*verify, "--use", "signage_school", "--seen", state)
    assert '"sequence": 2' in state.read_text()
    old_verify = [old if x == b else x for x in verify]
    refused(quick(*old_verify, "--use", "signage_school", "--seen", state), "cũ hơn", "older than")
    ok(*old_verify, "--use", "signage_school")  # without --seen: no rollback check (documented)
    # The same sequence re-signed over other bytes is refused too.
    other = tmp_path / "other-bundle"
    shutil.copytree(b, other)
    (other / "notice.txt").write_text("nội dung khác\n")
    ok(*[other if x == b else x for x in pack2], "--seq", "2")
    refused(quick(*[other if x == b else x for x in verify], "--use", "signage_school", "--seen", state),
            "nội dung khác", "other content")
    assert '"sequence": 2' in state.read_text()
    # A malformed state file is an error, not an empty state.
    state.write_text('{"format":"pbgdpl/sequences/1","max_step":1000,"max_step":5,"seen":[]}')
    r = quick(*verify, "--use", "signage_school", "--seen", state)
    assert r.returncode == 3 and "Duplicate JSON key" in r.stderr, r.stderr


def key_id_of(pub):
    raw = base64.b64decode(pub.read_text().splitlines()[1])
    return raw[2:10][::-1].hex().upper()


def test_a_revocation_list_is_read_as_written(tmp_path):
    b, verify = make_bundle(tmp_path)
    ap_id = key_id_of(tmp_path / "approver.pub")
    rev = tmp_path / "rev.json"

    def revocations(key_id, seq):
        rev.write_text('{"format":"pbgdpl/revocations/1","authority":"%s","sequence":%d,'
                       '"issued_at":"2024-09-01T00:00:00+07:00","revoked":[{"key_id":"%s",'
                       '"since":"2024-09-01T00:00:00+07:00","reason":"lộ khóa"}]}' % (AUTHORITY, seq, key_id))
        ok("sign", "-W", "-s", tmp_path / "root.key", "-m", rev)

    for bad in (" " + ap_id, ap_id + " ", ap_id[1:], "not-a-key-id"):
        revocations(bad, 1)
        r = quick(*verify, "--use", "signage_school", "--revocations", rev)
        assert r.returncode == 3, (bad, r.stderr)
        assert "exactly 16 hex digits" in r.stderr and "16 chữ số hex" in r.stderr, r.stderr
    revocations(ap_id.lower(), 1)
    refused(quick(*verify, "--use", "signage_school", "--revocations", rev), "thu hồi", "revoked")


def test_hash_etag_survives_a_file_shrinking_while_it_is_read(tmp_path):
    f = tmp_path / "shrinks.bin"
    size = 1 << 30
    for _ in range(3):
        subprocess.run(["truncate", "-s", str(size), f], check=True)
        p = subprocess.Popen([CLI, "hash", "--etag", f], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        while p.poll() is None:
            os.truncate(f, 0)
            os.truncate(f, size)
        p.communicate(timeout=60)
        assert p.returncode >= 0, f"pbgdpl hash --etag was killed by signal {-p.returncode}"
