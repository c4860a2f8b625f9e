"""pbgdpl.trust: minisign keys and signatures, approvals, keyrings and signed bundles, checked
against the stock minisign tool and the pbgdpl command-line tool (the C++ side)."""
import base64
import datetime as dt
import os
import pathlib
import shutil
import stat
import subprocess
import threading

import pytest

import pbgdpl
from pbgdpl import trust
from pbgdpl.errors import (AccessDeniedError, ConflictError, NotFoundError, SignatureError, StorageError,
                           ValidationError)

MINISIGN = shutil.which("minisign")
CLI = os.environ.get("PBGDPL_CLI")
UTC = dt.timezone.utc
HANOI = dt.timezone(dt.timedelta(hours=7))
T0 = dt.datetime(2025, 9, 1, tzinfo=HANOI)
T1 = dt.datetime(2026, 9, 1, tzinfo=HANOI)
AT = dt.datetime(2025, 10, 1, 8, 0, tzinfo=HANOI)

needs_minisign = pytest.mark.skipif(MINISIGN is None, reason="minisign is not installed")
needs_cli = pytest.mark.skipif(not CLI or not os.path.exists(CLI), reason="PBGDPL_CLI is not built")


def flip_byte(path, offset):
    """Changes one byte of a file (XOR: never a no-op, whatever the byte was)."""
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x01]))


def run(*args, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60, **kw)


@pytest.fixture(scope="module")
def pair():
    return trust.KeyPair.generate()


@pytest.fixture(scope="module")
def other():
    return trust.KeyPair.generate()


# --- keys ---------------------------------------------------------------------------------------

def test_key_files_round_trip_and_the_secret_file_is_0600(tmp_path, pair):
    sec, pub = tmp_path / "a.key", tmp_path / "a.pub"
    pair.save(sec, str(pub))
    assert stat.S_IMODE(sec.stat().st_mode) == 0o600
    assert pub.read_text().startswith("untrusted comment: minisign public key " + pair.key_id)
    assert trust.PublicKey.load(pub) == pair.public_key
    back = trust.SecretKey.load(sec)
    assert back.key_id == pair.key_id and back.public_key == pair.public_key
    # The secret is never printed.
    assert pair.secret_key.dumps().split("\n")[1] not in repr(back) + repr(pair)


def test_key_id_is_minisign_little_endian_hex(pair):
    raw = base64.b64decode(pair.public_key.base64)
    assert raw[:2] == b"Ed"
    assert pair.key_id == raw[2:10][::-1].hex().upper()
    assert trust.PublicKey.from_base64(pair.public_key.base64) == pair.public_key


def test_an_existing_secret_key_file_is_not_overwritten_unless_asked(tmp_path, pair, other):
    sec = tmp_path / "k.key"
    pair.secret_key.save(sec)
    with pytest.raises(ConflictError):
        other.secret_key.save(sec)
    assert trust.SecretKey.load(sec).key_id == pair.key_id
    other.secret_key.save(sec, overwrite=True)
    assert trust.SecretKey.load(sec).key_id == other.key_id
    assert stat.S_IMODE(sec.stat().st_mode) == 0o600


def test_a_secret_key_is_never_written_through_a_symlink(tmp_path, pair):
    target = tmp_path / "elsewhere"
    (tmp_path / "k.key").symlink_to(target)
    with pytest.raises(pbgdpl.Error):
        pair.secret_key.save(tmp_path / "k.key")
    assert not target.exists()


def test_encrypted_key_needs_its_password(pair):
    text = pair.secret_key.dumps("mật khẩu đúng", kdf="interactive")
    assert trust.SecretKey.loads(text, "mật khẩu đúng").key_id == pair.key_id
    with pytest.raises(SignatureError) as e:
        trust.SecretKey.loads(text, "sai")
    assert e.value.code == "bad_key" and e.value.message_vi != e.value.message_en


@pytest.mark.parametrize("bad", [
    "", "untrusted comment: x\n", "untrusted comment: x\nRWQ\n", "garbage\x00\x01",
    "untrusted comment: x\n" + "A" * 56 + "\n",
])
def test_garbage_public_keys_are_refused(bad):
    with pytest.raises(pbgdpl.Error) as e:
        trust.PublicKey.loads(bad)
    assert e.value.code not in ("internal",)


def test_truncated_and_garbage_secret_key_files_are_refused(tmp_path, pair):
    text = pair.secret_key.dumps()
    line = text.split("\n")[1]
    # Characters 120..130 of the base64 line are bytes 90..97: inside the secret key, under its checksum.
    # (The salt of an unencrypted key is not checked, by minisign either.)
    flipped = line[:120] + ("B" if line[120] == "A" else "A") + line[121:]
    for bad in (text[: len(text) // 2], text.replace(line, flipped), "x" * 300, ""):
        with pytest.raises(pbgdpl.Error) as e:
            trust.SecretKey.loads(bad)
        assert isinstance(e.value, (ValidationError, SignatureError)), (bad, e.value)


def test_a_fifo_named_as_a_key_fails_at_once_without_blocking(tmp_path):
    fifo = tmp_path / "k.key"
    os.mkfifo(fifo)
    for load in (trust.SecretKey.load, trust.PublicKey.load, trust.Signature.load, trust.hash_file):
        t = threading.Thread(target=lambda: pytest.raises(StorageError, load, fifo), daemon=True)
        t.start()
        t.join(5)
        assert not t.is_alive(), f"{load} blocked on a FIFO"
    with pytest.raises(StorageError) as e:
        trust.SecretKey.load(fifo)
    assert e.value.code == "unsafe_path"


def test_missing_key_file_is_not_found(tmp_path):
    with pytest.raises(NotFoundError):
        trust.PublicKey.load(tmp_path / "none.pub")


def test_wrong_argument_types_raise_validation_errors(pair):
    with pytest.raises(ValidationError):
        trust.PublicKey.load(42)
    with pytest.raises(ValidationError):
        trust.sign(12345, pair.secret_key)
    with pytest.raises(ValidationError):
        trust.sign(b"x", pair.public_key)
    with pytest.raises(ValidationError):
        trust.verify(b"x", 3, pair.public_key)
    with pytest.raises(TypeError):
        trust.PublicKey("RW...")


# --- signatures ---------------------------------------------------------------------------------

def test_sign_and_verify_bytes(pair):
    sig = trust.sign(b"Luat Giao duc 2019", pair.secret_key, trusted_comment="Kế hoạch PBGDPL")
    v = trust.verify(b"Luat Giao duc 2019", sig, pair.public_key)
    assert v.key_id == pair.key_id and v.trusted_comment == "Kế hoạch PBGDPL" and v.algorithm == "ED"
    assert trust.verify(bytearray(b"Luat Giao duc 2019"), sig.text, [pair.public_key]).key_id == pair.key_id
    assert trust.Signature.loads(sig.text) == sig


def test_default_trusted_comment_has_minisign_timestamp(tmp_path, pair):
    f = tmp_path / "tai lieu.txt"
    f.write_bytes(b"abc")
    sig = trust.sign_file(f, pair.secret_key)
    assert (tmp_path / "tai lieu.txt.minisig").read_text() == sig.text
    v = trust.verify_file(f, pair.public_key)
    assert "file:tai lieu.txt" in v.trusted_comment
    assert abs((v.signed_at - dt.datetime.now(UTC)).total_seconds()) < 120


def test_wrong_key_is_unknown_key(pair, other):
    sig = trust.sign(b"abc", pair.secret_key)
    with pytest.raises(SignatureError) as e:
        trust.verify(b"abc", sig, other.public_key)
    assert e.value.code == "unknown_key"


def test_tampered_data_each_byte_is_detected(pair):
    data = bytes(range(256)) * 2
    sig = trust.sign(data, pair.secret_key)
    for i in range(0, len(data), 37):
        changed = bytearray(data)
        changed[i] ^= 0x01
        with pytest.raises(SignatureError) as e:
            trust.verify(bytes(changed), sig, pair.public_key)
        assert e.value.code == "tampered"
    for cut in (data[:-1], data + b"\0", b""):
        with pytest.raises(SignatureError):
            trust.verify(cut, sig, pair.public_key)


def _flip_b64(line: str, byte_index: int) -> str:
    raw = bytearray(base64.b64decode(line))
    raw[byte_index] ^= 0x80
    return base64.b64encode(bytes(raw)).decode()


def test_tampered_signature_each_part_is_refused(pair):
    sig = trust.sign(b"abc", pair.secret_key, trusted_comment="ok")
    untrusted, sigline, trusted, globalsig = sig.text.rstrip("\n").split("\n")
    # Each byte class of the signature line: algorithm (0-1), key id (2-9), Ed25519 signature (10-73,
    # under the global signature: a changed one breaks the signed comment first).
    for i, want in [(0, None), (1, None), (2, "unknown_key"), (9, "unknown_key"), (10, "bad_signature"),
                    (40, "bad_signature"), (73, "bad_signature")]:
        bad = "\n".join([untrusted, _flip_b64(sigline, i), trusted, globalsig]) + "\n"
        with pytest.raises(pbgdpl.Error) as e:
            trust.verify(b"abc", bad, pair.public_key)
        if want:
            assert e.value.code == want, (i, e.value)
    # The trusted comment and the global signature over it.
    for bad in ("\n".join([untrusted, sigline, "trusted comment: ok!", globalsig]) + "\n",
                "\n".join([untrusted, sigline, trusted, _flip_b64(globalsig, 5)]) + "\n"):
        with pytest.raises(SignatureError) as e:
            trust.verify(b"abc", bad, pair.public_key)
        assert e.value.code == "bad_signature"
    # The untrusted comment is not signed: changing it keeps the signature valid (as minisign).
    ok = "\n".join(["untrusted comment: changed", sigline, trusted, globalsig]) + "\n"
    assert trust.verify(b"abc", ok, pair.public_key).untrusted_comment == "changed"
    # Malformed text.
    for bad in ("", sig.text + "extra line\n", sig.text.replace("=", ""), "\n".join([untrusted, sigline])):
        with pytest.raises(pbgdpl.Error):
            trust.Signature.loads(bad)


def test_comments_must_be_one_valid_utf8_line(pair):
    for bad in ("two\nlines", "cr\rhere"):
        with pytest.raises(ValidationError):
            trust.sign(b"x", pair.secret_key, trusted_comment=bad)
    with pytest.raises(ValidationError) as e:
        trust.sign(b"x", pair.secret_key, trusted_comment="lone \ud800 surrogate")
    assert e.value.code == "invalid_utf8"
    with pytest.raises(ValidationError):
        trust.sign(b"x", pair.secret_key, trusted_comment="x" * 10000)


def test_verify_tries_every_key_with_the_signatures_id(pair, other):
    sig = trust.sign(b"abc", pair.secret_key)
    assert trust.verify(b"abc", sig, [other.public_key, pair.public_key]).key_id == pair.key_id
    with pytest.raises(SignatureError):
        trust.verify(b"abc", sig, [])


# --- interop with minisign ----------------------------------------------------------------------

@needs_minisign
def test_minisign_verifies_what_python_signed(tmp_path, pair):
    f = tmp_path / "van-ban.pdf"
    f.write_bytes(os.urandom(100_000))
    pair.public_key.save(tmp_path / "k.pub")
    trust.sign_file(f, pair.secret_key, trusted_comment="Phê duyệt: Sở GD&ĐT")
    r = run(MINISIGN, "-Vm", f, "-p", tmp_path / "k.pub")
    assert r.returncode == 0, r.stderr
    assert "Phê duyệt: Sở GD&ĐT" in r.stdout
    flip_byte(f, 500)
    assert run(MINISIGN, "-Vm", f, "-p", tmp_path / "k.pub").returncode != 0


@needs_minisign
def test_python_verifies_what_minisign_signed(tmp_path):
    sec, pub, f = tmp_path / "m.key", tmp_path / "m.pub", tmp_path / "data.bin"
    r = run(MINISIGN, "-G", "-W", "-s", sec, "-p", pub)
    assert r.returncode == 0, r.stderr
    f.write_bytes(b"noi dung " * 1000)
    r = run(MINISIGN, "-Sm", f, "-s", sec, "-t", "ký bằng minisign")
    assert r.returncode == 0, r.stderr
    pk = trust.PublicKey.load(pub)
    v = trust.verify_file(f, pk)
    assert v.trusted_comment == "ký bằng minisign" and v.key_id == pk.key_id
    assert trust.verify(f.read_bytes(), trust.Signature.load(str(f) + ".minisig"), pk).algorithm == "ED"
    # minisign's secret key loads in Python and signs what minisign then verifies.
    sk = trust.SecretKey.load(sec)
    assert sk.public_key == pk
    g = tmp_path / "g.txt"
    g.write_text("Đào tạo")
    trust.sign_file(g, sk)
    assert run(MINISIGN, "-Vm", g, "-p", pub).returncode == 0
    f.write_bytes(b"changed")
    with pytest.raises(SignatureError):
        trust.verify_file(f, pk)


@needs_minisign
def test_minisign_reads_python_encrypted_key(tmp_path, pair):
    sec = tmp_path / "enc.key"
    pair.secret_key.save(sec, "pw-123", kdf="interactive")
    (tmp_path / "f").write_bytes(b"abc")
    r = run(MINISIGN, "-Sm", tmp_path / "f", "-s", sec, input="pw-123\n")
    assert r.returncode == 0, r.stderr
    assert trust.verify_file(tmp_path / "f", pair.public_key).key_id == pair.key_id


# --- hashes -------------------------------------------------------------------------------------

def test_hashes_match_hashlib_and_the_file_forms(tmp_path):
    import hashlib
    data = "Kế hoạch tuyên truyền".encode() * 1000
    assert trust.hash_bytes(data) == hashlib.blake2b(data, digest_size=32).hexdigest()
    assert trust.hash_bytes(data, "blake2b-512") == hashlib.blake2b(data).hexdigest()
    f = tmp_path / "x"
    f.write_bytes(data)
    for alg in trust.HASH_ALGORITHMS:
        assert trust.hash_file(f, alg) == trust.hash_bytes(data, alg)
    assert len(trust.hash_bytes(data, "xxh3-128")) == 32
    with pytest.raises(ValidationError):
        trust.hash_bytes(data, "md5")
    with pytest.raises(ValidationError):
        trust.hash_bytes("text is not bytes")


# --- approvals ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def authority():
    """A division's root key delegating an approver key for a school below it."""
    root, approver = trust.KeyPair.generate(), trust.KeyPair.generate()
    d = trust.delegate(root.secret_key, approver.public_key, authority="pgd-ba-dinh", unit="thcs-nguyen-du",
                       approver_role="school_approver", uses=["portal", "signage_school"], valid_from=T0,
                       valid_until=T1, sequence=1)
    return root, approver, d


def ring_of(root, d, **kw):
    ring = trust.Keyring()
    ring.add_root("pgd-ba-dinh", root.public_key, level="division_approver",
                  parents={"thcs-nguyen-du": "pgd-ba-dinh"}, **kw)
    ring.add_delegation(d)
    return ring


def approve(approver, content=b"video bytes", **kw):
    args = dict(content_id="video-cau-thang-1", approver_unit="thcs-nguyen-du", approver_role="school_approver",
                use="signage_school", valid_from=T0, valid_until=T1, sequence=1)
    args.update(kw)
    return trust.approve(content, approver.secret_key, **args)


def test_an_approval_verifies_and_travels(authority):
    root, approver, d = authority
    ring = ring_of(root, d)
    a = approve(approver)
    assert a.statement.key_id == approver.key_id
    assert a.statement.content_blake2b == trust.hash_bytes(b"video bytes")
    from pbgdpl import model
    assert isinstance(a.record, model.class_for("approval_record"))
    rec = a.record.to_dict()
    assert rec["key_id"] == approver.key_id.lower() and rec["signature"] == a.signature.text
    assert model.load("approval_record", rec).to_dict() == rec
    # The model's validated decode accepts it (this once crashed the interpreter at exit: visit_kind
    # returned a dangling reference, fixed in py_common.hpp).
    assert type(a.record).from_dict(rec).to_dict() == rec
    st = ring.verify_approval(b"video bytes", a.signature, use="signage_school", at=AT)
    assert st == a.statement and st.valid_from == T0
    assert trust.read_approval(a.signature.text).statement == a.statement
    assert len(ring.delegations) == 1 and ring.delegations[0]["unit"] == "thcs-nguyen-du"


@pytest.mark.parametrize("change,code", [
    (dict(content=b"other bytes"), "tampered"),
    (dict(use="portal"), "wrong_use"),
    (dict(at=dt.datetime(2027, 1, 1, tzinfo=UTC)), "expired"),
    (dict(at=dt.datetime(2025, 1, 1, tzinfo=UTC)), "not_yet_valid"),
])
def test_approval_refusals_name_the_reason(authority, change, code):
    root, approver, d = authority
    ring = ring_of(root, d)
    a = approve(approver)
    with pytest.raises(SignatureError) as e:
        ring.verify_approval(change.get("content", b"video bytes"), a.signature, use=change.get("use", "signage_school"),
                             at=change.get("at", AT))
    assert e.value.code == code
    assert e.value.message_vi and e.value.message_en and e.value.message_vi != e.value.message_en


def test_an_approval_without_delegation_is_unknown_key(authority, other):
    root, approver, d = authority
    a = approve(other)
    with pytest.raises(SignatureError) as e:
        ring_of(root, d).verify_approval(b"video bytes", a.signature, use="signage_school", at=AT)
    assert e.value.code == "unknown_key"


def test_a_school_approver_may_not_approve_for_public_screens(authority):
    _, approver, _ = authority
    with pytest.raises(AccessDeniedError):
        approve(approver, use="signage_public")


def test_rollback_is_superseded_and_revocation_is_revoked(authority, tmp_path):
    root, approver, d = authority
    ring = ring_of(root, d)
    tracker = trust.SequenceTracker()
    new = approve(approver, sequence=5)
    old = approve(approver, sequence=4)
    ring.verify_approval(b"video bytes", new.signature, use="signage_school", at=AT, tracker=tracker)
    assert tracker.highest("pgd-ba-dinh", "thcs-nguyen-du", "video-cau-thang-1") == 5
    tracker.save(tmp_path / "seen.json")
    again = trust.SequenceTracker.load(tmp_path / "seen.json")
    with pytest.raises(SignatureError) as e:
        ring.verify_approval(b"video bytes", old.signature, use="signage_school", at=AT, tracker=again)
    assert e.value.code == "superseded"
    body, sig = trust.sign_revocations(root.secret_key, authority="pgd-ba-dinh", sequence=1,
                                       revoked=[{"key_id": approver.key_id.lower(), "since": T0, "reason": "mất khóa"}])
    ring.apply_revocations(body, sig)
    with pytest.raises(SignatureError) as e:
        ring.verify_approval(b"video bytes", new.signature, use="signage_school", at=AT)
    assert e.value.code == "revoked"


def test_fields_the_signer_owns_cannot_be_forged_and_bad_fields_are_refused(authority):
    _, approver, _ = authority
    with pytest.raises(TypeError):
        approve(approver, key_id="0000000000000000")
    with pytest.raises(ValidationError):
        approve(approver, valid_from=T1, valid_until=T0)
    with pytest.raises(ValidationError):
        approve(approver, use="everywhere")
    with pytest.raises(ValidationError):
        approve(approver, sequence="1")
    with pytest.raises(ValidationError):
        approve(approver, content_id="")
    with pytest.raises(ValidationError):
        approve(approver, content_id="x\ud800")


def test_a_delegation_signed_by_another_root_or_tampered_is_refused(authority, other):
    root, approver, d = authority
    forged = trust.delegate(other.secret_key, approver.public_key, authority="pgd-ba-dinh", unit="thcs-nguyen-du",
                            approver_role="school_approver", uses=["portal"], valid_from=T0, valid_until=T1)
    ring = trust.Keyring()
    ring.add_root("pgd-ba-dinh", root.public_key, level="division_approver", parents={"thcs-nguyen-du": "pgd-ba-dinh"})
    with pytest.raises(SignatureError) as e:
        ring.add_delegation(forged)
    assert e.value.code == "unknown_key"
    tampered = d.text.replace("school_approver", "division_approver")
    with pytest.raises(SignatureError):
        ring.add_delegation(tampered)
    with pytest.raises(pbgdpl.Error):
        ring.add_root("x", root.public_key, level="teacher")


def test_keyring_is_safe_to_share_between_threads(authority):
    root, approver, d = authority
    ring = ring_of(root, d)
    a = approve(approver)
    errors = []

    def work():
        try:
            for _ in range(50):
                ring.verify_approval(b"video bytes", a.signature, use="signage_school", at=AT)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for _ in range(20):
        ring.add_delegation(d)  # the same delegation again: accepted, under the writer's lock
    for t in ts:
        t.join()
    assert errors == []


# --- bundles ------------------------------------------------------------------------------------

def make_folder(p: pathlib.Path) -> pathlib.Path:
    (p / "anh").mkdir(parents=True)
    (p / "anh" / "bậc-thang.png").write_bytes(b"\x89PNG" + os.urandom(3000))
    (p / "bai-giang.html").write_text("<script>alert(1)</script> Luật Giáo dục", encoding="utf-8")
    (p / "video.mp4").write_bytes(os.urandom(200_000))
    return p


def pack(folder, approver, **kw):
    args = dict(content_id="goi-thang-9", title="Tháng 9: Luật Giao thông", metadata={"topic": "giao thông"},
                approver_unit="thcs-nguyen-du", approver_role="school_approver", use="signage_school",
                valid_from=T0, valid_until=T1, sequence=1)
    args.update(kw)
    return trust.pack_bundle(folder, approver.secret_key, **args)


def test_bundle_round_trip_in_python(tmp_path, authority):
    root, approver, d = authority
    folder = make_folder(tmp_path / "goi")
    info = pack(folder, approver)
    assert sorted(f.path for f in info.files) == ["anh/bậc-thang.png", "bai-giang.html", "video.mp4"]
    assert info.key_id == approver.key_id
    v = trust.verify_bundle(folder, ring_of(root, d), use="signage_school", at=AT)
    assert v.content_id == "goi-thang-9" and v.title.startswith("Tháng 9") and v.metadata == {"topic": "giao thông"}
    assert {f.path: f.blake2b for f in v.files}["video.mp4"] == trust.hash_file(folder / "video.mp4")
    assert v.approval.approver_unit == "thcs-nguyen-du"
    assert info.layout.signature == folder / "pbgdpl-bundle.json.minisig"


@pytest.mark.parametrize("attack", ["modify", "add", "remove", "manifest", "symlink", "fifo"])
def test_tampered_bundles_are_refused(tmp_path, authority, attack):
    root, approver, d = authority
    folder = make_folder(tmp_path / "goi")
    pack(folder, approver)
    if attack == "modify":
        flip_byte(folder / "video.mp4", 1000)
    elif attack == "add":
        (folder / "extra.js").write_text("steal()")
    elif attack == "remove":
        (folder / "bai-giang.html").unlink()
    elif attack == "manifest":
        m = folder / "pbgdpl-bundle.json"
        m.write_text(m.read_text().replace("Tháng 9", "Tháng 10"))
    elif attack == "symlink":
        (folder / "video.mp4").unlink()
        (folder / "video.mp4").symlink_to("/etc/passwd")
    elif attack == "fifo":
        (folder / "video.mp4").unlink()
        os.mkfifo(folder / "video.mp4")
    with pytest.raises(pbgdpl.Error) as e:
        trust.verify_bundle(folder, ring_of(root, d), use="signage_school", at=AT)
    assert e.value.code in {"modify": {"tampered"}, "add": {"tampered", "unsafe_path", "invalid_argument"},
                            "remove": {"not_found", "tampered"}, "manifest": {"tampered"},
                            "symlink": {"unsafe_path"}, "fifo": {"unsafe_path"}}[attack], e.value


def test_pack_refuses_a_fifo_and_asks_for_every_approval_field(tmp_path, authority):
    _, approver, _ = authority
    folder = make_folder(tmp_path / "goi")
    os.mkfifo(folder / "pipe")
    with pytest.raises(StorageError):
        pack(folder, approver)
    (folder / "pipe").unlink()
    with pytest.raises(ValidationError):
        trust.pack_bundle(folder, approver.secret_key, content_id="x", use="portal")
    with pytest.raises(ValidationError):
        trust.pack_bundle(folder, content_id="x", use="portal")
    unsigned = trust.pack_bundle(folder, content_id="x")
    assert unsigned.approval is None and (folder / "pbgdpl-bundle.json").exists()


def test_a_bundle_signed_in_python_verifies_in_cpp_and_with_minisign(tmp_path, authority):
    """The round trip issue 19 asks for."""
    if not CLI or not os.path.exists(CLI) or MINISIGN is None:
        pytest.skip("needs PBGDPL_CLI and minisign")
    root, approver, d = authority
    folder = make_folder(tmp_path / "goi")
    pack(folder, approver)
    root.public_key.save(tmp_path / "root.pub")
    approver.public_key.save(tmp_path / "approver.pub")
    d.save(tmp_path / "approver.pub.minisig")
    # The delegation verifies with minisign too (it is over the approver's .pub text).
    assert run(MINISIGN, "-Vm", tmp_path / "approver.pub", "-p", tmp_path / "root.pub").returncode == 0
    cli = [CLI, "bundle", "verify", folder, "--root", tmp_path / "root.pub", "--authority", "pgd-ba-dinh",
           "--level", "division_approver", "--parent", "thcs-nguyen-du=pgd-ba-dinh", "--use", "signage_school",
           "-d", tmp_path / "approver.pub.minisig", "--at", "2025-10-01T08:00:00+07:00"]
    r = run(*cli)
    assert r.returncode == 0, r.stderr
    assert "goi-thang-9" in r.stdout
    m = folder / "pbgdpl-bundle.json"
    r = run(MINISIGN, "-Vm", m, "-p", tmp_path / "approver.pub")
    assert r.returncode == 0, r.stderr
    assert '"content_id":"goi-thang-9"' in r.stdout  # the approval statement, as the trusted comment
    # Tampered: both refuse.
    flip_byte(folder / "video.mp4", 0)
    r = run(*cli)
    assert r.returncode == 1 and "video.mp4" in r.stderr, r.stderr
    with pytest.raises(SignatureError) as e:
        trust.verify_bundle(folder, ring_of(root, d), use="signage_school", at=AT)
    assert e.value.code == "tampered" and "video.mp4" in e.value.message_en
    m.write_text(m.read_text().replace("Tháng 9", "Tháng 8"))
    assert run(*cli).returncode == 1
    assert run(MINISIGN, "-Vm", m, "-p", tmp_path / "approver.pub").returncode != 0


@needs_cli
def test_a_bundle_packed_by_the_cli_verifies_in_python(tmp_path, authority):
    root, approver, d = authority
    folder = make_folder(tmp_path / "goi")
    approver.secret_key.save(tmp_path / "a.key")
    r = run(CLI, "bundle", "pack", folder, "--id", "goi-cli", "--title", "Từ C++", "-s", tmp_path / "a.key", "-W",
            "--seq", "2", "--unit", "thcs-nguyen-du", "--role", "school_approver", "--use", "portal",
            "--from", "2025-09-01T00:00:00+07:00", "--until", "2026-09-01T00:00:00+07:00")
    assert r.returncode == 0, r.stderr
    v = trust.verify_bundle(folder, ring_of(root, d), use="portal", at=AT)
    assert v.content_id == "goi-cli" and v.approval.sequence == 2 and v.title == "Từ C++"
    with pytest.raises(SignatureError):
        trust.verify_bundle(folder, ring_of(root, d), use="signage_school", at=AT)


def test_trusted_keys_file(tmp_path, authority):
    root, approver, d = authority
    root.public_key.save(tmp_path / "root.pub")
    d.save(tmp_path / "d.minisig")
    conf = {"roots": [{"authority": "pgd-ba-dinh", "public_key": "root.pub", "level": "division_approver",
                       "parents": {"thcs-nguyen-du": "pgd-ba-dinh"}}], "delegations": ["d.minisig"]}
    import json
    (tmp_path / "keys.json").write_text(json.dumps(conf))
    ring = trust.Keyring.load(tmp_path / "keys.json")
    a = approve(approver)
    assert ring.verify_approval(b"video bytes", a.signature, use="signage_school", at=AT).sequence == 1
    conf["roots"][0]["public_key"] = root.public_key.base64
    (tmp_path / "keys.json").write_text(json.dumps(conf))
    assert len(trust.Keyring.load(tmp_path / "keys.json").delegations) == 1
    for bad in ("{not json", "[]", '{"roots": []}', '{"roots": [1]}', '{"roots": [{"authority": "a"}]}',
                json.dumps({**conf, "delegations": [7]}), json.dumps({**conf, "revocations": [{}]}),
                json.dumps({**conf, "revocations": "x"}), b"\xff\xfe"):
        (tmp_path / "keys.json").write_bytes(bad if isinstance(bad, bytes) else bad.encode())
        with pytest.raises(ValidationError):
            trust.Keyring.load(tmp_path / "keys.json")
    conf["delegations"] = ["../../../etc/passwd"]
    (tmp_path / "keys.json").write_text(json.dumps(conf))
    with pytest.raises(pbgdpl.Error):
        trust.Keyring.load(tmp_path / "keys.json")


def test_verify_bundle_signed_by_a_public_key_alone(tmp_path, authority, other):
    _, approver, _ = authority
    folder = make_folder(tmp_path / "goi")
    pack(folder, approver)
    v = trust.verify_bundle_signed_by(folder, approver.public_key, at=AT, use="signage_school")
    assert v.key_id == approver.key_id and len(v.files) == 3
    for kw, code in ((dict(at=dt.datetime(2030, 1, 1, tzinfo=UTC)), "expired"), (dict(use="portal"), "wrong_use")):
        with pytest.raises(SignatureError) as e:
            trust.verify_bundle_signed_by(folder, approver.public_key, **{"at": AT, **kw})
        assert e.value.code == code
    with pytest.raises(SignatureError) as e:
        trust.verify_bundle_signed_by(folder, [other.public_key], at=AT)
    assert e.value.code == "unknown_key"
    (folder / "bai-giang.html").write_text("đã sửa")
    with pytest.raises(SignatureError) as e:
        trust.verify_bundle_signed_by(folder, approver.public_key, at=AT)
    assert e.value.code == "tampered"


# --- the example: verify_bundles.py -------------------------------------------------------------

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "verify_bundles.py"


def test_example_verifies_a_folder_of_good_and_tampered_bundles(tmp_path, authority):
    import json
    import sys
    root, approver, d = authority
    shelf = tmp_path / "shelf"
    for name in ("a-good", "b-tampered", "c-good"):
        pack(make_folder(shelf / name), approver, content_id=name)
    single = shelf / "d-single.mp4"
    single.write_bytes(os.urandom(5000))
    pack(single, approver, content_id="d-single")
    flip_byte(shelf / "b-tampered" / "video.mp4", 7)
    root.public_key.save(tmp_path / "root.pub")
    approver.public_key.save(tmp_path / "approver.pub")
    d.save(tmp_path / "d.minisig")
    (tmp_path / "keys.json").write_text(json.dumps({
        "roots": [{"authority": "pgd-ba-dinh", "public_key": "root.pub", "level": "division_approver",
                   "parents": {"thcs-nguyen-du": "pgd-ba-dinh"}}], "delegations": ["d.minisig"]}))
    base = [sys.executable, EXAMPLE, shelf, "--at", "2025-10-01T08:00:00+07:00"]

    r = run(*base, "--trusted-keys", tmp_path / "keys.json", "--use", "signage_school", "--json")
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    status = {b["bundle"]: b for b in out["bundles"]}
    assert {k: v["status"] for k, v in status.items()} == {
        "a-good": "ok", "b-tampered": "refused", "c-good": "ok", "d-single.mp4": "ok"}
    bad = status["b-tampered"]
    assert bad["code"] == "tampered" and "video.mp4" in bad["reason_en"] and bad["reason_vi"]
    assert bad["key_id"] == approver.key_id and status["a-good"]["key_id"] == approver.key_id
    assert out["verified"] == 3 and out["total"] == 4

    r = run(*base, "--public-key", tmp_path / "approver.pub")
    assert r.returncode == 1
    assert "TỪ CHỐI / REFUSED" in r.stdout and "3/4" in r.stdout and "tampered" in r.stdout

    shutil.rmtree(shelf / "b-tampered")
    r = run(*base, "--trusted-keys", tmp_path / "keys.json", "--use", "signage_school")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3/3" in r.stdout
    # The wrong use refuses every bundle; a bad key file is a usage error.
    assert run(*base, "--trusted-keys", tmp_path / "keys.json", "--use", "portal").returncode == 1
    (tmp_path / "bad.pub").write_text("not a key")
    assert run(*base, "--public-key", tmp_path / "bad.pub").returncode == 2


# --- attacks on the binding itself ---------------------------------------------------------------

def test_long_file_work_releases_the_gil(tmp_path):
    big = tmp_path / "big"
    with open(big, "wb") as f:
        f.truncate(64 << 20)  # sparse: costs no disk, BLAKE2b still hashes 64 MiB
    spins = 0
    t = threading.Thread(target=trust.hash_file, args=(big,))
    t.start()
    while t.is_alive():
        spins += 1
    t.join()
    # With the GIL held this loop could not run while the file was hashed.
    assert spins > 10_000


def test_a_cyclic_or_wrong_typed_metadata_is_a_validation_error(tmp_path):
    folder = make_folder(tmp_path / "goi")
    cyc = {}
    cyc["self"] = cyc
    with pytest.raises(ValidationError):
        trust.pack_bundle(folder, content_id="x", metadata=cyc)
    with pytest.raises(ValidationError):
        trust.pack_bundle(folder, content_id="x", metadata={"k": object()})


def test_markup_in_titles_and_comments_is_kept_verbatim(tmp_path, authority, pair):
    root, approver, d = authority
    xss = '<script>alert("x")</script>&amp;'
    folder = make_folder(tmp_path / "goi")
    pack(folder, approver, title=xss)
    assert trust.verify_bundle(folder, ring_of(root, d), use="signage_school", at=AT).title == xss
    sig = trust.sign(b"x", pair.secret_key, trusted_comment=xss)
    assert trust.verify(b"x", sig, pair.public_key).trusted_comment == xss


def test_a_bundle_with_an_nfd_file_name_verifies(tmp_path, authority):
    # Names copied from macOS are NFD on disk; the manifest records NFC and verify finds them.
    import unicodedata
    _, approver, _ = authority
    folder = tmp_path / "goi"
    folder.mkdir()
    (folder / unicodedata.normalize("NFD", "Đào tạo.txt")).write_text("x")
    pack(folder, approver)
    trust.verify_bundle_signed_by(folder, approver.public_key, at=AT)
