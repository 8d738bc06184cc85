"""Back up one instance and restore into an empty one; every table and file matches."""

import io
import json
import tarfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from drafting import create_app
from drafting.accounts.models import Role
from drafting.accounts.services import create_user
from drafting.backup import RestoreError, dump_tables, restore_backup
from drafting.extensions import db
from drafting.storage import read_blob, store_blob
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
            digest = store_blob("资质证书 evidence".encode())
            before = dump_tables()
        archive = tmp_path / "backup.tar.gz"
        result = runner.invoke(args=["backup", "create", str(archive)])
        assert result.exit_code == 0, result.output
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        with target.app_context():
            after = dump_tables()
            assert read_blob(digest) == "资质证书 evidence".encode()
        assert sum(len(rows) for name, rows in before.items() if not name.startswith("__")) > 10
        assert before == after
        # Restoring twice is refused: the target is no longer empty.
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code != 0 and "not empty" in result.output
        # New rows after a restore get fresh ids (sequences moved on).
        with target.app_context():
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
                db.engine.dispose()
        databases.drop_database(source_url)
        databases.drop_database(target_url)


def test_restore_refuses_archive_with_escaping_path(tmp_path):
    target, url = _instance(tmp_path, "evil")
    try:
        archive = tmp_path / "evil.tar.gz"
        with target.app_context():
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
            restore_backup(archive)
        assert not (tmp_path / "escaped.txt").exists()
    finally:
        with target.app_context():
            db.engine.dispose()
        databases.drop_database(url)
