"""Passwords (argon2id), TOTP (once-only codes), recovery codes and throttling."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from datetime import timedelta
from functools import lru_cache
from importlib import resources

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update

from ..models import RecoveryCode, ThrottleEvent, User, db, utcnow
from .errors import Msg

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)


def configure_hasher(time_cost: int | None = None, memory_cost: int | None = None) -> None:
    """Tune argon2id (config ARGON2_TIME_COST / ARGON2_MEMORY_COST); stored hashes upgrade on log-in."""
    global _hasher
    if time_cost or memory_cost:
        _hasher = PasswordHasher(time_cost=time_cost or 3, memory_cost=memory_cost or 65536)
# A fixed hash so that unknown e-mail addresses cost as much time as known ones.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    text = resources.files("integrity_tool").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | Msg | None:
    """Return the (Dutch message id of the) reason why a password is not acceptable, or None. No
    composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return Msg("Kies een wachtwoord van minimaal %(count)s tekens.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return Msg("Kies een wachtwoord van maximaal %(count)s tekens.", count=MAX_PASSWORD_LENGTH)
    lowered = password.lower()
    base = re.sub(r"[\d\W_]+$", "", lowered)
    common = _common_passwords()
    if lowered in common or base in common or len(set(lowered)) <= 2:
        return "Dit wachtwoord komt voor in lijsten van veelgebruikte of gelekte wachtwoorden. Kies een ander."
    local = email.split("@")[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (name and name.lower().replace(" ", "") == lowered):
        return "Het wachtwoord mag niet (grotendeels) uw naam of e-mailadres zijn."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Verify exactly as typed; rehash when parameters were upgraded. Constant work for unknown users."""
    if user is None or not user.password_hash:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


# --- TOTP -------------------------------------------------------------------------------------

TOTP_ISSUER = "Risicoanalyse integriteit"


def new_totp_secret() -> str:
    return pyotp.random_base32(32)  # 160 bits


def totp_uri(secret: str, email: str, issuer: str = TOTP_ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def matching_totp_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step (30 s) whose code matches, allowing one step of drift, or None."""
    code = re.sub(r"\s+", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    step = int(now // 30)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.at(candidate * 30), code):
            return candidate
    return None


def consume_totp(user: User, code: str, secret: str | None = None) -> bool:
    """Accept a code once: an atomic conditional UPDATE on the last used step (shared by workers)."""
    secret = secret or user.totp_secret
    if not secret:
        return False
    step = matching_totp_step(secret, code)
    if step is None:
        return False
    result = db.session.execute(
        update(User).where(User.id == user.id, User.totp_last_step < step).values(totp_last_step=step)
    )
    if result.rowcount != 1:
        return False
    db.session.expire(user, ["totp_last_step"])
    return True


# --- recovery codes ---------------------------------------------------------------------------

def _code_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def new_recovery_codes(user: User, count: int = 10) -> list[str]:
    """Replace the user's recovery codes; only hashes are stored. 80 bits each."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(count):
        raw = secrets.token_hex(10)
        code = "-".join(raw[i:i + 5] for i in range(0, 20, 5))
        codes.append(code)
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(code)))
    return codes


def consume_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(code or ""),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return result.rowcount == 1


# --- throttling -------------------------------------------------------------------------------

class Throttle:
    """Counts failures per key in a sliding window: Redis when configured, else the database."""

    def __init__(self, redis_url: str | None = None, prefix: str = "it:"):
        self._redis = None
        self._prefix = f"{prefix}throttle:"  # several installations may share one Redis (REDIS_PREFIX)
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url)

    def count(self, key: str, window: timedelta) -> int:
        if self._redis is not None:
            now = time.time()
            rkey = self._prefix + key
            self._redis.zremrangebyscore(rkey, 0, now - window.total_seconds())
            return int(self._redis.zcard(rkey))
        since = utcnow() - window
        return db.session.scalar(
            select(func.count(ThrottleEvent.id)).where(ThrottleEvent.key == key, ThrottleEvent.created_at >= since)
        ) or 0

    def hit(self, key: str, window: timedelta) -> None:
        if self._redis is not None:
            now = time.time()
            rkey = self._prefix + key
            pipe = self._redis.pipeline()
            pipe.zadd(rkey, {f"{now}:{secrets.token_hex(4)}": now})
            pipe.expire(rkey, int(window.total_seconds()) + 60)
            pipe.execute()
            return
        db.session.add(ThrottleEvent(key=key))

    def reset(self, key: str) -> None:
        if self._redis is not None:
            self._redis.delete(self._prefix + key)
            return
        db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.key == key))

    def prune(self, older_than: timedelta) -> None:
        if self._redis is None:
            db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.created_at < utcnow() - older_than))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
