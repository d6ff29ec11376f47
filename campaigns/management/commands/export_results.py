from campaigns.management.base import CampaignCommand
from campaigns.services.results import campaign_results_export


class Command(CampaignCommand):
    help = "Print a campaign's results as CSV: one row per callee with its texts and outcome."

    def handle_campaign(self, campaign, **options):
        campaign_results_export(campaign, self.stdout)
