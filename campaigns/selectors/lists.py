"""Callee lists and imports as pages show them."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from ..importers.callees import FileFormat
from ..models import Callee, ImportJob, SuppressedNumber
from ..services import imports
from ..services.bodies import suppressed_count


def callees_of(list_ref):
    """The number of callees in the list that `list_ref` names, counted for each row shown.

    A Count() over a join would count every callee of every list before the page is cut,
    and twice more for the changelist's totals: seconds with a 100,000-callee list.
    """
    counted = (Callee.objects.filter(callee_list=OuterRef(list_ref)).order_by()
               .values("callee_list").annotate(n=Count("*")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def callee_counts(list_ids) -> dict[int, int]:
    """Callees per list, each list counted once."""
    return dict(Callee.objects.filter(callee_list__in=list_ids).order_by()
                .values_list("callee_list").annotate(n=Count("*")))


@dataclass
class ImportPreview:
    """An import as its preview shows it: the file as read, and a dry run of the job as configured."""

    fmt: FileFormat
    result: imports.ImportResult
    targets: list[str]  # the text columns the file feeds: ten empty ones would hide those that matter
    rows: list[tuple[int, str, list[str]]]  # the first rows as stored: line, number, the texts of `targets`


def import_preview(job: ImportJob) -> ImportPreview:
    """Raises CsvRefused when the file cannot be read as configured. The dry run also records the
    row count the progress bar needs."""
    result = imports.import_job_preview(job)
    every = imports.job_target(job).targets
    mapped = imports.job_mapping(job).texts
    shown = [i for i, target in enumerate(every) if target in mapped]
    return ImportPreview(
        fmt=imports.job_format(job), result=result, targets=[every[i] for i in shown],
        rows=[(line, number, [values[i] for i in shown]) for line, number, values in result.report.preview],
    )


def import_job_progress(job: ImportJob) -> dict:
    """Where a confirmed import is, as its progress page polls it (JSON)."""
    return {"status": job.status, "status_label": job.get_status_display(), "percent": job.percent,
            "rows_done": job.rows_done, "rows_total": job.rows_total, "message": job.message}


def audience_counts(list_id) -> tuple[int, int]:
    """How many numbers a list has, and how many of them are on the do-not-call list (left out when sent)."""
    return callee_counts([list_id]).get(int(list_id), 0), suppressed_count(list_id)


def preview_callees(list_id, limit: int = 50) -> list[Callee]:
    """The first callees of a list that a campaign calls (do-not-call numbers left out), to preview an SMS for."""
    return list(Callee.objects.filter(callee_list_id=list_id)
                .exclude(number__in=SuppressedNumber.objects.values("number")).order_by("id")[:limit])
