"""The quarter in one sheet: download a unit's period as .xlsx, fill it, upload, preview with
row-level errors, save or submit together; a refused row saves nothing unless the person
chooses to save the valid tasks only; supervisors download any unit's or every unit's sheet."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.samples import pages_world, queue_world
from tracker.models import AuditEvent, ExportJob, ProgressReport
from tracker.quarter_sheets import COLUMNS, SHEET
from tracker.services.export_jobs import export_request, export_run

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table(data: bytes) -> list[dict[str, str]]:
    """The sheet's rows by column, from the header on."""
    ws = load_workbook(io.BytesIO(data))[SHEET]
    rows = [[c if c is not None else "" for c in row] for row in ws.iter_rows(values_only=True)]
    header = rows[1]
    return [dict(zip(header, row, strict=False)) for row in rows[2:]]


def fill(data: bytes, changes: dict[int, dict[str, str]]) -> bytes:
    """The workbook with cells changed: sheet row index (0 = first data row) → column → text."""
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook[SHEET]
    for index, cells in changes.items():
        for column, value in cells.items():
            ws.cell(row=index + 3, column=COLUMNS.index(column) + 1, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, period, data: bytes, submit: bool = False):
    return client.post(
        reverse("quarter-sheet-upload", args=[period.pk]),
        {"file": SimpleUploadedFile("填报表.xlsx", data, XLSX), "submit": "1" if submit else "0"},
    )


def download(client, period, **params) -> bytes:
    response = client.get(reverse("quarter-sheet-download", args=[period.pk]), params)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def ten(units, supervisor):
    """Twenty tasks, ten led by 发改委 and ten by 财政局, nothing reported yet."""
    world = queue_world(units, tasks=20)
    ProgressReport.objects.all().delete()
    AuditEvent.objects.all().delete()
    return world


def test_the_unit_downloads_its_own_rows_only(client, ten):
    client.force_login(ten["people"]["fgw"])
    rows = table(download(client, ten["q2"]))
    assert len(rows) == 10
    assert {row["单位"] for row in rows} == {"云江市发展和改革委员会"}
    assert rows[0]["年度目标"] == "增长6.5%" and rows[0]["计量单位"] == "%"
    assert rows[0]["编号"].startswith("R") and "-T" in rows[0]["编号"]
    page = client.get(reverse("quarter-sheet", args=[ten["q2"].pk])).content.decode()
    assert "10 项任务，10 行" in page


def test_round_trip_saves_drafts_together(client, ten):
    client.force_login(ten["people"]["fgw"])
    data = download(client, ten["q2"])
    filled = fill(data, {i: {"本期累计": f"5.{i}", "进展情况": f"第{i}项进展"} for i in range(10)})
    preview = upload(client, ten["q2"], filled)
    assert preview.status_code == 200
    assert "全部行校验无误" in preview.content.decode()
    assert not ProgressReport.objects.exists()  # the preview saves nothing
    response = client.post(reverse("quarter-sheet-confirm", args=[ten["q2"].pk]))
    assert response.status_code == 302
    reports = ProgressReport.objects.order_by("responsibility__assignment__position")
    assert reports.count() == 10 and {r.status for r in reports} == {"draft"}
    assert reports[0].values.get().actual == Decimal("5.0")
    assert AuditEvent.objects.filter(action="report.save").count() == 10
    # Downloaded again, the sheet carries what was saved and the reports' versions.
    rows = table(download(client, ten["q2"]))
    assert rows[3]["本期累计"] == "5.3" and rows[3]["进展情况"] == "第3项进展"
    assert rows[3]["版本"] == "1"


def test_one_bad_row_saves_nothing_and_names_its_row(client, ten):
    client.force_login(ten["people"]["fgw"])
    data = download(client, ten["q2"])
    changes = {i: {"本期累计": "6", "进展情况": "进展"} for i in range(10)}
    changes[6]["本期累计"] = "六点五"
    preview = upload(client, ten["q2"], fill(data, changes), submit=True)
    assert preview.status_code == 400
    page = preview.content.decode()
    assert "第 9 行" in page and "不是数字" in page  # the 7th data row is the sheet's 9th
    response = client.post(reverse("quarter-sheet-confirm", args=[ten["q2"].pk]))
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()
    # Fixed and uploaded again: every report is submitted together.
    changes[6]["本期累计"] = "6.5"
    assert upload(client, ten["q2"], fill(data, changes), submit=True).status_code == 200
    client.post(reverse("quarter-sheet-confirm", args=[ten["q2"].pk]))
    assert ProgressReport.objects.filter(status="submitted").count() == 10


def test_saving_the_valid_tasks_only_is_a_choice(client, ten):
    client.force_login(ten["people"]["fgw"])
    data = download(client, ten["q2"])
    changes = {i: {"本期累计": "6"} for i in range(10)}
    changes[0]["本期累计"] = "abc"
    changes[1]["本期累计"] = ""  # not filled: left alone
    assert upload(client, ten["q2"], fill(data, changes)).status_code == 400
    client.post(reverse("quarter-sheet-confirm", args=[ten["q2"].pk]), {"only_valid": "1"})
    assert ProgressReport.objects.count() == 8


def test_submitting_asks_for_the_narrative_on_its_row(client, ten):
    client.force_login(ten["people"]["fgw"])
    data = download(client, ten["q2"])
    changes = {i: {"本期累计": "6", "进展情况": "进展"} for i in range(10)}
    changes[2] = {"本期累计": "6"}
    page = upload(client, ten["q2"], fill(data, changes), submit=True).content.decode()
    assert "第 5 行" in page and "报送前请填写进展情况" in page


def test_a_report_changed_since_the_download_is_refused(client, ten):
    from tracker.models import Responsibility
    from tracker.services.reports import ReportInput, report_save

    client.force_login(ten["people"]["fgw"])
    data = download(client, ten["q2"])
    rows = table(data)
    responsibility_id = int(rows[0]["编号"][1:].split("-")[0])
    # Saved on the page after the sheet was downloaded.
    report_save(
        responsibility=Responsibility.objects.get(pk=responsibility_id),
        period=ten["q2"],
        actor=ten["people"]["fgw"],
        report_input=ReportInput(narrative="页面上刚保存的"),
        expected_version=None,
        submit=False,
    )
    page = upload(client, ten["q2"], fill(data, {0: {"本期累计": "6"}})).content.decode()
    assert "第 3 行" in page and "下载填报表后已有修改" in page


def test_another_units_rows_are_refused(client, ten):
    client.force_login(ten["people"]["czj"])
    czj_sheet = download(client, ten["q2"])
    client.force_login(ten["people"]["fgw"])
    page = upload(client, ten["q2"], fill(czj_sheet, {0: {"本期累计": "6"}})).content.decode()
    assert "不是本单位本期需要填报的任务" in page
    client.post(reverse("quarter-sheet-confirm", args=[ten["q2"].pk]), {"only_valid": "1"})
    assert not ProgressReport.objects.exists()


def test_a_file_that_is_not_the_sheet_is_refused(client, ten):
    client.force_login(ten["people"]["fgw"])
    response = upload(client, ten["q2"], b"not a workbook", submit=False)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "无法读取该 .xlsx 文件" in page


def through_the_worker(client, period, django_capture_on_commit_callbacks, **data) -> bytes:
    """Ask for a sheet as an export job, run the job as the worker would, download the file."""
    with django_capture_on_commit_callbacks() as queued:
        asked = client.post(reverse("quarter-sheet-export", args=[period.pk]), data)
    assert asked.status_code == 302 and len(queued) == 1
    job = ExportJob.objects.get()
    assert asked["Location"] == reverse("export-job", args=[job.pk])
    assert job.params["period"] == period.pk and job.params["language"] == "zh-hans"
    assert export_run(job_id=str(job.pk)) is True
    response = client.get(reverse("export-download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return b"".join(response.streaming_content)


def test_supervisors_download_any_unit_or_every_unit_through_the_worker(
    client, supervisor, ten, units, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    page = client.get(reverse("quarter-sheet", args=[ten["q2"].pk])).content.decode()
    assert reverse("quarter-sheet-export", args=[ten["q2"].pk]) in page
    # The whole province is never built in the request: the plain download goes to the page.
    plain = client.get(reverse("quarter-sheet-download", args=[ten["q2"].pk]))
    assert plain.status_code == 302 and plain["Location"] == reverse(
        "quarter-sheet", args=[ten["q2"].pk]
    )
    every = table(through_the_worker(client, ten["q2"], django_capture_on_commit_callbacks))
    job = ExportJob.objects.get()
    assert len(every) == 20 and job.params["unit"] is None
    page = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert "季度填报表（XLSX）" in page and reverse("quarter-sheet", args=[ten["q2"].pk]) in page
    only = table(download(client, ten["q2"], unit=units["czj"].pk))
    assert len(only) == 10 and {r["单位"] for r in only} == {"云江市财政局"}
    assert upload(client, ten["q2"], b"x").status_code == 404  # supervisors do not fill


def test_a_unit_asks_the_worker_for_its_own_sheet(client, ten, django_capture_on_commit_callbacks):
    reporter = ten["people"]["fgw"]
    client.force_login(reporter)
    # Whatever unit the form names, a unit's job holds its own rows.
    rows = table(through_the_worker(client, ten["q2"], django_capture_on_commit_callbacks, unit=""))
    assert len(rows) == 10 and {row["单位"] for row in rows} == {"云江市发展和改革委员会"}
    assert ExportJob.objects.get().params["unit"] == reporter.unit_id


def test_outsiders_get_404(client, units, reporter, outsider, supervisor, settings, tmp_path):
    world = pages_world(units, settings, tmp_path)
    client.force_login(world["stranger"])
    period = world["q2"]
    for url in (
        reverse("quarter-sheet", args=[period.pk]),
        reverse("quarter-sheet-download", args=[period.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert upload(client, period, b"x").status_code == 404
    assert client.post(reverse("quarter-sheet-confirm", args=[period.pk])).status_code == 404
    assert client.post(reverse("quarter-sheet-export", args=[period.pk])).status_code == 404
    assert not ExportJob.objects.exists()
    # Nor does anyone else see a job another person asked for, nor its file.
    job = export_request(
        actor=supervisor,
        kind=ExportJob.Kind.QUARTER_SHEET,
        params={"period": period.pk, "unit": None},
        language="zh-hans",
    )
    export_run(job_id=str(job.pk))
    for name in ("export-job", "export-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name


def test_my_tasks_links_the_sheet(client, ten):
    client.force_login(ten["people"]["fgw"])
    page = client.get(reverse("my-tasks")).content.decode()
    assert "整期填报（Excel）" in page
    assert reverse("quarter-sheet", args=[ten["q2"].pk]) in page  # an owed earlier quarter


def _as_csv(data: bytes, changes: dict[int, dict[str, str]]) -> str:
    """The workbook's sheet saved as CSV (as Excel's "Save as CSV" writes it), cells changed
    by their Chinese column."""
    book = load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    rows = [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]
    for index, cells in changes.items():
        for column, value in cells.items():
            rows[index + 2][COLUMNS.index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("language", "encoding"),
    [("zh-hans", "gb18030"), ("zh-hans", "utf-8-sig"), ("en", "utf-8"), ("en", "gb18030")],
)
def test_the_sheet_saved_as_csv_round_trips_in_either_language(client, ten, language, encoding):
    """Downloaded in Chinese or English, saved as CSV the way Excel in China writes it (GB18030)
    or as UTF-8 with or without BOM, the sheet previews and saves like the workbook."""
    client.cookies["django_language"] = language
    client.force_login(ten["people"]["fgw"])
    data = download(client, ten["q2"])
    changes = {i: {"本期累计": f"5.{i}", "进展情况": f"第{i}项进展"} for i in range(10)}
    changes[4]["本期累计"] = "五"
    text = _as_csv(data, changes).encode(encoding)
    csv_file = SimpleUploadedFile("季度填报表.csv", text, "text/csv")
    refused = client.post(
        reverse("quarter-sheet-upload", args=[ten["q2"].pk]), {"file": csv_file, "submit": "0"}
    )
    assert refused.status_code == 400
    assert ("Row 7" if language == "en" else "第 7 行") in refused.content.decode()
    changes[4]["本期累计"] = "5.4"
    csv_file = SimpleUploadedFile("季度填报表.csv", _as_csv(data, changes).encode(encoding))
    preview = client.post(
        reverse("quarter-sheet-upload", args=[ten["q2"].pk]), {"file": csv_file, "submit": "0"}
    )
    assert preview.status_code == 200
    client.post(reverse("quarter-sheet-confirm", args=[ten["q2"].pk]))
    reports = ProgressReport.objects.order_by("responsibility__assignment__position")
    assert reports.count() == 10 and reports[4].values.get().actual == Decimal("5.4")
    assert reports[9].narrative == "第9项进展"
