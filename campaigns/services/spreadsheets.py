"""CSV exports that are safe to open in a spreadsheet."""
import csv

from .. import rules
from ..importers.cells import safe_cell
from ..models import Callee


def callee_list_export(callee_list_id, out) -> int:
    """Write a callee list as `calleeNumber,text1..text10` CSV to a text stream; returns the row count."""
    writer = csv.writer(out)
    writer.writerow(["calleeNumber", *rules.TEXT_FIELDS])
    rows = Callee.objects.filter(callee_list_id=callee_list_id).order_by("id").values_list(
        "number", *rules.TEXT_FIELDS)
    count = 0
    for count, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        writer.writerow([safe_cell(cell) for cell in row])
    return count
