"""Call again works out who is left before anything is created; over real HTTP against the simulator."""
import json

import pytest
from django.urls import reverse

from campaigns.laaffic.codes import Code
from campaigns.models import CallRecord, Campaign, SuppressedNumber
from campaigns.services.campaigns import InvalidCampaign, campaign_queue, campaign_submit
from campaigns.selectors.recalls import recall_plan
from campaigns.services.tracking import campaign_backfill, campaign_cancel, campaign_recall_create, campaign_sync
from tests.factories import CalleeFactory, CampaignFactory

pytestmark = pytest.mark.django_db
Status = Campaign.Status
# The simulator's outcomes follow the task name and number: in "Spring sale" it answers
# 8613000000002 and 8613000000006-09, and reaches nobody at 8613000000000, 03, 04 and 05.
SPRING = "Spring sale"
NOT_ANSWERED, ANSWERED, NOT_ANSWERED_TOO = "8613000000000", "8613000000002", "8613000000003"


def submitted(numbers, task_name=SPRING):
    campaign = CampaignFactory(task_name=task_name, callees=0)
    for i, number in enumerate(numbers):
        CalleeFactory(callee_list=campaign.callee_list, number=number, text1=f"Name {i}")
    campaign_queue(campaign)
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED
    return Campaign.objects.get(pk=campaign.pk)


def finished(simulator, numbers, *, results=True):
    """A campaign Laaffic has called to the end; with `results`, its call records fetched."""
    campaign = submitted(numbers)
    simulator.finish(campaign.task_name)
    campaign_sync(campaign)
    if results:
        campaign_backfill(Campaign.objects.get(pk=campaign.pk))
    return Campaign.objects.get(pk=campaign.pk)


def sent_numbers(simulator, task_name):
    (send,) = [r for r in simulator.requests if r["path"].endswith("group/call/send")
               and r["body"]["taskName"] == task_name]
    return send["body"]["numberInfoList"]


def resends(simulator):
    return [r["body"] for r in simulator.requests if r["path"].endswith("group/call/resend")]


def recall_and_submit(parent, *, failed_only):
    child, plan = campaign_recall_create(parent, "Second try", failed_only=failed_only)
    assert campaign_queue(child).queued
    assert campaign_submit(child.pk).status == Status.SUBMITTED
    assert campaign_submit(child.pk).status == Status.SUBMITTED  # the claim: sent once
    return Campaign.objects.get(pk=child.pk), plan


def test_a_number_on_the_do_not_call_list_is_left_out_with_a_new_group_call(simulator):
    parent = finished(simulator, [NOT_ANSWERED, ANSWERED, NOT_ANSWERED_TOO])
    SuppressedNumber.objects.create(number=NOT_ANSWERED, reason="asked not to be called")
    child, plan = recall_and_submit(parent, failed_only=False)
    assert (plan.count, plan.resend) == (2, False)
    assert "1 on the do-not-call list" in plan.summary
    assert sent_numbers(simulator, "Second try") == [{"calleeNumber": ANSWERED, "text1": "Name 1"},
                                                     {"calleeNumber": NOT_ANSWERED_TOO, "text1": "Name 2"}]
    assert resends(simulator) == [] and child.parent == parent and child.callee_list != parent.callee_list
    assert child.submissions.get().url.endswith("voice/group/call/send")


def test_only_the_numbers_not_reached_leaves_out_the_do_not_call_list_too(simulator):
    parent = finished(simulator, [NOT_ANSWERED, ANSWERED, NOT_ANSWERED_TOO])
    SuppressedNumber.objects.create(number=NOT_ANSWERED)
    child, plan = recall_and_submit(parent, failed_only=True)
    assert (plan.count, plan.resend) == (1, False)
    assert sent_numbers(simulator, "Second try") == [{"calleeNumber": NOT_ANSWERED_TOO, "text1": "Name 2"}]


def test_a_cancelled_campaign_is_called_again_with_the_numbers_it_never_called(simulator, client, settings):
    parent = submitted([ANSWERED, NOT_ANSWERED_TOO, "8613000000004", "8613000000005", NOT_ANSWERED])
    simulator.advance(5)  # the first of five calls spread over 20 seconds has ended
    assert campaign_cancel(parent).ok
    parent.refresh_from_db()
    assert (parent.provider_status, parent.numbers_called, parent.numbers_success) == (4, 1, 1)
    settings.LAAFFIC_WEBHOOK_TOKEN = "token"
    report = simulator.push_reports(parent.task_id, 1)[0]
    client.post(reverse("laaffic_voice_report", args=["token"]), json.dumps(report), content_type="application/json")
    assert CallRecord.objects.get(campaign=parent).outcome == CallRecord.Outcome.ANSWERED
    child, plan = recall_and_submit(parent, failed_only=True)
    assert (plan.count, plan.resend) == (4, False) and "4 never called" in plan.summary
    assert [c["calleeNumber"] for c in sent_numbers(simulator, "Second try")] == [
        NOT_ANSWERED_TOO, "8613000000004", "8613000000005", NOT_ANSWERED]
    assert resends(simulator) == []


def test_nobody_left_to_call_creates_no_campaign(simulator):
    parent = finished(simulator, ["8613000000006", "8613000000007", "8613000000008"], results=False)
    assert (parent.numbers_called, parent.numbers_failed) == (3, 0)
    plan = recall_plan(parent, failed_only=True)
    assert plan.count == 0 and plan.refusal.startswith("Nobody left to call")
    with pytest.raises(InvalidCampaign) as refused:
        campaign_recall_create(parent, "Second try", failed_only=True)
    assert refused.value.errors["numberInfoList"] == [plan.refusal]
    assert Campaign.objects.count() == 1 and resends(simulator) == []


def test_every_number_on_the_do_not_call_list_leaves_nobody_to_call(simulator):
    parent = finished(simulator, [NOT_ANSWERED], results=False)
    SuppressedNumber.objects.create(number=NOT_ANSWERED)
    plan = recall_plan(parent, failed_only=False)
    assert plan.count == 0 and "do-not-call" in plan.refusal


def test_laaffics_resend_is_still_used_when_it_calls_exactly_who_is_left(simulator):
    parent = finished(simulator, [NOT_ANSWERED, ANSWERED, NOT_ANSWERED_TOO])
    child, plan = recall_and_submit(parent, failed_only=True)
    assert (plan.count, plan.resend) == (2, True)
    assert [(r["keyId"], r["resendType"]) for r in resends(simulator)] == [(parent.task_id, 1)]
    assert simulator.tasks["Second try"]["callee_count"] == 2
    assert child.callee_list == parent.callee_list and child.submissions.get().url.endswith("resend")


def test_without_every_result_the_resend_is_used_when_no_number_is_on_the_do_not_call_list(simulator):
    parent = finished(simulator, [NOT_ANSWERED, ANSWERED, NOT_ANSWERED_TOO], results=False)
    plan = recall_plan(parent, failed_only=True)
    assert (plan.count, plan.resend) == (2, True)  # Laaffic's own count of numbers not reached
    SuppressedNumber.objects.create(number=NOT_ANSWERED)
    plan = recall_plan(parent, failed_only=True)
    assert plan.count is None and "Fetch call results" in plan.refusal


def test_a_do_not_call_number_added_after_the_resend_was_created_stops_it(simulator):
    parent = finished(simulator, [NOT_ANSWERED, ANSWERED, NOT_ANSWERED_TOO])
    child, plan = campaign_recall_create(parent, "Second try", failed_only=False)
    assert plan.resend and campaign_queue(child).queued
    SuppressedNumber.objects.create(number=NOT_ANSWERED)  # between the queueing and the sending
    assert campaign_submit(child.pk).status == Status.FAILED
    assert "do-not-call list" in Campaign.objects.get(pk=child.pk).status_detail
    assert resends(simulator) == []


def test_the_recall_command_follows_the_same_plan(simulator):
    from io import StringIO

    from django.core.management import CommandError, call_command

    parent = finished(simulator, [NOT_ANSWERED, ANSWERED, NOT_ANSWERED_TOO])
    SuppressedNumber.objects.create(number=NOT_ANSWERED)
    out = StringIO()
    call_command("recall_campaign", SPRING, "--task-name", "Second try", "--failed-only", stdout=out)
    assert out.getvalue().startswith("Second try: Submitted. 1 number: 1 called without an answer, 1 on the "
                                     "do-not-call list left out. Sent as a new group call")
    assert [c["calleeNumber"] for c in sent_numbers(simulator, "Second try")] == [NOT_ANSWERED_TOO]
    SuppressedNumber.objects.create(number=NOT_ANSWERED_TOO)
    with pytest.raises(CommandError, match="Nobody left to call: every number was reached or is on the do-not-call"):
        call_command("recall_campaign", SPRING, "--task-name", "Third try", "--failed-only", stdout=StringIO())
    assert not Campaign.objects.filter(task_name="Third try").exists()


def test_every_campaign_field_is_either_a_setting_or_written_by_the_site():
    # A new field must be put in one of the two lists: Call again copies the settings, and only them.
    fields = sorted(f.name for f in Campaign._meta.concrete_fields if not f.primary_key)
    assert fields == sorted([*Campaign.SETTINGS_FIELDS, *Campaign.SYSTEM_FIELDS])


def test_call_again_copies_the_settings_and_nothing_the_site_wrote(simulator):
    parent = finished(simulator, [NOT_ANSWERED, ANSWERED, NOT_ANSWERED_TOO])
    Campaign.objects.filter(pk=parent.pk).update(provider_code="-22", provider_message="An old answer",
                                                 cancel_requested_at=parent.synced_at,
                                                 records_backfilled_at=parent.synced_at, loop_count=3)
    parent.refresh_from_db()
    child, _ = campaign_recall_create(parent, "Second try", failed_only=True)
    new = Campaign()
    written = set(Campaign.SYSTEM_FIELDS) - {"parent", "recall_failed_only", "created_at", "updated_at"}
    assert {name: getattr(child, name) for name in written} == {name: getattr(new, name) for name in written}
    copied = set(Campaign.SETTINGS_FIELDS) - {"task_name", "send_time"}
    assert {name: getattr(child, name) for name in copied} == {name: getattr(parent, name) for name in copied}
    assert (child.loop_count, child.task_name, child.send_time) == (3, "Second try", None)


def test_a_resend_laaffic_finds_nobody_for_says_so_alike_on_the_campaign_and_its_attempt(simulator):
    parent = finished(simulator, [NOT_ANSWERED, ANSWERED, NOT_ANSWERED_TOO])
    child, plan = campaign_recall_create(parent, "Second try", failed_only=True)
    assert plan.resend and campaign_queue(child).queued
    simulator.fail_next(code=Code.NO_NUMBERS, path="voice/group/call/resend")
    assert campaign_submit(child.pk).status == Status.FAILED
    child.refresh_from_db()
    attempt = child.submissions.get()
    assert child.status_detail == child.provider_message == attempt.message == (
        "Laaffic found no numbers to call again in the first run, so nothing was called. Delete this run.")
    assert (child.provider_code, attempt.code) == ("-35", "-35")
