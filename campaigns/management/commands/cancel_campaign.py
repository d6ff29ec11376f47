from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from campaigns.services.tracking import campaign_cancel


class Command(BaseCommand):
    help = "Cancel a waiting or calling campaign on Laaffic."

    def add_arguments(self, parser):
        parser.add_argument("task_name")

    def handle(self, *args, task_name, **options):
        campaign = Campaign.objects.filter(task_name=task_name).first()
        if campaign is None:
            raise CommandError(f"No campaign has the task name {task_name!r}.")
        outcome = campaign_cancel(campaign)
        if not outcome.ok:
            raise CommandError(outcome.message)
        self.stdout.write(outcome.message)
