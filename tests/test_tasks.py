"""The Celery task owns the retries of temporary failures."""
import pytest

from campaigns.models import Campaign
from campaigns.services.campaigns import MAX_SUBMIT_RETRIES, campaign_queue
from campaigns.tasks import submit_campaign
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_retries():
    """Eagerly, Celery runs each retry at once only when errors are not propagated."""
    conf = submit_campaign.app.conf
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = True


def group_calls(simulator):
    return [r for r in simulator.requests if r["path"].endswith("voice/group/call/send")]


def test_a_temporary_failure_is_retried_by_the_task_until_accepted(simulator):
    simulator.fail_next(code="-37", times=2)
    campaign = CampaignFactory()
    campaign_queue(campaign)
    submit_campaign.delay(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUBMITTED
    assert len(group_calls(simulator)) == 3
    assert campaign.submissions.count() == 3


def test_a_task_that_runs_out_of_retries_leaves_the_campaign_failed_saying_why(simulator):
    simulator.fail_next(code="-37", times=MAX_SUBMIT_RETRIES + 5)
    campaign = CampaignFactory()
    campaign_queue(campaign)
    submit_campaign.delay(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FAILED
    assert campaign.status_detail.startswith("Gave up after several attempts.")
    assert "group calls" in campaign.status_detail
    assert len(group_calls(simulator)) == MAX_SUBMIT_RETRIES + 1


def test_campaigns_whose_worker_vanished_are_sent_again_once(simulator, settings):
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.models import Submission
    from campaigns.tasks import resume_stalled_submissions

    settings.LAAFFIC_TIMEOUT = 1
    queued = CampaignFactory()
    campaign_queue(queued)
    lost_while_sending = CampaignFactory(status=Campaign.Status.SUBMITTING)
    Submission.objects.create(campaign=lost_while_sending, started_at=timezone.now() - timedelta(hours=2))
    fresh = CampaignFactory()
    campaign_queue(fresh)
    long_ago = timezone.now() - timedelta(hours=2)
    Campaign.objects.filter(pk__in=[queued.pk, lost_while_sending.pk]).update(updated_at=long_ago)
    assert resume_stalled_submissions.delay().get() == 2
    assert Campaign.objects.get(pk=queued.pk).status == Campaign.Status.SUBMITTED
    # Its worker died before the POST (the attempt has no body): safe to send, and sent.
    assert Campaign.objects.get(pk=lost_while_sending.pk).status == Campaign.Status.SUBMITTED
    assert Campaign.objects.get(pk=fresh.pk).status == Campaign.Status.QUEUED
    assert sorted(r["body"]["taskName"] for r in group_calls(simulator)) == sorted(
        [queued.task_name, lost_while_sending.task_name])
