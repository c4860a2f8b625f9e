"""Keys, signatures, approvals and signed media bundles, minisign-compatible.

Everything here is the C++ library's trust layer (``pbgdpl/trust/``, ``pbgdpl/media/bundle.hpp``):
no cryptography is done in Python. Secret keys live in C++ memory (wiped when dropped); files are
hashed in bounded memory with the GIL released, so other Python threads keep running.

* :class:`KeyPair`, :class:`SecretKey`, :class:`PublicKey`: minisign ``.key``/``.pub`` files.
* :func:`sign` / :func:`verify` (bytes or a file), :func:`sign_file` / :func:`verify_file`
  (``FILE.minisig``), :class:`Signature`: what ``minisign -S`` writes and ``minisign -V`` checks.
* :func:`approve`, :func:`delegate`, :func:`sign_revocations`, :class:`Keyring`,
  :class:`SequenceTracker`: approvals as data that travels, verified offline.
* :func:`pack_bundle`, :func:`verify_bundle`: a folder plus its signed manifest.
* :func:`hash_bytes`, :func:`hash_file`: BLAKE2b (the hash that may stand in a signature) and
  XXH3-128 (ETags and caches only: not cryptographic).

Failures raise :class:`pbgdpl.SignatureError` (``bad_signature``, ``unknown_key``, ``tampered``,
``expired``, ``not_yet_valid``, ``revoked``, ``superseded``, ``wrong_use``, ``bad_key``),
:class:`pbgdpl.ValidationError`, :class:`pbgdpl.StorageError` (a FIFO or device given as a file:
``unsafe_path``, at once, never blocking) or :class:`pbgdpl.NotFoundError`, each with its message in
Vietnamese and English.
"""
from __future__ import annotations

import datetime as _dt
import json as _json
import os
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _core
from .errors import SignatureError, ValidationError

__all__ = [
    "PublicKey", "SecretKey", "KeyPair", "Signature", "VerifiedSignature", "sign", "sign_file", "verify",
    "verify_file", "hash_bytes", "hash_file", "ApprovalStatement", "Approval", "approve", "read_approval",
    "delegate", "sign_revocations", "SequenceTracker", "Keyring", "BundleFile", "BundleInfo", "BundleLayout",
    "bundle_layout", "pack_bundle", "verify_bundle", "verify_bundle_signed_by",
]

PathLike = Union[str, "os.PathLike[str]"]
Data = Union[bytes, bytearray, memoryview]

DEFAULT_UNTRUSTED_COMMENT = "signature from pbgdpl secret key"
HASH_ALGORITHMS = ("blake2b-256", "blake2b-512", "xxh3-128")


# --- argument checks --------------------------------------------------------------------------

def _text(value: Any, name: str) -> str:
    """A str that is valid UTF-8 (a lone surrogate is refused as the library refuses bad UTF-8)."""
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a str, not {type(value).__name__}", code="wrong_type",
                              path="/" + name, message_vi=f"{name} phải là chuỗi (str)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{name} is not valid UTF-8 (lone surrogate)", code="invalid_utf8", path="/" + name,
                              message_vi=f"{name} không phải UTF-8 hợp lệ") from None
    return value


def _path(value: Any, name: str = "path") -> str:
    """A str or os.PathLike path (bytes paths are decoded as the file system does)."""
    if isinstance(value, (str, os.PathLike)):
        p = os.fspath(value)
        return os.fsdecode(p) if isinstance(p, bytes) else p
    raise ValidationError(f"{name} must be a str or os.PathLike, not {type(value).__name__}", code="wrong_type",
                          path="/" + name, message_vi=f"{name} phải là đường dẫn (str hoặc os.PathLike)")


def _bytes(value: Any) -> Optional[bytes]:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return None


def _content(value: Any, name: str = "data") -> Tuple[Optional[bytes], Optional[str]]:
    """bytes-like -> (bytes, None); str / PathLike -> (None, path): a str is always a path here."""
    b = _bytes(value)
    if b is not None:
        return b, None
    if isinstance(value, (str, os.PathLike)):
        return None, _path(value, name)
    raise ValidationError(f"{name} must be bytes or a path, not {type(value).__name__}", code="wrong_type",
                          path="/" + name, message_vi=f"{name} phải là bytes hoặc đường dẫn")


def _utc(text: Optional[str]) -> Optional[_dt.datetime]:
    """The library's timestamp text ("...Z" or "+07:00") as an aware UTC datetime."""
    if text is None:
        return None
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(_dt.timezone.utc)


def _enum_value(v: Any) -> Any:
    return getattr(v, "value", v)


# --- keys -----------------------------------------------------------------------------------------

class PublicKey:
    """A minisign public key. Equal keys compare equal; ``key_id`` is only a hint, the key is the
    trust."""

    __slots__ = ("_handle",)

    def __init__(self, handle: "_core.TrustPublicKey") -> None:
        if not isinstance(handle, _core.TrustPublicKey):
            raise TypeError("use PublicKey.load(), loads() or from_base64()")
        self._handle = handle

    @classmethod
    def loads(cls, text: str) -> "PublicKey":
        """A key from a .pub file's text or its bare base64 line. Raises ValidationError or
        SignatureError (bad_key) when malformed."""
        return cls(_core.TrustPublicKey.parse(_text(text, "text")))

    @classmethod
    def from_base64(cls, line: str) -> "PublicKey":
        """A key from the base64 line ``minisign -P`` takes (``RW...``)."""
        return cls(_core.TrustPublicKey.parse(_text(line, "base64").strip()))

    @classmethod
    def load(cls, path: PathLike) -> "PublicKey":
        """Reads a .pub file (a regular file; a FIFO raises StorageError at once)."""
        return cls(_core.TrustPublicKey.load(_path(path)))

    @property
    def key_id(self) -> str:
        """16 upper-case hex digits, as minisign prints them."""
        return self._handle.key_id

    @property
    def base64(self) -> str:
        """The key's base64 line."""
        return self._handle.base64()

    def dumps(self) -> str:
        """The .pub file text, exactly as ``minisign -G`` writes it."""
        return self._handle.to_file()

    def save(self, path: PathLike) -> pathlib.Path:
        """Writes the .pub file atomically; returns its path."""
        self._handle.save(_path(path))
        return pathlib.Path(path)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and self._handle == other._handle

    def __hash__(self) -> int:
        return hash(self.base64)

    def __repr__(self) -> str:
        return f"PublicKey(key_id={self.key_id!r})"


class SecretKey:
    """A minisign secret key, held in C++ memory (wiped when dropped). Never printed."""

    __slots__ = ("_handle",)

    def __init__(self, handle: "_core.TrustSecretKey") -> None:
        if not isinstance(handle, _core.TrustSecretKey):
            raise TypeError("use SecretKey.load(), loads() or KeyPair.generate()")
        self._handle = handle

    @classmethod
    def loads(cls, text: str, password: Optional[str] = None) -> "SecretKey":
        """A key from .key file text; ``password`` for an encrypted key (scrypt: may take seconds,
        the GIL is released). A wrong password raises SignatureError (bad_key)."""
        pw = None if password is None else _text(password, "password")
        return cls(_core.TrustSecretKey.parse(_text(text, "text"), pw))

    @classmethod
    def load(cls, path: PathLike, password: Optional[str] = None) -> "SecretKey":
        """Reads a .key file (``minisign -G``, encrypted or ``-W``). A FIFO or device at the path
        raises StorageError (unsafe_path) at once."""
        pw = None if password is None else _text(password, "password")
        return cls(_core.TrustSecretKey.load(_path(path), pw))

    @property
    def key_id(self) -> str:
        """16 upper-case hex digits, as minisign prints them."""
        return self._handle.key_id

    @property
    def public_key(self) -> PublicKey:
        """The matching public key."""
        return PublicKey(self._handle.public_key())

    def dumps(self, password: Optional[str] = None, *, kdf: str = "sensitive") -> str:
        """The .key file text: encrypted with ``password`` (kdf "sensitive" as minisign, 1 GiB and
        seconds; "interactive", 16 MiB), unencrypted (as ``minisign -G -W``) without one."""
        pw = None if password is None else _text(password, "password")
        return self._handle.to_file(pw, _text(kdf, "kdf"))

    def save(self, path: PathLike, password: Optional[str] = None, *, kdf: str = "sensitive",
             overwrite: bool = False) -> pathlib.Path:
        """Writes the .key file with mode 0600 from its creation, never through a link. An existing
        file raises ConflictError (already_exists) unless ``overwrite``."""
        pw = None if password is None else _text(password, "password")
        self._handle.save(_path(path), pw, _text(kdf, "kdf"), bool(overwrite))
        return pathlib.Path(path)

    def __repr__(self) -> str:
        return f"SecretKey(key_id={self.key_id!r})"


@dataclass(frozen=True)
class KeyPair:
    """A secret key and its public key."""

    secret_key: SecretKey
    public_key: PublicKey

    @classmethod
    def generate(cls) -> "KeyPair":
        """A new random Ed25519 key pair (libsodium), with a random 8-byte key id."""
        sk = SecretKey(_core.TrustSecretKey.generate())
        return cls(sk, sk.public_key)

    @property
    def key_id(self) -> str:
        """The pair's key id (hex, as minisign prints it)."""
        return self.public_key.key_id

    def save(self, secret_path: PathLike, public_path: PathLike, password: Optional[str] = None, *,
             kdf: str = "sensitive", overwrite: bool = False) -> None:
        """Writes both files (the secret one 0600); the secret file is removed if the public one
        cannot be written, so no key is left without its half."""
        if os.path.abspath(_path(secret_path)) == os.path.abspath(_path(public_path, "public_path")):
            raise ValidationError("the secret and public key paths must differ", code="invalid_argument",
                                  path="/public_path", message_vi="tệp khóa bí mật và khóa công khai phải khác nhau")
        self.secret_key.save(secret_path, password, kdf=kdf, overwrite=overwrite)
        try:
            self.public_key.save(public_path)
        except BaseException:
            os.unlink(_path(secret_path))
            raise

    def __repr__(self) -> str:
        return f"KeyPair(key_id={self.key_id!r})"


# --- signatures -----------------------------------------------------------------------------------

class Signature:
    """A minisign signature (the four lines of a .minisig file), parsed strictly."""

    __slots__ = ("text", "algorithm", "key_id", "untrusted_comment", "trusted_comment")

    def __init__(self, text: str) -> None:
        info = _core.trust_signature_info(_text(text, "signature"))
        self.text: str = text
        self.algorithm: str = info["algorithm"]
        self.key_id: str = info["key_id"]
        self.untrusted_comment: str = info["untrusted_comment"]
        self.trusted_comment: str = info["trusted_comment"]

    @classmethod
    def loads(cls, text: str) -> "Signature":
        """Parses .minisig text (exactly four lines, canonical base64). Raises the library's error."""
        return cls(text)

    @classmethod
    def load(cls, path: PathLike) -> "Signature":
        """Reads a .minisig file (regular file of at most 1 MiB; a FIFO raises StorageError)."""
        raw = _core.trust_read_small_file(_path(path))
        try:
            return cls(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise ValidationError("the signature file is not valid UTF-8", code="invalid_utf8",
                                  message_vi="tệp chữ ký không phải UTF-8 hợp lệ") from None

    def save(self, path: PathLike) -> pathlib.Path:
        """Writes the .minisig file atomically."""
        _core.trust_write_file(_path(path), self.text)
        return pathlib.Path(path)

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Signature) and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Signature(key_id={self.key_id!r}, trusted_comment={self.trusted_comment!r})"


_TIMESTAMP = re.compile(r"(?:^|\t)timestamp:(\d{1,12})(?:\t|$)")


@dataclass(frozen=True)
class VerifiedSignature:
    """What a good signature says: who (key id) and the signed trusted comment."""

    key_id: str
    trusted_comment: str
    untrusted_comment: str
    algorithm: str

    @property
    def signed_at(self) -> Optional[_dt.datetime]:
        """The time minisign's default trusted comment states (``timestamp:<unix>``), aware UTC; None
        when the comment has no timestamp. Signed, but chosen by the signer."""
        m = _TIMESTAMP.search(self.trusted_comment)
        return _dt.datetime.fromtimestamp(int(m.group(1)), _dt.timezone.utc) if m else None


def _as_signature(sig: Union[Signature, str]) -> Signature:
    if isinstance(sig, Signature):
        return sig
    if isinstance(sig, str):
        return Signature(sig)
    raise ValidationError(f"signature must be a Signature or its text, not {type(sig).__name__}", code="wrong_type",
                          path="/signature", message_vi="chữ ký phải là Signature hoặc văn bản .minisig")


def _keys(public_key: Union[PublicKey, Iterable[PublicKey]]) -> List[PublicKey]:
    keys = [public_key] if isinstance(public_key, PublicKey) else list(public_key)
    for k in keys:
        if not isinstance(k, PublicKey):
            raise ValidationError(f"public_key must be a PublicKey, not {type(k).__name__}", code="wrong_type",
                                  path="/public_key", message_vi="public_key phải là PublicKey")
    return keys


def _secret(key: Any) -> SecretKey:
    if isinstance(key, KeyPair):
        return key.secret_key
    if isinstance(key, SecretKey):
        return key
    raise ValidationError(f"secret_key must be a SecretKey, not {type(key).__name__}", code="wrong_type",
                          path="/secret_key", message_vi="secret_key phải là SecretKey")


def sign(data: Union[Data, PathLike], secret_key: SecretKey, *, trusted_comment: Optional[str] = None,
         untrusted_comment: str = DEFAULT_UNTRUSTED_COMMENT) -> Signature:
    """Signs bytes, or the file at a path (str or PathLike; streamed, GIL released), in minisign's
    "ED" form. The trusted comment defaults to minisign's ``timestamp:<unix>\\tfile:<name>\\thashed``.
    Comments must be one line (ValidationError otherwise)."""
    key = _secret(secret_key)
    content, path = _content(data)
    if trusted_comment is None:
        trusted_comment = _core.trust_default_trusted_comment(os.path.basename(path) if path else "")
    tc, uc = _text(trusted_comment, "trusted_comment"), _text(untrusted_comment, "untrusted_comment")
    if path is not None:
        return Signature(_core.trust_sign_file(key._handle, path, tc, uc))
    return Signature(_core.trust_sign(key._handle, content, tc, uc))


def sign_file(path: PathLike, secret_key: SecretKey, *, trusted_comment: Optional[str] = None,
              untrusted_comment: str = DEFAULT_UNTRUSTED_COMMENT,
              signature_path: Optional[PathLike] = None) -> Signature:
    """Signs a file and writes ``FILE.minisig`` beside it (or ``signature_path``), as ``minisign -Sm``."""
    p = _path(path)
    sig = sign(pathlib.Path(p), secret_key, trusted_comment=trusted_comment, untrusted_comment=untrusted_comment)
    sig.save(p + ".minisig" if signature_path is None else signature_path)
    return sig


def verify(data: Union[Data, PathLike], signature: Union[Signature, str],
           public_key: Union[PublicKey, Iterable[PublicKey]], *, allow_legacy: bool = True) -> VerifiedSignature:
    """Verifies bytes or a file against a signature (a Signature or its text) and one public key or
    several (the one whose key id the signature names). Raises SignatureError: unknown_key (no
    such key id), bad_signature (forged comment), tampered (content changed)."""
    sig = _as_signature(signature)
    content, path = _content(data)
    keys = [k for k in _keys(public_key) if k.key_id == sig.key_id]
    if not keys:
        raise SignatureError(f"Signed by key {sig.key_id}, which is not among the keys given", code="unknown_key",
                             message_vi=f"Chữ ký được tạo bởi khóa {sig.key_id}, không có trong các khóa đã cho")
    last: Optional[SignatureError] = None
    for k in keys:  # key ids are chosen by key holders: two keys may share one
        try:
            if path is not None:
                info = _core.trust_verify_file(k._handle, sig.text, path)
            else:
                info = _core.trust_verify(k._handle, sig.text, content, bool(allow_legacy))
            return VerifiedSignature(info["key_id"], info["trusted_comment"], info["untrusted_comment"],
                                     info["algorithm"])
        except SignatureError as e:
            last = e
    assert last is not None
    raise last


def verify_file(path: PathLike, public_key: Union[PublicKey, Iterable[PublicKey]],
                signature: Union[Signature, str, None] = None) -> VerifiedSignature:
    """Verifies a file against ``FILE.minisig`` (or the signature given), as ``minisign -Vm``."""
    p = _path(path)
    sig = Signature.load(p + ".minisig") if signature is None else _as_signature(signature)
    return verify(pathlib.Path(p), sig, public_key)


def hash_bytes(data: Data, algorithm: str = "blake2b-256") -> str:
    """Lower-case hex digest of bytes (as b2sum / xxhsum print): "blake2b-256" (default, the
    library's content address), "blake2b-512", or "xxh3-128" (ETags and caches only: NOT
    cryptographic, never for anything that says "approved")."""
    b = _bytes(data)
    if b is None:
        raise ValidationError(f"data must be bytes, not {type(data).__name__}", code="wrong_type", path="/data",
                              message_vi="data phải là bytes")
    return _core.trust_hash_bytes(b, _text(algorithm, "algorithm"))


def hash_file(path: PathLike, algorithm: str = "blake2b-256") -> str:
    """Hex digest of a regular file, streamed in bounded memory with the GIL released (algorithms as
    :func:`hash_bytes`). A FIFO or device raises StorageError (unsafe_path) at once."""
    return _core.trust_hash_file(_path(path), _text(algorithm, "algorithm"))


# --- approvals ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ApprovalStatement:
    """The signed statement of an approval: who (unit, role, key) approved what (content id and its
    BLAKE2b-256), for which use, from when until when, with which sequence."""

    id: str
    content_id: str
    content_blake2b: str
    approver_unit: str
    approver_role: str
    key_id: str
    use: str
    valid_from: _dt.datetime
    valid_until: _dt.datetime
    sequence: int

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ApprovalStatement":
        """From the library's JSON form (as the trusted comment carries it)."""
        return cls(d["id"], d["content_id"], d["content_blake2b"], d["approver_unit"], d["approver_role"],
                   d["key_id"], d["use"], _utc(d["valid_from"]), _utc(d["valid_until"]), int(d["sequence"]))

    def to_dict(self) -> Dict[str, Any]:
        """The JSON form (timestamps as UTC text)."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for k in ("valid_from", "valid_until"):
            d[k] = d[k].strftime("%Y-%m-%dT%H:%M:%SZ")
        return d


def _record(d: Dict[str, Any]) -> Any:
    """The approval record as pbgdpl.model.ApprovalRecord when the model module has it, else a dict."""
    try:
        from . import model as _model  # type: ignore[attr-defined]
        load = getattr(_model, "load")
    except (ImportError, AttributeError):
        return d
    return load("approval_record", d)


@dataclass(frozen=True)
class Approval:
    """A signed approval: the signature (a .minisig over the content), the statement it signs and
    the record the store keeps (``pbgdpl.model.ApprovalRecord`` when available, else a dict)."""

    signature: Signature
    statement: ApprovalStatement
    record: Any

    def save(self, path: PathLike) -> pathlib.Path:
        """Writes the approval's .minisig file atomically."""
        return self.signature.save(path)


def _approval(t: Tuple[str, Dict[str, Any], Dict[str, Any]]) -> Approval:
    text, record, statement = t
    return Approval(Signature(text), ApprovalStatement.from_dict(statement), _record(record))


def _statement_fields(approver_unit: str, approver_role: Any, use: Any, valid_from: _dt.datetime,
                      valid_until: _dt.datetime, sequence: int, approval_id: Optional[str]) -> Dict[str, Any]:
    if not isinstance(sequence, int) or isinstance(sequence, bool):
        raise ValidationError("sequence must be an int", code="wrong_type", path="/sequence",
                              message_vi="sequence phải là số nguyên")
    for name, v in (("valid_from", valid_from), ("valid_until", valid_until)):
        if not isinstance(v, (_dt.datetime, str)):
            raise ValidationError(f"{name} must be a datetime", code="wrong_type", path="/" + name,
                                  message_vi=f"{name} phải là datetime")
    d: Dict[str, Any] = {"approver_unit": _text(approver_unit, "approver_unit"),
                         "approver_role": _text(_enum_value(approver_role), "approver_role"),
                         "use": _text(_enum_value(use), "use"), "valid_from": valid_from,
                         "valid_until": valid_until, "sequence": sequence}
    if approval_id is not None:
        d["id"] = _text(approval_id, "approval_id")
    return d


def approve(content: Union[Data, PathLike], secret_key: SecretKey, *, content_id: str, approver_unit: str,
            approver_role: str, use: str, valid_from: _dt.datetime, valid_until: _dt.datetime, sequence: int,
            approval_id: Optional[str] = None) -> Approval:
    """Approves bytes or a file (streamed): signs a statement binding the content's BLAKE2b digests
    to the approver, the use ("portal", "signage_school", "signage_public", "report"), the validity
    window and the sequence (raise it each time the same content is approved again). The key id and
    content digest are always the signer's own. ``minisign -Vm FILE -x SIG -p APPROVER.pub`` checks
    the result. Raises ValidationError (bad fields) or AccessDeniedError (a role that may not
    approve for that use)."""
    body, path = _content(content, "content")
    st = _statement_fields(approver_unit, approver_role, use, valid_from, valid_until, sequence, approval_id)
    st["content_id"] = _text(content_id, "content_id")
    return _approval(_core.trust_sign_approval(_secret(secret_key)._handle, st, body, path))


def read_approval(signature: Union[Signature, str]) -> Approval:
    """Reads an approval's signature WITHOUT verifying it (to show what it claims). Use
    :meth:`Keyring.verify_approval` to trust it."""
    return _approval(_core.trust_approval_record(_as_signature(signature).text))


def delegate(root_key: SecretKey, approver_key: PublicKey, *, authority: str, unit: str, approver_role: str,
             uses: Sequence[str], valid_from: _dt.datetime, valid_until: _dt.datetime,
             sequence: int = 1) -> Signature:
    """A root key's signed statement that ``approver_key`` may approve for ``unit`` in
    ``approver_role``, for ``uses``, in a period. The signature is over the approver's .pub text, so
    ``minisign -Vm approver.pub -x approver.pub.minisig -p root.pub`` shows it to an operator."""
    if not isinstance(approver_key, PublicKey):
        raise ValidationError("approver_key must be a PublicKey", code="wrong_type", path="/approver_key",
                              message_vi="approver_key phải là PublicKey")
    if isinstance(uses, str):
        uses = [uses]
    d = _statement_fields(unit, approver_role, "portal", valid_from, valid_until, sequence, None)
    del d["approver_unit"], d["use"]
    d.update(authority=_text(authority, "authority"), unit=_text(unit, "unit"),
             uses=[_text(_enum_value(u), "uses") for u in uses])
    return Signature(_core.trust_sign_delegation(_secret(root_key)._handle, approver_key._handle, d))


def sign_revocations(root_key: SecretKey, *, authority: str, sequence: int, revoked: Iterable[Mapping[str, Any]],
                     issued_at: Optional[_dt.datetime] = None) -> Tuple[str, Signature]:
    """Signs an authority's revocation list; ``revoked`` holds ``{"key_id", "since", "reason"}``
    entries (key id as 16 hex digits, ``since`` a datetime). Returns (body text, signature): they
    travel as ``LIST.json`` and ``LIST.json.minisig``. A newer list (higher sequence) replaces it."""
    body = {"authority": _text(authority, "authority"), "sequence": sequence,
            "issued_at": issued_at if issued_at is not None else _dt.datetime.now(_dt.timezone.utc),
            "revoked": [dict(r) for r in revoked]}
    text, sig = _core.trust_sign_revocations(_secret(root_key)._handle, body)
    return text, Signature(sig)


class SequenceTracker:
    """The highest approval sequence seen per (authority, approver unit, content id): an older
    approval replayed after a newer one is refused (superseded). Keep it between runs with
    :meth:`save` / :meth:`load`. Safe to share between threads."""

    __slots__ = ("_handle",)

    def __init__(self, max_step: int = 1000, *, _handle: Optional["_core.TrustSequenceTracker"] = None) -> None:
        self._handle = _handle if _handle is not None else _core.TrustSequenceTracker(max_step)

    @classmethod
    def from_json(cls, text: str) -> "SequenceTracker":
        """Reads the state :meth:`to_json` wrote (ValidationError when malformed)."""
        return cls(_handle=_core.TrustSequenceTracker.from_json(_text(text, "text")))

    @classmethod
    def load(cls, path: PathLike) -> "SequenceTracker":
        """Reads a state file; a missing file gives an empty tracker."""
        p = _path(path)
        if not os.path.lexists(p):
            return cls()
        return cls.from_json(_core.trust_read_small_file(p).decode("utf-8", "strict"))

    def to_json(self) -> str:
        """The state as JSON text (format ``pbgdpl/sequences/1``)."""
        return self._handle.to_json()

    def save(self, path: PathLike) -> pathlib.Path:
        """Writes the state atomically."""
        _core.trust_write_file(_path(path), self.to_json())
        return pathlib.Path(path)

    @property
    def max_step(self) -> int:
        """How far beyond the last sequence seen a new one may jump."""
        return self._handle.max_step

    def highest(self, authority: str, approver_unit: str, content_id: str) -> Optional[int]:
        """The highest sequence seen in that scope, or None."""
        return self._handle.highest(_text(authority, "authority"), _text(approver_unit, "approver_unit"),
                                    _text(content_id, "content_id"))

    def __len__(self) -> int:
        return len(self._handle)


def _tracker(t: Optional[SequenceTracker]) -> Optional["_core.TrustSequenceTracker"]:
    if t is None:
        return None
    if not isinstance(t, SequenceTracker):
        raise ValidationError("tracker must be a SequenceTracker", code="wrong_type", path="/tracker",
                              message_vi="tracker phải là SequenceTracker")
    return t._handle


def _signature_text(sig: Union[Signature, str]) -> str:
    return sig.text if isinstance(sig, Signature) else _text(sig, "signature")


class Keyring:
    """The keys a verifier trusts: each authority's pinned root key (with what it may delegate), the
    approver keys those roots delegated and their revocation lists. Verifies approvals and bundles
    offline. Safe to share between threads."""

    __slots__ = ("_handle",)

    def __init__(self) -> None:
        self._handle = _core.TrustKeyring()

    def add_root(self, authority: str, public_key: PublicKey, *, level: str = "school_approver",
                 parents: Optional[Mapping[str, str]] = None) -> None:
        """Pins ``authority``'s root key. It may delegate approver roles up to ``level``
        ("school_approver", "division_approver", "city_official") for its own unit and, through
        ``parents`` (child unit id -> parent unit id), the units below it."""
        if not isinstance(public_key, PublicKey):
            raise ValidationError("public_key must be a PublicKey", code="wrong_type", path="/public_key",
                                  message_vi="public_key phải là PublicKey")
        edges = {_text(c, "parents"): _text(p, "parents") for c, p in (parents or {}).items()}
        self._handle.add_root(_text(authority, "authority"), public_key._handle, _text(_enum_value(level), "level"),
                              edges)

    def add_delegation(self, signature: Union[Signature, str]) -> Dict[str, Any]:
        """Adds a delegation (what :func:`delegate` returned) after checking its root's signature and
        scope; returns it as a dict."""
        return self._handle.add_delegation(_signature_text(signature))

    def apply_revocations(self, body: str, signature: Union[Signature, str]) -> Dict[str, Any]:
        """Applies a signed revocation list (what :func:`sign_revocations` returned)."""
        return self._handle.apply_revocations(_text(body, "body"), _signature_text(signature))

    @property
    def delegations(self) -> List[Dict[str, Any]]:
        """The delegations held, as dicts."""
        return self._handle.delegations()

    def verify_approval(self, content: Union[Data, PathLike], signature: Union[Signature, str], *, use: str,
                        at: Optional[_dt.datetime] = None,
                        tracker: Optional[SequenceTracker] = None) -> ApprovalStatement:
        """Verifies an approval of bytes or a file for ``use`` at ``at`` (default now). With a
        ``tracker`` a replayed older approval is refused and the sequence recorded. Raises
        SignatureError (bad_signature, unknown_key, tampered, revoked, expired, not_yet_valid,
        wrong_use, superseded) or AccessDeniedError (permission_denied)."""
        body, path = _content(content, "content")
        st = self._handle.verify_approval(_signature_text(signature), body, path, _text(_enum_value(use), "use"), at,
                                          _tracker(tracker))
        return ApprovalStatement.from_dict(st)

    @classmethod
    def load(cls, path: PathLike) -> "Keyring":
        """A keyring from a trusted-keys file (JSON; relative paths are from its folder)::

            {"roots": [{"authority": "so-gddt-hn", "public_key": "root.pub" or "RW...",
                        "level": "city_official", "parents": {"child": "parent"}}],
             "delegations": ["approver.pub.minisig"],
             "revocations": [{"body": "revoked.json", "signature": "revoked.json.minisig"}]}
        """
        p = pathlib.Path(_path(path))
        try:
            conf = _json.loads(_core.trust_read_small_file(str(p)).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise ValidationError(f"trusted-keys file is not valid JSON: {e}", code="parse_error",
                                  message_vi=f"tệp khóa tin cậy không phải JSON hợp lệ: {e}") from None
        if not isinstance(conf, dict) or not isinstance(conf.get("roots"), list) or not conf["roots"]:
            raise ValidationError("trusted-keys file needs a non-empty \"roots\" list", code="missing_field",
                                  path="/roots", message_vi="tệp khóa tin cậy cần danh sách \"roots\"")
        try:
            return cls._from_config(conf, p.parent)
        except (KeyError, TypeError, AttributeError) as e:
            raise ValidationError(f"trusted-keys file is malformed: {e!r}", code="wrong_type",
                                  message_vi=f"tệp khóa tin cậy sai cấu trúc: {e!r}") from None

    @classmethod
    def _from_config(cls, conf: Dict[str, Any], base: pathlib.Path) -> "Keyring":
        ring = cls()
        for i, r in enumerate(conf["roots"]):
            if not isinstance(r, dict) or not isinstance(r.get("authority"), str) or not isinstance(
                    r.get("public_key"), str):
                raise ValidationError("each root needs \"authority\" and \"public_key\"", code="missing_field",
                                      path=f"/roots/{i}", message_vi="mỗi khóa gốc cần \"authority\" và \"public_key\"")
            pk_text = r["public_key"]
            pk = (PublicKey.from_base64(pk_text) if re.fullmatch(r"RW[A-Za-z0-9+/=]{54}", pk_text)
                  else PublicKey.load(base / pk_text))
            ring.add_root(r["authority"], pk, level=r.get("level", "school_approver"), parents=r.get("parents"))
        for d in conf.get("delegations", []):
            ring.add_delegation(Signature.load(base / _text(d, "delegations")))
        for rv in conf.get("revocations", []):
            _text(rv["body"], "revocations")
            body = _core.trust_read_small_file(str(base / rv["body"])).decode("utf-8")
            ring.apply_revocations(body, Signature.load(base / rv.get("signature", rv["body"] + ".minisig")))
        return ring


# --- bundles --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BundleFile:
    """One file of a bundle: its '/'-separated path, size in bytes, media type and BLAKE2b-256."""

    path: str
    size: int
    media_type: str
    blake2b: str


@dataclass(frozen=True)
class BundleLayout:
    """Where a bundle's pieces are: a folder keeps ``pbgdpl-bundle.json`` (+ ``.minisig``) inside;
    a single file keeps ``FILE.pbgdpl-bundle.json`` beside it."""

    root: pathlib.Path
    manifest: pathlib.Path
    signature: pathlib.Path
    single_file: Optional[str]


def bundle_layout(path: PathLike) -> BundleLayout:
    """The layout of the bundle at ``path`` (a folder or one file)."""
    d = _core.trust_bundle_layout(_path(path))
    return BundleLayout(pathlib.Path(d["root"]), pathlib.Path(d["manifest"]), pathlib.Path(d["signature"]),
                        d["single_file"])


@dataclass(frozen=True)
class BundleInfo:
    """A packed or verified bundle: its manifest (content id, title, metadata, creation time, files)
    and, when signed and verified, the approval statement."""

    path: pathlib.Path
    content_id: str
    title: str
    metadata: Dict[str, Any]
    created_at: _dt.datetime
    files: List[BundleFile] = field(default_factory=list)
    approval: Optional[ApprovalStatement] = None

    @property
    def key_id(self) -> Optional[str]:
        """The approver key's id (None for an unsigned bundle)."""
        return self.approval.key_id if self.approval else None

    @property
    def layout(self) -> BundleLayout:
        """Where the manifest and signature are."""
        return bundle_layout(self.path)


def _bundle(path: str, manifest: Mapping[str, Any], approval: Optional[Mapping[str, Any]]) -> BundleInfo:
    files = [BundleFile(f["path"], int(f["size"]), f["media_type"], f["blake2b"]) for f in manifest["files"]]
    return BundleInfo(pathlib.Path(path), manifest["content_id"], manifest.get("title", ""),
                      manifest.get("metadata", {}), _utc(manifest["created_at"]), files,
                      ApprovalStatement.from_dict(approval) if approval else None)


def pack_bundle(path: PathLike, secret_key: Optional[SecretKey] = None, *, content_id: str, title: str = "",
                metadata: Optional[Mapping[str, Any]] = None, created_at: Optional[_dt.datetime] = None,
                approver_unit: Optional[str] = None, approver_role: Optional[str] = None, use: Optional[str] = None,
                valid_from: Optional[_dt.datetime] = None, valid_until: Optional[_dt.datetime] = None,
                sequence: Optional[int] = None, approval_id: Optional[str] = None) -> BundleInfo:
    """Packs a folder (or one file) in place: hashes every file (streamed, GIL released) into
    ``pbgdpl-bundle.json`` and, with ``secret_key``, signs it as an approval
    (``pbgdpl-bundle.json.minisig``; the approval fields are then required; the approval id defaults
    to CONTENT_ID-SEQUENCE as the CLI's). Links and special files in the folder are refused."""
    p = _path(path)
    cid = _text(content_id, "content_id")
    meta = dict(metadata) if metadata is not None else None
    if secret_key is None:
        if any(v is not None for v in (approver_unit, approver_role, use, valid_from, valid_until, sequence)):
            raise ValidationError("approval fields given without a secret_key", code="invalid_argument",
                                  path="/secret_key", message_vi="có trường phê duyệt nhưng thiếu secret_key")
        m = _core.trust_bundle_pack(p, cid, _text(title, "title"), meta, created_at, None, None)
        return _bundle(p, m, None)
    missing = [n for n, v in (("approver_unit", approver_unit), ("approver_role", approver_role), ("use", use),
                              ("valid_from", valid_from), ("valid_until", valid_until), ("sequence", sequence))
               if v is None]
    if missing:
        raise ValidationError(f"signing a bundle needs: {', '.join(missing)}", code="missing_field",
                              path="/" + missing[0], message_vi=f"ký gói cần: {', '.join(missing)}")
    st = _statement_fields(approver_unit, approver_role, use, valid_from, valid_until, sequence,  # type: ignore[arg-type]
                           approval_id)
    key = _secret(secret_key)
    m = _core.trust_bundle_pack(p, cid, _text(title, "title"), meta, created_at, key._handle, st)
    return _bundle(p, m, _core.trust_approval_record(Signature.load(bundle_layout(p).signature).text)[2])


def verify_bundle(path: PathLike, keyring: Keyring, *, use: str, at: Optional[_dt.datetime] = None,
                  tracker: Optional[SequenceTracker] = None, allow_unlisted_files: bool = False) -> BundleInfo:
    """Verifies a bundle end to end (GIL released): the approval over the manifest (keyring, use,
    time, rollback when ``tracker`` is given), the manifest, then every file's size and BLAKE2b.
    Raises SignatureError (tampered naming the file, bad_signature, unknown_key, expired...),
    ValidationError, StorageError (links, special files) or NotFoundError (a missing file)."""
    if not isinstance(keyring, Keyring):
        raise ValidationError("keyring must be a Keyring", code="wrong_type", path="/keyring",
                              message_vi="keyring phải là Keyring")
    p = _path(path)
    m, st = _core.trust_bundle_verify(p, keyring._handle, _text(_enum_value(use), "use"), at, _tracker(tracker),
                                      bool(allow_unlisted_files))
    return _bundle(p, m, st)


def verify_bundle_signed_by(path: PathLike, public_key: Union[PublicKey, Iterable[PublicKey]], *,
                            at: Optional[_dt.datetime] = None, use: Optional[str] = None,
                            allow_unlisted_files: bool = False) -> BundleInfo:
    """Verifies a bundle against the approver's public key(s) alone, with no keyring: the manifest's
    signature by that key, the approval's validity window at ``at`` (default now) and its ``use``
    when given, then every file (GIL released). It does NOT check who delegated the key, revocations
    or rollbacks: for a device that acts on the approval use :func:`verify_bundle` with a
    :class:`Keyring`. Raises as :func:`verify_bundle` (unknown_key when no key has the signature's
    key id)."""
    p = _path(path)
    keys = _keys(public_key)
    sig_path = bundle_layout(p).signature
    sig = Signature.load(sig_path)
    matching = [k for k in keys if k.key_id == sig.key_id]
    if not matching:
        raise SignatureError(f"Signed by key {sig.key_id}, which is not among the keys given", code="unknown_key",
                             message_vi=f"Chữ ký được tạo bởi khóa {sig.key_id}, không có trong các khóa đã cho")
    u = None if use is None else _text(_enum_value(use), "use")
    last: Optional[SignatureError] = None
    for k in matching:
        try:
            m, st = _core.trust_bundle_verify_signer(p, k._handle, at, u, bool(allow_unlisted_files))
            return _bundle(p, m, st)
        except SignatureError as e:
            if e.code != "bad_signature":
                raise
            last = e
    assert last is not None
    raise last
