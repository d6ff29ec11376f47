"""What happened to a campaign's calls: the numbers behind its results page and export."""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from .. import rules
from ..laaffic.codes import CallStatus
from ..models import CallRecord, Callee, Campaign
from .spreadsheets import TIME_FORMAT, safe_cell, spreadsheet_writer
from .tracking import campaign_unattributed_calls

Outcome = CallRecord.Outcome


@dataclass
class Results:
    total: int
    outcomes: list[tuple[str, int]]  # (label, count) in Outcome order
    keys: list[tuple[str, int]]  # (key, count), keys 0-9 then others
    answer_rate: float | None  # percent of calls answered
    average_talk_seconds: float | None
    costs: list[tuple[str, object]]  # (currency, total): amounts in different currencies are not added up
    shared: int  # calls this campaign or another could own, counted by neither


def campaign_results(campaign: Campaign) -> Results:
    """Outcome breakdown, key presses, answer rate, talk time and cost, and the calls it may share."""
    records = campaign.calls().order_by()  # every part's, for a campaign launched in parts
    # One pass over the campaign's calls, grouped by outcome, currency and key (a few dozen groups).
    groups = records.values_list("outcome", "currency", "feedback_value").annotate(
        n=Count("id"), cost=Sum("cost"), talk=Sum("call_duration"), talked=Count("call_duration"))
    by_outcome, costs, keys, talk, talked = defaultdict(int), defaultdict(Decimal), defaultdict(int), 0, 0
    for outcome, currency, key, n, cost, group_talk, group_talked in groups:
        by_outcome[outcome] += n
        if key:
            keys[key] += n
        if cost is not None:
            costs[currency] += cost
        if outcome == Outcome.ANSWERED:
            talk, talked = talk + (group_talk or 0), talked + group_talked
    total = sum(by_outcome.values())
    ordered_keys = [str(k) for k in range(10)] + sorted(k for k in keys if k not in {str(d) for d in range(10)})
    return Results(
        total=total,
        outcomes=[(label, by_outcome.get(value, 0)) for value, label in Outcome.choices],
        keys=[(key, keys.get(key, 0)) for key in ordered_keys],
        answer_rate=100 * by_outcome.get(Outcome.ANSWERED, 0) / total if total else None,
        average_talk_seconds=talk / talked if talked else None,
        costs=sorted(costs.items()),
        shared=campaign_unattributed_calls(campaign).count(),
    )


EXPORT_HEADER = ["calleeNumber", *rules.TEXT_FIELDS, "outcome", "callStatus", "keyPressed", "talkSeconds",
                 "callTime", "hangupTime", "cost", "currency", "voiceId"]
_CALL_STATUSES = {status.value: status.label for status in CallStatus}


def campaign_results_export(campaign: Campaign, out, zone=None) -> int:
    """One CSV row per callee with its texts and the outcome of its (latest) call.

    For a spreadsheet: UTF-8 with BOM, times in `zone` (default: the active one, the user's own
    on a page) as `TIME_FORMAT` with the zone named in the header, statuses by name.
    """
    zone = zone or timezone.get_current_timezone()
    labels = dict(Outcome.choices)
    calls = {}
    records = campaign.calls().order_by("call_time", "id").values_list(
        "callee_number", "outcome", "call_status", "feedback_value", "call_duration", "call_time", "hangup_time",
        "cost", "currency", "voice_id")
    for number, *call in records.iterator(chunk_size=5000):
        calls[number] = call

    def when(moment):
        return timezone.localtime(moment, zone).strftime(TIME_FORMAT) if moment else ""

    in_zone = f" ({zone.key if hasattr(zone, 'key') else zone})"
    writer = spreadsheet_writer(out, [name + in_zone if name in ("callTime", "hangupTime") else name
                                      for name in EXPORT_HEADER])
    count = 0
    callees = Callee.objects.filter(callee_list_id=campaign.callee_list_id).order_by("id").values_list(
        "number", *rules.TEXT_FIELDS)
    for count, (number, *texts) in enumerate(callees.iterator(chunk_size=5000), start=1):
        call = calls.get(number)
        if call:
            outcome, status, key, talk, called_at, hung_up_at, cost, currency, voice_id = call
            outcome = [labels.get(outcome, outcome), _CALL_STATUSES.get(status, status or ""), key,
                       "" if talk is None else talk, when(called_at), when(hung_up_at),
                       "" if cost is None else cost, currency, voice_id]
        else:
            outcome = ["Not called", "", "", "", "", "", "", "", ""]
        writer.writerow([safe_cell(cell) for cell in (number, *texts, *outcome)])
    return count
