"""The read-only JSON API: paragraphs and commitments, with session authentication."""

from commitments.models import Commitment


def test_the_api_refuses_an_anonymous_caller_with_401(client, partnership):
    for url in ["/api/paragraphs/", "/api/commitments/"]:
        response = client.get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.json() == {
            "status": 401, "code": "not_authenticated", "detail": "Authentication credentials were not provided.", "errors": {},
        }


def test_paragraphs_lists_every_paragraph_with_text_subparagraphs_and_footnotes(client, analyst, partnership):
    client.force_login(analyst)
    body = client.get("/api/paragraphs/").json()
    assert body["count"] == 62
    paragraphs = {p["number"]: p for p in body["results"]}
    assert sorted(paragraphs) == list(range(1, 63))
    assert set(paragraphs[14]) >= {"number", "part", "area", "text", "subparagraphs", "footnotes"}
    assert paragraphs[14]["part"] == "Areas of Cooperation"
    assert paragraphs[14]["area"] == "Exchanges on regional security issues"
    assert paragraphs[1]["area"] is None and paragraphs[1]["part"] == "Preamble"
    assert [s["label"] for s in paragraphs[12]["subparagraphs"]] == list("abcdef")
    assert paragraphs[12]["subparagraphs"][0]["text"].startswith("Six-monthly")
    assert paragraphs[3]["footnotes"][0]["marker"] == "1"
    assert paragraphs[3]["footnotes"][0]["text"].startswith("The territorial scope")
    assert paragraphs[62]["text"] == "The content of the Security and Defence Partnership is to be reviewed as appropriate."


def test_commitments_list_with_paragraph_strength_cadence_status_and_owners(client, analyst, partnership):
    client.force_login(analyst)
    body = client.get("/api/commitments/").json()
    assert body["count"] == Commitment.objects.count()
    commitment = next(c for c in body["results"] if c["ref"] == "19.1")
    assert commitment["paragraph"] == 19
    assert commitment["strength"] == "firm"
    assert commitment["status"] == "not_assessed"
    assert {"organisation": "eeas-crc", "name": "EEAS CRC", "side": "EU", "role": "lead"} in commitment["owners"]
    assert {"organisation": "fcdo-cmd", "name": "FCDO CMD", "side": "UK", "role": "lead"} in commitment["owners"]
    assert [s["side"] for s in commitment["sides"]] == ["EU", "UK"]


def test_commitments_filter_like_the_list_page(client, analyst, partnership):
    client.force_login(analyst)
    body = client.get("/api/commitments/?cadence=six_monthly").json()
    assert [c["ref"] for c in body["results"]] == ["12a", "12f"]  # 12(f)'s "biannual", read as twice a year
    body = client.get("/api/commitments/?owner=eda").json()
    assert body["count"] == Commitment.objects.filter(sides__owners__organisation__slug="eda").count() > 0


def test_a_bad_filter_value_is_a_400_that_names_the_field(client, analyst, partnership):
    client.force_login(analyst)
    response = client.get("/api/commitments/?strength=maybe")
    assert response.status_code == 400
    assert response.json()["errors"]["strength"] == ["Select a valid choice. maybe is not one of the available choices."]
