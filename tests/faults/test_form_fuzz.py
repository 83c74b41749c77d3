"""Every form of the app, posted with hostile values in every field: NUL bytes, a megabyte of text, bytes that are not
UTF-8, the year 9999, right-to-left overrides, `javascript:` links. No server error, ever; and when the form refuses,
it says why on the page, beside the field or at the top of the form."""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from agreement.models import Organisation
from commitments.models import Commitment
from dialogues import services
from dialogues.models import DialogueSeries
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
HOSTILE = {
    "NUL": "a\x00b",
    "a megabyte": "x" * 1_000_000,
    "not UTF-8": b"\xff\xfe\xfa".decode("latin-1"),
    "year 9999": "9999-12-31",
    "RTL override": "\u202egnp.exe",
    "javascript link": "javascript:alert(1)",
}


class _Forms(HTMLParser):
    """The POST forms of a page: their action and their fields with the values the page gives them, as a browser
    would send them untouched (the selected option, a textarea's text, only checked boxes)."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._open = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif self._current is None:
            return
        fields, name = self._current["fields"], attrs.get("name")
        if tag == "input" and name and (attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs):
            fields[name] = attrs.get("value", "")
        elif tag == "input" and name:
            fields.setdefault(name, "")
        elif tag in {"textarea", "select"} and name:
            fields[name], self._open = "", (tag, name, True)
        elif tag == "option" and self._open:
            select, field, first = self._open
            if first or "selected" in attrs:
                fields[field] = attrs.get("value", "")
            self._open = (select, field, False)

    def handle_data(self, data):
        if self._open and self._open[0] == "textarea":
            self._current["fields"][self._open[1]] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag in {"textarea", "select"}:
            self._open = None


class _Invalid(HTMLParser):
    """The names of the fields a page marks invalid (Django sets aria-invalid on a field with errors)."""

    def __init__(self, html: str):
        super().__init__()
        self.names = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("aria-invalid") == "true" and attrs.get("name"):
            self.names.add(attrs["name"])


def forms_of(client, url):
    parser = _Forms()
    parser.feed(client.get(url).content.decode())
    return [(urljoin(url, form["action"] or url), form["fields"]) for form in parser.forms]


@pytest.fixture
def pages(partnership, reviewer):
    commitment = Commitment.objects.get(ref="14.1")
    sdd = DialogueSeries.objects.get(slug="security-and-defence-dialogue")
    planned = services.meeting_create(series=sdd, date=timezone.localdate().replace(year=timezone.localdate().year + 1),
                                      place="London", by=reviewer)
    held = services.meeting_create(series=sdd, date=timezone.localdate().replace(year=timezone.localdate().year - 1),
                                   place="Brussels", status="held", by=reviewer)
    services.action_add(meeting=held, title="Propose dates", owner=Organisation.objects.get(slug="fcdo"),
                        due_on=held.date, by=reviewer)
    return {
        "official": [f"/commitments/{commitment.pk}/update/EU/", "/returns/", "/accounts/tokens/", "/accounts/password/",
                     "/dialogues/notifications/", "/dialogues/calendar/"],
        "reviewer": [f"/dialogues/meetings/{planned.pk}/", f"/dialogues/meetings/{held.pk}/",
                     f"/dialogues/meetings/{planned.pk}/edit/", f"/dialogues/series/{sdd.pk}/meetings/new/",
                     f"/dialogues/meetings/{planned.pk}/assess/{commitment.pk}/"],
    }


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_every_form_answers_hostile_values_in_every_field_without_a_server_error(client, pages, reviewer, kind):
    official = make_user("fuzz-official", organisation="eeas", is_official=True)
    get_user_model().objects.filter(pk=reviewer.pk).update(is_reviewer=True)
    posted, refused = 0, []
    for who, urls in (("official", pages["official"]), ("reviewer", pages["reviewer"])):
        client.force_login(official if who == "official" else reviewer)
        for url in urls:
            for action, fields in forms_of(client, url):
                if "logout" in action:
                    continue
                untouched = _Invalid(client.post(action, fields).content.decode()).names
                for name in fields:
                    if name == "csrfmiddlewaretoken":
                        continue
                    response = client.post(action, {**fields, name: HOSTILE[kind]})
                    posted += 1
                    assert response.status_code < 500, (who, action, name, response.status_code)
                    if response.status_code in (200, 400) and "html" in response.get("Content-Type", ""):
                        refused.append((action, name, response.content.decode(), untouched))
    assert posted > 40
    # A form shown again says why, next to the field or at the top of the form.
    # (A page that answers a success with 200, as the API tokens page shows the new key, says so instead.)
    unexplained = [(action, name) for action, name, html, _ in refused if "message-success" not in html
                   and not any(mark in html for mark in ('class="field-error"', 'class="error-summary"', 'role="alert"'))]
    assert unexplained == []
    # An error on a field is on the field given the hostile value, not on another: beyond those the form refuses
    # untouched (a password to be typed), only an evidence title's address, which a title needs.
    elsewhere = [(action, name, _Invalid(html).names) for action, name, html, untouched in refused
                 if not _Invalid(html).names <= {name, name.replace("evidence_title", "evidence_url")} | untouched]
    assert elsewhere == [], "\n".join(map(str, elsewhere))
