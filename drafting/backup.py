"""Back up and restore: one archive with every table and every uploaded file.

The dump is database-neutral JSON read inside one transaction (REPEATABLE
READ on PostgreSQL, a read transaction on SQLite), so it is consistent and
can be restored into either database. Files are the content-addressed
blobs of the upload store.
"""

from __future__ import annotations

import base64
import io
import json
import os
import tarfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import insert, select, text

from drafting.core.timeutil import utcnow
from drafting.extensions import db

FORMAT_VERSION = 1


def _encode(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(value, column):
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if isinstance(value, dict) and "$date" in value:
        return date.fromisoformat(value["$date"])
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    return value


def _tables():
    return db.metadata.sorted_tables


def dump_tables() -> dict[str, list[dict]]:
    """Every row of every table, read in one consistent transaction."""
    engine = db.engine
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            data = {}
            for table in _tables():
                order = [c for c in table.primary_key.columns] or list(table.columns)
                rows = conn.execute(select(table).order_by(*order)).mappings().all()
                data[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    data["__alembic_version__"] = revision
    return data


def create_backup(path: Path) -> Path:
    """Write a .tar.gz with database.json and the upload store's files."""
    tables = dump_tables()
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": utcnow().isoformat(),
        "database": db.engine.dialect.name,
    }
    with tarfile.open(tmp, "w:gz") as tar:
        for name, payload in (("manifest.json", manifest), ("database.json", tables)):
            blob = json.dumps(payload, ensure_ascii=False).encode()
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
        if upload_dir.exists():
            for file in sorted(upload_dir.rglob("*")):
                if file.is_file() and not file.name.startswith(".tmp-"):
                    tar.add(file, arcname=f"uploads/{file.relative_to(upload_dir)}")
    os.replace(tmp, path)
    return path


class RestoreError(Exception):
    pass


def restore_backup(path: Path) -> dict[str, int]:
    """Restore an archive into an empty instance (migrated, no rows)."""
    for table in _tables():
        if db.session.execute(select(table).limit(1)).first() is not None:
            raise RestoreError(
                f"the database is not empty (table {table.name} has rows); restore into a new instance"
            )
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    counts: dict[str, int] = {}
    with tarfile.open(path, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT_VERSION:
            raise RestoreError(f"unknown backup format {manifest.get('format')}")
        data = json.load(tar.extractfile("database.json"))
        current = (
            db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        )
        if sorted(current) != sorted(data.get("__alembic_version__", [])):
            raise RestoreError(
                f"the backup is of schema {data.get('__alembic_version__')}, this instance is at {current}; "
                "run `flask db upgrade` to the same revision first"
            )
        inserted: set[str] = set()
        deferred: list[tuple] = []  # (table, pk column, fk column, [(pk, value)])
        for table in _tables():
            rows = data.get(table.name, [])
            columns = {c.name: c for c in table.columns}
            # A foreign key into a table not restored yet (a cycle such as a
            # document's head revision) is filled in once both exist.
            late = [
                fk.parent.name
                for fk in table.foreign_keys
                if fk.column.table.name not in inserted and fk.column.table.name != table.name
            ]
            if rows:
                decoded = [
                    {k: _decode(v, columns[k]) for k, v in row.items() if k in columns}
                    for row in rows
                ]
                pk = list(table.primary_key.columns)[0].name
                for name in late:
                    values = [(row[pk], row[name]) for row in decoded if row.get(name) is not None]
                    if values:
                        deferred.append((table, pk, name, values))
                    for row in decoded:
                        row[name] = None
                db.session.execute(insert(table), decoded)
            inserted.add(table.name)
            counts[table.name] = len(rows)
        for table, pk, name, values in deferred:
            for key, value in values:
                db.session.execute(table.update().where(table.c[pk] == key).values({name: value}))
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("uploads/"):
                continue
            relative = Path(member.name).relative_to("uploads")
            if ".." in relative.parts or relative.is_absolute():
                raise RestoreError(f"unsafe path in archive: {member.name}")
            target = upload_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                dst.write(src.read())
    _reset_sequences()
    return counts


def _reset_sequences() -> None:
    """PostgreSQL: move each id sequence past the restored rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement and pk[0].type.python_type is int:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk[0].name}'), "
                    f'COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1, false)'
                )
            )


backup = AppGroup("backup", help="Back up and restore the database and uploaded files.")


@backup.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_create(path: str) -> None:
    """Write one archive with a consistent database dump and the uploads."""
    out = create_backup(Path(path))
    click.echo(f"Backup written to {out} ({out.stat().st_size} bytes).")


@backup.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def backup_restore(path: str) -> None:
    """Restore an archive into an empty, migrated instance."""
    try:
        counts = restore_backup(Path(path))
    except RestoreError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Restored {sum(counts.values())} rows in {len(counts)} tables.")
