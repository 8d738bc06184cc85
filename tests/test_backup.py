"""Back up one instance and restore into an empty one; every table and file matches."""

from pathlib import Path

import pytest
from flask_migrate import upgrade

from drafting import create_app
from drafting.backup import RestoreError, dump_tables
from tests.support import databases


def _instance(tmp_path: Path, name: str):
    url = databases.fresh_database_url(tmp_path, f"backup_{name}")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "x",
            "UPLOAD_DIR": str(tmp_path / name / "uploads"),
            "SERVER_NAME": "drafting.test",
        }
    )
    with app.app_context():
        upgrade(revision="heads")
    return app, url


def test_backup_restore_round_trip(tmp_path):
    source, source_url = _instance(tmp_path, "source")
    target, target_url = _instance(tmp_path, "target")
    try:
        runner = source.test_cli_runner()
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        with source.app_context():
            from drafting.storage import store_blob

            digest = store_blob("资质证书 evidence".encode())
            before = dump_tables()
        archive = tmp_path / "backup.tar.gz"
        result = runner.invoke(args=["backup", "create", str(archive)])
        assert result.exit_code == 0, result.output
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        with target.app_context():
            after = dump_tables()
            from drafting.storage import read_blob

            assert read_blob(digest) == "资质证书 evidence".encode()
        assert sum(len(rows) for name, rows in before.items() if not name.startswith("__")) > 10
        assert before == after
        # Restoring twice is refused: the target is no longer empty.
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code != 0 and "not empty" in result.output
        # New rows after a restore get fresh ids (sequences moved on).
        with target.app_context():
            from drafting.accounts.models import Role
            from drafting.accounts.services import create_user
            from drafting.extensions import db

            user = create_user(
                email="new@example.com",
                name="新用户",
                password="a long password here",
                role=Role.SECRETARIAT,
            )
            db.session.commit()
            assert user.id > max(row["id"] for row in before["user"])
    finally:
        for app in (source, target):
            with app.app_context():
                from drafting.extensions import db

                db.engine.dispose()
        databases.drop_database(source_url)
        databases.drop_database(target_url)


def test_restore_refuses_archive_with_escaping_path(tmp_path):
    import io
    import json
    import tarfile

    target, url = _instance(tmp_path, "evil")
    try:
        archive = tmp_path / "evil.tar.gz"
        with target.app_context():
            from sqlalchemy import text

            from drafting.extensions import db

            version = (
                db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            )
        with tarfile.open(archive, "w:gz") as tar:
            for name, payload in (
                ("manifest.json", {"format": 1}),
                ("database.json", {"__alembic_version__": version}),
            ):
                blob = json.dumps(payload).encode()
                info = tarfile.TarInfo(name)
                info.size = len(blob)
                tar.addfile(info, io.BytesIO(blob))
            info = tarfile.TarInfo("uploads/../../escaped.txt")
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
        with target.app_context(), pytest.raises(RestoreError):
            from drafting.backup import restore_backup

            restore_backup(archive)
        assert not (tmp_path / "escaped.txt").exists()
    finally:
        with target.app_context():
            from drafting.extensions import db

            db.engine.dispose()
        databases.drop_database(url)
