"""Call records stay with their campaign: two campaigns calling the same numbers minutes apart, their
records arriving by push (with a task id) and by backfill (without), in either order, over real HTTP."""
import math
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CallRecord, CalleeList, Campaign, Submission
from campaigns.services.campaigns import campaign_queue, campaign_submit
from campaigns.services.results import campaign_results
from campaigns.services.tracking import campaign_backfill, campaign_sync, campaigns_backfill
from tests.factories import CalleeFactory, CampaignFactory
from tests.services.test_tracking import push, report, requests_to, wait_for  # noqa: F401 (push is a fixture)

pytestmark = pytest.mark.django_db
Status = Campaign.Status
# Ten numbers each, seven of them in both lists.
NUMBERS_A = [f"86131000000{i:02d}" for i in range(10)]
NUMBERS_B = NUMBERS_A[3:] + [f"86131000001{i:02d}" for i in range(3)]


@pytest.fixture
def clock(simulator, monkeypatch):
    """Moves the site's clock and the simulator's calls forward together, by minutes."""
    offset = timedelta(0)
    real_now = timezone.now

    def now():
        return real_now() + offset

    def advance(minutes):
        nonlocal offset
        offset += timedelta(minutes=minutes)
        simulator.advance(minutes * 60)

    monkeypatch.setattr(timezone, "now", now)
    return advance


def callee_list(numbers):
    numbered = CalleeList.objects.create(name=f"List {numbers[0]}-{numbers[-1]}")
    for number in numbers:
        CalleeFactory(callee_list=numbered, number=number)
    return numbered


def submit(name, numbers, *, unknown=False, simulator=None, settings=None):
    campaign = CampaignFactory(task_name=name, callee_list=callee_list(numbers), callees=0)
    campaign_queue(campaign)
    if unknown:  # the task is created, the answer comes too late
        settings.LAAFFIC_TIMEOUT = 0.3
        simulator.fail_next(delay=1.0, path="voice/group/call/send")
    assert campaign_submit(campaign.pk).status == (Status.UNKNOWN if unknown else Status.SUBMITTED)
    return campaign


def run_to_the_end(simulator, campaign, *, sync=True):
    """Laaffic makes every call; the site's sync sees the task finished (which dates its end)."""
    simulator.finish(campaign.task_name)
    if sync:
        campaign_sync(campaign)


def calls_of(simulator, campaign) -> list[dict]:
    """The status push of every call the campaign's task made, as Laaffic sends it."""
    return simulator.push_reports(simulator.tasks[campaign.task_name]["key_id"])


def linked(campaign) -> set[str]:
    return set(CallRecord.objects.filter(campaign=campaign).values_list("voice_id", flat=True))


def own(simulator, campaign) -> set[str]:
    return {call["voiceId"] for call in calls_of(simulator, campaign)}


def assert_exactly_their_own_calls(simulator, *campaigns):
    for campaign in campaigns:
        assert linked(campaign) == own(simulator, campaign), campaign
        results = campaign_results(campaign)
        assert (results.total, results.shared) == (10, 0), campaign


def test_push_then_backfill_keeps_each_call_on_its_campaign(simulator, clock, push):
    first = submit("First run", NUMBERS_A)
    campaign_sync(first)
    run_to_the_end(simulator, first)
    assert push(calls_of(simulator, first)).status_code == 200
    clock(5)
    second = submit("Second run", NUMBERS_B)
    campaign_sync(second)
    run_to_the_end(simulator, second)
    assert push(calls_of(simulator, second)).status_code == 200
    assert_exactly_their_own_calls(simulator, first, second)
    # "Fetch call results" on the second campaign, then the beat job's backfill of both.
    campaign_backfill(Campaign.objects.get(pk=second.pk))
    assert_exactly_their_own_calls(simulator, first, second)
    campaigns_backfill()
    assert_exactly_their_own_calls(simulator, first, second)
    assert CallRecord.objects.count() == 20


def test_backfill_then_push_links_by_number_within_each_calling_period(simulator, clock, push):
    first = submit("First run", NUMBERS_A)
    run_to_the_end(simulator, first)
    clock(5)
    second = submit("Second run", NUMBERS_B)
    run_to_the_end(simulator, second)
    campaigns_backfill()  # the record query gives no task id: linked by number and time alone
    assert CallRecord.objects.filter(task_id__isnull=False).count() == 0
    assert_exactly_their_own_calls(simulator, first, second)
    push(calls_of(simulator, first) + calls_of(simulator, second))
    assert_exactly_their_own_calls(simulator, first, second)
    assert CallRecord.objects.filter(task_id__isnull=True).count() == 0


def test_calls_two_running_campaigns_could_own_are_left_out_until_a_task_id_says(simulator, clock, push):
    first = submit("First run", NUMBERS_A)
    clock(2)  # the second starts before the site has seen the first one finish
    second = submit("Second run", NUMBERS_B)
    run_to_the_end(simulator, first)
    run_to_the_end(simulator, second)
    campaigns_backfill()
    # The first one's calls came before the second existed; the second's 7 shared numbers could be either's.
    assert linked(first) == own(simulator, first)
    shared = {c["voiceId"] for c in calls_of(simulator, second) if c["callee"] in NUMBERS_A}
    assert len(shared) == 7 and linked(second) == own(simulator, second) - shared
    assert (campaign_results(first).total, campaign_results(first).shared) == (10, 7)
    assert (campaign_results(second).total, campaign_results(second).shared) == (3, 7)
    assert set(CallRecord.objects.filter(campaign__isnull=True).values_list("voice_id", flat=True)) == shared
    push(calls_of(simulator, second))
    assert_exactly_their_own_calls(simulator, first, second)


@pytest.mark.parametrize("push_first", [True, False], ids=["push-then-backfill", "backfill-then-push"])
def test_a_later_campaign_never_takes_the_calls_of_one_still_calling(simulator, clock, push, monkeypatch, push_first):
    monkeypatch.setattr(simulator, "call_seconds", 600)  # ten minutes of calls, one a minute
    first = submit("First run", NUMBERS_A)
    campaign_sync(first)
    clock(2)
    second = submit("Second run", NUMBERS_B)  # while the first is still calling the shared numbers
    campaign_sync(second)
    clock(12)
    for campaign in (first, second):
        campaign_sync(campaign)  # both finished
    pushes = calls_of(simulator, first) + calls_of(simulator, second)
    if push_first:
        push(pushes)
        campaign_backfill(Campaign.objects.get(pk=second.pk))  # "Fetch call results" on the second one
        assert_exactly_their_own_calls(simulator, first, second)
    campaigns_backfill()
    if not push_first:  # calls of shared numbers while both were calling cannot be told apart by number
        assert linked(first) < own(simulator, first) and linked(second) < own(simulator, second)
        shared = CallRecord.objects.filter(campaign__isnull=True).count()
        assert shared and campaign_results(first).shared + campaign_results(second).shared == 2 * shared
        push(pushes)
    assert_exactly_their_own_calls(simulator, first, second)


def test_a_push_while_the_campaign_is_unknown_waits_for_its_task_id(simulator, clock, push, settings):
    first = submit("First run", NUMBERS_A)
    campaign_sync(first)
    run_to_the_end(simulator, first)
    push(calls_of(simulator, first))
    clock(5)
    second = submit("Second run", NUMBERS_B, unknown=True, simulator=simulator, settings=settings)
    wait_for(lambda: second.task_name in simulator.tasks)
    run_to_the_end(simulator, second, sync=False)
    push(calls_of(simulator, second))  # its task id is not known here yet
    assert linked(first) == own(simulator, first) and linked(second) == set()
    assert CallRecord.objects.filter(campaign__isnull=True).count() == 10
    campaign_backfill(Campaign.objects.get(pk=first.pk))  # "Fetch call results" on the first one
    assert linked(first) == own(simulator, first) and linked(second) == set()
    assert campaign_sync(Campaign.objects.get(pk=second.pk)) == "settled: submitted"
    assert_exactly_their_own_calls(simulator, first, second)
    campaigns_backfill()
    assert_exactly_their_own_calls(simulator, first, second)


def test_a_report_without_task_id_goes_to_the_campaign_being_submitted_not_the_previous_one(push):
    earlier = CampaignFactory(callees=0, callee_list=callee_list(NUMBERS_A), status=Status.SUBMITTED, task_id=1,
                              submitted_at=timezone.now() - timedelta(hours=2),
                              finished_at=timezone.now() - timedelta(hours=1))
    sending = CampaignFactory(callees=0, callee_list=earlier.callee_list, status=Status.SUBMITTING)
    Submission.objects.create(campaign=sending, started_at=timezone.now() - timedelta(seconds=20))
    now = int(timezone.now().timestamp() * 1000)
    push([report("by-number", callee=NUMBERS_A[0], callTime=now),
          report("unknown-task", callee=NUMBERS_A[1], callTime=now, taskId=2)])
    assert CallRecord.objects.get(voice_id="by-number").campaign == sending
    assert CallRecord.objects.get(voice_id="unknown-task").campaign is None
    assert not linked(earlier)


def finished_runs(simulator, callees):
    """Three campaigns, each with its own list, called minutes apart: their backfill windows overlap."""
    campaigns = []
    for n in range(3):
        campaign = CampaignFactory(task_name=f"Run {n}", callees=callees)
        campaign_queue(campaign)
        campaign_submit(campaign.pk)
        run_to_the_end(simulator, campaign)
        campaigns.append(campaign)
    return campaigns


def test_a_backfill_of_campaigns_sharing_a_window_reads_each_page_once(simulator):
    campaigns = finished_runs(simulator, callees=120)
    lines = campaigns_backfill()
    assert len(requests_to(simulator, "recordGroupQuery")) == math.ceil(3 * 120 / 100)
    assert sorted(lines, key=str) == [{"task_name": c.task_name, "records": 120} for c in campaigns]
    assert all(Campaign.objects.get(pk=c.pk).records_backfilled_at for c in campaigns)
    assert campaigns_backfill() == []  # nothing left to fetch


def test_fetch_call_results_for_several_campaigns_is_one_pass(simulator, admin_client,
                                                              django_capture_on_commit_callbacks):
    campaigns = finished_runs(simulator, callees=50)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:campaigns_campaign_changelist"),
                          {"action": "fetch_call_results", "_selected_action": [c.pk for c in campaigns]})
    assert len(requests_to(simulator, "recordGroupQuery")) == 2  # 150 calls, pages of 100
    assert all(len(linked(c)) == 50 for c in campaigns)
