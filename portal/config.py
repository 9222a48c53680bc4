"""Settings, read from environment variables here and nowhere else.

`load_config()` returns a plain dict for `app.config`. In production every setting that has no
safe default must be given, and a missing or malformed one stops the app at start with a
message naming the variable, rather than failing on the first request that needs it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """A setting is missing or malformed."""


def _text(env: Mapping[str, str], name: str, default: str | None, *, required: bool) -> str | None:
    value = env.get(name, "").strip()
    if value:
        return value
    if required:
        raise ConfigError(f"{name} must be set in production (see README.md, Configuration).")
    return default


def _int(
    env: Mapping[str, str], name: str, default: int, *, minimum: int = 0, maximum: int | None = None
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}.")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, not {value}.")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}.")


def _dev_secret_key() -> str:
    """A random key kept in instance/ so development sessions survive a restart."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def load_config(env: Mapping[str, str] | None = None) -> dict:
    """Build the app configuration from environment variables (os.environ by default)."""
    env = os.environ if env is None else env
    environment = env.get("PORTAL_ENV", "development").strip() or "development"
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}."
        )
    production = environment == "production"

    demo_mode = _bool(env, "DEMO_MODE", not production)
    if production and demo_mode:
        raise ConfigError("DEMO_MODE must not be on in production: it lets staff skip two-factor.")

    secret_key = _text(env, "SECRET_KEY", None, required=production)
    if production and len(secret_key) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters long.")

    database_url = _text(
        env, "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.db'}", required=production
    )
    if not database_url.startswith(("postgresql", "sqlite")):
        raise ConfigError("DATABASE_URL must be a postgresql:// or sqlite:// address.")

    mail_backend = _text(env, "MAIL_BACKEND", "smtp" if production else "file", required=False)
    if mail_backend not in ("smtp", "file"):
        raise ConfigError(f"MAIL_BACKEND must be smtp or file, not {mail_backend!r}.")
    if production and mail_backend != "smtp":
        raise ConfigError("MAIL_BACKEND must be smtp in production.")

    # Links in emails are built from BASE_URL, so in production they must be https.
    base_url = _text(env, "BASE_URL", "http://127.0.0.1:5000", required=production).rstrip("/")
    schemes = ("https://",) if production else ("https://", "http://")
    if not base_url.startswith(schemes):
        raise ConfigError(f"BASE_URL must start with {' or '.join(schemes)}, not {base_url!r}.")

    max_upload_mb = _int(env, "MAX_UPLOAD_MB", 25, minimum=1)
    return {
        "PORTAL_ENV": environment,
        "DEMO_MODE": demo_mode,
        "SECRET_KEY": secret_key or _dev_secret_key(),
        "DATABASE_URL": database_url,
        "BASE_URL": base_url,
        "COUNCIL_NAME": _text(env, "COUNCIL_NAME", "Dudley Council", required=False),
        "SERVICE_NAME": _text(
            env, "SERVICE_NAME", "Flexible Learning Support Framework", required=False
        ),
        # Postcode districts inside the council's area: an organisation based in one is "local".
        "LOCAL_POSTCODE_DISTRICTS": tuple(
            district.strip().upper()
            for district in (
                _text(
                    env,
                    "LOCAL_POSTCODE_DISTRICTS",
                    "DY1,DY2,DY3,DY5,DY6,DY8,DY9,B62,B63,B64,B65,WV14",
                    required=False,
                )
            ).split(",")
            if district.strip()
        ),
        # Object store (S3). In development `make run` starts SeaweedFS with these keys; in
        # production no endpoint means AWS S3 itself.
        "S3_ENDPOINT_URL": _text(
            env, "S3_ENDPOINT_URL", None if production else "http://127.0.0.1:8333", required=False
        ),
        "S3_BUCKET": _text(env, "S3_BUCKET", "portal-documents", required=production),
        "S3_REGION": _text(env, "S3_REGION", "us-east-1", required=False),
        "S3_ACCESS_KEY_ID": _text(env, "S3_ACCESS_KEY_ID", "portal-dev", required=production),
        "S3_SECRET_ACCESS_KEY": _text(
            env, "S3_SECRET_ACCESS_KEY", "portal-dev-secret", required=production
        ),
        "PRESIGNED_URL_SECONDS": _int(env, "PRESIGNED_URL_SECONDS", 60, minimum=5),
        # Email: an outbox table, delivered by `flask outbox send` / `flask outbox worker`.
        "MAIL_BACKEND": mail_backend,
        "MAIL_DIR": _text(env, "MAIL_DIR", str(INSTANCE_DIR / "mail"), required=False),
        "MAIL_FROM": _text(env, "MAIL_FROM", "noreply@example.org", required=production),
        "SMTP_HOST": _text(
            env, "SMTP_HOST", "127.0.0.1", required=production and mail_backend == "smtp"
        ),
        "SMTP_PORT": _int(env, "SMTP_PORT", 25, minimum=1, maximum=65535),
        "SMTP_USERNAME": _text(env, "SMTP_USERNAME", None, required=False),
        "SMTP_PASSWORD": _text(env, "SMTP_PASSWORD", None, required=False),
        "SMTP_STARTTLS": _bool(env, "SMTP_STARTTLS", production),
        "OUTBOX_MAX_ATTEMPTS": _int(env, "OUTBOX_MAX_ATTEMPTS", 5, minimum=1),
        # Rate limits are shared between workers only through Redis.
        "REDIS_URL": _text(env, "REDIS_URL", None, required=False),
        # Accounts and sessions.
        "SESSION_IDLE_MINUTES": _int(env, "SESSION_IDLE_MINUTES", 30, minimum=1),
        "LOCKOUT_ATTEMPTS": _int(env, "LOCKOUT_ATTEMPTS", 5, minimum=1),
        "LOCKOUT_MINUTES": _int(env, "LOCKOUT_MINUTES", 15, minimum=1),
        # argon2id cost. The defaults are argon2-cffi's (RFC 9106 low-memory profile); production
        # refuses anything below OWASP's floor (19 MiB, 2 passes). The tests turn it down.
        "PASSWORD_HASH_MEMORY_KIB": _int(
            env, "PASSWORD_HASH_MEMORY_KIB", 65536, minimum=19456 if production else 8
        ),
        "PASSWORD_HASH_TIME_COST": _int(
            env, "PASSWORD_HASH_TIME_COST", 3, minimum=2 if production else 1
        ),
        "EMAIL_TOKEN_HOURS": _int(env, "EMAIL_TOKEN_HOURS", 24, minimum=1),
        # Uploads: refused before the body is read when larger than this.
        "MAX_UPLOAD_MB": max_upload_mb,
        "MAX_CONTENT_LENGTH": (max_upload_mb + 1) * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 500 * 1024,
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
    }
