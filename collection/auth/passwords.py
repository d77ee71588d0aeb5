"""Argon2id hashing for passwords and client secrets (argon2-cffi).

The default profile is RFC 9106's low-memory one (argon2-cffi's default). The
parameters travel inside each hash, so a verification costs what its hash was
made with; tests make users with ``FAST`` to stay quick.
"""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ledger.errors import ValidationError

DEFAULT = PasswordHasher()
#: For tests and throw-away benchmark users only: cheap to compute, still a real argon2id hash.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

MIN_PASSWORD_LENGTH = 8
_DUMMY = DEFAULT.hash("a password nobody has")


def hash_secret(secret: str, hasher: PasswordHasher = DEFAULT) -> str:
    return hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True if ``secret`` matches. With no stored hash, spend the same time and say no,
    so response times do not tell which usernames exist."""
    try:
        return DEFAULT.verify(stored_hash or _DUMMY, secret) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password_policy(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
                              code="PASSWORD_TOO_SHORT", field="password")
    if password.strip() != password or not password.isprintable():
        raise ValidationError("a password cannot start or end with spaces or hold control "
                              "characters", code="PASSWORD_INVALID", field="password")
    return password
