from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError

from campaigns import time_zones
from campaigns.management.base import CampaignCommand
from campaigns.services.results import campaign_results_export


class Command(CampaignCommand):
    help = ("Print a campaign's results as CSV for a spreadsheet (UTF-8 with BOM): one row per callee with its "
            "texts and outcome, times in --time-zone.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--time-zone", default=None,
                            help="zone the times are written in, e.g. Europe/Madrid (default: TIME_ZONE)")

    def handle_campaign(self, campaign, *, time_zone, **options):
        name = time_zone or settings.TIME_ZONE
        problem = time_zones.problem(name)
        if problem:
            raise CommandError(problem)
        campaign_results_export(campaign, self.stdout, ZoneInfo(name))
