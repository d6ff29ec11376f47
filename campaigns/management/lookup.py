"""What several commands share: finding a campaign by the task name staff know it by."""
from django.core.management.base import CommandError

from campaigns.models import Campaign


def campaign_named(task_name: str) -> Campaign:
    campaign = Campaign.objects.select_related("voice_file", "sms_template").filter(task_name=task_name).first()
    if campaign is None:
        raise CommandError(f"No campaign has the task name {task_name!r}.")
    return campaign
