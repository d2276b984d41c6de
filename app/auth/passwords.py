"""Password hashing with Argon2id."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

_hasher = PasswordHasher()
# Tests only (PASSWORD_HASH_FAST): the same algorithm with cheap parameters, so a suite can sign in often.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# Verified against when the login does not exist, so timing does not tell whether it does.
_DUMMY_HASH = _hasher.hash("relais-dummy-password")


def hash_password(password: str) -> str:
    """Return an Argon2id hash of `password`."""
    if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST"):
        return _fast_hasher.hash(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; spends the same effort when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
