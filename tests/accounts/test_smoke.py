def test_home_page(client):
    r = client.get("/")
    assert r.status_code == 200


def test_login_as_member(client, login_as):
    user = login_as("member")
    r = client.get("/account")
    assert r.status_code == 200
    assert user.email in r.get_data(as_text=True)
