"""Celery tasks: load by id, call one service, own the retries."""
from celery import shared_task

from .services import campaigns as campaign_services
from .services import imports

MAX_SUBMIT_RETRIES = 8
MAX_RETRY_DELAY = 30 * 60


@shared_task(bind=True, acks_late=True, max_retries=MAX_SUBMIT_RETRIES)
def submit_campaign(self, campaign_id, user_id=None):
    result = campaign_services.campaign_submit(campaign_id, user_id=user_id)
    if result.retry_in is not None:
        if self.request.retries >= self.max_retries:
            campaign_services.campaign_give_up(campaign_id, result.message)
            return "failed"
        # Exponential backoff from the delay the service suggests for this kind of failure.
        raise self.retry(countdown=min(result.retry_in * 2 ** self.request.retries, MAX_RETRY_DELAY))
    return result.status


@shared_task(acks_late=True)
def run_import(job_id):
    job = imports.import_job_run(job_id)
    return job.status if job else "not claimed"
