"""Every onboarding form, posted by an administrator with the hostile values of tests/faults/test_form_fuzz.py in
each field (NUL bytes, a megabyte of text, the year 9999 …): no server error, and a form shown again says why, on
the field given the value."""

import pytest

from tests.faults.test_form_fuzz import HOSTILE, _Invalid, forms_of
from tests.onboarding.flow import imported, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_every_onboarding_form_answers_hostile_values_without_a_server_error(client, administrator, kind):
    reading, reviewing = upload(administrator), imported(administrator)
    target = reviewing.proposals.get(ref="4b")
    client.force_login(administrator)
    pages = ["/onboarding/", f"/onboarding/{reading.pk}/", f"/onboarding/{reading.pk}/lines/?around=40",
             f"/onboarding/{reviewing.pk}/proposals/", f"/onboarding/{reviewing.pk}/proposals/{target.pk}/",
             f"/onboarding/{reviewing.pk}/proposals/{target.pk}/split/"]
    posted, unexplained, elsewhere = 0, [], []
    for url in pages:
        for action, fields in forms_of(client, url):
            if "logout" in action:
                continue
            untouched = _Invalid(client.post(action, fields).content.decode()).names
            for name in fields:
                if name == "csrfmiddlewaretoken":
                    continue
                response = client.post(action, {**fields, name: HOSTILE[kind]})
                posted += 1
                assert response.status_code < 500, (action, name, response.status_code)
                html = response.content.decode()
                if response.status_code == 400:
                    if not any(mark in html for mark in ('class="field-error"', 'class="error-summary"')):
                        unexplained.append((action, name))
                    if not _Invalid(html).names <= {name} | untouched:
                        elsewhere.append((action, name, _Invalid(html).names))
    assert posted > 30
    assert (unexplained, elsewhere) == ([], [])
