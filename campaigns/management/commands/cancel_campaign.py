from django.core.management.base import CommandError

from campaigns.management.base import CampaignCommand
from campaigns.services.tracking import campaign_cancel


class Command(CampaignCommand):
    help = "Cancel a waiting or calling campaign on Laaffic."

    def handle_campaign(self, campaign, **options):
        outcome = campaign_cancel(campaign)
        if not outcome.ok:
            raise CommandError(outcome.message)
        self.stdout.write(outcome.message)
