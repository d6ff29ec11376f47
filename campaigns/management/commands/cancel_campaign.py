from django.core.management.base import BaseCommand, CommandError

from campaigns.management.lookup import campaign_named
from campaigns.services.tracking import campaign_cancel


class Command(BaseCommand):
    help = "Cancel a waiting or calling campaign on Laaffic."

    def add_arguments(self, parser):
        parser.add_argument("task_name")

    def handle(self, *args, task_name, **options):
        campaign = campaign_named(task_name)
        outcome = campaign_cancel(campaign)
        if not outcome.ok:
            raise CommandError(outcome.message)
        self.stdout.write(outcome.message)
