from tests.calls.factories import make_call


def test_home_lists_open_calls_only(client, db):
    make_call(title="正在征集的通知")
    make_call(title="尚未开始的通知", opens_in_days=3, closes_in_days=10)
    make_call(title="已经截止的通知", opens_in_days=-20, closes_in_days=-1)
    make_call(title="草稿中的通知", state="draft")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "正在征集的通知" in page
    for title in ("尚未开始的通知", "已经截止的通知", "草稿中的通知"):
        assert title not in page


def test_home_without_open_calls_says_so(client, db):
    page = client.get("/").get_data(as_text=True)
    assert "No call is open at the moment." in page
