"""代替, 一致性程度 and known patents: the settings page, the API, the export meta."""

from drafting.documents.queries import document_meta
from drafting.export.assemble import build_html
from drafting.standardtext.foreword import PATENT_SENTENCE


def _settings_form(doc, **changes):
    data = {
        "number": doc.number,
        "title_zh": doc.title_zh,
        "title_en": doc.title_en,
        "ics": doc.ics,
        "ccs": doc.ccs,
        "issuing_body": doc.issuing_body,
    }
    data.update(changes)
    return data


def test_settings_page_saves_replaces_adoption_and_patents(client, login_as, world, doc, db):
    login_as(world.secretariat)
    page = client.get(f"/documents/{doc.id}/settings")
    assert page.status_code == 200 and 'name="replaces"' in page.text
    assert 'name="adoption"' in page.text and 'name="known_patents"' in page.text
    r = client.post(
        f"/documents/{doc.id}/settings",
        data=_settings_form(
            doc, replaces="T/CESA 1100-2020", adoption="ISO 12345:2020, MOD", known_patents="y"
        ),
    )
    assert r.status_code == 302
    db.session.refresh(doc)
    assert (doc.replaces, doc.adoption, doc.known_patents) == (
        "T/CESA 1100-2020",
        "ISO 12345:2020, MOD",
        True,
    )
    meta = document_meta(doc)
    assert meta.replaces == "T/CESA 1100—2020" and meta.known_patents
    html = build_html(meta, doc.head_revision.text)
    assert '<p class="cover-replaces">代替 T/CESA 1100—2020</p>' in html
    assert '<p class="cover-adoption">（ISO 12345:2020，MOD）</p>' in html
    assert "本文件代替T/CESA 1100—2020。" in html and "本文件修改采用ISO 12345:2020。" in html
    assert PATENT_SENTENCE not in html


def test_settings_page_refuses_malformed_values(client, login_as, world, doc, db):
    login_as(world.secretariat)
    r = client.post(
        f"/documents/{doc.id}/settings",
        data=_settings_form(doc, replaces="an old one", adoption="ISO 1"),
    )
    assert r.status_code == 422
    assert "T/CESA 1100—2020" in r.text and "IDT" in r.text
    db.session.refresh(doc)
    assert doc.replaces == "" and doc.adoption == ""


def test_api_patch_changes_the_settings(client, login_as, world, doc, db):
    login_as(world.secretariat)
    url = f"/api/v1/documents/{doc.id}"
    r = client.patch(
        url, json={"replaces": "T/CESA 1100—2020、T/CESA 1101—2021", "known_patents": True}
    )
    assert r.status_code == 200, r.json
    assert r.json["replaces"] == "T/CESA 1100—2020、T/CESA 1101—2021" and r.json["known_patents"]
    assert client.get(url).json["adoption"] == ""
    r = client.patch(url, json={"adoption": "ISO 9:1995, NEQ"})
    assert r.status_code == 200 and r.json["adoption"] == "ISO 9:1995, NEQ"
    db.session.refresh(doc)
    assert doc.adoption == "ISO 9:1995, NEQ" and doc.known_patents


def test_api_patch_refuses_what_the_form_refuses(client, login_as, world, doc):
    login_as(world.secretariat)
    url = f"/api/v1/documents/{doc.id}"
    r = client.patch(url, json={"adoption": "ISO 9"})
    assert r.status_code == 422 and r.json["error"] == "invalid_adoption"
    r = client.patch(url, json={"known_patents": "yes", "stage": "published", "ics": "x" * 41})
    assert r.status_code == 422
    assert set(r.json["fields"]) == {"known_patents", "stage", "ics"}
    assert client.patch(url, data="{", content_type="application/json").status_code == 400
    login_as(world.participant)
    assert client.patch(url, json={"replaces": ""}).status_code == 403
