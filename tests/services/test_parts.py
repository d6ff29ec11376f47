"""Lists over Laaffic's per-task limit, launched in parts (services/parts.py), over real HTTP to the simulator.

The boundaries and the concurrency tests use the real limit (rules.FIELDS, 100,000 numbers a task); the tests
of what happens to the parts afterwards lower it in the same table, so every reader (the split, the checks, the
simulator) sees the one smaller limit and a part is a few numbers (`limit_of_4`, tests/conftest.py).
"""
import pytest
from django.db import transaction

from campaigns import rules
from campaigns.laaffic.codes import ProviderStatus
from campaigns.models import CallRecord, Callee, Campaign, SuppressedNumber, Submission
from campaigns.selectors.campaigns import campaign_cancellable, campaign_progress, campaign_review
from campaigns.selectors.recalls import recall_plan
from campaigns.services import parts
from campaigns.services.campaigns import campaign_problems, campaign_queue, campaign_submit
from campaigns.services.results import campaign_results
from campaigns.services.tracking import (
    campaign_backfill, campaign_cancel, campaign_recall_create, campaign_sync, campaigns_sync, pollable,
)
from tests.factories import CampaignFactory, callee_list_of
from tests.services.test_submit import at_once

pytestmark = pytest.mark.django_db
Status = Campaign.Status
LIMIT = rules.FIELDS["numberInfoList"].max_length


def big_campaign(count: int, **fields) -> Campaign:
    return CampaignFactory(callee_list=callee_list_of(count), callees=0, **fields)


def posts(simulator, task_name: str) -> int:
    """How many group calls named `task_name` reached the simulator."""
    return sum(1 for r in simulator.requests if r["path"].endswith("voice/group/call/send")
               and r["body"].get("taskName") == task_name)


def launched(callees: int, **fields) -> Campaign:
    """A campaign launched and every part it was split into sent (in this process)."""
    campaign = CampaignFactory(callees=callees, **fields)
    result = campaign_queue(campaign)
    assert result.queued
    for part_id in result.sends:
        campaign_submit(part_id)
    campaign.refresh_from_db()
    return campaign


# Splitting: the real limit


def test_the_number_of_parts_is_read_from_the_contract_table():
    assert [rules.parts_needed(n) for n in (1, LIMIT, LIMIT + 1, 2 * LIMIT, 250_000)] == [1, 1, 2, 2, 3]


def test_a_list_of_exactly_the_limit_is_one_task_as_before():
    campaign = big_campaign(LIMIT)
    result = campaign_queue(campaign)
    campaign.refresh_from_db()
    assert (result.status, result.sends, campaign.status) == (Status.QUEUED, [campaign.pk], Status.QUEUED)
    assert not campaign.parts.exists()
    assert campaign_review(campaign).parts == []


def test_one_number_over_the_limit_makes_two_parts_in_list_order_with_their_texts():
    campaign = big_campaign(LIMIT + 1, task_name="Spring sale")
    review = campaign_review(campaign)
    assert review.ready and review.parts == [("Spring sale (1/2)", LIMIT), ("Spring sale (2/2)", 1)]
    assert "sent in 2 parts" in review.parts_note

    result = campaign_queue(campaign)
    campaign.refresh_from_db()
    first, second = campaign.parts.order_by("part_number")
    assert (campaign.status, result.sends) == (Status.PARTS, [first.pk, second.pk])
    assert (first.task_name, first.status, second.task_name) == ("Spring sale (1/2)", Status.QUEUED, "Spring sale (2/2)")
    assert first.callee_list.callees.count() == LIMIT
    assert list(second.callee_list.callees.values_list("number", "text1")) == [(f"8613{LIMIT:09d}", f"N{LIMIT}")]
    assert (first.tts_text, first.app_id) == (campaign.tts_text, campaign.app_id)
    assert not campaign.submissions.exists()  # the launched campaign itself is never posted


def test_250000_numbers_make_three_parts_of_at_most_the_limit():
    campaign = big_campaign(250_000, task_name="Big")
    campaign_queue(campaign)
    sizes = [(p.task_name, p.callee_list.callees.count()) for p in campaign.parts.order_by("part_number")]
    assert sizes == [("Big (1/3)", 100_000), ("Big (2/3)", 100_000), ("Big (3/3)", 50_000)]


def test_do_not_call_numbers_are_removed_before_counting():
    campaign = big_campaign(LIMIT + 2)
    SuppressedNumber.objects.bulk_create([SuppressedNumber(number=f"8613{i:09d}") for i in (5, LIMIT + 1)])
    review = campaign_review(campaign)
    assert (review.callee_count, review.suppressed_count, review.parts) == (LIMIT, 2, [])
    SuppressedNumber.objects.filter(number=f"8613{LIMIT + 1:09d}").delete()
    campaign_queue(campaign)
    first, second = campaign.parts.order_by("part_number")
    # The number still suppressed is in neither part: part 1 takes one more number instead.
    assert not Callee.objects.filter(callee_list__in=[first.callee_list, second.callee_list],
                                     number=f"8613{5:09d}").exists()
    assert list(second.callee_list.callees.values_list("number", flat=True)) == [f"8613{LIMIT + 1:09d}"]


def test_a_name_too_long_for_the_parts_is_an_error_on_the_name():
    longest = rules.FIELDS["taskName"].max_length
    campaign = big_campaign(LIMIT + 1, task_name="x" * (longest - 5))
    (problem,) = [p for p in campaign_problems(campaign) if p.field == "taskName"]
    assert f"Shorten the name to {longest - 6} characters" in problem.message
    result = campaign_queue(campaign)
    assert not result.queued and "taskName" in result.message
    assert Campaign.objects.get(pk=campaign.pk).status == Status.DRAFT


def test_a_part_name_another_campaign_uses_is_an_error_on_the_name():
    CampaignFactory(task_name="Winter (2/2)")
    campaign = big_campaign(LIMIT + 1, task_name="Winter")
    assert [p.field for p in campaign_problems(campaign)] == ["taskName"]
    assert "'Winter (2/2)'" in campaign_problems(campaign)[0].message  # the one message for a taken name


# Exactly once, on PostgreSQL's row locks


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_launches_at_once_split_once_and_post_each_part_once(simulator, limit_of_4):
    campaign = CampaignFactory(callees=5, task_name="Rush")
    results = at_once(lambda: campaign_queue(Campaign.objects.get(pk=campaign.pk)).queued, times=20)
    assert sorted(results).count(True) == 1
    assert Campaign.objects.filter(part_of=campaign).count() == 2
    # The winner's commit sent both parts (in-process tasks); twenty workers claiming them again post nothing.
    at_once(lambda: [campaign_submit(p.pk) for p in Campaign.objects.filter(part_of=campaign)], times=20)
    assert (posts(simulator, "Rush (1/2)"), posts(simulator, "Rush (2/2)")) == (1, 1)
    assert Submission.objects.filter(campaign__part_of=campaign).count() == 2
    assert set(Campaign.objects.filter(part_of=campaign).values_list("status", flat=True)) == {Status.SUBMITTED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_workers_claiming_queued_parts_post_each_once(simulator, limit_of_4):
    campaign = CampaignFactory(callees=10, task_name="Claim")
    with transaction.atomic():  # queued parts, as a launch leaves them, without their tasks having run
        Campaign.objects.filter(pk=campaign.pk).update(status=Status.PARTS)
        campaign.refresh_from_db()
        ids = parts.parts_create(campaign)
    at_once(lambda: [campaign_submit(pk).status for pk in ids], times=20)  # each thread claims every part
    assert [posts(simulator, f"Claim ({n}/3)") for n in (1, 2, 3)] == [1, 1, 1]
    assert [Submission.objects.filter(campaign_id=pk).count() for pk in ids] == [1, 1, 1]


# After launch: a small limit


def test_a_part_refused_for_good_fails_alone_and_launching_again_sends_only_it(simulator, limit_of_4):
    campaign = CampaignFactory(callees=10, task_name="Autumn")
    result = campaign_queue(campaign)
    first, second, third = result.sends
    assert campaign_submit(first).status == Status.SUBMITTED
    simulator.fail_next(code="-1")
    assert campaign_submit(second).status == Status.FAILED
    assert campaign_submit(third).status == Status.SUBMITTED
    campaign.refresh_from_db()
    assert campaign.status == Status.PARTS and "1 failed" in campaign.status_detail and "part 2" in campaign.status_detail

    again = campaign_queue(campaign)
    assert again.sends == [second]
    assert campaign_submit(second).status == Status.SUBMITTED
    assert [posts(simulator, f"Autumn ({n}/3)") for n in (1, 2, 3)] == [1, 2, 1]
    assert not campaign_queue(campaign).queued  # nothing failed: nothing is sent again
    assert [posts(simulator, f"Autumn ({n}/3)") for n in (1, 2, 3)] == [1, 2, 1]


def test_a_temporary_failure_retries_that_part_only(simulator, limit_of_4):
    campaign = CampaignFactory(callees=8, task_name="Retry")
    first, second = campaign_queue(campaign).sends
    simulator.fail_next(http_status=503)
    retried = campaign_submit(first)
    assert (retried.status, retried.retry_in is not None) == (Status.QUEUED, True)
    assert campaign_submit(second).status == Status.SUBMITTED
    assert campaign_submit(first).status == Status.SUBMITTED  # the worker's retry
    assert campaign_submit(second).status == Status.SUBMITTED  # a redelivered task posts nothing
    assert [posts(simulator, f"Retry ({n}/2)") for n in (1, 2)] == [2, 1]
    assert Submission.objects.filter(campaign_id=second).count() == 1


def test_sync_and_progress_sum_the_parts(simulator, limit_of_4):
    campaign = launched(10, task_name="Sums")
    assert {line["task_name"] for line in campaigns_sync()} == {"Sums (1/3)", "Sums (2/3)", "Sums (3/3)"}
    simulator.finish("Sums (1/3)")
    simulator.finish("Sums (3/3)")
    campaign_sync(campaign)
    campaign.refresh_from_db()
    progress = campaign_progress(campaign)
    assert progress["numbers"] == 10 and len(progress["parts"]) == 3
    assert progress["called"] == 6 and not progress["final"]  # parts 1 and 3: 4 + 2 numbers
    assert progress["provider_status"] in ("Calling", "Waiting to start")
    simulator.finish("Sums (2/3)")
    campaign_sync(campaign)
    campaign.refresh_from_db()
    progress = campaign_progress(campaign)
    assert (progress["called"], progress["progress"], progress["final"]) == (10, 100, True)
    assert progress["success"] + progress["fail"] == 10
    assert campaign.provider_status == ProviderStatus.FINISHED and campaign.finished_at is not None
    assert not pollable().filter(part_of=campaign).exists() and not pollable().filter(pk=campaign.pk).exists()


def test_cancel_stops_every_running_part(simulator, limit_of_4):
    campaign = launched(10, task_name="Stop")
    simulator.finish("Stop (2/3)")
    campaign_sync(campaign)
    campaign.refresh_from_db()
    assert campaign_cancellable(campaign)
    outcome = campaign_cancel(campaign)
    assert outcome.ok and "2 of 2 running parts cancelled" in outcome.message
    cancels = [r for r in simulator.requests if r["path"].endswith("voice/group/call/cancel")]
    assert len(cancels) == 2
    statuses = dict(campaign.parts.values_list("part_number", "provider_status"))
    assert statuses == {1: ProviderStatus.CANCELLED, 2: ProviderStatus.FINISHED, 3: ProviderStatus.CANCELLED}
    campaign.refresh_from_db()
    assert campaign.provider_status == ProviderStatus.CANCELLED and not campaign_cancellable(campaign)


def test_call_records_link_to_their_part_and_results_add_up(simulator, limit_of_4):
    campaign = launched(10, task_name="Results")
    for n in (1, 2, 3):
        simulator.finish(f"Results ({n}/3)")
    campaign_sync(campaign)
    campaign.refresh_from_db()
    stored = campaign_backfill(campaign)  # the record query: no task id, linked by number to its part
    assert stored == 10
    part_rows = list(campaign.parts.order_by("part_number"))
    assert [CallRecord.objects.filter(campaign=part).count() for part in part_rows] == [4, 4, 2]
    assert all(r.callee.callee_list_id == r.campaign.callee_list_id for r in CallRecord.objects.select_related("callee"))
    results = campaign_results(campaign)
    assert results.total == 10 and results.shared == 0
    per_part = [campaign_results(part) for part in part_rows]
    assert results.outcomes == [(label, sum(dict(r.outcomes)[label] for r in per_part)) for label, _ in results.outcomes]


def test_call_again_calls_the_numbers_left_of_every_part_as_a_new_group_call(simulator, limit_of_4):
    campaign = launched(10, task_name="Again")
    for n in (1, 2, 3):
        simulator.finish(f"Again ({n}/3)")
    campaign_sync(campaign)
    campaign.refresh_from_db()
    unsure = recall_plan(campaign, failed_only=True)  # no records yet: Laaffic's counts cannot say who
    assert unsure.count is None and "no single resend covers" in unsure.refusal
    campaign_backfill(campaign)
    plan = recall_plan(campaign, failed_only=False)
    assert (plan.count, plan.resend) == (10, False)  # no single resend covers three tasks
    child, _ = campaign_recall_create(campaign, "Again 2", failed_only=False)
    assert child.callee_list.callees.count() == 10 and not child.is_resend
    result = campaign_queue(child)
    assert len(result.sends) == 3  # over the limit again: in parts of its own
    assert list(Callee.objects.filter(callee_list__campaigns__part_of=child).values_list("number", flat=True)
                .order_by("id")) == list(campaign.callee_list.callees.values_list("number", flat=True))
