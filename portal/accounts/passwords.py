"""Password hashing (argon2id) and the password rules: at least 12 characters, not a common
password. No composition rules: they push people to predictable patterns (NCSC guidance)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 128


def _hasher() -> PasswordHasher:
    """argon2id with the app's cost settings (PASSWORD_HASH_* in portal/config.py)."""
    hasher = current_app.extensions.get("password_hasher")
    if hasher is None:
        hasher = PasswordHasher(
            time_cost=current_app.config["PASSWORD_HASH_TIME_COST"],
            memory_cost=current_app.config["PASSWORD_HASH_MEMORY_KIB"],
            parallelism=4,
        )
        current_app.extensions["password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def dummy_hash() -> str:
    """A hash of a random password, checked when an account does not exist so that a sign-in
    with an unknown email takes as long as one with a known email."""
    value = current_app.extensions.get("password_dummy_hash")
    if value is None:
        value = current_app.extensions["password_dummy_hash"] = hash_password(
            "not-a-real-password-used-for-timing"
        )
    return value


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("portal.accounts").joinpath("common_passwords.txt").read_text()
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line.lower() for line in lines if line and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """The GOV.UK-style error message for an unacceptable password, or None."""
    if not password:
        return "Enter a password"
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2:
        return "Password is too common. Choose a password that is harder to guess"
    local_part = email.split("@")[0].lower()
    if (
        (local_part and lowered == local_part)
        or lowered == email.lower()
        or (name and lowered.replace(" ", "") == name.lower().replace(" ", ""))
    ):
        return "Password must not be your name or email address"
    return None
