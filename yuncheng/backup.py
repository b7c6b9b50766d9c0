"""Backup and restore of the whole platform: the database and the media store (evidence, exports,
uploaded imports), with a manifest that a restore is checked against.

A backup is a directory:
    db.dump        PostgreSQL: ``pg_dump --format=custom`` (restored with ``pg_restore``)
    db.sqlite3     SQLite: a consistent copy through SQLite's online backup API (the site keeps running)
    media.tar.gz   MEDIA_ROOT
    manifest.json  row count of every table, SHA-256 of every media file

``manage.py backup DIR`` writes one; ``manage.py restore DIR`` loads it into the configured (empty)
database and MEDIA_ROOT and then verifies every table's count and every file's checksum.
"""

import datetime
import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections

MANIFEST, SQLITE_FILE, PG_FILE, MEDIA_FILE = "manifest.json", "db.sqlite3", "db.dump", "media.tar.gz"


# --- the two engines -----------------------------------------------------------------------------


def _is_postgres(db: dict) -> bool:
    return "postgresql" in db["ENGINE"]


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def _db_connect(db: dict):
    """A DB-API connection to the database ``db`` (a DATABASES entry), outside Django's pool."""
    if _is_postgres(db):
        import psycopg2

        return psycopg2.connect(dbname=db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
                                host=db.get("HOST") or None, port=db.get("PORT") or None)
    return sqlite3.connect(str(db["NAME"]))


def _table_counts(raw, postgres: bool) -> dict[str, int]:
    cursor = raw.cursor()
    if postgres:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*' ORDER BY name")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


# --- media ---------------------------------------------------------------------------------------


def _media_checksums(root: Path) -> dict[str, str]:
    sums = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            sums[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


# --- backup --------------------------------------------------------------------------------------


def backup_create(*, target: Path, using: str = "default") -> dict:
    """Write a backup of the database ``using`` and of MEDIA_ROOT into the new directory ``target``."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=False)
    connection = connections[using]
    db = connection.settings_dict
    connection.ensure_connection()
    if _is_postgres(db):
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target / PG_FILE),
                        *_pg_args(db), db["NAME"]], check=True, env=_pg_env(db))
        counts = _table_counts(connection.connection, postgres=True)
    else:
        # The online backup API copies a consistent state while other connections keep writing.
        copy = sqlite3.connect(str(target / SQLITE_FILE))
        with copy:
            connection.connection.backup(copy)
        counts = _table_counts(copy, postgres=False)
        copy.close()
    media_root = Path(settings.MEDIA_ROOT)
    files = _media_checksums(media_root)
    with tarfile.open(target / MEDIA_FILE, "w:gz") as archive:
        for name in files:
            archive.add(media_root / name, arcname=name)
    manifest = {
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "engine": "postgresql" if _is_postgres(db) else "sqlite",
        "tables": counts,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


# --- restore -------------------------------------------------------------------------------------


def backup_restore(*, source: Path, db: dict, media_root: Path) -> list[str]:
    """Load the backup ``source`` into the empty database ``db`` and the directory ``media_root``;
    answers the differences from the manifest (empty when every record and file came back)."""
    source, media_root = Path(source), Path(media_root)
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    if manifest["engine"] == "postgresql":
        if not _is_postgres(db):
            raise ValueError("PostgreSQL 备份只能恢复到 PostgreSQL 数据库")
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", db["NAME"], *_pg_args(db),
                        str(source / PG_FILE)], check=True, env=_pg_env(db))
    else:
        if _is_postgres(db):
            raise ValueError("SQLite 备份只能恢复到 SQLite 数据库")
        target = Path(db["NAME"])
        if target.exists() and target.stat().st_size:
            raise ValueError(f"目标数据库 {target} 不是空的：请恢复到新的空数据库")
        backup = sqlite3.connect(str(source / SQLITE_FILE))
        restored = sqlite3.connect(str(target))
        with restored:
            backup.backup(restored)
        backup.close()
        restored.close()
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_FILE, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    return backup_verify(manifest=manifest, db=db, media_root=media_root)


def backup_verify(*, manifest: dict, db: dict, media_root: Path) -> list[str]:
    problems = []
    raw = _db_connect(db)
    try:
        counts = _table_counts(raw, postgres=_is_postgres(db))
    finally:
        raw.close()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"表 {table}：备份 {expected} 行，恢复后 {counts.get(table, '缺失')}")
    restored_files = _media_checksums(Path(media_root))
    for name, digest in manifest["files"].items():
        if restored_files.get(name) != digest:
            problems.append(f"文件 {name}：{'缺失' if name not in restored_files else '内容不一致'}")
    return problems
