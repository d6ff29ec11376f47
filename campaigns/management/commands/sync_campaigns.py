import json

from django.core.management.base import BaseCommand

from campaigns.services.tracking import campaigns_sync


class Command(BaseCommand):
    help = "Refresh every running or unknown campaign from Laaffic's task list (what the beat job does)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON line")

    def handle(self, *args, as_json: bool, **options):
        lines = campaigns_sync()
        if as_json:
            self.stdout.write(json.dumps({"campaigns": lines}, ensure_ascii=False))
            return
        for line in lines:
            self.stdout.write(f"{line['task_name']}: {line['result']}")
        if not lines:
            self.stdout.write("No campaign is running or unknown.")

