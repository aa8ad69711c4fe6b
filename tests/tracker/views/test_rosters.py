"""The roster pages: upload, a row-by-row preview, confirm; a refused row stops everything; the
export and the template download in the same layout; reporters get 404."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.samples import roster_workbook, shashi_roster
from tracker.forms.rosters import rows_token
from tracker.models import Unit, User
from tracker.roster_files import RosterRow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["reporter", "outsider"])
def test_no_one_but_supervisors_learns_the_pages_exist(client, request, units, who):
    client.force_login(request.getfixturevalue(who))
    token = rows_token([RosterRow("单位", 2, {"名称": "偷偷新建的单位"})])
    for method, url, data in [
        ("get", reverse("roster-import"), {}),
        ("post", reverse("roster-import"), {}),
        ("post", reverse("roster-confirm"), {"rows": token}),
        ("get", reverse("roster-template"), {}),
        ("get", reverse("roster-export", args=["xlsx"]), {}),
        ("get", reverse("roster-export", args=["units"]), {}),
    ]:
        assert getattr(client, method)(url, data).status_code == 404, url
    assert not Unit.objects.filter(name="偷偷新建的单位").exists()


def _upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_upload_preview_confirm(client, tmp_path, db):
    admin = User.objects.create_user("root", role=User.Role.ADMINISTRATOR)
    client.force_login(admin)
    path = roster_workbook(shashi_roster(), tmp_path / "名册.xlsx")
    preview = client.post(reverse("roster-import"), {"file": _upload(path), "invite": ""})
    page = preview.content.decode()
    assert "确认导入" in page and "新建" in page
    assert not Unit.objects.exists()  # a preview writes nothing
    token = re.search(r'name="rows" value="([^"]+)"', page).group(1)
    done = client.post(reverse("roster-confirm"), {"rows": token, "invite": "0"})
    assert done.status_code == 302
    assert Unit.objects.count() == 49


def test_a_refused_row_is_shown_with_its_number_and_nothing_can_be_confirmed(
    client, supervisor, tmp_path
):
    tables = {"单位": [["甲局", "市级", "不存在的上级"], ["乙局", "", "", "", "", "", "bad@"]]}
    path = roster_workbook(tables, tmp_path / "bad.xlsx")
    client.force_login(supervisor)
    page = client.post(reverse("roster-import"), {"file": _upload(path)}).content.decode()
    assert "单位表第3行：上级单位“不存在的上级”不存在" in page
    assert "单位表第4行：联系邮箱“bad@”格式不正确" in page
    assert "确认导入" not in page
    assert not Unit.objects.filter(name__in=["甲局", "乙局"]).exists()


def test_a_tampered_confirmation_is_refused(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("roster-confirm"), {"rows": "forged"}, follow=True)
    assert "预览已过期或内容被改动" in response.content.decode()


def test_export_and_template_download(client, supervisor, units):
    client.force_login(supervisor)
    exported = client.get(reverse("roster-export", args=["xlsx"]))
    assert exported["Content-Disposition"].startswith('attachment; filename="roster-')
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    names = [row[0].value for row in book["单位"].iter_rows(min_row=2)]
    assert "云江市财政局" in names
    csv = client.get(reverse("roster-export", args=["units"]))
    assert "云江市财政局" in csv.content.decode("utf-8-sig")
    template = client.get(reverse("roster-template"))
    assert "填写说明" in openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames
    assert client.get(reverse("roster-export", args=["pdf"])).status_code == 404
