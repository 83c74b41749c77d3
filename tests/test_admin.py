"""The admin is usable for every model: each list and each object page opens for an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_model_in_the_admin_lists_and_opens(client, administrator, partnership, eu_official):
    from commitments.models import Commitment
    from commitments.services import commitment_update_status

    commitment = Commitment.objects.get(ref="14.1")
    commitment_update_status(commitment=commitment, party_code="EU", status="on_track", note="", as_of=partnership.adopted_on,
                             by=eu_official, expected_version=commitment.version)
    client.force_login(administrator)
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        listing = client.get(reverse("admin:%s_%s_changelist" % info))
        assert listing.status_code == 200, info
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(reverse("admin:%s_%s_change" % info, args=[obj.pk])).status_code == 200, info
        if model_admin.has_add_permission(listing.wsgi_request):
            assert client.get(reverse("admin:%s_%s_add" % info)).status_code == 200, info
