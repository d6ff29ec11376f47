import json

from django.core.management.base import BaseCommand, CommandError

from campaigns import rules
from campaigns.services import bodies
from campaigns.services.campaigns import InvalidCampaign, campaign_load


class Command(BaseCommand):
    help = ("Check a group-call request body (shaped like Laaffic's example) and, "
            "without --check, create a draft campaign from it.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file with the request body")
        parser.add_argument("--check", action="store_true", help="only validate; store nothing")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON line")

    def handle(self, *args, file, check, as_json: bool, **options):
        body = self._read(file)
        errors = None
        task_name = body.get("taskName") if isinstance(body, dict) else None
        if isinstance(body, Exception):
            errors = {"body": [f"{file} is not valid JSON: {body}"]}
        elif check:
            errors = rules.errors_by_field(bodies.check(body, entering=True)) or None
        else:
            try:
                task_name = campaign_load(body).task_name
            except InvalidCampaign as invalid:
                errors = invalid.errors
        self._report(as_json, task_name, errors)
        if errors:
            raise SystemExit(1)

    def _read(self, file):
        try:
            with open(file, encoding="utf-8-sig") as handle:
                return json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except ValueError as error:
            return error

    def _report(self, as_json, task_name, errors):
        if as_json:
            line = {"valid": False, "errors": errors} if errors else {"valid": True, "task_name": task_name}
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        elif errors:
            self.stderr.write(f"The body has {sum(map(len, errors.values()))} problem(s):")
            for field, messages in errors.items():
                for message in messages:
                    self.stderr.write(f"  {field}: {message}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Valid: {task_name}"))

