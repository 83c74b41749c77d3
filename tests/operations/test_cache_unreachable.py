"""With the cache (Redis in production) unreachable, the site works: every page, the API with its throttling, and
writes. Nothing but API throttling uses the cache, and throttling lets requests through while it is down."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tokens import ApiToken
from commitments.models import StatusUpdate
from tests.conftest import commitment
from tests.operations.test_security import every_page

CLOSED_PORT = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                           "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
                           "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
JSON = {"Accept": "application/json"}


@pytest.fixture
def cache_down(settings):
    from django.core.cache import cache

    settings.CACHES = CLOSED_PORT
    with pytest.raises(Exception, match="Connection refused|Error 111"):
        cache.get("anything")  # the cache really is unreachable
    return settings


def test_every_page_answers_with_the_cache_unreachable(client, partnership, reviewer, cache_down):
    reviewer.is_administrator = reviewer.is_staff = reviewer.is_superuser = True
    reviewer.save()
    client.force_login(reviewer)
    for url in every_page(partnership, reviewer) + ["/my-work/", "/api/updates/", "/api/meetings/"]:
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)  # 403: my work is for officials


def test_the_api_with_a_token_and_its_throttling_answers_with_the_cache_unreachable(analyst, cache_down):
    _, key = ApiToken.issue(user=analyst, name="script")
    script = Client(headers={"Authorization": f"Bearer {key}", **JSON})
    for url in ("/api/commitments/", "/api/updates/", f"/api/commitments/{commitment('14.1').pk}/updates/"):
        assert script.get(url).status_code == 200, url


def test_a_status_update_is_recorded_from_the_form_and_the_api_with_the_cache_unreachable(client, eu_official, cache_down):
    target = commitment("14.1")
    client.force_login(eu_official)
    form = client.post(f"/commitments/{target.pk}/update/EU/", {
        "status": "in_progress", "note": "", "as_of": f"{timezone.localdate():%Y-%m-%d}", "marking": "OFFICIAL",
        "version": target.version,
    })
    assert form.status_code == 302
    etag = client.get(f"/api/commitments/{target.pk}/", headers=JSON)["ETag"]
    api = client.post(f"/api/commitments/{target.pk}/updates/", json.dumps({
        "side": "EU", "status": "on_track", "as_of": f"{timezone.localdate():%Y-%m-%d}",
    }), content_type="application/json", headers={"If-Match": etag, **JSON})
    assert api.status_code == 201, api.content
    assert list(StatusUpdate.objects.filter(commitment=target).order_by("created_at").values_list("status", flat=True)) == [
        "in_progress", "on_track"]
