"""API throttling that never takes the API down. The counts live in the cache (Redis in production, shared by the
gunicorn workers); with the cache unreachable a request is let through, and logged, rather than answered 500."""

import logging

from redis.exceptions import RedisError
from rest_framework import throttling

log = logging.getLogger(__name__)


class _FailOpen:
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:
            log.warning("API throttling skipped: the cache is unreachable (%s: %s)", exc.__class__.__name__, exc)
            return True


class UserRateThrottle(_FailOpen, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(_FailOpen, throttling.AnonRateThrottle):
    pass
