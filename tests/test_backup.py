"""A backup restores into an empty database and media store with every record and every file."""

import sqlite3
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from yuncheng.backup import backup_create, backup_restore

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the engine the tests run on."""
    db = {**connection.settings_dict}
    if connection.vendor != "postgresql":
        yield {"ENGINE": db["ENGINE"], "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg2

    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(dbname="postgres", user=db["USER"] or None, password=db["PASSWORD"] or None,
                             host=db["HOST"] or None, port=db["PORT"] or None)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    yield {**db, "NAME": name}
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def test_backup_restores_every_record_and_file_into_an_empty_database(users, media, empty_database, tmp_path):
    (media / "rectification" / "evidence" / "1").mkdir(parents=True)
    (media / "rectification" / "evidence" / "1" / "整改报告.pdf").write_bytes(PDF)
    (media / "exports").mkdir()
    (media / "exports" / "监测对象明细表.xlsx").write_bytes(b"PK\x03\x04 export")

    manifest = backup_create(target=tmp_path / "backup")
    assert manifest["tables"]["auth_user"] == 11
    assert sorted(manifest["files"]) == ["exports/监测对象明细表.xlsx", "rectification/evidence/1/整改报告.pdf"]

    restored_media = tmp_path / "restored-media"
    problems = backup_restore(source=tmp_path / "backup", db=empty_database, media_root=restored_media)

    assert problems == []
    assert (restored_media / "rectification" / "evidence" / "1" / "整改报告.pdf").read_bytes() == PDF
    if connection.vendor != "postgresql":
        restored = sqlite3.connect(empty_database["NAME"])
        usernames = {row[0] for row in restored.execute("SELECT username FROM auth_user")}
        restored.close()
        assert {"city_admin", "jia1_officer", "unit_user"} <= usernames


def test_restore_reports_a_missing_file(users, media, empty_database, tmp_path):
    (media / "a.pdf").write_bytes(PDF)
    backup_create(target=tmp_path / "backup")
    import tarfile

    with tarfile.open(tmp_path / "backup" / "media.tar.gz", "w:gz"):
        pass  # the media archive lost on the way
    problems = backup_restore(source=tmp_path / "backup", db=empty_database, media_root=tmp_path / "m2")
    assert problems == ["文件 a.pdf：缺失"]
