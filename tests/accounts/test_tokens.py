from sqlalchemy import select

from drafting.accounts.models import ApiToken
from drafting.accounts.services import create_api_token


def test_create_use_and_revoke_token(client, db, login_as, app):
    user = login_as("member")
    r = client.post("/account/tokens", data={"name": "script"})
    assert r.status_code == 201
    page = r.get_data(as_text=True)
    token = page.split('id="new-secret">')[1].split("<")[0].strip()
    assert token.startswith("dft_")
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    # The list never shows the secret again.
    assert token not in client.get("/account/tokens").get_data(as_text=True)
    api = app.test_client()
    r = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json["email"] == user.email
    assert client.post(f"/account/tokens/{stored.id}/revoke").status_code == 302
    r = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.json["error"] == "unauthorized"


def test_cannot_revoke_someone_elses_token(client, db, login_as, make_user):
    other = make_user()
    token, _ = create_api_token(other, "theirs")
    login_as("member")
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_bad_bearer_token(client, db):
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer dft_nonsense"})
    assert r.status_code == 401
    assert set(r.json) >= {"error", "message"}
