"""A stored file whose bytes are gone (a restore without files, a disk mishap) answers
404 with a message for the reader and a log line for the operator, never a 500."""

from urllib.parse import quote

from drafting.storage import blob_path
from tests.documents.factories import add_image, make_world


def test_a_missing_stored_file_is_a_404_not_a_500(client, db, login_as, caplog):
    w = make_world()
    image = add_image(w.document, w.secretariat, data=b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    db.session.commit()
    login_as(w.secretariat)
    url = f"/documents/{w.document.id}/attachments/{quote(image.name)}"
    assert client.get(url).status_code == 200
    blob_path(image.sha256).unlink()
    r = client.get(url, headers={"Accept-Language": "zh"})
    assert r.status_code == 404
    page = r.get_data(as_text=True)
    assert "文件库中缺少此文件" in page or "missing from the file store" in page, page[-1500:]
    assert any(image.sha256 in rec.getMessage() for rec in caplog.records)
