from campaigns.management.base import JsonCommand
from campaigns.services.tracking import campaigns_sync


class Command(JsonCommand):
    help = ("Refresh every running or unknown campaign from Laaffic's task list (what the beat job does); "
            "exit 1 when one could not be refreshed.")

    def handle(self, *args, as_json: bool, **options):
        lines = campaigns_sync()
        if as_json:
            self.write_json({"campaigns": lines})
        else:
            for line in lines:
                if "error" in line:
                    self.stderr.write(f"{line['task_name']}: not refreshed: {line['error']}")
                else:
                    self.stdout.write(f"{line['task_name']}: {line['result']}")
            if not lines:
                self.stdout.write("No campaign is running or unknown.")
        if any("error" in line for line in lines):
            raise SystemExit(1)
