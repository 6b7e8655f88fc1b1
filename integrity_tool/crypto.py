"""Encryption of sensitive data at rest (authenticated: Fernet = AES-CBC + HMAC-SHA256).

Keys never live in the database. They come from ``INTEGRITY_TOOL_DATA_KEYS`` (comma separated)
or from ``instance/keys/data.keys`` (one per line, newest first). Decryption tries every key
(MultiFernet), encryption always uses the first, so rotation = prepend a key, re-encrypt, drop old.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["Keyring", "InvalidToken", "generate_key", "load_keyring", "keyring", "set_keyring"]


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


class Keyring:
    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("at least one data key is required")
        self.keys = list(keys)
        self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in self.keys])

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        return self._fernet.decrypt(token)

    def rotate(self, token: bytes) -> bytes:
        return self._fernet.rotate(token)

    def encrypt_text(self, text: str) -> bytes:
        return self.encrypt(text.encode("utf-8"))

    def decrypt_text(self, token: bytes) -> str:
        return self.decrypt(token).decode("utf-8")

    def encrypt_json(self, value) -> bytes:
        return self.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def decrypt_json(self, token: bytes):
        return json.loads(self.decrypt(token))


def key_file(instance_path: str | Path) -> Path:
    return Path(instance_path) / "keys" / "data.keys"


def load_keyring(instance_path: str | Path) -> Keyring:
    env = os.environ.get("INTEGRITY_TOOL_DATA_KEYS", "").strip()
    if env:
        return Keyring([k.strip() for k in env.split(",") if k.strip()])
    path = key_file(instance_path)
    keys = [line.strip() for line in path.read_text().splitlines() if line.strip()] if path.exists() else []
    return Keyring(keys)


def ensure_key_file(instance_path: str | Path) -> Path:
    path = key_file(instance_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    if not path.exists():
        write_key_file(instance_path, [generate_key()])
    return path


def write_key_file(instance_path: str | Path, keys: list[str]) -> Path:
    """Replace the key file atomically (never half written), readable by the owner only."""
    path = key_file(instance_path)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    os.replace(tmp, path)
    return path


_keyring: Keyring | None = None


def set_keyring(ring: Keyring) -> None:
    global _keyring
    _keyring = ring


def keyring() -> Keyring:
    if _keyring is None:
        raise RuntimeError("no data keyring configured")
    return _keyring
