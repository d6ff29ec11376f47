"""What the commands share: `--json` for the report and for errors alike, and a campaign named by its task name."""
import json

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign


class JsonCommand(BaseCommand):
    """With `--json` the report is one JSON line on stdout, and so is an error: {"error": "..."}, exit 1."""

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON line, errors too")

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if not options.get("as_json"):
                raise
            self.write_json({"error": str(error)})
            raise SystemExit(error.returncode) from error

    def write_json(self, line: dict) -> None:
        self.stdout.write(json.dumps(line, ensure_ascii=False))


class CampaignCommand(BaseCommand):
    """A command about one campaign: its first argument is the task name staff know it by."""

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("task_name", help="the campaign's task name")

    def handle(self, *args, task_name, **options):
        campaign = Campaign.objects.select_related("voice_file", "sms_template").filter(task_name=task_name).first()
        if campaign is None:
            raise CommandError(f"No campaign has the task name {task_name!r}.")
        return self.handle_campaign(campaign, **options)

    def handle_campaign(self, campaign: Campaign, **options):
        raise NotImplementedError("a CampaignCommand provides handle_campaign()")
