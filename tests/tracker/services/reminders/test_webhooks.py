"""Group robots on the calendar's claim: a unit's 企业微信 robot and a person's signed 钉钉 robot
receive the notices their owners receive, once; a failure is recorded and retried; a refusal
that cannot change (404) is final. A local HTTP server records the calls (no internet)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.samples import at, calendar_world
from tests.webhooks import RobotServer, robot_server
from tracker.models import ReminderDigest, ReminderLog, Webhook
from tracker.services.duban import duban_issue
from tracker.services.reminders.send import DigestSendFailed, reminder_digest_send_one
from tracker.services.reminders.sweep import reminders_sweep
from tracker.services.reminders.webhook import signed_url

NOW = at(5, 10, 10)


@pytest.fixture
def world(units, reporter, outsider):
    return calendar_world(units, reporter, outsider)


def issue(world):
    return duban_issue(
        actor=world["supervisor"],
        units=[world["units"]["fgw"]],
        period=world["period"],
        urgency="red",
        requirement="请报送开工情况。",
        deadline=date(2026, 5, 15),
        now=NOW,
    )


def hooks(robot: RobotServer, world) -> tuple[Webhook, Webhook]:
    wecom = Webhook.objects.create(
        flavour="wecom", url=robot.url("/cgi-bin/webhook/send?key=fgw"), unit=world["units"]["fgw"]
    )
    robot.secrets["/robot/send"] = "SEC123"
    dingtalk = Webhook.objects.create(
        flavour="dingtalk",
        url=robot.url("/robot/send?access_token=bob"),
        secret="SEC123",
        user=world["reporter"],
    )
    return wecom, dingtalk


def sweep_and_post(now):
    result = reminders_sweep(now=now)
    for digest_id in result.digest_ids:
        try:
            reminder_digest_send_one(digest_id=digest_id, now=now)
        except DigestSendFailed:
            pass
    return result


def test_the_units_and_the_persons_robots_get_the_notice_once(world):
    with robot_server(RobotServer()) as robot:
        wecom, dingtalk = hooks(robot, world)
        (action,) = issue(world)
        sweep_and_post(NOW)
        sweep_and_post(NOW + timedelta(minutes=10))
    assert robot.paths() == {"/cgi-bin/webhook/send", "/robot/send"}
    assert len(robot.calls) == 2 and max(robot.deliveries().values()) == 1
    by_path = {call.path: call for call in robot.calls}
    assert by_path["/robot/send"].signed_ok is True
    body = by_path["/cgi-bin/webhook/send"].body
    assert body["msgtype"] == "markdown" and "督办〔2026〕1号" in body["markdown"]["content"]
    assert f"/duban/{action.pk}/" in body["markdown"]["content"]
    assert by_path["/robot/send"].body["markdown"]["title"] == "收到督办单"
    logs = ReminderLog.objects.filter(recipient__startswith="webhook:")
    assert {(log.recipient, log.status) for log in logs} == {
        (f"webhook:{wecom.pk}", "sent"),
        (f"webhook:{dingtalk.pk}", "sent"),
    }


def test_a_failing_robot_is_recorded_and_retried_until_it_answers(world, settings):
    settings.TRACKER_REMINDER_RETRY_BASE_SECONDS = 1
    settings.TRACKER_REMINDER_RETRY_MAX_SECONDS = 1
    with robot_server(RobotServer(fail_first=2, errcode=True)) as robot:
        wecom = Webhook.objects.create(
            flavour="wecom", url=robot.url("/hook"), unit=world["units"]["fgw"]
        )
        issue(world)
        result = reminders_sweep(now=NOW)
        (digest_id,) = ReminderDigest.objects.filter(
            sweep=result.token, recipient=f"webhook:{wecom.pk}"
        ).values_list("pk", flat=True)
        moment = NOW
        for attempt in (1, 2):
            with pytest.raises(DigestSendFailed, match="errcode 310000"):
                reminder_digest_send_one(digest_id=digest_id, now=moment)
            digest = ReminderDigest.objects.get(pk=digest_id)
            assert (digest.status, digest.attempts) == ("retrying", attempt)
            assert "errcode 310000" in ReminderLog.objects.get(recipient=digest.recipient).error
            moment = digest.next_attempt_at
        assert reminder_digest_send_one(digest_id=digest_id, now=moment)
    digest = ReminderDigest.objects.get(pk=digest_id)
    assert (digest.status, digest.attempts, digest.error) == ("sent", 3, "")
    assert len(robot.calls) == 1 and len(robot.failures) == 2


def test_an_unreachable_robot_is_retried_and_one_answering_404_fails_at_once(world):
    with robot_server(RobotServer(gone={"/gone"})) as robot:
        gone = Webhook.objects.create(
            flavour="wecom", url=robot.url("/gone"), unit=world["units"]["fgw"]
        )
        issue(world)
        result = reminders_sweep(now=NOW)
        digests = dict(
            ReminderDigest.objects.filter(sweep=result.token).values_list("recipient", "pk")
        )
        with pytest.raises(DigestSendFailed) as final:
            reminder_digest_send_one(digest_id=digests[f"webhook:{gone.pk}"], now=NOW)
        assert final.value.retry_in is None
        assert "HTTP 404" in ReminderDigest.objects.get(pk=digests[f"webhook:{gone.pk}"]).error
    # The server is down now: connection refused is worth another try.
    unreachable = Webhook.objects.create(
        flavour="wecom", url=robot.url("/down"), unit=world["units"]["fgw"]
    )
    issue(world)
    result = reminders_sweep(now=NOW + timedelta(minutes=20))
    digest_id = ReminderDigest.objects.get(
        sweep=result.token, recipient=f"webhook:{unreachable.pk}"
    ).pk
    with pytest.raises(DigestSendFailed) as retried:
        reminder_digest_send_one(digest_id=digest_id, now=NOW + timedelta(minutes=20))
    assert retried.value.retry_in is not None
    assert ReminderDigest.objects.get(pk=digest_id).status == "retrying"
    assert ReminderDigest.objects.get(pk=digests[f"webhook:{gone.pk}"]).status == "failed"


def test_dingtalk_signature_is_hmac_sha256_of_timestamp_and_secret():
    # The example of DingTalk's documentation: timestamp and secret → sign.
    url = signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SEC1", now_ms=1)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1&sign=")
    import base64
    import hashlib
    import hmac
    from urllib.parse import quote_plus

    expected = base64.b64encode(hmac.new(b"SEC1", b"1\nSEC1", hashlib.sha256).digest()).decode()
    assert url.endswith("sign=" + quote_plus(expected))
