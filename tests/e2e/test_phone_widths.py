"""At 390×844, a phone held upright, no page in the navigation (nor those each role works in most) scrolls sideways
or has an axe-core violation, for any role: the body fits the screen and a wide table scrolls inside its own box.
Run on the demo data, whose tables and names are as long as real ones."""

import os

import pytest
from django.core.management import call_command

from accounts.models import User
from commitments.models import Commitment
from dialogues.models import Meeting
from tests.conftest import fictional_partnership

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}

# The elements that stick out past the screen's right edge, outside any box that scrolls on its own.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  const wide = el => el.getBoundingClientRect().right > width + 1 && !scrolls(el);
  const out = [...document.body.querySelectorAll('*')].filter(el => wide(el) && ![...el.children].some(wide));
  return {scrollWidth: document.documentElement.scrollWidth, width,
          culprits: out.slice(0, 4).map(el => el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '')
            + ' ' + Math.round(el.getBoundingClientRect().right))};
}"""


def further_pages(username: str) -> list[str]:
    """Beyond the menu, the pages each role works in most."""
    target = Commitment.objects.get(ref="14.1")
    meeting = (Meeting.objects.filter(status="held", series__partnership__slug="eu-uk-sdp-2025")
               .order_by("-date").first())
    return {
        "eu.official": [f"/commitments/{target.pk}/", f"/commitments/{target.pk}/update/EU/", "/dialogues/notifications/",
                        "/partnerships/eu-uk-sdp-2025/"],
        "reviewer": [f"/dialogues/meetings/{meeting.pk}/", f"/dialogues/meetings/{meeting.pk}/pack/"],
    }.get(username, [])


@pytest.fixture
def demo(partnership):
    call_command("seed", "--demo", stdout=open(os.devnull, "w"))
    fictional_partnership()  # a second partnership: the header's switcher is walked too
    for user in User.objects.all():
        user.set_password("correct-horse-battery")
        user.save(update_fields=["password"])


def menu_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(".site-header a[href]", "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if h.startswith("/")))


def test_no_page_in_the_navigation_scrolls_sideways_on_a_phone_or_fails_axe_for_any_role(
        demo, page, live_server, sign_in, axe):
    page.set_viewport_size(PHONE)
    wide, violations = {}, {}
    for username in ("eu.official", "analyst", "reviewer", "admin"):
        page.context.clear_cookies()
        sign_in(User.objects.get(username=username))
        for href in menu_links(page) + further_pages(username):
            page.goto(live_server.url + href)
            found = page.evaluate(OVERFLOW)
            if found["scrollWidth"] > found["width"]:
                wide[f"{username} {href}"] = found
            if found := [f"{v['id']} {[n['target'] for n in v['nodes']][:2]}" for v in axe.run(page).response["violations"]]:
                violations[f"{username} {href}"] = found
    assert wide == {}, "\n".join(f"{where}: {found}" for where, found in wide.items())
    assert violations == {}, "\n".join(f"{where}: {found}" for where, found in violations.items())
