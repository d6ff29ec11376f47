"""After launch, over real HTTP against the simulator: sync, unknown settled, cancel, call again, records."""
import json
import time
from datetime import datetime, timedelta, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.laaffic import records as laaffic_records
from campaigns.models import CallRecord, Campaign, ProviderStatus, Submission
from campaigns.services.campaigns import InvalidCampaign, campaign_queue, campaign_submit
from campaigns.services.results import campaign_results
from campaigns.services.tracking import (
    call_records_ingest, campaign_backfill, campaign_cancel, campaign_recall_create, campaign_sync, pollable,
    record_windows,
)
from tests.factories import CalleeFactory, CampaignFactory

pytestmark = pytest.mark.django_db
Status = Campaign.Status


def submitted(callees=4, **fields):
    campaign = CampaignFactory(callees=callees, **fields)
    campaign_queue(campaign)
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED
    campaign.refresh_from_db()
    return campaign


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def requests_to(simulator, path):
    return [r for r in simulator.requests if r["path"].endswith(path)]


def test_sync_stores_the_task_id_status_and_progress_then_stops_polling(simulator):
    campaign = submitted(callees=4)
    campaign_sync(campaign)
    campaign.refresh_from_db()
    assert campaign.task_id == simulator.tasks[campaign.task_name]["key_id"]
    assert campaign.provider_status in (ProviderStatus.WAITING, ProviderStatus.CALLING)
    assert campaign.numbers_total == 4 and campaign.synced_at is not None
    simulator.finish(campaign.task_name)
    campaign_sync(campaign)
    campaign.refresh_from_db()
    assert (campaign.provider_status, campaign.progress, campaign.numbers_called) == (ProviderStatus.FINISHED, 100, 4)
    assert campaign.numbers_success + campaign.numbers_failed == 4
    assert not pollable().filter(pk=campaign.pk).exists()


def test_sync_reads_the_task_list_whichever_id_name_it_uses(simulator):
    campaign = submitted()
    record = {"taskId": 777, "taskName": campaign.task_name, "status": 1, "rate": "50", "numCnt": 4,
              "callNum": 2, "success": 1, "fail": 1}
    simulator.fail_next(body=json.dumps({"code": "0", "msg": "success",
                                         "data": {"total": 1, "pages": 1, "current": 1, "records": [record]}}))
    campaign_sync(campaign)
    campaign.refresh_from_db()
    assert (campaign.task_id, campaign.progress, campaign.numbers_called) == (777, 50, 2)


def test_an_unknown_campaign_found_on_laaffic_becomes_submitted(simulator, settings):
    settings.LAAFFIC_TIMEOUT = 0.3
    simulator.fail_next(delay=1.0)  # the task is created, the answer comes too late
    campaign = CampaignFactory()
    campaign_queue(campaign)
    assert campaign_submit(campaign.pk).status == Status.UNKNOWN
    wait_for(lambda: campaign.task_name in simulator.tasks)
    campaign.refresh_from_db()
    assert campaign_sync(campaign) == "settled: submitted"
    campaign.refresh_from_db()
    assert campaign.status == Status.SUBMITTED and campaign.task_id == simulator.tasks[campaign.task_name]["key_id"]
    assert len(requests_to(simulator, "group/call/send")) == 1


def test_an_unknown_campaign_is_looked_for_on_every_page_before_it_is_declared_missing(simulator, settings):
    settings.LAAFFIC_UNKNOWN_GRACE_MINUTES = 0
    campaign = CampaignFactory(task_name="Spring", status=Status.UNKNOWN)
    Submission.objects.create(campaign=campaign, started_at=timezone.now() - timedelta(minutes=1),
                              outcome=Submission.Outcome.UNKNOWN)
    key_id = simulator.bulk_task("Spring", 1, finished=False)
    for i in range(150):  # the search matches these too, and the list is paged by 100
        simulator.bulk_task(f"Spring {i}", 1, finished=False)
    assert campaign_sync(campaign) == "settled: submitted"
    assert Campaign.objects.get(pk=campaign.pk).task_id == key_id
    assert len(requests_to(simulator, "group/call/query")) >= 2


def test_an_unknown_campaign_missing_after_the_grace_period_may_be_submitted_again(simulator, settings):
    settings.LAAFFIC_UNKNOWN_GRACE_MINUTES = 10
    campaign = CampaignFactory(status=Status.UNKNOWN)
    attempt = Submission.objects.create(campaign=campaign, started_at=timezone.now() - timedelta(minutes=5),
                                        outcome=Submission.Outcome.UNKNOWN)
    assert campaign_sync(campaign) == "not found on Laaffic yet"
    campaign.refresh_from_db()
    assert campaign.status == Status.UNKNOWN
    Submission.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - timedelta(minutes=11))
    assert campaign_sync(campaign).startswith("settled: not on Laaffic")
    campaign.refresh_from_db()
    assert campaign.status == Status.FAILED and "safe to submit it again" in campaign.status_detail
    assert campaign_queue(campaign).queued and campaign_submit(campaign.pk).status == Status.SUBMITTED


def test_cancel_stops_a_running_campaign_once(simulator):
    campaign = submitted()
    assert campaign_cancel(campaign).ok
    campaign.refresh_from_db()
    assert campaign.provider_status == ProviderStatus.CANCELLED
    again = campaign_cancel(campaign)
    assert not again.ok and "cancelled" in again.message.lower()
    (cancel,) = requests_to(simulator, "group/call/cancel")
    assert cancel["body"] == {"taskIdList": [campaign.task_id]}


def test_cancel_says_so_when_laaffic_cannot_be_reached(simulator):
    campaign = submitted()
    simulator.fail_next(http_status=502)
    outcome = campaign_cancel(campaign)
    assert not outcome.ok and outcome.message.startswith(f"Could not check {campaign} on Laaffic")
    assert requests_to(simulator, "group/call/cancel") == []


def test_a_finished_campaign_cannot_be_cancelled(simulator):
    campaign = submitted()
    simulator.finish(campaign.task_name)
    outcome = campaign_cancel(campaign)
    assert not outcome.ok and "finished" in outcome.message
    assert requests_to(simulator, "group/call/cancel") == []


def test_call_again_resends_only_the_numbers_not_reached_exactly_once(simulator):
    parent = submitted(callees=6)
    simulator.finish(parent.task_name)
    campaign_sync(parent)
    parent.refresh_from_db()
    child, plan = campaign_recall_create(parent, "Second try", failed_only=True)
    assert (child.parent, child.callee_list, child.tts_text) == (parent, parent.callee_list, parent.tts_text)
    assert plan.resend and plan.count == parent.numbers_failed
    campaign_queue(child)
    assert campaign_submit(child.pk).status == Status.SUBMITTED
    assert campaign_submit(child.pk).status == Status.SUBMITTED
    (resend,) = requests_to(simulator, "group/call/resend")
    assert resend["body"]["keyId"] == parent.task_id and resend["body"]["resendType"] == 1
    assert resend["body"]["taskName"] == "Second try" and "numberInfoList" not in resend["body"]
    child.refresh_from_db()
    assert child.key_id == str(simulator.tasks["Second try"]["key_id"])
    assert child.submissions.get().url.endswith("voice/group/call/resend")


def test_call_again_of_a_campaign_scheduled_in_the_past_starts_now(simulator):
    parent = submitted(callees=2)
    simulator.finish(parent.task_name)
    campaign_sync(parent)
    Campaign.objects.filter(pk=parent.pk).update(send_time=timezone.now() - timedelta(days=1))
    child, _ = campaign_recall_create(Campaign.objects.get(pk=parent.pk), "Second try", failed_only=False)
    assert child.pk and child.send_time is None


def test_call_again_waits_for_the_campaign_to_finish(simulator):
    parent = submitted()
    campaign_sync(parent)
    with pytest.raises(InvalidCampaign) as invalid:
        campaign_recall_create(Campaign.objects.get(pk=parent.pk), "Too soon", failed_only=False)
    assert "once it has finished" in invalid.value.errors["taskName"][0]
    assert not Campaign.objects.filter(task_name="Too soon").exists()


def test_call_again_needs_a_new_valid_task_name(simulator):
    parent = submitted()
    simulator.finish(parent.task_name)
    campaign_sync(parent)
    with pytest.raises(InvalidCampaign) as invalid:
        campaign_recall_create(Campaign.objects.get(pk=parent.pk), parent.task_name, failed_only=False)
    assert invalid.value.errors["taskName"][0].startswith("Another campaign already uses")


# Call records


def report(voice_id="v1", **fields):
    return {"voiceId": voice_id, "type": 1, "callee": "8613800000001", "displayNum": "100",
            "callTime": 1764300000000, "answerTime": 1764300005000, "hangupTime": 1764300035000,
            "callDuration": 30, "chargedDuration": 60, "terminationCode": "0", "terminationReason": "ok",
            "feedbackValue": "3", "cost": "0.0123", "currency": "USD", "callStatus": 50, **fields}


@pytest.fixture
def push(client, settings):
    settings.LAAFFIC_WEBHOOK_TOKEN = "s3cret-token"

    def post(payload, token="s3cret-token", raw=None):
        return client.post(reverse("laaffic_voice_report", args=[token]),
                           raw if raw is not None else json.dumps(payload), content_type="application/json")

    return post


def test_the_push_endpoint_needs_the_token(push):
    assert push(report(), token="wrong").status_code == 404
    assert not CallRecord.objects.exists()


def test_the_push_endpoint_is_off_without_a_configured_token(push, settings):
    settings.LAAFFIC_WEBHOOK_TOKEN = ""
    assert push(report(), token="anything").status_code == 404


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '{"callee": "1"}', '"text"', " "])
def test_a_malformed_push_is_a_400_never_a_500(push, raw):
    response = push(None, raw=raw)
    assert response.status_code == 400 and "error" in response.json()
    assert not CallRecord.objects.exists()


@pytest.mark.parametrize("fields, says", [
    ({"feedbackValue": "12345"}, "feedbackValue is longer than 4 characters"),
    ({"taskId": 10**20}, "taskId 100000000000000000000 is out of range"),
    ({"callDuration": -5}, "callDuration -5 is out of range"),
    ({"cost": "12345678"}, "cost 12345678 is out of range"),
])
def test_a_push_with_values_too_big_to_store_is_a_400_naming_the_field(push, fields, says):
    response = push(report("v1", **fields))
    assert response.status_code == 400 and says in response.json()["error"]
    assert response.json()["field"] == next(iter(fields))
    assert not CallRecord.objects.exists()


def test_an_array_stores_its_readable_reports_and_lists_the_refused_ones(push):
    response = push([report("v1"), report("v2", callTime="9999-12-31T23:59:59-14:00"), report("v3"),
                     report("v4", callee={"a": 1})])
    assert response.status_code == 200
    assert response.json()["received"] == 2
    assert [(r["item"], r["field"]) for r in response.json()["refused"]] == [(2, "callTime"), (4, "callee")]
    assert "Call record v4: callee {…} is an object, not text." == response.json()["refused"][1]["error"]
    assert sorted(CallRecord.objects.values_list("voice_id", flat=True)) == ["v1", "v3"]


def test_an_array_with_no_readable_report_is_a_400_listing_each(push):
    response = push([report("v1", cost="1e-999999999"), report("v2", callDuration="1e1000000")])
    assert response.status_code == 400
    assert [(r["item"], r["field"]) for r in response.json()["refused"]] == [(1, "cost"), (2, "callDuration")]
    assert response.json()["error"].startswith("Not a voice report: none of its 2 reports can be read (item 1: ")
    assert not CallRecord.objects.exists()


def test_a_long_termination_reason_is_cut_not_refused(push):
    assert push(report(terminationReason="x" * 500)).status_code == 200
    assert CallRecord.objects.get().termination_reason == "x" * 200


def test_pushed_reports_are_stored_once_per_voice_id_and_later_data_wins(push):
    campaign = submitted_record_campaign()
    assert push(report(taskId=campaign.task_id)).json() == {"received": 1}
    assert push([report(taskId=campaign.task_id, feedbackValue="7"),
                 report("v2", taskId=campaign.task_id, callStatus=10)]).json() == {"received": 2}
    first = CallRecord.objects.get(voice_id="v1")
    assert CallRecord.objects.count() == 2 and first.feedback_value == "7"
    assert (first.campaign, first.callee.number, first.outcome) == (campaign, "8613800000001", "answered")
    assert first.call_time == datetime(2025, 11, 28, 3, 20, tzinfo=dt_timezone.utc)
    assert CallRecord.objects.get(voice_id="v2").outcome == "busy"


def test_a_report_without_task_id_is_linked_by_number_within_the_calling_period(push):
    campaign = submitted_record_campaign()
    push(report(callTime=int(timezone.now().timestamp() * 1000)))
    assert CallRecord.objects.get().campaign == campaign
    push(report("old", callTime=int((timezone.now() - timedelta(days=3)).timestamp() * 1000)))
    assert CallRecord.objects.get(voice_id="old").campaign is None


def test_a_report_seen_again_with_its_task_id_is_relinked_and_the_last_of_a_batch_wins(push):
    campaign = submitted_record_campaign()
    old = int((timezone.now() - timedelta(days=3)).timestamp() * 1000)
    push(report(callTime=old, cost="0.5"))
    assert (CallRecord.objects.get().campaign, CallRecord.objects.get().callee) == (None, None)
    assert push([report(taskId=campaign.task_id, callTime=old, cost="0.25", currency="EUR"),
                 report(taskId=campaign.task_id, callTime=old, cost="0.0123", currency="USD", callStatus=10)]
                ).json() == {"received": 1}
    record = CallRecord.objects.get()
    assert (record.campaign, record.callee.number, record.task_id) == (campaign, "8613800000001", 555)
    assert (record.cost, record.currency, record.outcome) == (Decimal("0.0123"), "USD", "busy")


def test_a_report_for_a_number_not_in_the_list_keeps_its_campaign_without_a_callee(push):
    campaign = submitted_record_campaign()
    push(report(taskId=campaign.task_id, callee="8613900000009"))
    record = CallRecord.objects.get()
    assert (record.campaign, record.callee, record.callee_number) == (campaign, None, "8613900000009")


def test_a_push_the_database_cannot_store_is_a_503_to_send_again(push, monkeypatch):
    from django.db import OperationalError
    from campaigns.services import tracking

    def unavailable(found, cursor):
        raise OperationalError("the database is gone")

    monkeypatch.setattr(tracking, "_campaigns_for", unavailable)
    response = push(report())
    assert response.status_code == 503 and "send them again" in response.json()["error"]


def submitted_record_campaign():
    campaign = CampaignFactory(callees=0, status=Status.SUBMITTED, task_id=555,
                               submitted_at=timezone.now() - timedelta(hours=1))
    CalleeFactory(callee_list=campaign.callee_list, number="8613800000001")
    return campaign


def test_record_windows_cover_the_period_in_31_day_steps_within_two_months():
    now = datetime(2026, 11, 28, tzinfo=dt_timezone.utc)
    assert record_windows(now - timedelta(days=5), now, now) == [(now - timedelta(days=5), now)]
    windows = record_windows(now - timedelta(days=100), now, now)
    assert windows[0][0] == now - timedelta(days=60) and windows[-1][1] == now
    assert all(end - start <= timedelta(days=31) for start, end in windows)
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:])) and len(windows) == 2
    assert record_windows(now, now, now) == []


def test_backfill_pages_through_the_records_and_links_them(simulator):
    campaign = submitted(callees=250)
    simulator.finish(campaign.task_name)
    campaign_sync(campaign)
    campaign.refresh_from_db()
    assert campaign_backfill(campaign) == 250
    assert CallRecord.objects.filter(campaign=campaign, callee__isnull=False).count() == 250
    assert len(requests_to(simulator, "recordGroupQuery")) == 3
    assert Campaign.objects.get(pk=campaign.pk).records_backfilled_at is not None
    assert campaign_backfill(campaign) == 250 and CallRecord.objects.count() == 250


def test_a_backfill_after_the_push_keeps_what_only_the_push_said(simulator, push):
    campaign = submitted(callees=3)
    simulator.finish(campaign.task_name)
    campaign_sync(campaign)
    campaign.refresh_from_db()
    # The push of one busy call (callStatus 10) arrives first; the record query knows no callStatus.
    pushed = simulator.push_reports(campaign.task_id, 3)
    assert push(pushed).status_code == 200
    before = {r.voice_id: (r.call_status, r.outcome, r.task_id, r.ring_duration)
              for r in CallRecord.objects.all()}
    assert campaign_backfill(campaign) == 3
    after = {r.voice_id: (r.call_status, r.outcome, r.task_id, r.ring_duration) for r in CallRecord.objects.all()}
    assert after == before and all(status is not None for status, *_ in after.values())


def test_a_backfill_links_records_by_number_in_a_query_per_page(simulator, django_assert_max_num_queries):
    campaign = submitted(callees=250)
    simulator.finish(campaign.task_name)
    campaign_sync(campaign)
    campaign.refresh_from_db()
    with django_assert_max_num_queries(25):  # 3 pages; a query per record would be 250 more
        assert campaign_backfill(campaign) == 250
    assert CallRecord.objects.filter(campaign=campaign, callee__isnull=False).count() == 250


def test_results_add_up_from_known_records():
    campaign = submitted_record_campaign()
    rows = [report("a", callStatus=50, callDuration=20, feedbackValue="1", cost="0.10"),
            report("b", callStatus=50, callDuration=40, feedbackValue="1", cost="0.20"),
            report("c", callStatus=10, callDuration=0, feedbackValue="-1", cost="0"),
            report("d", callStatus=40, callDuration=0, feedbackValue="-1", cost="0"),
            report("e", callStatus=20, callDuration=0, feedbackValue="2", cost=None)]
    call_records_ingest([laaffic_records.parse_record({**r, "taskId": 555}) for r in rows])
    results = campaign_results(campaign)
    assert results.total == 5
    assert dict(results.outcomes) == {"Answered": 2, "No answer": 1, "Busy": 1, "Voicemail": 1, "Failed": 0}
    assert dict(results.keys)["1"] == 2 and dict(results.keys)["2"] == 1 and dict(results.keys)["0"] == 0
    assert results.answer_rate == 40 and results.average_talk_seconds == 30
    assert results.costs == [("USD", Decimal("0.30"))]
    call_records_ingest([laaffic_records.parse_record({**report("f", cost="1.50", currency="EUR"), "taskId": 555})])
    assert campaign_results(campaign).costs == [("EUR", Decimal("1.50")), ("USD", Decimal("0.30"))]
