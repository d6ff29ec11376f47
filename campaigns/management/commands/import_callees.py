from django.core.management.base import CommandError
from django.db import transaction

from campaigns.importers.callees import CsvRefused
from campaigns.management.base import JsonCommand
from campaigns.models import CalleeList
from campaigns.services.imports import Target, import_file


class Command(JsonCommand):
    help = "Import a CSV file of callees into a list (created if needed), with the browser's rules."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file")
        parser.add_argument("--list", required=True, dest="list_name", help="callee list name")
        parser.add_argument("--dry-run", action="store_true", help="check the file; store nothing")
        parser.add_argument("--country", default=None,
                            help="two-letter country for numbers written without country code (e.g. GB)")
        parser.add_argument("--update-existing", action="store_true",
                            help="update the texts of numbers already in the list (default: skip them)")

    def handle(self, *args, file, list_name, dry_run, as_json: bool, country, update_existing, **options):
        try:
            # A list created for this file is rolled back with it when the file cannot be read or is refused.
            with transaction.atomic(), open(file, "rb") as stream:
                callee_list = CalleeList.objects.filter(name=list_name).first() or CalleeList(name=list_name)
                if callee_list.pk is None and not dry_run:
                    callee_list.save()
                result = import_file(stream, Target(callee_list), default_region=country and country.upper(),
                                     update_existing=update_existing, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except CsvRefused as refused:
            self._refused(as_json, list_name, refused.message)
            raise SystemExit(1)
        line = result.as_json(list_name)
        if as_json:
            self.write_json(line)
        else:
            verb = "would import" if dry_run else "imported"
            self.stdout.write(f"{list_name}: {verb} {line['imported']}, {line['duplicates']} duplicates, "
                              f"{line['rejected']} rejected.")
            for error in line["errors"]:
                self.stdout.write(f"  line {error['line']}: {error['reason']}")
            if line["errors_not_listed"]:
                self.stdout.write(f"  ... and {line['errors_not_listed']:,} more rejected rows.")

    def _refused(self, as_json, list_name, message):
        if as_json:
            self.write_json({"list": list_name, "error": message})
        else:
            self.stderr.write(f"The file was not imported: {message}")

