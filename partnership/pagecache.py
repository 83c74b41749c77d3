"""Costly page bodies and figures, computed once per content version, day and audience.

A copy is kept under the content version read *before* rendering (see partnership.versioning), the day (what is due
or late moves at midnight) and the user's audience: their organisation and roles are all that decides what they may
see (commitments.access). Fragments hold no CSRF token and no CSP nonce: those belong to the page around them."""

import hashlib
from collections.abc import Callable, Collection

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.response import Response

from partnership import versioning

DAY = 24 * 60 * 60


def audience(user) -> str:
    return (f"{user.organisation_id}:{user.is_official:d}{user.is_analyst:d}{user.is_reviewer:d}"
            f"{user.is_administrator:d}")


def version(request=None) -> int:
    """The content version, read once per reading request (a GET writes nothing that its own page shows)."""
    found = getattr(request, "_content_version", None)
    if found is None:
        found = versioning.current()
        if request is not None and request.method in ("GET", "HEAD"):
            request._content_version = found
    return found


def key(name: str, *parts, request=None) -> str:
    detail = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"page:{name}:{version(request)}:{timezone.localdate():%Y%m%d}:{detail}"


def value(name: str, compute: Callable, *parts, request=None):
    """compute(), or the copy made for the same name and parts at this version and day."""
    k = key(name, *parts, request=request)
    found = cache.get(k)
    if found is None:
        found = compute()
        cache.set(k, found, DAY)
    return found


def fragment(request, template: str, context: Callable[[], dict], *parts, known: Collection[str] = ()) -> SafeString:
    """The template rendered for this user's audience, or the copy already made for it.

    A request with query parameters outside `known` is rendered but not kept: made-up parameters must not fill the
    cache (shared with nobody else in production, but with finite memory)."""
    def render():
        return render_to_string(template, context(), request)

    if not set(request.GET) <= set(known):
        return mark_safe(render())
    return mark_safe(value(template, render, audience(request.user), *parts, request=request))


class CachedListMixin:
    """For API viewsets: list responses kept like pages. Errors (a bad filter, a page out of range) are raised while
    computing, so they are never kept. The absolute URL is part of the key: pagination links carry it."""

    def list(self, request, *args, **kwargs):
        if not set(request.query_params) <= self._known_parameters():
            return super().list(request, *args, **kwargs)
        data = value(f"api:{self.basename}", lambda: super(CachedListMixin, self).list(request, *args, **kwargs).data,
                     audience(request.user), request.build_absolute_uri(), request=request)
        return Response(data)

    def _known_parameters(self) -> set[str]:
        filterset = DjangoFilterBackend().get_filterset_class(self, self.get_queryset())
        return {*(filterset.base_filters if filterset else ()), "page", "page_size", "ordering", "format"}
