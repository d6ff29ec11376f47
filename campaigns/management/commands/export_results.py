from django.core.management.base import BaseCommand

from campaigns.management.lookup import campaign_named
from campaigns.services.results import campaign_results_export


class Command(BaseCommand):
    help = "Print a campaign's results as CSV: one row per callee with its texts and outcome."

    def add_arguments(self, parser):
        parser.add_argument("task_name")

    def handle(self, *args, task_name, **options):
        campaign = campaign_named(task_name)
        campaign_results_export(campaign, self.stdout)
