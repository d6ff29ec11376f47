"""After submission: sync status, settle unknown campaigns, cancel, call again, call records."""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..laaffic import LaafficClient, LaafficError
from ..laaffic import client as laaffic_client_module
from ..laaffic import records as laaffic_records
from ..laaffic.codes import (
    CANCELLABLE_STATUSES, FINAL_STATUSES, CallType, Code, ProviderStatus,
)
from ..models import CallRecord, Callee, CalleeList, Campaign, CampaignEvent, Submission
from ..rules import TEXT_FIELDS, Problem
from ..selectors.recalls import RecallPlan, recall_plan
from . import bodies, parts
from .activity import event_record
from .campaigns import (
    InvalidCampaign, SubmitResult, campaign_problems, campaign_queue, campaign_submit_now, free_name, laaffic_client,
)
from .database import refresh_statistics

log = logging.getLogger(__name__)
Status = Campaign.Status
# Laaffic keeps call records for two months and answers windows of at most 31 days (the client's
# limits). Asked for, 60 days stays clear of the client's refusal beyond its longest reading, 62.
RECORD_LOOKBACK = timedelta(days=60)
RECORD_WINDOW = laaffic_client_module.MAX_RECORD_WINDOW
RECORD_PAGE = laaffic_client_module.MAX_PAGE_SIZE
# The task list is searched this long around the submission.
QUERY_MARGIN = timedelta(days=1)
# How far Laaffic's clock, which stamps the calls, may be from ours.
CLOCK_MARGIN = timedelta(minutes=1)
# Longer than any call lasts (ringing, delays, talk): how far past a finish the record query is read.
LONGEST_CALL = timedelta(hours=1)
# Campaigns whose task may exist on Laaffic, and so may own a call.
CALLING = (Status.SUBMITTING, Status.SUBMITTED, Status.UNKNOWN)
# Attempts that may have created the task on Laaffic.
REACHING = (Submission.Outcome.PENDING, Submission.Outcome.UNKNOWN, Submission.Outcome.ACCEPTED)


@dataclass
class Outcome:
    ok: bool
    message: str


def pollable():
    """Campaigns whose task may still change on Laaffic, or whose fate is unknown."""
    submitted = Q(status=Status.SUBMITTED) & (
        Q(provider_status__isnull=True) | ~Q(provider_status__in=FINAL_STATUSES))
    return Campaign.objects.filter(submitted | Q(status=Status.UNKNOWN))


def campaign_sync(campaign: Campaign, client: LaafficClient | None = None) -> str:
    """Refresh one campaign from Laaffic's task list (each of its parts' tasks when it was launched in
    parts); settle it if its fate was unknown."""
    client = client or laaffic_client()
    if campaign.is_split:
        return "; ".join(f"{part}: {campaign_sync(part, client)}"
                         for part in pollable().filter(part_of=campaign).order_by("part_number")) or "nothing to sync"
    with parts.summed_after(campaign):
        return _sync(campaign, client)


def _sync(campaign: Campaign, client: LaafficClient) -> str:
    around = _submission_time(campaign)
    task = _find_task(client, campaign.task_name, around)
    now = timezone.now()
    if task is None:
        return _not_found(campaign, now)
    Campaign.objects.filter(pk=campaign.pk).update(
        task_id=task.task_id, provider_status=task.status, progress=task.rate, numbers_total=task.numbers,
        numbers_called=task.called, numbers_success=task.success, numbers_failed=task.fail, synced_at=now,
    )
    if task.status in FINAL_STATUSES:  # the task list gives no finish time: its calls ended by now
        Campaign.objects.filter(pk=campaign.pk, finished_at__isnull=True).update(finished_at=now)
    if task.task_id is not None:
        _link_task_records(campaign, task.task_id)
    if campaign.status == Status.UNKNOWN:
        Campaign.objects.filter(pk=campaign.pk, status=Status.UNKNOWN).update(
            status=Status.SUBMITTED, key_id=campaign.key_id or str(task.task_id), submitted_at=around,
            status_detail=f"Found on Laaffic as task {task.task_id}: the earlier attempt did arrive.",
        )
        return "settled: submitted"
    return f"{task.status_label}, {task.rate or 0:g}%"


def _find_task(client: LaafficClient, task_name: str, around: datetime):
    """The task of that exact name, reading every page: the search also matches voice file names
    and TTS text, and "not on Laaffic" may declare a campaign safe to send again."""
    start, end = _provider_time(around - QUERY_MARGIN), _provider_time(timezone.now() + QUERY_MARGIN)
    page_number, pages = 1, 1
    while page_number <= pages:
        page = client.query_tasks(start, end, search=task_name, page=page_number)
        task = next((t for t in page.records if t.task_name == task_name), None)
        if task is not None:
            return task
        pages, page_number = page.pages or 0, page_number + 1
    return None


def _not_found(campaign: Campaign, now) -> str:
    Campaign.objects.filter(pk=campaign.pk).update(synced_at=now)
    grace = timedelta(minutes=settings.LAAFFIC_UNKNOWN_GRACE_MINUTES)
    if campaign.status == Status.UNKNOWN and now - _submission_time(campaign) > grace:
        Campaign.objects.filter(pk=campaign.pk, status=Status.UNKNOWN).update(
            status=Status.FAILED,
            status_detail=(f"Laaffic has no task named {campaign.task_name!r} {grace.seconds // 60} minutes "
                           "after our unanswered attempt, so it never arrived. It is safe to submit it again."),
        )
        return "settled: not on Laaffic, safe to submit again"
    return "not found on Laaffic yet"


def _submission_time(campaign: Campaign) -> datetime:
    if campaign.submitted_at:
        return campaign.submitted_at
    last = campaign.submissions.exclude(outcome=Submission.Outcome.PENDING).order_by("-started_at").first()
    return last.started_at if last else campaign.updated_at


def _provider_time(moment: datetime) -> str:
    return moment.astimezone(bodies.provider_tz()).strftime("%Y-%m-%d %H:%M:%S")


def campaigns_sync(client: LaafficClient | None = None) -> list[dict]:
    """Sync every pollable campaign; one failure does not stop the others. One line per campaign: its
    `result`, or the `error` that kept it from being synced."""
    client = client or laaffic_client()
    lines = []
    for campaign in pollable().order_by("pk"):
        try:
            result = campaign_sync(campaign, client)
        except LaafficError as error:
            lines.append({"task_name": campaign.task_name, "error": error.message})
        else:
            lines.append({"task_name": campaign.task_name, "result": result})
    return lines


def campaign_refresh(campaign: Campaign) -> str:
    """Sync `campaign` (reloaded) when its task may still change on Laaffic; '' or why it could not be."""
    if not pollable().filter(Q(pk=campaign.pk) | Q(part_of=campaign)).exists():
        return ""
    note = ""
    try:
        campaign_sync(campaign)
    except LaafficError as error:
        note = f"Could not refresh from Laaffic: {error.message}"
    campaign.refresh_from_db()
    return note


# Cancel


def campaign_cancel(campaign: Campaign, *, user=None, client: LaafficClient | None = None) -> Outcome:
    """Cancel a waiting or calling campaign on Laaffic, once: every part of one launched in parts."""
    client = client or laaffic_client()
    if campaign.is_split:
        outcome = _cancel_parts(campaign, client)
    else:
        with parts.summed_after(campaign):
            outcome = _cancel(campaign, client)
    if outcome.ok:
        event_record(campaign, CampaignEvent.What.CANCELLED, user)
    return outcome


def _cancel_parts(campaign: Campaign, client: LaafficClient) -> Outcome:
    """Cancel each part still running; one that cannot be cancelled does not stop the others."""
    running = [part for part in campaign.parts.order_by("part_number") if part.is_cancellable_task]
    if not running:
        return Outcome(False, f"No part of {campaign} is running on Laaffic, so there is nothing to cancel.")
    outcomes = [_cancel(part, client) for part in running]
    parts.parts_aggregate(campaign.pk)
    cancelled = sum(outcome.ok for outcome in outcomes)
    not_cancelled = [outcome.message for outcome in outcomes if not outcome.ok]
    return Outcome(cancelled > 0, f"{campaign}: {cancelled} of {len(running)} running parts cancelled."
                   + "".join(f" {message}" for message in not_cancelled))


def _cancel(campaign: Campaign, client: LaafficClient) -> Outcome:
    if campaign.status != Status.SUBMITTED:
        return Outcome(False, f"{campaign} is not running on Laaffic, so there is nothing to cancel.")
    if campaign.task_id is None or campaign.provider_status not in CANCELLABLE_STATUSES:
        try:
            campaign_sync(campaign, client)
        except LaafficError as error:
            return Outcome(False, f"Could not check {campaign} on Laaffic, so it was not cancelled: {error.message}")
        campaign.refresh_from_db()
    if campaign.provider_status not in CANCELLABLE_STATUSES:
        label = campaign.get_provider_status_display() or "not found yet"
        return Outcome(False, f"{campaign} cannot be cancelled: on Laaffic it is {label.lower()}.")
    if not Campaign.objects.filter(pk=campaign.pk, cancel_requested_at__isnull=True).update(
            cancel_requested_at=timezone.now()):
        return Outcome(False, f"{campaign} is already being cancelled.")
    try:
        client.cancel_tasks([campaign.task_id])
    except LaafficError as error:
        Campaign.objects.filter(pk=campaign.pk).update(cancel_requested_at=None)
        return Outcome(False, f"Laaffic did not cancel {campaign}: {error.message}")
    Campaign.objects.filter(pk=campaign.pk).update(
        provider_status=ProviderStatus.CANCELLED, finished_at=timezone.now(),
        status_detail="Cancelled on Laaffic: no more calls are made.")
    try:  # the counts as they stay (a final task is not synced again): Call again reads them
        campaign_sync(Campaign.objects.get(pk=campaign.pk), client)
    except LaafficError as error:
        log.warning("campaign %s cancelled, its counts not refreshed: %s", campaign.pk, error.message)
    return Outcome(True, f"{campaign} is cancelled.")


# Call again


def campaign_recall_create(parent: Campaign, task_name: str, *, failed_only: bool,
                           user=None) -> tuple[Campaign, RecallPlan]:
    """A draft re-call of a finished campaign, for exactly who is left (selectors/recalls.py), checked like
    any campaign; raises InvalidCampaign, creating nothing, when nobody is left or it cannot be sent."""
    if not parent.is_callable_again:
        label = parent.get_provider_status_display() or "not finished"
        raise InvalidCampaign([Problem("taskName", f"{parent} can be called again once it has finished or "
                                                    f"was cancelled; on Laaffic it is {label.lower()}.")])
    plan = recall_plan(parent, failed_only=failed_only)
    if plan.refusal:
        raise InvalidCampaign([Problem("numberInfoList", plan.refusal, Code.NO_NUMBERS)])
    # Its settings, a new name, and no start time: the parent's has passed (and the form asks for none).
    copied = set(Campaign.SETTINGS_FIELDS) - {"task_name", "send_time"}
    values = {f.attname: getattr(parent, f.attname) for f in Campaign._meta.concrete_fields if f.name in copied}
    child = Campaign(**values, task_name=task_name, parent=parent, recall_failed_only=failed_only,
                     created_by=user)
    with transaction.atomic():
        if not plan.resend:
            child.callee_list = _recall_list(parent, task_name, plan.callees)
        problems = campaign_problems(child)
        if problems:
            raise InvalidCampaign(problems)  # the new list goes with the transaction
        child.save()
        event_record(child, CampaignEvent.What.CREATED, user, f"To call {parent} again: {plan.summary}")
    return child, plan


def campaign_call_again(parent: Campaign, task_name: str, *, failed_only: bool, user=None,
                        now: bool = False) -> tuple[Campaign, RecallPlan, SubmitResult]:
    """Create the re-call of `parent` (`campaign_recall_create`, which raises InvalidCampaign) and submit it:
    through the worker (`campaign_queue`), or in this process with `now` (`campaign_submit_now`)."""
    child, plan = campaign_recall_create(parent, task_name, failed_only=failed_only, user=user)
    result = campaign_submit_now(child) if now else campaign_queue(child, user=user)
    event_record(parent, CampaignEvent.What.CALLED_AGAIN, user, f"As {child}: {plan.summary} {result.message}")
    return child, plan, result


def _recall_list(parent: Campaign, task_name: str, callees) -> CalleeList:
    """A callee list of exactly these callees of the parent's list (a query of the plan), with their texts."""
    callee_list = CalleeList.objects.create(
        name=free_name(CalleeList, f"{task_name} callees"),
        description=f"The numbers of “{parent.callee_list}” left to call after {parent}.")
    rows = callees.values_list("number", *TEXT_FIELDS).iterator(chunk_size=5000)
    Callee.objects.bulk_create(
        (Callee(callee_list=callee_list, number=number, **dict(zip(TEXT_FIELDS, texts))) for number, *texts in rows),
        batch_size=2000)
    return callee_list


# Call records


def call_records_ingest(found: list[laaffic_records.CallRecord]) -> int:
    """Store call records, once per voice id (a record seen again is updated). Returns how many.

    Plain SQL, prepared on PostgreSQL: a pushed report costs one query for its campaign and one
    INSERT … ON CONFLICT that looks up the callee (issue 5 asks for >= 300 reports/s; the ORM's
    query building and a query per step kept it under 240).
    """
    if not found:
        return 0
    database = connections[DEFAULT_DB_ALIAS]
    # Several reports of one call in a batch: the last one wins.
    unique = {record.voice_id: record for record in found}
    with _prepared_cursor(database) as cursor:
        campaigns = _campaigns_for(list(unique.values()), cursor)
        # Rows go in voice id order, so two batches sharing calls lock them in the same order
        # instead of deadlocking each other.
        now = timezone.now()
        rows = [_record_row(unique[voice_id], campaigns.get(voice_id), now, database) for voice_id in sorted(unique)]
        if len(rows) == 1:
            cursor.execute(_upsert_sql(), rows[0])
        else:  # one statement for every row, sent in one go (a pipeline on PostgreSQL), in one transaction
            with transaction.atomic():
                cursor.executemany(_upsert_sql(), rows)
    return len(rows)


def _prepared_cursor(database):
    """On PostgreSQL a server-side binding cursor: a statement is prepared once per connection.

    Django's default client-side binding sends every row as a new statement text that PostgreSQL
    parses and plans again: 3.4x the time of a backfill page.
    """
    if database.vendor != "postgresql":
        return database.cursor()
    import psycopg

    # What database.cursor() does first: drop a connection that failed its health check, connect.
    database.close_if_health_check_failed()
    database.ensure_connection()
    return database._prepare_cursor(psycopg.Cursor(database.connection))


def _campaigns_for(found, cursor) -> dict[str, tuple[int, int] | None]:
    """voice id -> (campaign id, callee list id), or None: see the linking rule in `_owners`."""
    task_ids = sorted({r.task_id for r in found if r.task_id is not None})
    by_task = {}
    if task_ids:
        cursor.execute(_campaigns_sql(len(task_ids)), task_ids)
        by_task = {task_id: (pk, list_id) for task_id, pk, list_id in cursor.fetchall()}
    # A task id nobody has yet links to nothing: the sync links the record once it learns the id.
    linked = {r.voice_id: by_task.get(r.task_id) for r in found if r.task_id is not None}
    # Group calls (type 1, or no type: the record query gives none) without a task id, by number.
    owners = _owners((r.voice_id, r.callee, r.call_time or r.hangup_time) for r in found
                     if r.task_id is None and r.call_type in (None, CallType.GROUP_CALL))
    return {**linked, **{voice_id: owned[0] for voice_id, owned in owners.items() if len(owned) == 1}}


def _owners(calls) -> dict:
    """key -> every campaign (id, callee list id) that could own each call (key, number, time), in one query.

    The linking rule: a record carrying a task id belongs to that task's campaign alone. One without
    (the record query never gives one) belongs to a campaign whose list holds the number and whose
    calling period covers the call, when exactly one does; with two or more it stays unattributed.
    A campaign's calling period runs from the attempt that created its task to `finished_at` (open
    while the task may still call), CLOCK_MARGIN wider on each side.
    """
    calls = [(key, number, when) for key, number, when in calls if number and when]
    if not calls:
        return {}
    times = [when for _, _, when in calls]
    rows = (_with_calling_period(Campaign.objects.filter(callee_list__callees__number__in={c[1] for c in calls}))
            .filter(calls_from__lte=max(times) + CLOCK_MARGIN)
            .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=min(times) - CLOCK_MARGIN))
            .order_by().values_list("callee_list__callees__number", "pk", "callee_list_id", "calls_from",
                                    "finished_at"))
    periods = defaultdict(list)
    for number, pk, list_id, start, end in rows:
        periods[number].append(((pk, list_id), start, end))
    return {key: [owner for owner, start, end in periods[number] if _covers(start, end, when)]
            for key, number, when in calls}


def _covers(start: datetime, end: datetime | None, when: datetime) -> bool:
    return start - CLOCK_MARGIN <= when and (end is None or when <= end + CLOCK_MARGIN)


def _with_calling_period(campaigns):
    """Campaigns that may have called, with `calls_from`: when the latest attempt that may have
    created their task went out (Laaffic may call before its answer reaches us)."""
    attempt = (Submission.objects.filter(campaign=OuterRef("pk"), outcome__in=REACHING)
               .order_by("-started_at").values("started_at")[:1])
    return campaigns.filter(status__in=CALLING).annotate(calls_from=Coalesce(Subquery(attempt), "submitted_at"))


def _link_task_records(campaign: Campaign, task_id: int) -> int:
    """Link the records pushed with this task id before the site knew it (one indexed UPDATE)."""
    callee = Callee.objects.filter(callee_list_id=campaign.callee_list_id, number=OuterRef("callee_number"))
    return CallRecord.objects.filter(task_id=task_id, campaign__isnull=True).update(
        campaign=campaign, callee=Subquery(callee.values("pk")[:1]))


def campaign_unattributed_calls(campaign: Campaign):
    """The calls linked to no campaign that this one could own: no task id, a number of its list, a time
    in its calling period. Another campaign could own each too, or it would be linked (see `_owners`).
    Of a campaign launched in parts: those any of its parts could own."""
    if not campaign.is_split:
        return _unattributed_calls(campaign)
    could = Q(pk__in=[])
    for part in campaign.parts.all():
        could |= Q(pk__in=_unattributed_calls(part).values("pk"))
    return CallRecord.objects.filter(could)


def _unattributed_calls(campaign: Campaign):
    period = _with_calling_period(Campaign.objects.filter(pk=campaign.pk)).values_list("calls_from", "finished_at")
    start, end = period.first() or (None, None)
    numbers = Callee.objects.filter(callee_list_id=campaign.callee_list_id).values("number")
    records = (CallRecord.objects.filter(campaign__isnull=True, task_id__isnull=True, callee_number__in=numbers)
               .annotate(at=Coalesce("call_time", "hangup_time")))
    if start is None:  # it never called
        return records.none()
    records = records.filter(at__gte=start - CLOCK_MARGIN)
    return records.filter(at__lte=end + CLOCK_MARGIN) if end else records


def call_record_owners(records) -> dict[int, list[int]]:
    """CallRecord id -> the campaigns (ids) that could own it, for records without campaign or task id."""
    found = _owners((r.pk, r.callee_number, r.call_time or r.hangup_time) for r in records
                    if r.campaign_id is None and r.task_id is None)
    return {pk: [campaign for campaign, _ in owners] for pk, owners in found.items()}


@lru_cache(maxsize=8)
def _campaigns_sql(count: int) -> str:
    quote = connection.ops.quote_name
    return (f"SELECT task_id, id, callee_list_id FROM {quote(Campaign._meta.db_table)} "
            f"WHERE task_id IN ({', '.join(['%s'] * count)})")


# Every CallRecord column but the primary key and the callee, which the statement looks up.
_UPSERT_FIELDS = [f for f in CallRecord._meta.concrete_fields if f.name not in ("id", "callee")]
# Only times and amounts need the database's own form; the drivers take the rest as they are.
_ADAPTED = {f.name for f in _UPSERT_FIELDS if f.get_internal_type() in ("DateTimeField", "DecimalField")}


def _record_row(record: laaffic_records.CallRecord, campaign: tuple[int, int] | None, now, database) -> list:
    campaign_id, list_id = campaign or (None, None)
    values = {
        "voice_id": record.voice_id, "campaign": campaign_id, "callee_number": record.callee or "",
        "display_number": record.display_number or "", "task_id": record.task_id, "call_time": record.call_time,
        "ringing_time": record.ringing_time, "answer_time": record.answer_time, "hangup_time": record.hangup_time,
        "call_duration": record.call_duration, "charged_duration": record.charged_duration,
        "ring_duration": record.ring_duration, "termination_code": record.termination_code or "",
        "termination_reason": record.termination_reason or "", "call_status": record.call_status,
        "outcome": laaffic_records.outcome(record), "feedback_value": record.feedback_value or "",
        "cost": record.cost, "currency": record.currency or "", "updated_at": now,
    }
    return [field.get_db_prep_save(values[field.name], database) if field.name in _ADAPTED else values[field.name]
            for field in _UPSERT_FIELDS] + [list_id, record.callee]


@lru_cache(maxsize=1)
def _upsert_sql() -> str:
    """A call seen again keeps what the new report leaves out: the record query (§7.3) carries no
    callStatus, task id or ring time, so a backfill after the push must not blank them."""
    quote = connection.ops.quote_name
    table = quote(CallRecord._meta.db_table)
    fields = _UPSERT_FIELDS + [CallRecord._meta.get_field("callee")]
    callee = f"(SELECT id FROM {quote(Callee._meta.db_table)} WHERE callee_list_id = %s AND number = %s)"

    def kept_while(source: str, new: str, old: str) -> str:
        """The old value when the new report lacks the field it was worked out from."""
        column = quote(CallRecord._meta.get_field(source).column)
        return f"CASE WHEN EXCLUDED.{column} IS NULL AND {table}.{column} IS NOT NULL THEN {old} ELSE {new} END"

    def merged(field) -> str:
        new, old = f"EXCLUDED.{quote(field.column)}", f"{table}.{quote(field.column)}"
        if field.name == "outcome":  # worked out from callStatus when there is one: keep that answer
            return kept_while("call_status", new, old)
        if field.name in ("campaign", "callee"):  # a link by task id is never replaced by a guess by number
            return kept_while("task_id", new, old)
        if field.name == "updated_at":
            return new
        return f"COALESCE({new}, {old})" if field.null else f"COALESCE(NULLIF({new}, ''), {old})"

    updates = ", ".join(f"{quote(f.column)} = {merged(f)}" for f in fields if f.name != "voice_id")
    return (f"INSERT INTO {table} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(_UPSERT_FIELDS))}, {callee}) "
            f"ON CONFLICT ({quote('voice_id')}) DO UPDATE SET {updates}")


def record_windows(start: datetime, end: datetime, now: datetime) -> list[tuple[datetime, datetime]]:
    """The ≤31-day windows covering start..end that Laaffic still answers for (the last two months)."""
    start = max(start, now - RECORD_LOOKBACK)
    end = min(end, now)
    windows = []
    while start < end:
        windows.append((start, min(start + RECORD_WINDOW, end)))
        start += RECORD_WINDOW
    return windows


def campaign_backfill(campaign: Campaign, *, client: LaafficClient | None = None) -> int:
    """Fetch one campaign's call records (see `call_records_backfill`). Returns records stored."""
    return call_records_backfill([campaign], client=client)


def call_records_backfill(campaigns, *, client: LaafficClient | None = None) -> int:
    """Fetch the call records of `campaigns` through voice/recordGroupQuery and link them, in one pass:
    their calling periods are merged, so a page is fetched once however many campaigns it covers.
    Returns records stored."""
    client = client or laaffic_client()
    now = timezone.now()
    campaigns = list(_with_calling_period(_tasks_of(campaigns)))
    stored = 0
    for window_start, window_end in _merged_windows(campaigns, now):
        page_number, pages = 1, 1
        while page_number <= pages:
            page = client.query_records(window_start, window_end, page=page_number, size=RECORD_PAGE)
            stored += call_records_ingest(page.records)
            pages = page.pages or 0
            page_number += 1
    for campaign in campaigns:
        if campaign.task_id is not None:
            _link_task_records(campaign, campaign.task_id)
    refresh_statistics(CallRecord, stored)
    Campaign.objects.filter(pk__in=[c.pk for c in campaigns if c.provider_status in FINAL_STATUSES]
                            ).update(records_backfilled_at=timezone.now())
    return stored


def _merged_windows(campaigns, now: datetime) -> list[tuple[datetime, datetime]]:
    """The record-query windows covering every campaign's calling period, overlapping periods merged."""
    spans = sorted((c.calls_from - CLOCK_MARGIN, min(now, c.finished_at + LONGEST_CALL) if c.finished_at else now)
                   for c in campaigns if c.calls_from is not None)
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return [window for start, end in merged for window in record_windows(start, end, now)]


def _tasks_of(campaigns):
    """The campaigns that are tasks on Laaffic among `campaigns` (ones or a queryset): each itself, or its
    parts when it was launched in parts."""
    ids = [c.pk for c in campaigns]
    return Campaign.objects.filter(Q(pk__in=ids) & ~Q(status=Status.PARTS) | Q(part_of__in=ids))


def campaigns_fetch_results(campaigns) -> int:
    """Have the worker fetch the call results of the submitted campaigns among `campaigns` when the transaction
    commits, in one pass: pages their calling periods share are read once. Returns how many campaigns."""
    ids = list(_tasks_of(campaigns).filter(status=Status.SUBMITTED).values_list("pk", flat=True))
    if ids:
        from ..tasks import backfill_campaigns  # the tasks call these services

        transaction.on_commit(lambda: backfill_campaigns.delay(ids))
    return len(ids)


def campaigns_backfill(campaigns=None, *, client: LaafficClient | None = None) -> list[dict]:
    """Fetch the call records of `campaigns` in one pass; by default (the beat job) of the finished
    campaigns whose records were not fetched yet. One line per campaign: the calls linked to it."""
    if campaigns is None:
        campaigns = Campaign.objects.filter(status=Status.SUBMITTED, provider_status__in=FINAL_STATUSES,
                                            records_backfilled_at__isnull=True)
    campaigns = list(_tasks_of(campaigns))
    if not campaigns:
        return []
    try:
        call_records_backfill(campaigns, client=client)
    except LaafficError as error:
        return [{"task_name": campaign.task_name, "error": error.message} for campaign in campaigns]
    linked = dict(CallRecord.objects.filter(campaign__in=campaigns).order_by().values_list("campaign")
                  .annotate(n=Count("id")))
    return [{"task_name": campaign.task_name, "records": linked.get(campaign.pk, 0)} for campaign in campaigns]
