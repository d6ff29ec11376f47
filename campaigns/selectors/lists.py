"""Callee lists and imports as pages show them."""
from __future__ import annotations

from dataclasses import dataclass

import re

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .. import rules
from ..importers import phones
from ..importers.callees import FileFormat
from ..models import Callee, CalleeList, Campaign, ImportJob
from ..services import imports
from ..services.bodies import kept_callees, suppressed_count

_NUMBER_TYPED = re.compile(r"\+?[0-9][0-9\s\-.()]*")


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


def callee_lists():
    """The lists people work with: not the one-number lists that test calls make for themselves."""
    return CalleeList.objects.exclude(Exists(Campaign.objects.filter(callee_list=OuterRef("pk"), test_of__isnull=False)))


def callee_lists_overview():
    """Every list with its last finished import (`last_import_at`, `last_import_name`); counts come from
    callee_counts() for the lists of one page."""
    last = (ImportJob.objects.filter(callee_list=OuterRef("pk"), status=ImportJob.Status.DONE)
            .order_by("-finished_at"))
    return callee_lists().annotate(last_import_at=Subquery(last.values("finished_at")[:1]),
                                       last_import_name=Subquery(last.values("original_name")[:1]))


def callee_search(callee_list_id, query: str):
    """The list's callees whose number or a text matches `query` (any case), in list order.

    A query typed as a phone number ('+34 612 345 679') also finds the number as it is stored, and the
    numbers holding its digits."""
    callees = Callee.objects.filter(callee_list_id=callee_list_id).order_by("id")
    query = query.strip()
    if not query:
        return callees
    match = Q()
    for text in rules.TEXT_FIELDS:
        match |= Q(**{f"{text}__icontains": query})
    if _NUMBER_TYPED.fullmatch(query):
        match |= Q(number__contains=re.sub(r"[^0-9]", "", query))
        number, reason = phones.normalize(query)
        if not reason:
            match |= Q(number=number)
    return callees.filter(match)


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
    return list(kept_callees(list_id).order_by("id")[:limit])
