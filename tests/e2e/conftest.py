from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct-horse-battery"

pytestmark = pytest.mark.e2e


@pytest.fixture
def sign_in(page, live_server):
    def sign_in_as(user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("User name").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, "sign-in failed"
        return page

    return sign_in_as


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Fail on any axe-core violation on the page as it stands, whatever its impact."""

    def check(page):
        results = axe.run(page)
        bad = results.response["violations"]
        assert not bad, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad)

    return check


@pytest.fixture
def screenshot(page):
    def take(name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)

    return take
