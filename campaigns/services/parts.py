"""A campaign whose list is over Laaffic's per-task limit, sent as several tasks (its parts).

Each part is a Campaign row (`part_of` the launched one): its settings are copied, its slice of the
list (do-not-call numbers left out, list order kept) is copied into a callee list of its own, and it is
queued like any campaign. So the one claim in `campaign_submit` posts each part once, each is retried or
fails on its own, the sync and cancel act on each task, and a call record links to its part by task id
or by number (the parts' lists do not overlap). The launched campaign, in status PARTS, is never a task:
it holds the sums of its parts (`parts_aggregate`), which its pages read as they read any campaign.
"""
from __future__ import annotations

from contextlib import contextmanager

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from .. import rules
from ..laaffic.codes import FINAL_STATUSES, Code, ProviderStatus
from ..models import Callee, CalleeList, Campaign
from . import bodies

Status = Campaign.Status
# What a part copies from the campaign it is part of: every setting but its name and list.
PART_COPIES = tuple(set(Campaign.SETTINGS_FIELDS) - {"task_name", "callee_list"})


def part_names(campaign: Campaign, count: int) -> list[str]:
    """The task names of the parts `count` numbers are sent as ([] when they fit one task)."""
    total = rules.parts_needed(count)
    return [rules.part_task_name(campaign.task_name, n, total) for n in range(1, total + 1)] if total > 1 else []


def part_problems(campaign: Campaign, count: int) -> list[rules.Problem]:
    """Why `campaign`, with `count` numbers to call, cannot be sent in parts: a name too long, or taken."""
    names = part_names(campaign, count)
    if not names:
        return []
    too_long = rules.part_name_problem(campaign.task_name, len(names))
    if too_long:
        return [rules.Problem("taskName", too_long)]
    taken = Campaign.objects.filter(task_name__in=names).order_by("task_name")
    if campaign.pk is not None:  # its own parts, once launched, do not count
        taken = taken.exclude(part_of_id=campaign.pk)
    return [rules.Problem("taskName", f"This campaign is sent as {len(names)} tasks. "
                                      f"{rules.task_name_taken_message(name)} Rename this campaign.", Code.NAME_EXISTS)
            for name in taken.values_list("task_name", flat=True)[:3]]


def parts_create(campaign: Campaign, *, user=None) -> list[int]:
    """Create the queued parts of `campaign`, which the caller has just moved to PARTS in this transaction.

    Part n holds the list's numbers n*limit+1 .. (n+1)*limit in list order, do-not-call numbers left out,
    copied with their texts (one INSERT … SELECT a part). Returns the parts' ids, in order.
    """
    from .campaigns import free_name  # campaigns.py calls this module

    limit = rules.FIELDS["numberInfoList"].max_length
    ids = list(bodies.kept_callees(campaign.callee_list_id).order_by("id").values_list("id", flat=True))
    names = part_names(campaign, len(ids))
    values = {f.attname: getattr(campaign, f.attname) for f in Campaign._meta.concrete_fields if f.name in PART_COPIES}
    created = []
    for number, name in enumerate(names, start=1):
        first, last = ids[(number - 1) * limit], ids[min(number * limit, len(ids)) - 1]
        part_list = CalleeList.objects.create(
            name=free_name(CalleeList, f"{name} callees"), text_names=campaign.callee_list.text_names,
            description=f"Part {number} of {len(names)} of “{campaign.callee_list}”, called by {campaign}.")
        _copy_callees(campaign.callee_list_id, part_list.pk, first, last)
        part = Campaign.objects.create(
            **values, task_name=name, callee_list=part_list, part_of=campaign, part_number=number,
            status=Status.QUEUED, status_detail="Waiting to be sent to Laaffic.", created_by=user)
        created.append(part.pk)
    parts_aggregate(campaign.pk)
    return created


def _copy_callees(from_list: int, to_list: int, first_id: int, last_id: int) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("number", *rules.TEXT_FIELDS))
    source = bodies.kept_callees(from_list).filter(id__gte=first_id, id__lte=last_id).order_by("id").values_list(
        "number", *rules.TEXT_FIELDS)
    select, params = source.query.sql_with_params()
    with connection.cursor() as cursor:
        # Only the first column is the new list; the rest come as selected.
        cursor.execute(f"INSERT INTO {quote(Callee._meta.db_table)} ({quote('callee_list_id')}, {columns}) "
                       f"SELECT %s, {columns} FROM ({select}) AS part", (to_list, *params))


def parts_requeue(campaign: Campaign) -> list[int]:
    """Queue again the parts of `campaign` that failed (each by the same conditional update as a launch); the
    parts that were sent are left alone. Returns the ids queued by this call."""
    queued = []
    for pk in campaign.parts.filter(status=Status.FAILED).order_by("part_number").values_list("pk", flat=True):
        if Campaign.objects.filter(pk=pk, status=Status.FAILED).update(
                status=Status.QUEUED, status_detail="Waiting to be sent to Laaffic.", updated_at=timezone.now()):
            queued.append(pk)
    if queued:
        parts_aggregate(campaign.pk)
    return queued


def parts_aggregate(campaign_id) -> None:
    """Store on a campaign launched in parts the sums of its parts: numbers, called, answered, not reached,
    progress (weighted by each part's numbers), Laaffic's status, when it finished, and a status line."""
    parts = list(Campaign.objects.filter(part_of_id=campaign_id).order_by("part_number").annotate(
        size=Count("callee_list__callees")))
    if not parts:
        return
    sums = {field: _sum(getattr(part, field) for part in parts)
            for field in ("numbers_total", "numbers_called", "numbers_success", "numbers_failed")}
    weight = sum(part.numbers_total or part.size for part in parts)
    progress = (sum((part.progress or 0) * (part.numbers_total or part.size) for part in parts) / weight
                if any(part.progress is not None for part in parts) and weight else None)
    final = all(part.status == Status.SUBMITTED and part.provider_status in FINAL_STATUSES for part in parts)
    Campaign.objects.filter(pk=campaign_id, status=Status.PARTS).update(
        **sums, progress=round(progress, 2) if progress is not None else None,
        provider_status=_provider_status(parts, final),
        synced_at=max((part.synced_at for part in parts if part.synced_at), default=None),
        finished_at=max((part.finished_at for part in parts if part.finished_at), default=None) if final else None,
        submitted_at=min((part.submitted_at for part in parts if part.submitted_at), default=None),
        status_detail=_summary(parts), updated_at=timezone.now())


@contextmanager
def summed_after(campaign: Campaign):
    """Whatever the block does to a part (sync, cancel), the campaign it is part of then shows the new sums."""
    try:
        yield
    finally:
        if campaign.part_of_id is not None:
            parts_aggregate(campaign.part_of_id)


def _sum(values):
    values = [value for value in values if value is not None]
    return sum(values) if values else None


def _provider_status(parts, final: bool):
    """Laaffic's status of the whole: final once every part is (cancelled if one was), else the most active."""
    statuses = {part.provider_status for part in parts}
    if final:
        return next(s for s in (ProviderStatus.CANCELLED, ProviderStatus.SUBMISSION_FAILED, ProviderStatus.FINISHED)
                    if s in statuses)
    return next((s for s in (ProviderStatus.CALLING, ProviderStatus.SUBMITTING, ProviderStatus.WAITING,
                                  ProviderStatus.PAUSED) if s in statuses), None)


def _summary(parts) -> str:
    """"3 parts (3 tasks on Laaffic): 2 submitted, 1 failed (part 3: …)."""
    counts: dict[str, int] = {}
    for part in parts:
        counts[part.get_status_display().lower()] = counts.get(part.get_status_display().lower(), 0) + 1
    failed = [f"part {part.part_number}: {part.status_detail}" for part in parts if part.status == Status.FAILED]
    return (f"{len(parts)} parts, each its own task on Laaffic: "
            + ", ".join(f"{n} {label}" for label, n in counts.items())
            + (f" ({'; '.join(failed)})" if failed else "") + ".")


def part_of_id(campaign_id) -> int | None:
    return Campaign.objects.filter(pk=campaign_id).values_list("part_of_id", flat=True).first()

