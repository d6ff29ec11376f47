"""CSV exports that open correctly in a spreadsheet: UTF-8 with a BOM (without it Excel reads
UTF-8 as its local code page), and cells that could run as a formula neutralised."""
import csv
import io

from .. import rules
from ..importers.cells import safe_cell
from ..models import Callee

BOM = "\ufeff"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # what Excel and LibreOffice read as a date and time in any locale


def spreadsheet_writer(out, header):
    """A csv writer over the text stream `out`, the BOM and `header` written: one write, as a
    command's stdout (which ends each write with a newline unless it has one) needs."""
    first = io.StringIO()
    csv.writer(first).writerow(header)
    out.write(BOM + first.getvalue())
    return csv.writer(out)


def callee_list_export(callee_list_id, out) -> int:
    """Write a callee list as `calleeNumber,text1..text10` CSV to a text stream; returns the row count."""
    writer = spreadsheet_writer(out, ["calleeNumber", *rules.TEXT_FIELDS])
    rows = Callee.objects.filter(callee_list_id=callee_list_id).order_by("id").values_list(
        "number", *rules.TEXT_FIELDS)
    count = 0
    for count, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        writer.writerow([safe_cell(cell) for cell in row])
    return count
