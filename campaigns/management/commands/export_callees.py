from django.core.management.base import BaseCommand, CommandError

from campaigns.models import CalleeList
from campaigns.services.spreadsheets import callee_list_export


class Command(BaseCommand):
    help = ("Print a callee list as CSV (calleeNumber,text1..text10) for a spreadsheet: UTF-8 with BOM, "
            "formula-like cells neutralised.")

    def add_arguments(self, parser):
        parser.add_argument("--list", required=True, dest="list_name")

    def handle(self, *args, list_name, **options):
        callee_list = CalleeList.objects.filter(name=list_name).first()
        if callee_list is None:
            raise CommandError(f"No callee list is called {list_name!r}.")
        callee_list_export(callee_list.pk, self.stdout)
