"""The one e-mail helper: template name + JSON-safe context → subject, text and HTML."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.emails import build_message

SECTION = {
    "kind": "overdue",
    "title": "逾期未报送",
    "intro": "以下进展报告已超过报送截止日期，请尽快报送。",
    "items": [
        {
            "kind": "overdue",
            "document": "云江市2026年重点任务分工方案",
            "period": "2026年二季度",
            "due_on": "2026年6月25日",
            "days_overdue": 2,
            "ref": "一.1",
            "title": "固定资产投资 <增长> & 结构优化",
            "unit": "云江市财政局",
            "role": "责任",
            "url": "http://tracker.example.cn/tasks/",
            "reason": "",
            "problem": "",
            "level_deadline": "",
            "indicators": [
                {
                    "indicator": "固定资产投资增速",
                    "actual": "8.5",
                    "unit": "%",
                    "colour": "yellow",
                    "colour_label": "滞后",
                    "as_of": "2026年一季度",
                }
            ],
        }
    ],
}
CONTEXT = {
    "recipient": "czj@yunjiang.example.cn",
    "count": 1,
    "headline": "逾期未报送",
    "more_sections": False,
    "sections": [SECTION],
    "today": "2026年6月27日",
    "site_url": "http://tracker.example.cn",
    "tasks_url": "http://tracker.example.cn/tasks/",
    "dashboard_url": "http://tracker.example.cn/dashboard/",
}


def test_chinese_subject_text_and_html_from_one_context():
    message = build_message(
        "reminder_digest",
        CONTEXT,
        to=["czj@yunjiang.example.cn"],
        message_id="<reminders.abc.123@tracker.example.cn>",
    )
    assert message.subject == "【任务调度】1项提醒：逾期未报送"
    assert message.to == ["czj@yunjiang.example.cn"]
    assert message.extra_headers["Message-ID"] == "<reminders.abc.123@tracker.example.cn>"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "已逾期2天" in message.body and "http://tracker.example.cn/tasks/" in message.body
    # Text is not HTML-escaped; HTML is.
    assert "固定资产投资 <增长> & 结构优化" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "固定资产投资 &lt;增长&gt; &amp; 结构优化" in html
    assert "<增长>" not in html
    assert "8.5%（2026年一季度）" in message.body and "滞后" in html
    # The Message-ID survives into the MIME message that goes on the wire.
    assert message.message()["Message-ID"] == "<reminders.abc.123@tracker.example.cn>"


def test_english_templates_and_fallback_to_chinese_for_a_language_without_its_own():
    english = build_message("reminder_digest", CONTEXT, to=["x@y.cn"], language="en")
    assert english.subject == "[Task tracker] 1 notice: 逾期未报送"
    assert english.body.startswith("Hello,")
    assert "2 days overdue" in english.body
    assert 'lang="en"' in english.alternatives[0][0]
    other = build_message("reminder_digest", CONTEXT, to=["x@y.cn"], language="fr")
    assert other.subject.startswith("【任务调度】")


def test_a_message_without_a_given_message_id_gets_a_fresh_one():
    message = build_message("reminder_digest", CONTEXT, to=["x@y.cn"])
    assert "Message-ID" not in message.extra_headers
    assert message.message()["Message-ID"]


def test_the_context_must_be_json_safe():
    with pytest.raises(TypeError):
        build_message("reminder_digest", {**CONTEXT, "today": date(2026, 6, 27)}, to=["x@y.cn"])
