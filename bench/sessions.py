"""Signed-in sessions made directly in the database, for requests from outside the process (gunicorn, locust):
the benchmark measures pages, not the password hashing of signing in."""

import time

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore


def session_for(user) -> tuple[str, str]:
    """The session cookie's name and value for `user`, signed in now."""
    store = SessionStore()
    store["_auth_user_id"], store["_auth_user_backend"] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store["signed_in_at"] = time.time()
    store.create()
    return settings.SESSION_COOKIE_NAME, store.session_key
