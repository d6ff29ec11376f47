"""Celery tasks: load by id, call one service, own the retries."""
from celery import shared_task

from .models import Campaign
from .services import campaigns as campaign_services
from .services import imports, tracking


@shared_task(bind=True, acks_late=True, max_retries=campaign_services.MAX_SUBMIT_RETRIES)
def submit_campaign(self, campaign_id, user_id=None):
    result = campaign_services.campaign_submit(campaign_id, user_id=user_id)
    if result.retry_in is None:
        return result.status
    delay = campaign_services.submit_retry_delay(result.retry_in, self.request.retries)
    if delay is None:
        campaign_services.campaign_give_up(campaign_id, result.message)
        return "failed"
    raise self.retry(countdown=delay)


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
