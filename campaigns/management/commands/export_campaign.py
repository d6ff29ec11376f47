from django.core.management.base import BaseCommand

from campaigns.laaffic import JsonBody
from campaigns.management.lookup import campaign_named
from campaigns.services.bodies import campaign_body, with_audio


class Command(BaseCommand):
    help = "Print the exact JSON body that submitting the campaign would send (no credentials)."

    def add_arguments(self, parser):
        parser.add_argument("task_name")

    def handle(self, *args, task_name, **options):
        campaign = campaign_named(task_name)
        # A recorded file is encoded while it is written, a chunk at a time.
        for chunk in JsonBody(with_audio(campaign, campaign_body(campaign)), indent=2):
            self.stdout.write(chunk.decode("utf-8"), ending="")
        self.stdout.write("")
