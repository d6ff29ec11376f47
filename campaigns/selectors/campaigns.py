"""Campaigns as pages show them: the review before launch, progress, calls, what can be done next."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.utils import timezone

from .. import rules
from ..models import CallRecord, Campaign
from ..services import bodies
from ..services.campaigns import campaign_problems, campaign_refusal
from ..services.parts import part_names

BODY_PREVIEW_CALLEES = 3
CALLS_PAGE_SIZE = 100


@dataclass
class Review:
    """What launching a campaign would send, in the words of the confirmation page."""

    campaign: Campaign
    callee_count: int
    suppressed_count: int  # numbers of its list on the do-not-call list: left out when it is sent
    send_time_local: datetime | None  # the start in the current time zone; None: straight away
    send_time_provider: str | None  # the start as sent, in Laaffic's zone
    notes: list[str]  # about the start (one that happens twice in a zone)
    windows_local: list[str]  # the calling windows in the current time zone
    sms_example: str  # the hang-up SMS as the first callee gets it
    refusal: str  # why its status does not allow launching it
    problems: list[rules.Problem]  # what Laaffic would refuse
    body: str  # the request body as JSON, with the first few callees only
    # Over Laaffic's per-task limit: each task it is sent as, with its numbers.
    parts: list[tuple[str, int]] = field(default_factory=list)
    body_callees: int = 0  # how many callees the body shows (the rest are summed up in one line)

    @property
    def parts_note(self) -> str:
        """How many tasks the launch creates, for a list over the per-task limit ('' otherwise)."""
        if not self.parts:
            return ""
        limit = rules.FIELDS["numberInfoList"].max_length
        listed = ", ".join(f"“{name}” ({count:,})" for name, count in self.parts)
        return (f"Laaffic calls at most {limit:,} numbers a task, so the {self.callee_count:,} numbers are sent "
                f"in {len(self.parts)} parts, each its own task: {listed}. Each part is sent once and retried "
                "on its own; progress and results add up all parts.")

    @property
    def ready(self) -> bool:
        return not self.refusal and not self.problems


def campaign_review(campaign: Campaign) -> Review:
    """Everything to check before launching `campaign`, without reading every callee: the rules check the
    list where it is stored (bodies.stored_callees) and the body shows its first callees only. Launching
    checks again the body it sends, every callee read.

    Select its callee list, voice file and SMS template with it: they are read here."""
    first = bodies.callee_entries(campaign.callee_list_id, limit=BODY_PREVIEW_CALLEES)
    called, suppressed = bodies.called_and_suppressed(campaign.callee_list_id)
    stored = bodies.stored_callees(campaign.callee_list_id, called)
    body = bodies.campaign_body(campaign, first)
    if campaign.is_resend:  # Laaffic's resend names its parent's task instead of listing numbers
        shown = bodies.resend_body(campaign, body)
    else:
        more = stored.count - len(first)
        shown = dict(body, numberInfoList=first + ([f"… and {more:,} more callees"] if more > 0 else []))
    if shown.get("baseFile") == bodies.AUDIO_SENT_LATER:
        voice = campaign.voice_file
        shown["baseFile"] = f"[{voice.name}: {voice.audio.size:,} bytes of audio, sent as base64]"
    return Review(
        campaign=campaign,
        callee_count=stored.count,
        suppressed_count=suppressed,
        send_time_local=timezone.localtime(campaign.send_time) if campaign.send_time else None,
        send_time_provider=body.get("sendTime"),
        notes=[note.message for note in bodies.notes(body)],
        windows_local=[f"{start:%H:%M}–{end:%H:%M}" for start, end
                       in bodies.local_windows(campaign.calling_windows, campaign.send_time)],
        sms_example=_sms_example(campaign, first[:1]),
        refusal=campaign_refusal(campaign),
        problems=campaign_problems(campaign, stored),
        body=json.dumps(shown, indent=2, ensure_ascii=False),
        parts=_parts(campaign, stored.count),
        body_callees=len(first),
    )


def _parts(campaign: Campaign, count: int) -> list[tuple[str, int]]:
    """The parts a launch sends (or sent), with their numbers: at most the limit each, in list order."""
    if campaign.is_split:
        return [(part.task_name, part.size) for part in campaign.parts.order_by("part_number").annotate(
            size=Count("callee_list__callees"))]
    if campaign.is_resend:
        return []
    limit = rules.FIELDS["numberInfoList"].max_length
    return [(name, min(limit, count - i * limit)) for i, name in enumerate(part_names(campaign, count))]


def _sms_example(campaign, first):
    """The hang-up SMS as the first callee would get it."""
    if not campaign.sends_sms or campaign.sms_template is None or not first:
        return ""
    return rules.sms_filled(campaign.sms_template.content, first[0])


def campaign_progress(campaign: Campaign) -> dict:
    """A campaign's progress on Laaffic, as its page polls it (JSON). Launched in parts: the sums of its parts
    (services/parts.py parts_aggregate), and each part's own line under `parts`."""
    progress = {
        "status": campaign.get_status_display(), "provider_status": campaign.get_provider_status_display() or "",
        "progress": campaign.progress or 0, "numbers": campaign.numbers_total, "called": campaign.numbers_called,
        "success": campaign.numbers_success, "fail": campaign.numbers_failed,
        "synced_at": campaign.synced_at.isoformat() if campaign.synced_at else None,
        "final": campaign.is_final_on_laaffic,  # nothing more will change
    }
    if campaign.is_split:
        progress["parts"] = [
            {"task_name": part.task_name, "status": part.get_status_display(),
             "provider_status": part.get_provider_status_display() or "", "progress": part.progress or 0,
             "numbers": part.numbers_total, "called": part.numbers_called}
            for part in campaign.parts.order_by("part_number")]
    return progress


def campaign_calls_page(campaign: Campaign, *, outcome: str = "", page=None) -> Page:
    """A page of the campaign's calls in the order they were made, only those of `outcome` when it
    is one (anything else shows every call); `page` as a query string gives it."""
    records = campaign.calls().select_related("callee").order_by("call_time", "id")
    if outcome in CallRecord.Outcome.values:
        records = records.filter(outcome=outcome)
    return Paginator(records, CALLS_PAGE_SIZE).get_page(page)


def campaign_cancellable(campaign: Campaign) -> bool:
    """Whether Cancel can stop it: running on Laaffic, waiting or calling, or not synced yet (then the
    cancel asks Laaffic first)."""
    if campaign.is_split:
        return any(campaign_cancellable(part) for part in campaign.parts.all())
    return campaign.is_cancellable_task


def window_notes(campaign: Campaign) -> list[str]:
    """What was done to the calling windows typed: each one that crosses midnight in Laaffic's zone is
    sent as two (bodies.provider_windows)."""
    zone, here = bodies.provider_tz().key, timezone.get_current_timezone_name()
    notes = []
    for start, end in bodies.joined_windows(campaign.calling_windows or []):
        if not (start and end and start > end):
            continue
        sent = " and ".join(f"{a}–{b}" for a, b in rules.windows_split_at_midnight([(start, end)]))
        if here == zone:
            said = f"{start}–{end} runs past midnight in Laaffic's zone ({zone})"
        else:
            local = bodies.typed_windows([{"start": start, "end": end}], campaign.send_time)[0]
            said = (f"Your window {local[0]:%H:%M}–{local[1]:%H:%M} ({here}) is {start}–{end} in Laaffic's zone "
                    f"({zone}), past midnight there")
        notes.append(f"{said}, so it is sent as two windows: {sent}.")
    return notes


def start_warning(campaign: Campaign) -> str:
    """Why calls will not start when the campaign does (a start outside every calling window), or ''."""
    windows = [(w.get("start"), w.get("end")) for w in campaign.calling_windows or []]
    if not windows:
        return ""
    start = campaign.send_time or timezone.now()
    there = start.astimezone(bodies.provider_tz())
    if rules.in_windows(f"{there:%H:%M}", windows):
        return ""
    clock = f"{there:%H:%M}"
    opens = next((a for a, _ in sorted(windows) if a > clock), min(a for a, _ in windows))
    day = there.date() + timedelta(days=opens < clock)
    opens_here = timezone.localtime(rules.wall_time(datetime.combine(day, time.fromisoformat(opens)),
                                                    bodies.provider_tz()))
    when = "It starts" if campaign.send_time else "Launched now, it would start"
    return (f"{when} at {timezone.localtime(start):%Y-%m-%d %H:%M} your time ({clock} in Laaffic's zone, "
            f"{bodies.provider_tz().key}), outside every calling window: no call is made until one opens, "
            f"at {opens} there ({opens_here:%H:%M} your time).")
