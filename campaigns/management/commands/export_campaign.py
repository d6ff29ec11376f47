import json

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from campaigns.services.bodies import campaign_body


class Command(BaseCommand):
    help = "Print the exact JSON body that submitting the campaign would send (no credentials)."

    def add_arguments(self, parser):
        parser.add_argument("task_name")

    def handle(self, *args, task_name, **options):
        campaign = Campaign.objects.select_related("voice_file", "sms_template").filter(task_name=task_name).first()
        if campaign is None:
            raise CommandError(f"No campaign has the task name {task_name!r}.")
        self.stdout.write(json.dumps(campaign_body(campaign), ensure_ascii=False, indent=2))
