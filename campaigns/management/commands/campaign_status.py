from campaigns.management.base import CampaignCommand, JsonCommand
from campaigns.services.tracking import campaign_refresh


class Command(CampaignCommand, JsonCommand):
    help = "Show a campaign's status, refreshed from Laaffic when it may still change."

    def handle_campaign(self, campaign, *, as_json: bool, **options):
        note = campaign_refresh(campaign)
        line = {
            "task_name": campaign.task_name, "status": campaign.status,
            "provider_status": campaign.get_provider_status_display() or None, "key_id": campaign.key_id,
            "task_id": campaign.task_id, "progress": campaign.progress, "numbers": campaign.numbers_total,
            "called": campaign.numbers_called, "success": campaign.numbers_success, "fail": campaign.numbers_failed,
        }
        if as_json:
            self.write_json(line)
        else:
            for key, value in line.items():
                self.stdout.write(f"{key}: {'' if value is None else value}")
        if note:
            self.stderr.write(note)
