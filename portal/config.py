"""Settings, read from environment variables here and nowhere else.

`load_config()` returns a plain dict for `app.config`. In production every setting that has no
safe default must be given, and a missing or malformed one stops the app at start with a
message naming the variable, rather than failing on the first request that needs it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import overload

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """A setting is missing or malformed."""


@overload
def _text(env: Mapping[str, str], name: str, default: str, *, required: bool) -> str: ...
@overload
def _text(env: Mapping[str, str], name: str, default: None, *, required: bool) -> str | None: ...
def _text(env: Mapping[str, str], name: str, default: str | None, *, required: bool) -> str | None:
    value = env.get(name, "").strip()
    if value:
        return value
    if required:
        raise ConfigError(f"{name} must be set in production (see README.md, Configuration).")
    return default


def _area_of(council_name: str) -> str:
    """The place a council serves, as pages name it: "Dudley" for "Dudley Metropolitan Borough
    Council". A page that says "the borough" leaves a provider guessing which one."""
    area = re.sub(r"\s+((City|County|Metropolitan|Borough|District)\s+)*Council$", "", council_name)
    return area.removeprefix("The ").strip() or council_name


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


def _fernet_keys(env: Mapping[str, str], secret_key: str, *, production: bool) -> tuple[str, ...]:
    """STAFF_CHECK_ENCRYPTION_KEY: one Fernet key, or several separated by commas while keys are
    rotated (the first encrypts, every one decrypts). Development derives one from SECRET_KEY."""
    raw = _text(env, "STAFF_CHECK_ENCRYPTION_KEY", None, required=production)
    if raw is None:
        digest = hashlib.sha256(b"staff-check-encryption:" + secret_key.encode()).digest()
        return (base64.urlsafe_b64encode(digest).decode(),)
    keys = tuple(key.strip() for key in raw.split(",") if key.strip())
    for key in keys:
        try:
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (ValueError, binascii.Error):
            valid = False
        if not valid:
            raise ConfigError(
                "STAFF_CHECK_ENCRYPTION_KEY must be Fernet keys (32 bytes, URL-safe base64), "
                'separated by commas: make one with `python -c "from cryptography.fernet import '
                'Fernet; print(Fernet.generate_key().decode())"`.'
            )
    return keys


def _support_email(env: Mapping[str, str], *, production: bool) -> str:
    """SUPPORT_EMAIL: where people write when something goes wrong, shown on error pages."""
    value = _text(env, "SUPPORT_EMAIL", "framework@example.org", required=production)
    local, _, domain = value.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in value):
        raise ConfigError(f"SUPPORT_EMAIL must be an email address, not {value!r}.")
    return value


def _staff_email_domains(env: Mapping[str, str], *, production: bool) -> tuple[str, ...]:
    """STAFF_EMAIL_DOMAINS: the council's email domains, separated by commas. Staff can be
    invited only at these (the whole domain after the @, matched exactly); none in development
    means any address."""
    raw = _text(env, "STAFF_EMAIL_DOMAINS", "", required=production)
    domains = tuple(d.strip().lower().removeprefix("@") for d in raw.split(",") if d.strip())
    for domain in domains:
        if "." not in domain or "@" in domain or any(c.isspace() for c in domain):
            raise ConfigError(
                f"STAFF_EMAIL_DOMAINS must be email domains separated by commas, like "
                f"dudley.gov.uk: {domain!r} is not one."
            )
    return domains


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
    if production and len(secret_key or "") < 32:
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
    council_name = _text(env, "COUNCIL_NAME", "Dudley Council", required=False)
    secret_key = secret_key or _dev_secret_key()

    # Rate limits kept in one worker's memory are per worker, so with several workers an
    # attacker gets one allowance per worker. Config cannot see gunicorn's --workers, so the
    # worker count is WEB_CONCURRENCY, which gunicorn itself reads as its default; production
    # without Redis insists on it being 1, and an unset count is taken as "maybe many".
    redis_url = _text(env, "REDIS_URL", None, required=False)
    web_concurrency = _int(env, "WEB_CONCURRENCY", 0, minimum=1)
    if production and not redis_url and web_concurrency != 1:
        raise ConfigError(
            "REDIS_URL must be set in production unless WEB_CONCURRENCY is 1: rate limits kept "
            "in each worker's memory are not shared, so every worker would give an attacker a "
            "fresh allowance. Set REDIS_URL, or run one worker with WEB_CONCURRENCY=1."
        )

    # Every OCDS release's ocid starts with the prefix the Open Contracting Partnership registered
    # for the council: a made-up one would collide with another publisher's, so production names
    # its own.
    ocds_prefix = _text(env, "OCDS_PREFIX", "ocds-flsf00", required=production)
    if not re.fullmatch(r"ocds-[a-z0-9]{6}", ocds_prefix):
        raise ConfigError(
            "OCDS_PREFIX must be 'ocds-' and six lower-case letters or digits, "
            f"not {ocds_prefix!r}."
        )

    clamd_socket = _text(env, "CLAMD_SOCKET", None, required=False)
    clamd_host = _text(env, "CLAMD_HOST", None, required=False)
    if clamd_socket and clamd_host:
        raise ConfigError("CLAMD_SOCKET and CLAMD_HOST must not both be set: choose one.")
    # Files no scanner has checked are usable: production takes them only when told to.
    allow_unscanned = _bool(env, "ALLOW_UNSCANNED_FILES", not production)
    if not (clamd_socket or clamd_host or allow_unscanned):
        raise ConfigError(
            "CLAMD_SOCKET or CLAMD_HOST must be set in production, so that uploads are "
            "virus-checked; or ALLOW_UNSCANNED_FILES=true, if the council accepts files no "
            "scanner has checked (`flask documents scan` checks them once a scanner is set)."
        )
    # gunicorn stops a worker busy for longer than this (gunicorn.conf.py gives it to gunicorn):
    # a scan must end well inside it, leaving the upload time to be stored and answered.
    worker_timeout = _int(env, "WORKER_TIMEOUT_SECONDS", 30, minimum=3)
    scan_limit = worker_timeout // 3
    clamd_timeout = _int(env, "CLAMD_TIMEOUT_SECONDS", min(10, scan_limit), minimum=1)
    if clamd_timeout > scan_limit:
        raise ConfigError(
            f"CLAMD_TIMEOUT_SECONDS must be at most a third of WORKER_TIMEOUT_SECONDS "
            f"({worker_timeout}), so {scan_limit} at most, not {clamd_timeout}: a slow scanner "
            "must leave an upload time to finish before gunicorn stops the worker."
        )
    return {
        "PORTAL_ENV": environment,
        "DEMO_MODE": demo_mode,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        # How long to wait on the database before a request gives up with the problem page, in
        # seconds (portal/core/db.py: Timeouts). 0 turns the statement or lock limit off, which
        # production refuses: a stalled database would then hold every worker.
        "DATABASE_CONNECT_TIMEOUT_SECONDS": _int(
            env, "DATABASE_CONNECT_TIMEOUT_SECONDS", 5, minimum=2, maximum=60
        ),
        "DATABASE_STATEMENT_TIMEOUT_SECONDS": _int(
            env, "DATABASE_STATEMENT_TIMEOUT_SECONDS", 15, minimum=int(production), maximum=600
        ),
        "DATABASE_LOCK_TIMEOUT_SECONDS": _int(
            env, "DATABASE_LOCK_TIMEOUT_SECONDS", 5, minimum=int(production), maximum=600
        ),
        "DATABASE_POOL_TIMEOUT_SECONDS": _int(
            env, "DATABASE_POOL_TIMEOUT_SECONDS", 5, minimum=1, maximum=60
        ),
        # /healthz gives the database and the object store this long each to answer.
        "HEALTHZ_TIMEOUT_SECONDS": _int(env, "HEALTHZ_TIMEOUT_SECONDS", 2, minimum=1, maximum=10),
        "BASE_URL": base_url,
        "COUNCIL_NAME": council_name,
        "COUNCIL_AREA": _text(env, "COUNCIL_AREA", _area_of(council_name), required=False),
        "SERVICE_NAME": _text(
            env, "SERVICE_NAME", "Flexible Learning Support Framework", required=False
        ),
        "SUPPORT_EMAIL": _support_email(env, production=production),
        "OCDS_PREFIX": ocds_prefix,
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
        # At most a minute: a download link that leaks (browser history, a proxy's log) dies fast.
        "PRESIGNED_URL_SECONDS": _int(env, "PRESIGNED_URL_SECONDS", 60, minimum=5, maximum=60),
        # Virus scanning by clamd, over a unix socket or TCP. With neither set, uploads are kept
        # and marked "not scanned" (where ALLOW_UNSCANNED_FILES lets the portal start).
        "CLAMD_SOCKET": clamd_socket,
        "CLAMD_HOST": clamd_host,
        "CLAMD_PORT": _int(env, "CLAMD_PORT", 3310, minimum=1, maximum=65535),
        "CLAMD_TIMEOUT_SECONDS": clamd_timeout,
        "ALLOW_UNSCANNED_FILES": allow_unscanned,
        "WORKER_TIMEOUT_SECONDS": worker_timeout,
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
        # A month's KPI return is due on this working day after the month ends.
        "KPI_DUE_WORKING_DAYS": _int(env, "KPI_DUE_WORKING_DAYS", 10, minimum=1, maximum=20),
        # Rate limits are shared between workers only through Redis.
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": web_concurrency,
        # How many proxies in front of the portal add X-Forwarded-For/-Proto (the TLS proxy: 1).
        # Rate limits key on the address these give; 0 trusts no header, and a count above the
        # real number would let anyone choose the address they are counted under.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0, minimum=0, maximum=5),
        # Accounts and sessions.
        "SESSION_IDLE_MINUTES": _int(env, "SESSION_IDLE_MINUTES", 30, minimum=1),
        # However active, a session ends this long after signing in (checked on the server).
        "SESSION_LIFETIME_HOURS": _int(env, "SESSION_LIFETIME_HOURS", 12, minimum=1, maximum=24),
        "STAFF_EMAIL_DOMAINS": _staff_email_domains(env, production=production),
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
        # The DBS staff register: certificate numbers are encrypted at rest with this key.
        "STAFF_CHECK_ENCRYPTION_KEY": _fernet_keys(env, secret_key, production=production),
        # A certificate older than this, with no Update Service subscription, is flagged.
        "DBS_CERTIFICATE_MAX_AGE_YEARS": _int(
            env, "DBS_CERTIFICATE_MAX_AGE_YEARS", 3, minimum=1, maximum=10
        ),
        # Safeguarding training older than this is flagged as overdue.
        "SAFEGUARDING_TRAINING_MAX_AGE_YEARS": _int(
            env, "SAFEGUARDING_TRAINING_MAX_AGE_YEARS", 3, minimum=1, maximum=10
        ),
        # Reviews: how many working days an application may wait for a decision before the
        # queue shows it as overdue, and whether an approval needs a second reviewer.
        "REVIEW_SERVICE_LEVEL_DAYS": _int(
            env, "REVIEW_SERVICE_LEVEL_DAYS", 10, minimum=1, maximum=60
        ),
        "FOUR_EYES_APPROVAL": _bool(env, "FOUR_EYES_APPROVAL", False),
        # Shown to the public after the standard call-off method.
        "CALL_OFF_METHOD_TEXT": _text(env, "CALL_OFF_METHOD_TEXT", "", required=False),
        # A contract variation changing its value by more than this many pounds is published
        # as an OCDS contract amendment. (The commissioning teams' default is the contracts
        # domain's DEFAULT_TEAMS, which the app factory gives as COMMISSIONING_TEAMS.)
        "OCDS_VARIATION_THRESHOLD_POUNDS": _int(
            env, "OCDS_VARIATION_THRESHOLD_POUNDS", 5000, minimum=0, maximum=10_000_000
        ),
        "SESSION_COOKIE_SECURE": production,
        # `__Host-`: browsers keep it only if Secure, for the whole site and this host alone, so
        # no sibling subdomain can set or shadow it. Plain http in development cannot carry it.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "REMEMBER_COOKIE_SECURE": production,
    }
