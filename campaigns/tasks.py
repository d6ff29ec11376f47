"""Celery tasks: load by id, call one service, own the retries."""
from celery import shared_task
from django.conf import settings

from .models import Campaign
from .services import campaigns as campaign_services
from .services import imports, tracking

MAX_SUBMIT_RETRIES = 8


@shared_task(bind=True, acks_late=True, max_retries=MAX_SUBMIT_RETRIES)
def submit_campaign(self, campaign_id, user_id=None):
    result = campaign_services.campaign_submit(campaign_id, user_id=user_id)
    if result.retry_in is not None:
        if self.request.retries >= self.max_retries:
            campaign_services.campaign_give_up(campaign_id, result.message)
            return "failed"
        # Exponential backoff from the delay the service suggests for this kind of failure.
        raise self.retry(countdown=min(result.retry_in * 2 ** self.request.retries,
                                       settings.LAAFFIC_RETRY_MAX_SECONDS))
    return result.status


@shared_task(acks_late=True)
def run_import(job_id):
    job = imports.import_job_run(job_id)
    return job.status if job else "not claimed"


@shared_task
def sync_campaigns():
    return tracking.campaigns_sync()


@shared_task
def backfill_call_records():
    return tracking.campaigns_backfill()


@shared_task(acks_late=True)
def backfill_campaigns(campaign_ids):
    return tracking.campaigns_backfill(Campaign.objects.filter(pk__in=campaign_ids))


@shared_task
def resume_stalled_submissions():
    """Send again the tasks of campaigns whose worker vanished (the claim keeps it to one POST)."""
    stalled = campaign_services.stalled_campaign_ids()
    for campaign_id in stalled:
        submit_campaign.delay(campaign_id)
    return len(stalled)
