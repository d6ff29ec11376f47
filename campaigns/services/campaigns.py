"""Campaign verbs: check, load from a body, queue, submit exactly once."""
from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .. import rules
from ..laaffic import LaafficClient, LaafficError
from ..laaffic.codes import FINAL_STATUSES, Code
from ..models import CallRecord, Callee, CalleeList, Campaign, CampaignEvent, SmsTemplate, Submission, VoiceFile
from ..selectors.recalls import recall_plan
from . import bodies, parts
from .activity import event_record

log = logging.getLogger(__name__)
Status = Campaign.Status
Approval = Campaign.Approval
What = CampaignEvent.What
Outcome = Submission.Outcome
# Stands in for the id a recorded file gets when it is uploaded at submission.
PENDING_UPLOAD = "(uploaded when submitted)"
# A worker that claimed a campaign and went silent this long after its timeout has died.
STALE_AFTER = timedelta(seconds=60)
# Temporary failures are retried this many times, by the worker and the commands alike (submit_retry_delay).
MAX_SUBMIT_RETRIES = 8


class CampaignLocked(Exception):
    """An edit of a campaign that cannot change now (waiting for approval, or sent)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidCampaign(Exception):
    def __init__(self, problems: list[rules.Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    @property
    def errors(self) -> dict[str, list[str]]:
        return rules.errors_by_field(self.problems)


@dataclass
class SubmitResult:
    status: str
    message: str
    code: str = ""
    key_id: str = ""
    retry_in: float | None = None  # set when the campaign went back to the queue
    queued: bool = False  # this call moved the campaign into the queue
    sends: list[int] = field(default_factory=list)  # what the worker sends: the campaign, or its parts


def laaffic_client() -> LaafficClient:
    return LaafficClient(
        settings.LAAFFIC_API_URL, settings.LAAFFIC_API_KEY, settings.LAAFFIC_API_SECRET,
        timeout=settings.LAAFFIC_TIMEOUT,
    )


def campaign_problems(campaign: Campaign, callees: list[dict] | rules.StoredCallees | None = None, *,
                      task_name_taken=None) -> list[rules.Problem]:
    """Everything the provider would refuse about `campaign`, before anything is sent. Its callees as
    given, or as sent (every one read) by default: a page may pass bodies.stored_callees instead. A list
    over the per-task limit is sent in parts (services/parts.py): then the parts' task names are checked.

    `task_name_taken(name)` replaces the query for another campaign of that name (pages checking many
    campaigns look the names up at once)."""
    body = bodies.campaign_body(campaign, callees)
    voice = campaign.voice_file
    if campaign.source == Campaign.Source.VOICE_FILE and voice and not voice.provider_file_id and voice.audio:
        body["voiceFileId"] = PENDING_UPLOAD
    in_parts = not campaign.is_resend and campaign.part_of_id is None
    problems = _body_problems(campaign, body, in_parts=in_parts, task_name_taken=task_name_taken)
    if in_parts:
        callees = body["numberInfoList"]
        problems += parts.part_problems(campaign, callees.count if isinstance(callees, rules.StoredCallees)
                                        else len(callees))
    return problems


def _body_problems(campaign: Campaign, body: dict, *, in_parts=False, task_name_taken=None) -> list[rules.Problem]:
    problems = (bodies.check(body, exclude_campaign_id=campaign.pk, in_parts=in_parts, task_name_taken=task_name_taken)
                + _recall_problems(campaign))
    if campaign.send_time and (second := rules.send_moment_problem(campaign.send_time, bodies.provider_tz())):
        problems.append(rules.Problem("sendTime", second))
    return problems


def _recall_problems(campaign: Campaign) -> list[rules.Problem]:
    """Laaffic's resend calls its own copy of the first run's numbers: it is sent only while that is
    exactly who is left (a number put on the do-not-call list since stops it)."""
    if not campaign.is_resend:
        return []
    plan = recall_plan(campaign.parent, failed_only=campaign.recall_failed_only)
    if plan.resend:
        return []
    return [rules.Problem("numberInfoList", f"Laaffic's resend of “{campaign.parent}” would no longer call exactly "
                                            f"who is left: {plan.summary} Use Call again on “{campaign.parent}” "
                                            "once more: it works out who is left.")]


def campaign_load_problems(body) -> list[rules.Problem]:
    """Everything that stops `campaign_load` storing `body` (what `load_campaign --check` reports)."""
    problems = bodies.check(body, entering=True)
    if problems or body["source"] != Campaign.Source.INLINE_FILE:
        return problems
    existing = VoiceFile.objects.filter(name=body["uploadName"]).first()
    if existing is not None and bodies.file_bytes(existing) != base64.b64decode(body["baseFile"]):
        return [rules.Problem("uploadName", f"A different recording is already stored as "
                                            f"{body['uploadName']!r}; give this one another name.")]
    return []


@transaction.atomic
def campaign_load(body, *, user=None) -> Campaign:
    """A draft campaign (with its callee list, SMS template and voice file) from a request body."""
    problems = campaign_load_problems(body)
    if problems:
        raise InvalidCampaign(problems)
    task_name = body["taskName"]
    campaign = Campaign(created_by=user, **bodies.campaign_fields_from_body(body))
    campaign.callee_list = CalleeList.objects.create(
        name=free_name(CalleeList, f"{task_name} callees"),
        description=f"Loaded with the campaign {task_name}.",
    )
    Callee.objects.bulk_create(
        [
            Callee(callee_list=campaign.callee_list, number=entry["calleeNumber"],
                   **{name: entry.get(name) or "" for name in rules.TEXT_FIELDS})
            for entry in body["numberInfoList"]
        ],
        batch_size=2000,
    )
    if body.get("smsContent") is not None or body.get("smsAppId") is not None:
        values = {field: body.get(api_name) or "" for api_name, field in bodies.SMS_FIELDS.items()}
        campaign.sms_template = (
            SmsTemplate.objects.filter(**values).first()
            or SmsTemplate.objects.create(name=free_name(SmsTemplate, f"{task_name} SMS"), **values)
        )
    campaign.voice_file = _voice_file_from_body(body)
    campaign.save()
    event_record(campaign, What.CREATED, user, "Loaded from a request body.")
    return campaign


def campaign_edit_refusal(campaign: Campaign) -> str:
    """Why `campaign`'s settings cannot be changed now, or ''."""
    if campaign.is_waiting_for_approval:
        return (f"{campaign} is waiting for approval, so it cannot be changed. Withdraw the request "
                "(whoever asked can), or wait for an approver to send it back.")
    if not campaign.is_editable:
        return f"{campaign} has been launched ({campaign.get_status_display()}): it is a record of what was sent."
    return ""


def campaign_save(campaign: Campaign, *, user=None) -> Campaign:
    """Store a new campaign, or the edited settings of one, and log it (created / edited). An edit of a
    campaign waiting for approval or launched raises CampaignLocked: the stored row decides, under a lock."""
    with transaction.atomic():
        if campaign._state.adding:
            campaign.created_by = campaign.created_by or (user if getattr(user, "pk", None) else None)
            campaign.save()
            event_record(campaign, What.CREATED, user)
            return campaign
        stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
        refusal = campaign_edit_refusal(stored)
        if refusal:
            raise CampaignLocked(refusal)
        # Only the settings: what the site writes (status, approval...) is not the editor's to overwrite.
        campaign.save(update_fields=[*Campaign.SETTINGS_FIELDS, "updated_at"])
        event_record(campaign, What.EDITED, user)
    return campaign


def _voice_file_from_body(body) -> VoiceFile | None:
    if body["source"] == Campaign.Source.VOICE_FILE:
        file_id = body["voiceFileId"]
        return VoiceFile.objects.filter(provider_file_id=file_id).first() or VoiceFile.objects.create(
            name=free_name(VoiceFile, file_id), provider_file_id=file_id,
        )
    if body["source"] == Campaign.Source.INLINE_FILE:
        existing = VoiceFile.objects.filter(name=body["uploadName"]).first()
        if existing is not None:  # the same recording: campaign_load_problems refuses another
            return existing
        voice = VoiceFile(name=body["uploadName"])
        voice.audio.save(_storage_name(body["uploadName"]), ContentFile(base64.b64decode(body["baseFile"])),
                         save=False)
        voice.save()
        return voice
    return None


def _storage_name(upload_name: str) -> str:
    """The upload name as a plain file name for the media folder: a body may name folders ("../x.mp3")."""
    name = re.sub(r"[^-\w.]", "", PurePosixPath(upload_name.replace("\\", "/")).name)
    return name if name.strip(".") else "audio"


def free_name(model, wanted: str) -> str:
    """`wanted`, or `wanted (2)`, `(3)`...: the first that no other row of `model` is named."""
    limit = model._meta.get_field("name").max_length
    name, n = wanted[:limit], 1
    while model.objects.filter(name=name).exists():
        n += 1
        suffix = f" ({n})"
        name = wanted[: limit - len(suffix)] + suffix
    return name


def campaign_queue(campaign: Campaign, *, user=None) -> SubmitResult:
    """Check a campaign and move it to the queue, once (the launch); the worker sends it when the
    transaction commits."""
    result = _queue(campaign, user)
    for campaign_id in result.sends:
        _enqueue_submit(campaign_id, getattr(user, "pk", None))
    return result


def campaign_submit_now(campaign: Campaign) -> SubmitResult:
    """Check, queue and send a campaign in this process (the commands). A temporary failure is not waited
    out here: the campaign goes to the worker, which retries it by the one policy (`submit_retry_delay`)."""
    queued = _queue(campaign, None)
    results = []
    for campaign_id in queued.sends:
        result = campaign_submit(campaign_id)
        if result.retry_in is not None:
            delay = submit_retry_delay(result.retry_in, 0)
            _enqueue_submit(campaign_id, None, countdown=delay)
            result.message = f"{result.message} Not sent yet: the worker tries again in {delay:g} seconds."
        results.append(result)
    if len(results) == 1 and not campaign.is_split:
        return results[0]
    if not results:
        return queued
    campaign.refresh_from_db()
    names = dict(Campaign.objects.filter(pk__in=queued.sends).values_list("pk", "task_name"))
    return SubmitResult(campaign.status, " ".join(f"{names[pk]}: {result.message}"
                                                  for pk, result in zip(queued.sends, results)),
                        queued=True, sends=queued.sends)


def _enqueue_submit(campaign_id, user_id, countdown: float | None = None) -> None:
    from ..tasks import submit_campaign  # the tasks call these services

    transaction.on_commit(lambda: submit_campaign.apply_async((campaign_id,), {"user_id": user_id},
                                                              countdown=countdown))


def submit_retry_delay(suggested: float, retries: int) -> float | None:
    """Seconds to wait before sending again after a temporary failure and `retries` retries, or None:
    give up. The wait doubles from what the failure suggests (`SubmitResult.retry_in`)."""
    if retries >= MAX_SUBMIT_RETRIES:
        return None
    return min(suggested * 2 ** retries, settings.LAAFFIC_RETRY_MAX_SECONDS)


def _queue(campaign: Campaign, user) -> SubmitResult:
    if campaign.is_split:
        return _requeue_parts(campaign)
    refusal = campaign_refusal(campaign)
    if refusal:
        return SubmitResult(campaign.status, refusal)
    callees = bodies.callee_entries(campaign.callee_list_id)
    problems = campaign_problems(campaign, callees)
    if problems:
        listed = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        return SubmitResult(campaign.status, f"{campaign} was not submitted: {listed}{more}")
    split = rules.parts_needed(len(callees)) > 1 and not campaign.is_resend
    with transaction.atomic():
        # The same claim as a single task: only the caller that moves it out of draft or failed goes on.
        moved = (Campaign.objects.filter(pk=campaign.pk, status__in=[Status.DRAFT, Status.FAILED])
                 .exclude(approval_state=Approval.REQUESTED).update(
            status=Status.PARTS if split else Status.QUEUED, updated_at=timezone.now(),
            status_detail="Being split into parts." if split else "Waiting to be sent to Laaffic.",
        ))
        if moved and split:
            campaign.status = Status.PARTS
            sends = parts.parts_create(campaign, user=user)
    if not moved:
        campaign.refresh_from_db()
        return SubmitResult(campaign.status, campaign_refusal(campaign) or f"{campaign} changed meanwhile.")
    log.info("campaign %s queued by %s", campaign.pk, user)
    if campaign.test_of_id is None:  # a test call is logged on the campaign it tests
        event_record(campaign, What.LAUNCHED, user)
    if split:
        return SubmitResult(Status.PARTS, f"{campaign} is queued for sending as {len(sends)} tasks of at most "
                                          f"{rules.FIELDS['numberInfoList'].max_length:,} numbers.",
                            queued=True, sends=sends)
    return SubmitResult(Status.QUEUED, f"{campaign} is queued for sending.", queued=True, sends=[campaign.pk])


def _requeue_parts(campaign: Campaign) -> SubmitResult:
    """Launching a campaign sent in parts again sends only its parts that failed; the others never again."""
    sends = parts.parts_requeue(campaign)
    if not sends:
        return SubmitResult(campaign.status, campaign_refusal(campaign))
    return SubmitResult(Status.PARTS, f"{campaign}: {len(sends)} part{'s' if len(sends) != 1 else ''} that failed "
                                      "queued for sending again; the parts already sent are not sent again.",
                        queued=True, sends=sends)


def running_test_calls(campaign: Campaign):
    """`campaign`'s test calls that may still ring: not sent yet, or sent and neither reported (a call
    record) nor seen final on Laaffic."""
    reported = Exists(CallRecord.objects.filter(campaign=OuterRef("pk")))
    return campaign.test_calls.filter(
        Q(status__in=[Status.QUEUED, Status.SUBMITTING, Status.UNKNOWN])
        | Q(status=Status.SUBMITTED) & ~Q(provider_status__in=FINAL_STATUSES) & ~reported)


def campaign_refusal(campaign: Campaign) -> str:
    """Why a campaign cannot be launched now, or '': its status, a request for approval, a test call. One
    launched in parts can be launched again while a part has failed: that sends the failed parts only."""
    if campaign.is_split and campaign.parts.filter(status=Status.FAILED).exists():
        return ""
    if campaign.is_waiting_for_approval:
        return (f"{campaign} is waiting for approval: an approver launches it with Approve and launch "
                "(or sends it back).")
    if campaign.status in (Status.DRAFT, Status.FAILED) and campaign.pk and running_test_calls(campaign).exists():
        return (f"A test call of {campaign} is still under way. Wait for its outcome (a minute or two) "
                "before launching.")
    return {
        Status.QUEUED: f"{campaign} is already waiting to be sent.",
        Status.SUBMITTING: f"{campaign} is being sent right now.",
        Status.SUBMITTED: f"{campaign} was already accepted by Laaffic (key ID {campaign.key_id}); "
                          "it is never sent twice.",
        Status.UNKNOWN: f"{campaign} may already be on Laaffic ({campaign.status_detail}) "
                        "Check the Laaffic console before doing anything else.",
        Status.PARTS: f"{campaign} was launched in parts and none of them failed: a part is never sent twice.",
    }.get(campaign.status, "")


def campaign_submit(campaign_id, *, user_id=None, client: LaafficClient | None = None) -> SubmitResult:
    """Send a queued campaign to Laaffic, exactly once.

    Only the caller that moves the campaign from queued to submitting sends it.
    Each POST is recorded as a Submission before it goes out. A retryable failure
    puts the campaign back in the queue and says when to try again (`retry_in`).
    """
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign_id, status=Status.QUEUED).update(
            status=Status.SUBMITTING, status_detail="Sending to Laaffic.", updated_at=timezone.now(),
        )
        if claimed:
            attempt = Submission.objects.create(
                campaign_id=campaign_id, user_id=user_id, started_at=timezone.now(),
            )
    if not claimed:
        return _not_claimed(campaign_id)
    campaign = Campaign.objects.select_related("voice_file", "sms_template", "parent").get(pk=campaign_id)
    client = client or laaffic_client()
    try:
        _upload_voice_file(campaign, client)
    except LaafficError as error:
        attempt.delete()  # nothing was sent to the group-call endpoint
        return _after_error(campaign, error, "Uploading the voice file failed: ", task_sent=False)
    body = bodies.campaign_body(campaign)
    problems = _body_problems(campaign, body)
    if problems:
        attempt.delete()
        listed = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
        return _finish(campaign, Status.FAILED, f"Not sent, the campaign has problems: {listed}")
    body = bodies.with_audio(campaign, body)
    if campaign.is_resend:
        body = bodies.resend_body(campaign, body)
        return _post(campaign, body, attempt, "voice/group/call/resend", client.resend_task)
    return _post(campaign, body, attempt, "voice/group/call/send", client.send_group_call)


def _post(campaign, body, attempt, path, send, resigned=False) -> SubmitResult:
    attempt.url = f"{settings.LAAFFIC_API_URL.rstrip('/')}/{path}"
    attempt.request_body = bodies.redacted_body(body)
    attempt.save(update_fields=["url", "request_body"])
    try:
        reply = send(body)
    except LaafficError as error:
        _record(attempt, error.exchange, _outcome(error), error.code or "", error.message)
        if error.code == Code.EXPIRED_TIMESTAMP and not resigned:
            retry = Submission.objects.create(
                campaign=campaign, user_id=attempt.user_id, started_at=timezone.now(),
            )
            return _post(campaign, body, retry, path, send, resigned=True)
        return _after_error(campaign, error)
    _record(attempt, reply.exchange, Outcome.ACCEPTED, reply.code, reply.message, str(reply.data))
    campaign.key_id = str(reply.data)
    return _finish(campaign, Status.SUBMITTED, f"Accepted by Laaffic with key ID {reply.data}.",
                   code=reply.code, provider_message=reply.message)


def _outcome(error: LaafficError) -> str:
    # No clear answer (timeout, 5xx, garbage): the task may exist on Laaffic.
    if error.timed_out or (error.code is None and error.reached_provider):
        return Outcome.UNKNOWN
    return Outcome.RETRY if error.retryable else Outcome.REJECTED


def _record(attempt, exchange, outcome, code, message, key_id=""):
    attempt.finished_at = timezone.now()
    attempt.outcome = outcome
    attempt.code = code
    attempt.message = message
    attempt.key_id = key_id
    if exchange is not None:
        attempt.http_status = exchange.http_status
        attempt.duration_ms = exchange.duration_ms
        attempt.request_headers = exchange.request_headers
        attempt.response_body = exchange.response_text or ""
    attempt.save()


def _after_error(campaign, error: LaafficError, prefix="", *, task_sent=True) -> SubmitResult:
    """`task_sent` False: only a preliminary request (the voice file) failed, so no task can exist."""
    code = error.code or ""
    if error.timed_out and task_sent:
        return _finish(
            campaign, Status.UNKNOWN,
            f"{prefix}Laaffic did not answer within {settings.LAAFFIC_TIMEOUT:g} seconds after the "
            "request went out, so the task may or may not exist. It will not be resent "
            f"automatically: look for the task {campaign.task_name!r} in the Laaffic console.",
            code=code,
        )
    if code == Code.NAME_EXISTS and _earlier_attempt_may_have_arrived(campaign):
        return _finish(
            campaign, Status.UNKNOWN,
            f"Laaffic already has a task named {campaign.task_name!r}, most likely from an earlier "
            "attempt of ours that got no clear answer. It was not sent again: check the task in "
            "the Laaffic console.", code=code, provider_message=error.message,
        )
    if error.retryable or error.timed_out:  # a time-out here left no task behind: safe to try again
        retry_in = 120.0 if code == Code.TOO_MANY_TASKS else 15.0
        moved = Campaign.objects.filter(pk=campaign.pk, status=Status.SUBMITTING).update(
            status=Status.QUEUED, provider_code=code,
            status_detail=f"{prefix}{error.message} Trying again shortly.", updated_at=timezone.now(),
        )
        if moved:
            _aggregate(campaign.part_of_id)
            return SubmitResult(Status.QUEUED, f"{prefix}{error.message}", code=code, retry_in=retry_in)
    return _finish(campaign, Status.FAILED, f"{prefix}{error.message}", code=code)


def _earlier_attempt_may_have_arrived(campaign) -> bool:
    return campaign.submissions.filter(outcome=Outcome.UNKNOWN).exists()


def _finish(campaign, status, detail, *, code="", provider_message="") -> SubmitResult:
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk, status=Status.SUBMITTING).update(
        status=status, status_detail=detail, provider_code=code,
        provider_message=provider_message or (detail if status != Status.SUBMITTED else ""),
        key_id=campaign.key_id, updated_at=now,
        submitted_at=now if status == Status.SUBMITTED else None,
    )
    log.info("campaign %s -> %s (code %s)", campaign.pk, status, code or "-")
    _aggregate(campaign.part_of_id)
    return SubmitResult(status, detail, code=code, key_id=campaign.key_id)


def _aggregate(part_of_id) -> None:
    """A part's status changed: the campaign it is part of shows the new sums."""
    if part_of_id is not None:
        parts.parts_aggregate(part_of_id)


def _not_claimed(campaign_id) -> SubmitResult:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return SubmitResult("missing", "The campaign no longer exists.")
    if campaign.status == Status.SUBMITTING:
        pending = campaign.submissions.filter(outcome=Outcome.PENDING).first()
        deadline = timedelta(seconds=settings.LAAFFIC_TIMEOUT) + STALE_AFTER
        if pending is not None:
            waited = timezone.now() - pending.started_at
            if waited < deadline:
                return SubmitResult(campaign.status, f"{campaign} is being sent right now.",
                                    retry_in=(deadline - waited).total_seconds())
            return _settle_stale(campaign, pending)
    return SubmitResult(campaign.status, campaign_refusal(campaign) or f"{campaign} is {campaign.get_status_display()}.",
                        key_id=campaign.key_id)


def _settle_stale(campaign, pending) -> SubmitResult:
    """A worker claimed the campaign and vanished. Requeue only if nothing went out."""
    if not pending.request_body:
        pending.delete()
        Campaign.objects.filter(pk=campaign.pk, status=Status.SUBMITTING).update(
            status=Status.QUEUED, status_detail="Waiting to be sent to Laaffic.", updated_at=timezone.now(),
        )
        return SubmitResult(Status.QUEUED, "The earlier attempt stopped before sending.", retry_in=0)
    _record(pending, None, Outcome.UNKNOWN, "", "The worker stopped while waiting for Laaffic's answer.")
    return _finish(
        campaign, Status.UNKNOWN,
        "The worker stopped while the request was on its way, so the task may or may not exist. "
        f"It will not be resent automatically: look for {campaign.task_name!r} in the Laaffic console.",
    )


def stalled_campaign_ids() -> list[int]:
    """Campaigns queued or being sent long after any worker should have finished with them.

    A worker killed mid-task loses it on the filesystem broker, and Redis returns it only
    after its visibility timeout; sending their task again is safe (see campaign_submit).
    """
    now = timezone.now()
    queued_before = now - timedelta(seconds=settings.LAAFFIC_RETRY_MAX_SECONDS) - STALE_AFTER
    sending_before = now - timedelta(seconds=settings.LAAFFIC_TIMEOUT) - STALE_AFTER
    return list(Campaign.objects.filter(
        Q(status=Status.QUEUED, updated_at__lt=queued_before)
        | Q(status=Status.SUBMITTING, updated_at__lt=sending_before)).values_list("pk", flat=True))


def campaign_give_up(campaign_id, reason: str) -> None:
    """A queued campaign whose retries ran out: failed, with the last reason."""
    Campaign.objects.filter(pk=campaign_id, status=Status.QUEUED).update(
        status=Status.FAILED, status_detail=f"Gave up after several attempts. Last problem: {reason}",
        updated_at=timezone.now(),
    )
    _aggregate(parts.part_of_id(campaign_id))


def _upload_voice_file(campaign: Campaign, client: LaafficClient) -> None:
    """Source 1 with a recording not yet on Laaffic: upload it once, keep its id."""
    voice = campaign.voice_file
    if campaign.source != Campaign.Source.VOICE_FILE or voice is None or voice.provider_file_id:
        return
    if not voice.audio:
        return  # the body check reports the missing id
    reply = client.upload_voice_file(voice.name, bodies.audio_attachment(voice))
    VoiceFile.objects.filter(pk=voice.pk).update(provider_file_id=str(reply.data), uploaded_at=timezone.now())
    voice.provider_file_id = str(reply.data)
