import json

from django.core.management.base import BaseCommand

from campaigns.management.lookup import campaign_named
from campaigns.services.bodies import campaign_body


class Command(BaseCommand):
    help = "Print the exact JSON body that submitting the campaign would send (no credentials)."

    def add_arguments(self, parser):
        parser.add_argument("task_name")

    def handle(self, *args, task_name, **options):
        campaign = campaign_named(task_name)
        self.stdout.write(json.dumps(campaign_body(campaign), ensure_ascii=False, indent=2))
