"""After submission: sync status, settle unknown campaigns, cancel, call again, call records."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from ..laaffic import LaafficClient, LaafficError
from ..laaffic import records as laaffic_records
from ..rules import Problem
from ..models import FINAL_PROVIDER_STATUSES, CallRecord, Callee, Campaign, ProviderStatus, Submission
from . import bodies
from .campaigns import InvalidCampaign, campaign_problems, laaffic_client

log = logging.getLogger(__name__)
Status = Campaign.Status
# Laaffic keeps call records for two months and answers windows of at most 31 days.
RECORD_LOOKBACK = timedelta(days=60)
RECORD_WINDOW = timedelta(days=31)
RECORD_PAGE = 100
# The task list is searched this long around the submission.
QUERY_MARGIN = timedelta(days=1)
RECALLABLE = (ProviderStatus.FINISHED, ProviderStatus.CANCELLED)
CANCELLABLE = (ProviderStatus.WAITING, ProviderStatus.CALLING)


@dataclass
class Outcome:
    ok: bool
    message: str


def pollable():
    """Campaigns whose task may still change on Laaffic, or whose fate is unknown."""
    submitted = Q(status=Status.SUBMITTED) & (
        Q(provider_status__isnull=True) | ~Q(provider_status__in=FINAL_PROVIDER_STATUSES))
    return Campaign.objects.filter(submitted | Q(status=Status.UNKNOWN))


def campaign_sync(campaign: Campaign, client: LaafficClient | None = None) -> str:
    """Refresh one campaign from Laaffic's task list; settle it if its fate was unknown."""
    client = client or laaffic_client()
    around = _submission_time(campaign)
    page = client.query_tasks(_provider_time(around - QUERY_MARGIN), _provider_time(timezone.now() + QUERY_MARGIN),
                              search=campaign.task_name)
    task = next((t for t in page.records if t.task_name == campaign.task_name), None)
    now = timezone.now()
    if task is None:
        return _not_found(campaign, now)
    Campaign.objects.filter(pk=campaign.pk).update(
        task_id=task.task_id, provider_status=task.status, progress=task.rate, numbers_total=task.numbers,
        numbers_called=task.called, numbers_success=task.success, numbers_failed=task.fail, synced_at=now,
    )
    if campaign.status == Status.UNKNOWN:
        Campaign.objects.filter(pk=campaign.pk, status=Status.UNKNOWN).update(
            status=Status.SUBMITTED, key_id=campaign.key_id or str(task.task_id), submitted_at=around,
            status_detail=f"Found on Laaffic as task {task.task_id}: the earlier attempt did arrive.",
        )
        return "settled: submitted"
    return f"{task.status_label}, {task.rate or 0:g}%"


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
    """Sync every pollable campaign; one failure does not stop the others."""
    client = client or laaffic_client()
    lines = []
    for campaign in pollable().order_by("pk"):
        try:
            result = campaign_sync(campaign, client)
        except LaafficError as error:
            result = f"error: {error.message}"
        lines.append({"task_name": campaign.task_name, "result": result})
    return lines


# Cancel


def campaign_cancel(campaign: Campaign, *, client: LaafficClient | None = None) -> Outcome:
    """Cancel a waiting or calling campaign on Laaffic, once."""
    client = client or laaffic_client()
    if campaign.status != Status.SUBMITTED:
        return Outcome(False, f"{campaign} is not running on Laaffic, so there is nothing to cancel.")
    if campaign.task_id is None or campaign.provider_status not in CANCELLABLE:
        campaign_sync(campaign, client)
        campaign.refresh_from_db()
    if campaign.provider_status not in CANCELLABLE:
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
        provider_status=ProviderStatus.CANCELLED, status_detail="Cancelled on Laaffic: no more calls are made.")
    return Outcome(True, f"{campaign} is cancelled.")


# Call again


def campaign_recall_create(parent: Campaign, task_name: str, *, failed_only: bool, user=None) -> Campaign:
    """A draft re-call of a finished campaign's numbers, checked like any campaign; raises InvalidCampaign."""
    if parent.status != Status.SUBMITTED or parent.provider_status not in RECALLABLE:
        label = parent.get_provider_status_display() or "not finished"
        raise InvalidCampaign([Problem("taskName", f"{parent} can be called again once it has finished or "
                                                    f"was cancelled; on Laaffic it is {label.lower()}.")])
    # A re-call starts now: the parent's start time has passed (and the re-call form asks for none).
    skip = {"id", "task_name", "parent", "recall_failed_only", "created_by", "send_time", *_outcome_fields()}
    values = {f.attname: getattr(parent, f.attname) for f in Campaign._meta.concrete_fields if f.name not in skip}
    child = Campaign(**values, task_name=task_name, parent=parent, recall_failed_only=failed_only,
                     created_by=user)
    problems = campaign_problems(child)
    if problems:
        raise InvalidCampaign(problems)
    child.save()
    return child


def _outcome_fields():
    return {"status", "status_detail", "key_id", "provider_code", "provider_message", "submitted_at", "task_id",
            "provider_status", "progress", "numbers_total", "numbers_called", "numbers_success",
            "numbers_failed", "synced_at", "cancel_requested_at", "records_backfilled_at", "created_at",
            "updated_at"}


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
    with _prepared_cursor(database) as cursor:
        campaigns = _campaigns_for(found, cursor)
        # Several reports of one call in a batch: the last one wins.
        unique = {record.voice_id: record for record in found}
        now = timezone.now()
        rows = [_record_row(record, campaigns.get(voice_id), now, database) for voice_id, record in unique.items()]
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

    database.ensure_connection()
    wrap = database.make_debug_cursor if database.queries_logged else database.make_cursor
    return wrap(psycopg.Cursor(database.connection))


def _campaigns_for(found, cursor) -> dict[str, tuple[int, int]]:
    """voice id -> (campaign id, callee list id): by task id, else by callee number within the calling period."""
    task_ids = sorted({r.task_id for r in found if r.task_id})
    by_task = {}
    if task_ids:
        cursor.execute(_campaigns_sql(len(task_ids)), task_ids)
        by_task = {task_id: (pk, list_id) for task_id, pk, list_id in cursor.fetchall()}
    linked = {}
    for record in found:
        campaign = by_task.get(record.task_id)
        if campaign is None and record.callee:
            campaign = _campaign_by_number(record)
        if campaign is not None:
            linked[record.voice_id] = campaign
    return linked


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
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in _UPSERT_FIELDS] + [quote("callee_id")]
    callee = f"(SELECT id FROM {quote(Callee._meta.db_table)} WHERE callee_list_id = %s AND number = %s)"
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns if column != quote("voice_id"))
    return (f"INSERT INTO {quote(CallRecord._meta.db_table)} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(_UPSERT_FIELDS))}, {callee}) "
            f"ON CONFLICT ({quote('voice_id')}) DO UPDATE SET {updates}")


def _campaign_by_number(record) -> tuple[int, int] | None:
    when = record.call_time or record.hangup_time or timezone.now()
    return (Campaign.objects.filter(status=Status.SUBMITTED, submitted_at__lte=when,
                                    callee_list__callees__number=record.callee)
            .order_by("-submitted_at").values_list("id", "callee_list_id").first())


def record_windows(start: datetime, end: datetime, now: datetime) -> list[tuple[datetime, datetime]]:
    """The ≤31-day windows covering start..end that Laaffic still answers for (the last two months)."""
    start = max(start, now - RECORD_LOOKBACK)
    end = min(end, now)
    windows = []
    while start < end:
        windows.append((start, min(start + RECORD_WINDOW, end)))
        start += RECORD_WINDOW
    return windows


def campaign_backfill(campaign: Campaign, *, client: LaafficClient | None = None, progress=None) -> int:
    """Fetch a campaign's call records through voice/recordGroupQuery, page by page. Returns records stored."""
    client = client or laaffic_client()
    start = _submission_time(campaign) - timedelta(minutes=5)
    stored = 0
    for window_start, window_end in record_windows(start, timezone.now(), timezone.now()):
        page_number, pages = 1, 1
        while page_number <= pages:
            page = client.query_records(window_start, window_end, page=page_number, size=RECORD_PAGE)
            stored += call_records_ingest(page.records)
            pages = page.pages or 0
            page_number += 1
            if progress:
                progress(stored)
    if campaign.provider_status in FINAL_PROVIDER_STATUSES:
        Campaign.objects.filter(pk=campaign.pk).update(records_backfilled_at=timezone.now())
    return stored


def campaigns_backfill(client: LaafficClient | None = None) -> list[dict]:
    """The beat job's part: finished campaigns whose records were not fetched yet."""
    client = client or laaffic_client()
    lines = []
    todo = Campaign.objects.filter(status=Status.SUBMITTED, provider_status__in=FINAL_PROVIDER_STATUSES,
                                   records_backfilled_at__isnull=True)
    for campaign in todo:
        try:
            lines.append({"task_name": campaign.task_name, "records": campaign_backfill(campaign, client=client)})
        except LaafficError as error:
            lines.append({"task_name": campaign.task_name, "error": error.message})
    return lines
