from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from campaigns.services.results import campaign_results_export


class Command(BaseCommand):
    help = "Print a campaign's results as CSV: one row per callee with its texts and outcome."

    def add_arguments(self, parser):
        parser.add_argument("task_name")

    def handle(self, *args, task_name, **options):
        campaign = Campaign.objects.filter(task_name=task_name).first()
        if campaign is None:
            raise CommandError(f"No campaign has the task name {task_name!r}.")
        campaign_results_export(campaign, self.stdout)
