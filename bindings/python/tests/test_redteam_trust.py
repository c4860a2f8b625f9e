"""Red team (issue 19): key confusion and hostile inputs in pbgdpl.trust."""
import pytest

import pbgdpl
from pbgdpl import trust


@pytest.fixture(scope="module")
def pair():
    return trust.KeyPair.generate()


@pytest.mark.parametrize("wrong", ["secret", "pair", "text", "none"])
def test_verify_with_a_non_public_key_is_a_validation_error(pair, wrong):
    sig = trust.sign(b"hello", pair.secret_key)
    key = {"secret": pair.secret_key, "pair": pair, "text": pair.public_key.dumps(), "none": None}[wrong]
    # A SecretKey was "TypeError: 'SecretKey' object is not iterable"; a str iterated by character.
    with pytest.raises(pbgdpl.ValidationError) as info:
        trust.verify(b"hello", sig, key)
    assert info.value.code == "wrong_type" and info.value.path == "/public_key"


def test_verify_still_takes_one_key_or_several(pair):
    sig = trust.sign(b"hello", pair.secret_key)
    other = trust.KeyPair.generate().public_key
    assert trust.verify(b"hello", sig, pair.public_key).key_id == pair.key_id
    assert trust.verify(b"hello", sig, [other, pair.public_key]).key_id == pair.key_id
    assert trust.verify(b"hello", sig, (k for k in [pair.public_key])).key_id == pair.key_id
    with pytest.raises(pbgdpl.SignatureError):
        trust.verify(b"hellO", sig, pair.public_key)


@pytest.mark.parametrize("field", ["trusted_comment", "untrusted_comment"])
def test_nul_in_a_comment_is_refused(pair, field):
    # minisign reads comments as C strings: "a\0b" verified here but failed with `minisign -V`.
    with pytest.raises(pbgdpl.ValidationError) as info:
        trust.sign(b"hello", pair.secret_key, **{field: "timestamp:1\0 file:evil"})
    assert info.value.code == "invalid_argument"


def test_a_path_with_nul_is_a_validation_error_and_creates_nothing(pair, tmp_path):
    # Never truncated at the NUL (key.pub\0.txt is not key.pub); was a TypeError listing overloads.
    target = tmp_path / "out.key"
    with pytest.raises(pbgdpl.ValidationError) as info:
        pair.secret_key.save(str(target) + "\0.pub")
    assert info.value.code == "invalid_argument"
    assert not target.exists()
    pair.public_key.save(tmp_path / "k.pub")
    with pytest.raises(pbgdpl.ValidationError):
        trust.PublicKey.load(str(tmp_path / "k.pub") + "\0.evil")
    with pytest.raises(pbgdpl.ValidationError):
        trust.hash_file(str(tmp_path / "k.pub") + "\0")


def test_hostile_keyring_and_sequence_files_raise_pbgdpl_errors(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200000 + "]" * 200000)  # Python's json: RecursionError
    with pytest.raises(pbgdpl.ValidationError):
        trust.Keyring.load(deep)
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(pbgdpl.ValidationError) as info:
        trust.SequenceTracker.load(bad)  # was a bare UnicodeDecodeError
    assert info.value.code == "invalid_utf8"


def test_keyring_with_a_revocation_body_that_is_not_utf8(pair, tmp_path):
    pair.public_key.save(tmp_path / "root.pub")
    (tmp_path / "rev.json").write_bytes(b"\xff\xfe")
    (tmp_path / "keys.json").write_text(
        '{"roots": [{"authority": "u1", "public_key": "root.pub", "level": "school_approver"}],'
        ' "revocations": [{"body": "rev.json"}]}')
    with pytest.raises(pbgdpl.ValidationError) as info:
        trust.Keyring.load(tmp_path / "keys.json")
    assert info.value.code == "invalid_utf8"


@pytest.mark.parametrize("step", [True, 0, -1, 2.5, "10", 2**64])
def test_sequence_tracker_max_step_must_be_a_positive_int(step):
    with pytest.raises(pbgdpl.ValidationError) as info:
        trust.SequenceTracker(step)
    assert info.value.path == "/max_step"
    assert trust.SequenceTracker(5).max_step == 5


def test_keypair_save_never_writes_over_an_existing_file_unless_told(tmp_path):
    # The paths swapped by mistake: the public key replaced the existing secret key, which was lost.
    old = trust.KeyPair.generate()
    old.secret_key.save(tmp_path / "old.key")
    before = (tmp_path / "old.key").read_bytes()
    new = trust.KeyPair.generate()
    with pytest.raises(pbgdpl.ConflictError) as info:
        new.save(tmp_path / "new.key", tmp_path / "old.key")
    assert info.value.code == "already_exists" and info.value.path == "/public_path"
    assert (tmp_path / "old.key").read_bytes() == before
    assert not (tmp_path / "new.key").exists()
    new.save(tmp_path / "new.key", tmp_path / "new.pub")
    assert trust.PublicKey.load(tmp_path / "new.pub") == new.public_key
    new.save(tmp_path / "new.key", tmp_path / "old.key", overwrite=True)  # asked for: replaced
    assert trust.PublicKey.load(tmp_path / "old.key") == new.public_key
