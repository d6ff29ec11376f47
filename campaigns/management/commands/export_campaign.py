from campaigns.laaffic import JsonBody
from campaigns.management.base import CampaignCommand
from campaigns.services.bodies import campaign_body, with_audio


class Command(CampaignCommand):
    help = "Print the exact JSON body that submitting the campaign would send (no credentials)."

    def handle_campaign(self, campaign, **options):
        # A recorded file is encoded while it is written, a chunk at a time.
        for chunk in JsonBody(with_audio(campaign, campaign_body(campaign)), indent=2):
            self.stdout.write(chunk.decode("utf-8"), ending="")
        self.stdout.write("")
