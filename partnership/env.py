"""Small strict readers for the environment: a malformed value stops start-up with a clear message."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def mailer(url: str) -> dict:
    """The default entry of Django's MAILERS from EMAIL_URL: console://, file:///path, locmem://,
    smtp://user:pass@host:port (STARTTLS unless ?tls=0) or smtps://… (TLS from the start)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    backends = "django.core.mail.backends"
    if parts.scheme == "console":
        return {"BACKEND": f"{backends}.console.EmailBackend"}
    if parts.scheme == "file":
        return {"BACKEND": f"{backends}.filebased.EmailBackend", "OPTIONS": {"file_path": parts.path}}
    if parts.scheme == "locmem":
        return {"BACKEND": f"{backends}.locmem.EmailBackend"}
    if parts.scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        return {
            "BACKEND": "partnership.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if parts.scheme == "smtps" else 587),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": parts.scheme == "smtp" and query.get("tls", ["1"])[0].lower() not in _FALSE,
                "timeout": 20,
            },
        }
    raise ImproperlyConfigured(f"EMAIL_URL must start with console://, file://, locmem:// or smtp(s)://, not {url!r}.")
