import json

from django.core.management.base import BaseCommand

from campaigns.management.lookup import campaign_named
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_submit_now


class Command(BaseCommand):
    help = "Submit a campaign to Laaffic now, through the same checks as the admin action."

    def add_arguments(self, parser):
        parser.add_argument("task_name")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON line")

    def handle(self, *args, task_name, as_json: bool, **options):
        campaign = campaign_named(task_name)
        result = campaign_submit_now(campaign)
        campaign.refresh_from_db()
        line = {
            "task_name": campaign.task_name, "status": campaign.status, "key_id": campaign.key_id,
            "code": result.code or campaign.provider_code, "message": result.message,
        }
        if as_json:
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        else:
            self.stdout.write(f"{campaign.task_name}: {campaign.get_status_display()}. {result.message}")
        if campaign.status != Campaign.Status.SUBMITTED:
            raise SystemExit(1)
