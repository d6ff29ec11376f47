import json

from django.core.management.base import BaseCommand

from campaigns.laaffic import LaafficError
from campaigns.management.lookup import campaign_named
from campaigns.services.tracking import campaign_sync, pollable


class Command(BaseCommand):
    help = "Show a campaign's status, refreshed from Laaffic when it may still change."

    def add_arguments(self, parser):
        parser.add_argument("task_name")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON line")

    def handle(self, *args, task_name, as_json: bool, **options):
        campaign = campaign_named(task_name)
        note = ""
        if pollable().filter(pk=campaign.pk).exists():
            try:
                campaign_sync(campaign)
            except LaafficError as error:
                note = f"Could not refresh from Laaffic: {error.message}"
            campaign.refresh_from_db()
        line = {
            "task_name": campaign.task_name, "status": campaign.status,
            "provider_status": campaign.get_provider_status_display() or None, "key_id": campaign.key_id,
            "task_id": campaign.task_id, "progress": campaign.progress, "numbers": campaign.numbers_total,
            "called": campaign.numbers_called, "success": campaign.numbers_success, "fail": campaign.numbers_failed,
        }
        if as_json:
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        else:
            for key, value in line.items():
                self.stdout.write(f"{key}: {'' if value is None else value}")
        if note:
            self.stderr.write(note)

