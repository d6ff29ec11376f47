import json

from django.core.management.base import BaseCommand, CommandError

from campaigns.importers.callees import CsvRefused
from campaigns.models import CalleeList
from campaigns.services.imports import Target, import_file


class Command(BaseCommand):
    help = "Import a CSV file of callees into a list (created if needed), with the browser's rules."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--list", required=True, dest="list_name", help="callee list name")
        parser.add_argument("--dry-run", action="store_true", help="check the file; store nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON line")
        parser.add_argument("--country", default=None,
                            help="two-letter country for numbers written without country code (e.g. GB)")
        parser.add_argument("--update-existing", action="store_true",
                            help="update the texts of numbers already in the list (default: skip them)")

    def handle(self, *args, file, list_name, dry_run, json: bool, country, update_existing, **options):
        callee_list = CalleeList.objects.filter(name=list_name).first()
        if callee_list is None:
            callee_list = CalleeList(name=list_name)
            if not dry_run:
                callee_list.save()
        try:
            with open(file, "rb") as stream:
                result = import_file(stream, Target(callee_list), default_region=country and country.upper(),
                                     update_existing=update_existing, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except CsvRefused as refused:
            if not dry_run and not callee_list.callees.exists() and not callee_list.campaigns.exists():
                callee_list.delete()  # created for this file, which was refused whole
            self._refused(json, list_name, refused.message)
            raise SystemExit(1)
        line = result.as_json(list_name)
        if json:
            self.stdout.write(json_module.dumps(line, ensure_ascii=False))
        else:
            verb = "would import" if dry_run else "imported"
            self.stdout.write(f"{list_name}: {verb} {line['imported']}, {line['duplicates']} duplicates, "
                              f"{line['rejected']} rejected.")
            for error in line["errors"]:
                self.stdout.write(f"  line {error['line']}: {error['reason']}")

    def _refused(self, as_json, list_name, message):
        if as_json:
            self.stdout.write(json_module.dumps({"list": list_name, "error": message}, ensure_ascii=False))
        else:
            self.stderr.write(f"The file was not imported: {message}")


json_module = json
