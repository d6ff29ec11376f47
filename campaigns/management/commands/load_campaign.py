import json

from django.core.management.base import CommandError

from campaigns import rules
from campaigns.management.base import JsonCommand
from campaigns.services import bodies
from campaigns.services.campaigns import InvalidCampaign, campaign_load, campaign_load_problems


class Command(JsonCommand):
    help = ("Check a group-call request body (shaped like Laaffic's example) and, "
            "without --check, create a draft campaign from it.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="JSON file with the request body")
        parser.add_argument("--check", action="store_true", help="only validate; store nothing")

    def handle(self, *args, file, check, as_json: bool, **options):
        body = self._read(file)
        errors = None
        task_name = body.get("taskName") if isinstance(body, dict) else None
        if isinstance(body, Exception):
            errors = {"body": [f"{file} is not valid JSON: {body}"]}
        elif check:
            errors = rules.errors_by_field(campaign_load_problems(body)) or None
        else:
            try:
                task_name = campaign_load(body).task_name
            except InvalidCampaign as invalid:
                errors = invalid.errors
        self._report(as_json, task_name, errors, rules.errors_by_field(bodies.notes(body)))
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

    def _report(self, as_json, task_name, errors, notes):
        if as_json:
            line = {"valid": False, "errors": errors} if errors else {"valid": True, "task_name": task_name}
            self.write_json({**line, "notes": notes} if notes else line)
            return
        for field, messages in notes.items():
            self.stdout.write(f"Note: {field}: {' '.join(messages)}")
        if errors:
            self.stderr.write(f"The body has {sum(map(len, errors.values()))} problem(s):")
            for field, messages in errors.items():
                for message in messages:
                    self.stderr.write(f"  {field}: {message}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Valid: {task_name}"))

