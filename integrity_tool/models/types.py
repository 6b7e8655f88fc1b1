"""Column types that encrypt their value at rest."""
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

from .. import crypto


class EncryptedText(TypeDecorator):
    """A str stored as a Fernet token; the database never sees the plain text."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return crypto.keyring().encrypt_text(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return crypto.keyring().decrypt_text(bytes(value))


class EncryptedJSON(TypeDecorator):
    """A JSON value stored as a Fernet token."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return crypto.keyring().encrypt_json(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return crypto.keyring().decrypt_json(bytes(value))


class EncryptedBytes(TypeDecorator):
    """Raw bytes (e.g. a signed PDF) stored encrypted."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return crypto.keyring().encrypt(bytes(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return crypto.keyring().decrypt(bytes(value))
