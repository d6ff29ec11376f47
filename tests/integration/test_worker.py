"""A real Celery worker runs what the admin queues, and a worker killed mid-request never causes a second POST."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse

from campaigns.laaffic.client import GROUP_CALL_SEND
from campaigns.models import Campaign, ImportJob, Submission
from campaigns.services.campaigns import MAX_SUBMIT_RETRIES, STALE_AFTER
from campaigns.tasks import submit_campaign
from tests.factories import CalleeListFactory, CampaignFactory

from tests.integration.conftest import WORKER_LAAFFIC_TIMEOUT, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
Status = Campaign.Status
CAMPAIGNS = reverse("admin:campaigns_campaign_changelist")
CSV = ("phone,name\n8613800000001,Ann\n8613800000002,Bob\n8613800000002,Bob again\n"
       "not a number,Zed\n8613800000003,Cy\n")


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return user


def group_calls(simulator):
    return [r for r in simulator.requests if r["path"] == GROUP_CALL_SEND]


def submit_from_admin(client, campaign):
    response = client.post(CAMPAIGNS, {"action": "submit_to_laaffic", "_selected_action": [campaign.pk],
                                       "confirm": "yes"}, follow=True)
    assert "queued for sending" in response.content.decode()


def status_of(campaign, *statuses):
    campaign.refresh_from_db()
    return campaign.status in statuses


def test_an_import_and_a_submission_queued_in_the_admin_are_run_by_the_worker(
        client, superuser, start_worker, simulator):
    worker = start_worker()
    callee_list = CalleeListFactory(name="Spring customers")
    upload = client.post(reverse("admin:campaigns_calleelist_import", args=[callee_list.pk]),
                         {"file": SimpleUploadedFile("customers.csv", CSV.encode())})
    preview = client.get(upload.url)
    assert preview.context["result"].report.accepted == 3
    confirmed = client.post(upload.url, {"encoding": "utf-8", "delimiter": ",", "has_header": "on",
                                         "on_existing": "skip", "number": "0", "text1": "1", "confirm": "yes"})
    job = ImportJob.objects.get()
    wait_until(lambda: ImportJob.objects.filter(pk=job.pk, status="done").exists(), 20, "the import", worker)
    progress = client.get(confirmed.url).content.decode()
    assert "Step 3 of 3: Done" in progress
    assert "3 imported, 1 duplicate in the file, 1 rejected." in progress
    assert list(callee_list.callees.values_list("number", "text1")) == [
        ("8613800000001", "Ann"), ("8613800000002", "Bob"), ("8613800000003", "Cy")]

    campaign = CampaignFactory(callee_list=callee_list, callees=0)
    submit_from_admin(client, campaign)
    wait_until(lambda: status_of(campaign, Status.SUBMITTED, Status.FAILED, Status.UNKNOWN), 20,
               "the submission", worker)
    assert campaign.status == Status.SUBMITTED, campaign.status_detail
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert "Submitted" in page and campaign.key_id in page
    assert campaign.key_id == str(simulator.tasks[campaign.task_name]["key_id"])
    assert simulator.tasks[campaign.task_name]["callee_count"] == 3
    assert len(group_calls(simulator)) == 1


def test_a_worker_killed_while_laaffic_answers_never_leads_to_a_second_post(
        client, superuser, start_worker, simulator):
    # Laaffic takes its time: the request arrives and the task is created 3 s later.
    simulator.fail_next(delay=3, path=GROUP_CALL_SEND)
    first = start_worker()
    campaign = CampaignFactory(callees=2)
    submit_from_admin(client, campaign)
    wait_until(lambda: group_calls(simulator), 15, "the POST to Laaffic", first)
    first.kill()
    task_id = re.search(r"submit_campaign\[([0-9a-f-]+)\] received", first.log())[1]
    campaign.refresh_from_db()
    (attempt,) = campaign.submissions.all()
    assert campaign.status == Status.SUBMITTING
    assert attempt.outcome == Submission.Outcome.PENDING and attempt.request_body

    # Redis hands an unacknowledged task to another worker once its visibility timeout
    # (an hour by default) has passed; queueing the same task id again stands in for that.
    second = start_worker()
    submit_campaign.apply_async((campaign.pk,), {"user_id": superuser.pk}, task_id=task_id)
    second.wait_for_log(f"submit_campaign[{task_id}] retry")
    assert status_of(campaign, Status.SUBMITTING), "the claim of a worker that may be alive is kept"
    assert len(group_calls(simulator)) == 1

    # Past the stale deadline the claim is settled as unknown, not resent.
    Submission.objects.filter(pk=attempt.pk).update(
        started_at=F("started_at") - timedelta(seconds=WORKER_LAAFFIC_TIMEOUT) - STALE_AFTER)
    submit_campaign.apply_async((campaign.pk,), {"user_id": superuser.pk}, task_id=task_id)
    wait_until(lambda: not status_of(campaign, Status.SUBMITTING), 15, "settling the stale claim", second)
    assert campaign.status == Status.UNKNOWN
    assert "worker stopped while the request was on its way" in campaign.status_detail
    assert campaign.task_name in campaign.status_detail
    attempt.refresh_from_db()
    assert attempt.outcome == Submission.Outcome.UNKNOWN
    # The single POST did create the task on Laaffic: resending would have called everyone twice.
    wait_until(lambda: campaign.task_name in simulator.tasks, 10, "the delayed task on the simulator")
    assert len(group_calls(simulator)) == 1
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert "Unknown: check before resending" in page


def test_a_submission_still_refused_on_its_last_retry_leaves_the_campaign_failed_saying_why(
        client, superuser, start_worker, simulator):
    simulator.fail_next(code="-37", path=GROUP_CALL_SEND, times=MAX_SUBMIT_RETRIES + 1)
    worker = start_worker()
    # Queued as a worker left it after its earlier tries (queueing it here would enqueue a first try).
    campaign = CampaignFactory(callees=2, status=Status.QUEUED)
    # Retries wait minutes (120 s doubling for -37); the message Celery sends for the
    # last one carries retries=MAX_SUBMIT_RETRIES, and this one does too.
    submit_campaign.apply_async((campaign.pk,), retries=MAX_SUBMIT_RETRIES)
    wait_until(lambda: not status_of(campaign, Status.QUEUED, Status.SUBMITTING), 15, "giving up", worker)
    assert campaign.status == Status.FAILED
    assert campaign.status_detail.startswith("Gave up after several attempts. Last problem:")
    assert "as many group calls as your account allows" in campaign.status_detail
    (attempt,) = campaign.submissions.all()
    assert (attempt.outcome, attempt.code) == (Submission.Outcome.RETRY, "-37")
    assert len(group_calls(simulator)) == 1
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert "Gave up after several attempts" in page
