"""manage.py backup / restore (issue 18, item 6): a backup taken while the site runs, restored
into an emptied database and media folder, gives back every report and every evidence file,
on SQLite (the online backup API) and on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import shutil

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from tests.samples import PDF, pages_world, submit_co
from tracker.models import Evidence, ProgressReport
from tracker.services.evidence import evidence_attach
from tracker.services.reports import ReportInput, report_save


def _world(units, reporter, outsider, settings, media):
    world = pages_world(units, settings, media)
    submit_co(world, outsider, problems="资金未到位")
    draft = report_save(
        responsibility=world["lead"],
        period=world["q2"],
        actor=reporter,
        report_input=ReportInput(values={}, narrative="草稿"),
        expected_version=None,
        submit=False,
    )
    evidence_attach(report=draft, actor=reporter, filename="佐证.pdf", data=PDF)
    evidence_attach(report=draft, actor=reporter, filename="照片.pdf", data=PDF + b"%2")


def _round_trip(units, reporter, outsider, settings, tmp_path):
    media = tmp_path / "media"
    _world(units, reporter, outsider, settings, media)
    reports = sorted(ProgressReport.objects.values_list("pk", "status", "narrative"))
    files = {e.pk: (e.file.name, e.file.read()) for e in Evidence.objects.all()}
    assert len(reports) == 2 and len(files) == 2
    archive = tmp_path / "backup" / "tracker.tar.gz"
    call_command("backup", str(archive))

    call_command("flush", interactive=False)
    shutil.rmtree(media)
    assert not ProgressReport.objects.exists() and not media.exists()

    # What the cache keeps was counted from the database the restore replaces: dropped.
    caches["figures"].set("before-the-restore", "kept")
    call_command("restore", str(archive))
    assert caches["figures"].get("before-the-restore") is None
    assert sorted(ProgressReport.objects.values_list("pk", "status", "narrative")) == reports
    restored = {e.pk: (e.file.name, e.file.read()) for e in Evidence.objects.all()}
    assert restored == files


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_on_sqlite(units, reporter, outsider, settings, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL pass runs the PostgreSQL test")
    _round_trip(units, reporter, outsider, settings, tmp_path)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_on_postgresql(units, reporter, outsider, settings, tmp_path):
    _round_trip(units, reporter, outsider, settings, tmp_path)


def test_a_backup_of_one_engine_is_not_restored_into_another(tmp_path, db):
    import json
    import tarfile

    from django.core.management.base import CommandError

    manifest = tmp_path / "manifest.json"
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest.write_text(json.dumps({"engine": other}))
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(manifest, arcname="manifest.json")
    with pytest.raises(CommandError, match="不能直接恢复"):
        call_command("restore", str(archive))
