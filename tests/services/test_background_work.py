"""Services that start background work enqueue their own task, when the transaction commits and not before;
the commands' submit-now path retries as the worker does."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import CallRecord, Campaign, ImportJob
from campaigns.services import imports
from campaigns.services.campaigns import (
    MAX_SUBMIT_RETRIES, campaign_queue, campaign_submit, campaign_submit_now, submit_retry_delay,
)
from campaigns.services.tracking import campaign_call_again, campaign_sync, campaigns_fetch_results
from campaigns.tasks import submit_campaign
from tests.factories import CalleeListFactory, CampaignFactory

pytestmark = pytest.mark.django_db
Status = Campaign.Status


def requests_to(simulator, path):
    return [r for r in simulator.requests if r["path"].endswith(path)]


def finished(simulator, **kwargs):
    campaign = CampaignFactory(**kwargs)
    campaign_queue(campaign)
    assert campaign_submit(campaign.pk).status == Status.SUBMITTED
    simulator.finish(campaign.task_name)
    campaign_sync(campaign)
    return Campaign.objects.get(pk=campaign.pk)


def test_a_queued_campaign_is_sent_by_its_task_once_the_transaction_commits(
        simulator, django_capture_on_commit_callbacks, django_user_model):
    user = django_user_model.objects.create(username="ann")
    campaign = CampaignFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        assert campaign_queue(campaign, user=user).queued
    assert Campaign.objects.get(pk=campaign.pk).status == Status.QUEUED
    assert not simulator.requests  # nothing leaves before the commit
    (send,) = callbacks
    send()
    campaign.refresh_from_db()
    assert campaign.status == Status.SUBMITTED
    assert len(requests_to(simulator, "group/call/send")) == 1
    assert campaign.submissions.get().user == user


def test_a_campaign_that_is_not_queued_enqueues_nothing(simulator, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(status=Status.SUBMITTED, key_id="77")
    with django_capture_on_commit_callbacks() as callbacks:
        result = campaign_queue(campaign)
    assert not result.queued and "never sent twice" in result.message
    assert callbacks == []


def test_a_confirmed_import_is_run_by_its_task_once_the_transaction_commits(
        tmp_path, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    callee_list = CalleeListFactory()
    upload = SimpleUploadedFile("people.csv", b"calleeNumber,text1\n8613800000001,Ann\n8613800000002,Bob\n")
    job = imports.import_job_create(upload, imports.Target(callee_list))
    with django_capture_on_commit_callbacks() as callbacks:
        assert imports.import_job_queue(job)
        assert not imports.import_job_queue(job)  # confirmed once, run once
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.QUEUED
    assert not callee_list.callees.exists()
    (run,) = callbacks
    run()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
    assert sorted(callee_list.callees.values_list("number", "text1")) == [
        ("8613800000001", "Ann"), ("8613800000002", "Bob")]


def test_fetching_results_backfills_the_submitted_campaigns_in_one_task_after_the_commit(
        simulator, django_capture_on_commit_callbacks):
    first = finished(simulator, task_name="Spring sale", callees=2)
    second = finished(simulator, task_name="Summer sale", callees=2)
    draft = CampaignFactory(task_name="Not sent")
    with django_capture_on_commit_callbacks() as callbacks:
        count = campaigns_fetch_results(Campaign.objects.filter(pk__in=[first.pk, second.pk, draft.pk]))
    assert count == 2
    assert not requests_to(simulator, "recordGroupQuery")
    (fetch,) = callbacks
    fetch()
    assert requests_to(simulator, "recordGroupQuery")
    assert CallRecord.objects.filter(campaign=first).count() == 2
    assert CallRecord.objects.filter(campaign=second).count() == 2


def test_fetching_results_of_no_submitted_campaign_enqueues_nothing(django_capture_on_commit_callbacks):
    CampaignFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        assert campaigns_fetch_results(Campaign.objects.all()) == 0
    assert callbacks == []


def test_call_again_queues_the_new_run_and_sends_it_after_the_commit(simulator, django_capture_on_commit_callbacks):
    parent = finished(simulator, callees=2)
    with django_capture_on_commit_callbacks() as callbacks:
        child, plan, result = campaign_call_again(parent, "Second try", failed_only=False)
    assert result.queued and plan.count == 2
    assert Campaign.objects.get(pk=child.pk).status == Status.QUEUED
    assert not requests_to(simulator, "group/call/resend")
    (send,) = callbacks
    send()
    assert Campaign.objects.get(pk=child.pk).status == Status.SUBMITTED
    assert len(requests_to(simulator, "group/call/resend")) == 1


def test_call_again_now_sends_the_new_run_in_this_process(simulator, django_capture_on_commit_callbacks):
    parent = finished(simulator, callees=2)
    with django_capture_on_commit_callbacks() as callbacks:
        child, _, result = campaign_call_again(parent, "Second try", failed_only=False, now=True)
    assert result.status == Status.SUBMITTED and callbacks == []
    assert Campaign.objects.get(pk=child.pk).status == Status.SUBMITTED


def test_submitting_now_leaves_a_temporary_failure_to_the_worker_with_its_first_wait(
        simulator, monkeypatch, django_capture_on_commit_callbacks):
    simulator.fail_next(code="-37")
    campaign = CampaignFactory()
    handed = []
    monkeypatch.setattr(submit_campaign, "apply_async", lambda *args, **kwargs: handed.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        result = campaign_submit_now(campaign)
    assert result.status == Status.QUEUED
    assert result.message.endswith("Not sent yet: the worker tries again in 120 seconds.")
    assert handed == [(((campaign.pk,), {"user_id": None}), {"countdown": submit_retry_delay(120.0, 0)})]
    assert len(requests_to(simulator, "group/call/send")) == 1
    monkeypatch.undo()
    submit_campaign.apply(*handed[0][0])  # the worker, when the wait is over
    assert Campaign.objects.get(pk=campaign.pk).status == Status.SUBMITTED
    assert len(requests_to(simulator, "group/call/send")) == 2


def test_the_workers_waits_double_and_it_gives_up_after_max_retries(settings):
    settings.LAAFFIC_RETRY_MAX_SECONDS = 600
    waits = [submit_retry_delay(120.0, retries) for retries in range(MAX_SUBMIT_RETRIES + 1)]
    assert waits == [120.0, 240.0, 480.0] + [600.0] * (MAX_SUBMIT_RETRIES - 3) + [None]
