from campaigns.management.base import CampaignCommand, JsonCommand
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_submit_now


class Command(CampaignCommand, JsonCommand):
    help = "Submit a campaign to Laaffic now, through the same checks as the admin action."

    def handle_campaign(self, campaign, *, as_json: bool, **options):
        result = campaign_submit_now(campaign)
        campaign.refresh_from_db()
        line = {
            "task_name": campaign.task_name, "status": campaign.status, "key_id": campaign.key_id,
            "code": result.code or campaign.provider_code, "message": result.message,
        }
        if as_json:
            self.write_json(line)
        else:
            self.stdout.write(f"{campaign.task_name}: {campaign.get_status_display()}. {result.message}")
        sent = Campaign.Status.SUBMITTED
        if campaign.tasks().exclude(status=sent).exists():  # launched in parts: each part must be accepted
            raise SystemExit(1)
