from django.core.management.base import CommandError

from campaigns.management.base import CampaignCommand
from campaigns.models import Campaign
from campaigns.services.campaigns import InvalidCampaign
from campaigns.services.tracking import campaign_call_again


class Command(CampaignCommand):
    help = ("Call a finished or cancelled campaign's numbers again, as a new run with its own task name: "
            "every number, or only those not reached; never the do-not-call list.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--task-name", required=True, dest="new_name", help="the new run's task name")
        parser.add_argument("--failed-only", action="store_true", help="only the numbers that were not reached")

    def handle_campaign(self, parent, *, new_name, failed_only, **options):
        try:
            child, plan, result = campaign_call_again(parent, new_name, failed_only=failed_only, now=True)
        except InvalidCampaign as invalid:
            raise CommandError("; ".join(p.message for p in invalid.problems)) from invalid
        child.refresh_from_db()
        self.stdout.write(f"{child.task_name}: {child.get_status_display()}. {plan.summary} {result.message}")
        if child.status != Campaign.Status.SUBMITTED:
            raise SystemExit(1)
