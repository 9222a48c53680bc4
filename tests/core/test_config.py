import pytest

from portal.config import ConfigError, load_config

PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "a-production-secret-key-of-forty-characters",
    "DATABASE_URL": "postgresql://portal@db.example.org/portal",
    "BASE_URL": "https://framework.example.org/",
    "S3_BUCKET": "portal-documents",
    "S3_ACCESS_KEY_ID": "access-key",
    "S3_SECRET_ACCESS_KEY": "secret-key",
    "MAIL_FROM": "framework@example.org",
    "SMTP_HOST": "smtp.example.org",
    "STAFF_CHECK_ENCRYPTION_KEY": "Jm7rQxgkUYZ0ZRFPnR3BBUvImcfzdgIa1CxHCsW9Umc=",
    "CLAMD_HOST": "clamav.internal",
    "SUPPORT_EMAIL": "framework-support@example.org",
    "STAFF_EMAIL_DOMAINS": "example.org, @Schools.Example.org",
    "REDIS_URL": "redis://redis.example.org:6379/0",
    "OCDS_PREFIX": "ocds-a1b2c3",
}


def test_production_settings_are_read():
    config = load_config(PRODUCTION)
    assert config["DEMO_MODE"] is False
    assert config["MAIL_BACKEND"] == "smtp"
    assert config["SMTP_STARTTLS"] is True
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["SESSION_LIFETIME_HOURS"] == 12
    assert config["SUPPORT_EMAIL"] == "framework-support@example.org"
    assert config["STAFF_EMAIL_DOMAINS"] == ("example.org", "schools.example.org")
    assert config["BASE_URL"] == "https://framework.example.org"
    assert config["OCDS_PREFIX"] == "ocds-a1b2c3"
    # Unset in production means AWS S3 itself, never a development server on this machine.
    assert config["S3_ENDPOINT_URL"] is None


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_KEY",
        "DATABASE_URL",
        "BASE_URL",
        "S3_BUCKET",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "MAIL_FROM",
        "SMTP_HOST",
        "STAFF_CHECK_ENCRYPTION_KEY",
        "SUPPORT_EMAIL",
        "STAFF_EMAIL_DOMAINS",
        "OCDS_PREFIX",
    ],
)
def test_production_refuses_to_start_without_a_required_setting(name):
    for missing in ("", "   "):
        with pytest.raises(ConfigError, match=f"^{name} must be set in production"):
            load_config(PRODUCTION | {name: missing})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "PORTAL_ENV",
            "staging",
            "PORTAL_ENV must be one of development, production",
        ),
        ("SMTP_PORT", "abc", "SMTP_PORT must be a whole number, not 'abc'"),
        ("SMTP_PORT", "70000", "SMTP_PORT must be at most 65535, not 70000"),
        ("MAX_UPLOAD_MB", "0", "MAX_UPLOAD_MB must be at least 1, not 0"),
        ("DEMO_MODE", "maybe", "DEMO_MODE must be true or false, not 'maybe'"),
        ("DEMO_MODE", "true", "DEMO_MODE must not be on in production"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 32 characters long"),
        ("DATABASE_URL", "mysql://db/portal", "DATABASE_URL must be a postgresql:// or sqlite://"),
        ("BASE_URL", "framework.example.org", "BASE_URL must start with https://"),
        ("BASE_URL", "http://framework.example.org", "BASE_URL must start with https://"),
        ("MAIL_BACKEND", "file", "MAIL_BACKEND must be smtp in production"),
        ("OCDS_PREFIX", "ocds-flsf00-extra", "OCDS_PREFIX must be 'ocds-' and six"),
        ("OCDS_PREFIX", "flsf00", "OCDS_PREFIX must be 'ocds-' and six"),
        ("MAIL_BACKEND", "pigeon", "MAIL_BACKEND must be smtp or file, not 'pigeon'"),
        ("OUTBOX_MAX_ATTEMPTS", "0", "OUTBOX_MAX_ATTEMPTS must be at least 1, not 0"),
        (
            "DATABASE_STATEMENT_TIMEOUT_SECONDS",
            "0",
            "DATABASE_STATEMENT_TIMEOUT_SECONDS must be at least 1, not 0",
        ),
        ("DATABASE_LOCK_TIMEOUT_SECONDS", "0", "DATABASE_LOCK_TIMEOUT_SECONDS must be at least 1"),
        ("DATABASE_CONNECT_TIMEOUT_SECONDS", "1", "DATABASE_CONNECT_TIMEOUT_SECONDS must be at"),
        (
            "PASSWORD_HASH_MEMORY_KIB",
            "1024",
            "PASSWORD_HASH_MEMORY_KIB must be at least 19456, not 1024",
        ),
        ("PASSWORD_HASH_TIME_COST", "1", "PASSWORD_HASH_TIME_COST must be at least 2, not 1"),
        (
            "STAFF_CHECK_ENCRYPTION_KEY",
            "not-a-key",
            "STAFF_CHECK_ENCRYPTION_KEY must be Fernet keys",
        ),
        ("SUPPORT_EMAIL", "the framework team", "SUPPORT_EMAIL must be an email address"),
        ("SUPPORT_EMAIL", "team@localhost", "SUPPORT_EMAIL must be an email address"),
        (
            "STAFF_EMAIL_DOMAINS",
            "dudley.gov.uk, someone@dudley.gov.uk",
            "STAFF_EMAIL_DOMAINS must be email domains separated by commas",
        ),
        ("STAFF_EMAIL_DOMAINS", "gov", "STAFF_EMAIL_DOMAINS must be email domains"),
        ("SESSION_LIFETIME_HOURS", "0", "SESSION_LIFETIME_HOURS must be at least 1, not 0"),
        ("SESSION_LIFETIME_HOURS", "48", "SESSION_LIFETIME_HOURS must be at most 24, not 48"),
        ("TRUSTED_PROXIES", "-1", "TRUSTED_PROXIES must be at least 0, not -1"),
        ("TRUSTED_PROXIES", "one", "TRUSTED_PROXIES must be a whole number, not 'one'"),
        ("WEB_CONCURRENCY", "0", "WEB_CONCURRENCY must be at least 1, not 0"),
    ],
)
def test_a_malformed_setting_is_named(name, value, message):
    with pytest.raises(ConfigError) as error:
        load_config(PRODUCTION | {name: value})
    assert str(error.value).startswith(message)


def test_development_defaults_are_safe_to_run_on_a_laptop():
    config = load_config({"SECRET_KEY": "a-development-secret-key-long-enough"})
    assert config["PORTAL_ENV"] == "development"
    assert config["DEMO_MODE"] is True
    assert config["MAIL_BACKEND"] == "file"
    assert config["DATABASE_URL"].startswith("sqlite:///")
    assert config["S3_ENDPOINT_URL"] == "http://127.0.0.1:8333"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["MAX_CONTENT_LENGTH"] == 26 * 1024 * 1024
    # A stalled database costs a request seconds, and /healthz answers within a few.
    assert (
        config["DATABASE_CONNECT_TIMEOUT_SECONDS"],
        config["DATABASE_STATEMENT_TIMEOUT_SECONDS"],
        config["DATABASE_LOCK_TIMEOUT_SECONDS"],
        config["DATABASE_POOL_TIMEOUT_SECONDS"],
        config["HEALTHZ_TIMEOUT_SECONDS"],
    ) == (5, 15, 5, 5, 2)


def test_development_accepts_a_plain_http_base_url_and_demo_mode_off():
    config = load_config(
        {"SECRET_KEY": "x" * 40, "BASE_URL": "http://127.0.0.1:5000", "DEMO_MODE": "off"}
    )
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["DEMO_MODE"] is False


@pytest.mark.parametrize("workers", ["", "2", "9"])
def test_production_with_several_workers_or_an_unknown_number_needs_redis(workers):
    with pytest.raises(ConfigError) as error:
        load_config(PRODUCTION | {"REDIS_URL": "", "WEB_CONCURRENCY": workers})
    assert str(error.value).startswith("REDIS_URL must be set in production unless WEB_CONCURRENCY")


def test_production_with_one_worker_may_keep_rate_limits_in_memory():
    config = load_config(PRODUCTION | {"REDIS_URL": "", "WEB_CONCURRENCY": "1"})
    assert config["REDIS_URL"] is None
    assert config["TRUSTED_PROXIES"] == 0
