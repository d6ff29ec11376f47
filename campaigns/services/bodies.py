"""Campaign <-> request body of `voice/group/call/send`.

The only place where the provider's field names meet the model's. Times in a
body are in the provider's zone (settings.LAAFFIC_TIME_ZONE).
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, CharField, Count, ExpressionWrapper, F, Func, Q, Window
from django.db.models.functions import Length, RowNumber, Substr
from django.db.models.lookups import Exact, GreaterThan, In, LessThan
from django.utils import timezone

from .. import rules
from ..importers import phones
from ..laaffic import Attachment
from ..laaffic.codes import ResendType
from ..models import Callee, Campaign, SuppressedNumber, VoiceFile

# API name -> model field, from the contract table: the values a campaign and its SMS template hold as they
# are sent (sendTime and the calling windows change zone; the callee list and the audio are built).
_PLAIN = (rules.Kind.TEXT, rules.Kind.INTEGER, rules.Kind.NUMBER, rules.Kind.KEY)
SCALARS = {name: entry.column for name, entry in rules.FIELDS.items()
           if entry.model == "Campaign" and entry.column and entry.kind in _PLAIN}
SMS_FIELDS = {name: entry.column for name, entry in rules.FIELDS.items() if entry.model == "SmsTemplate"}
CALLEE_COLUMNS = ("number", *rules.TEXT_FIELDS)
# Stands in for a recorded file's base64 until the request goes out (valid base64 itself, so
# the checks pass): checking or previewing a campaign never reads or encodes the audio.
AUDIO_SENT_LATER = "AudioEncodedWhenSent"
MB = 1024 * 1024


def provider_tz() -> ZoneInfo:
    return ZoneInfo(settings.LAAFFIC_TIME_ZONE)


def format_send_time(when: datetime | None) -> str | None:
    if when is None:
        return None
    return when.astimezone(provider_tz()).strftime(rules.SEND_TIME_FORMAT)


def parse_send_time(text: str | None) -> datetime | None:
    """A body's sendTime as a moment; ValueError for a time the provider's zone skips."""
    if not text:
        return None
    return rules.wall_time(datetime.strptime(text, rules.SEND_TIME_FORMAT), provider_tz())


def window_to_provider(local_time: time, on: date) -> str:
    """A staff member's HH:mm (their zone, on day `on`) as the provider's HH:mm."""
    local = datetime.combine(on, local_time, tzinfo=timezone.get_current_timezone())
    return local.astimezone(provider_tz()).strftime(rules.WINDOW_FORMAT)


def window_from_provider(text: str, on: date) -> time:
    """The provider's HH:mm as the staff member's local time on day `on`."""
    moment = datetime.combine(on, datetime.strptime(text, rules.WINDOW_FORMAT).time(), tzinfo=provider_tz())
    return timezone.localtime(moment).time()


def local_windows(windows: list[dict], send_time: datetime | None) -> list[tuple[time, time]]:
    """Stored (provider-zone) calling windows as the staff member's local times."""
    day = timezone.localtime(send_time or timezone.now()).date()
    return [(window_from_provider(w["start"], day), window_from_provider(w["end"], day)) for w in windows]


def provider_windows(typed: list[tuple[time, time]], on: date) -> list[dict]:
    """Calling windows typed in the staff member's zone (on day `on`) as stored and sent: in the provider's
    zone, each one that crosses midnight there written as two (rules.windows_split_at_midnight)."""
    converted = [(window_to_provider(start, on), window_to_provider(end, on)) for start, end in typed]
    return [{"start": start, "end": end} for start, end in rules.windows_split_at_midnight(converted)]


def joined_windows(windows: list[dict]) -> list[tuple[str, str]]:
    """Stored windows in the provider's zone as they were meant: a pair split at midnight as one."""
    return rules.windows_joined_at_midnight((w.get("start"), w.get("end")) for w in windows)


def typed_windows(windows: list[dict], send_time: datetime | None) -> list[tuple[time, time]]:
    """Stored calling windows as the staff member typed them: in their zone, a pair split at midnight as one."""
    day = timezone.localtime(send_time or timezone.now()).date()
    return [(window_from_provider(start, day), window_from_provider(end, day)) for start, end in joined_windows(windows)]


def kept_callees(callee_list_id):
    """The callees of a list that a campaign calls: do-not-call numbers left out.

    Callee and do-not-call numbers are both stored as the import's normalize writes them (every
    form, import and load does; migration 0005 rewrote older rows), so equal text is the same number.
    """
    return Callee.objects.filter(callee_list_id=callee_list_id).exclude(
        number__in=SuppressedNumber.objects.values("number"))


def callee_entries(callee_list_id, limit: int | None = None) -> list[dict]:
    """numberInfoList for a callee list (its first `limit` entries), in one query: do-not-call numbers and
    empty texts left out."""
    rows = kept_callees(callee_list_id).order_by("id").values_list(*CALLEE_COLUMNS)
    return [_entry(row) for row in (rows[:limit] if limit is not None else rows.iterator(chunk_size=5000))]


def _entry(row) -> dict:
    number, *texts = row
    entry = {"calleeNumber": number}
    for name, text in zip(rules.TEXT_FIELDS, texts):
        if text:
            entry[name] = text
    return entry


def stored_callees(callee_list_id, count: int | None = None) -> rules.StoredCallees:
    """A list's numberInfoList for the rules to check where it is stored (rules.StoredCallees): its count
    (`count` when known), how many entries break a rule and the first of them, with their positions. Three
    queries at most whatever the list's size; submitting still checks the body it sends, every entry read."""
    kept = kept_callees(callee_list_id)
    if count is None:
        count = kept.count()

    def offenders(required_texts, first):
        condition = offending_callees(required_texts)
        # The first offenders' ids and how many there are in all, in one pass.
        found = list(kept.filter(condition).annotate(total=Window(Count("id"))).order_by("id")
                     .values_list("id", "total")[:first])
        if not found:  # the usual case: no callee is read
            return 0, []
        ids, total = [row[0] for row in found], found[0][1]
        # Their positions among the callees called, numbering only those up to the last one, and their values.
        numbered = kept.filter(id__lte=ids[-1]).order_by().annotate(
            position=Window(RowNumber(), order_by=F("id").asc())).values_list("id", "position")
        sql, params = numbered.query.sql_with_params()
        quote = connection.ops.quote_name
        values = ", ".join(f"callee.{quote(Callee._meta.get_field(name).column)}" for name in CALLEE_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT numbered.position, {values} FROM ({sql}) numbered "
                           f"JOIN {quote(Callee._meta.db_table)} callee ON callee.id = numbered.id "
                           f"WHERE numbered.id IN ({', '.join(['%s'] * len(ids))}) ORDER BY numbered.id",
                           [*params, *ids])
            return total, [(row[0] - 1, _entry(row[1:])) for row in cursor.fetchall()]

    return rules.StoredCallees(count, offenders)


def offending_callees(required_texts) -> Q:
    """The callees that break a rule of a callee (rules.StoredCallees says which), as a condition the
    database tests, from the rules' own limits and characters."""
    number = rules.FIELDS["calleeNumber"]
    condition = (Q(NotDigitsOnly("number")) | Q(LessThan(Length("number"), number.min_length))
                 | Q(GreaterThan(Length("number"), number.max_length)) | Q(HoldsNul("number")))
    for name in rules.TEXT_FIELDS:
        # Most texts of a list are empty: one comparison settles those.
        condition |= ~Q(**{name: ""}) & (Q(GreaterThan(Length(name), rules.FIELDS[name].max_length))
                                         | Q(HoldsNul(name)))
    for name in required_texts:  # trimmed only when it starts with a blank (a cheap test)
        condition |= Q(**{name: ""}) | (Q(In(Substr(name, 1, 1), list(rules.BLANK_CHARACTERS)))
                                        & Q(Exact(TrimBlanks(name), "")))
    return condition


class TrimBlanks(Func):
    """A text without the rules.BLANK_CHARACTERS at either end (Python's str.strip())."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL
        text, params = compiler.compile(self.source_expressions[0])
        return f"btrim({text}, %s)", [*params, rules.BLANK_CHARACTERS]

    def as_sqlite(self, compiler, connection, **extra):
        text, params = compiler.compile(self.source_expressions[0])
        return f"trim({text}, %s)", [*params, rules.BLANK_CHARACTERS]


class NotDigitsOnly(Func):
    """Whether a text holds a character that is not one of rules.DIGITS: what is left once they are trimmed
    from its start (both databases trim natively; Django's regex lookup calls Python for every row in
    SQLite)."""

    output_field = BooleanField()
    conditional = True
    template = "ltrim(%(expressions)s, '" + rules.DIGITS + "') <> ''"


class HoldsNul(Func):
    """Whether a text holds NUL, the one character rules._UNSTORABLE names that a database keeps: SQLite
    does (read as bytes: its text functions, GLOB and length() stop at a NUL), PostgreSQL refuses it."""

    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra):
        return "1 = 0", []

    def as_sqlite(self, compiler, connection, **extra):
        text, params = compiler.compile(self.source_expressions[0])
        return f"instr(CAST({text} AS BLOB), X'00') > 0", params


def called_and_suppressed(callee_list_id) -> tuple[int, int]:
    """How many of a list's numbers a campaign calls, and how many are left out (on the do-not-call list),
    in one query."""
    suppressed = Q(number__in=SuppressedNumber.objects.values("number"))
    return tuple(Callee.objects.filter(callee_list_id=callee_list_id).aggregate(
        called=Count("id", filter=~suppressed), suppressed=Count("id", filter=suppressed)).values())


def suppressed_count(callee_list_id) -> int:
    """How many of a list's numbers are on the do-not-call list (and so left out)."""
    return Callee.objects.filter(
        callee_list_id=callee_list_id, number__in=SuppressedNumber.objects.values("number")).count()


def campaign_body(campaign: Campaign, callees: list[dict] | None = None) -> dict:
    """The exact JSON body that submitting `campaign` sends (no credentials)."""
    body: dict = {}
    for api_name, field in SCALARS.items():
        value = getattr(campaign, field)
        if value is None or value == "":
            continue
        if api_name == "speakingRate" and float(value).is_integer():
            value = int(value)
        body[api_name] = value
    voice = campaign.voice_file
    if voice is not None and campaign.source == Campaign.Source.VOICE_FILE:
        body["voiceFileId"] = voice.provider_file_id
    elif voice is not None and campaign.source == Campaign.Source.INLINE_FILE:
        body["uploadName"] = voice.name
        body["baseFile"] = AUDIO_SENT_LATER if voice.audio else ""
    if campaign.sms_template_id is not None:
        for api_name, field in SMS_FIELDS.items():
            value = getattr(campaign.sms_template, field)
            if value != "":
                body[api_name] = value
    if campaign.send_time is not None:
        body["sendTime"] = format_send_time(campaign.send_time)
    if campaign.calling_windows:
        body["allowSendTime"] = [
            {"strTime": w.get("start"), "endTime": w.get("end")} for w in campaign.calling_windows
        ]
    body["numberInfoList"] = callee_entries(campaign.callee_list_id) if callees is None else callees
    return body


def campaign_fields_from_body(body: dict) -> dict:
    """Model field values for the scalar and time parts of a (valid) body."""
    fields = {field: body.get(api_name) for api_name, field in SCALARS.items()}
    for api_name, field in SCALARS.items():
        if rules.FIELDS[api_name].kind == rules.Kind.TEXT:  # a text column stores "" for nothing
            fields[field] = fields[field] or ""
    fields["send_time"] = parse_send_time(body.get("sendTime"))
    fields["calling_windows"] = [
        {"start": w["strTime"], "end": w["endTime"]} for w in body.get("allowSendTime") or []
    ]
    return fields


def with_audio(campaign: Campaign, body: dict) -> dict:
    """The body to send: the recorded file's base64 in place of AUDIO_SENT_LATER, encoded while sent."""
    if body.get("baseFile") != AUDIO_SENT_LATER:
        return body
    return {**body, "baseFile": audio_attachment(campaign.voice_file)}


def audio_attachment(voice: VoiceFile) -> Attachment:
    return Attachment(lambda: voice.audio.storage.open(voice.audio.name, "rb"), voice.audio.size)


def check(body: dict, *, exclude_campaign_id=None, entering=False, in_parts=False,
          task_name_taken=None) -> list[rules.Problem]:
    """The rules module with this site's clock, zone and task names.

    `entering`: the body brings new data into the site (load_campaign), so its numbers and
    audio also get the checks of the site's other ways in (import, forms). `in_parts`: a list
    over the per-task limit is sent as several tasks (services/parts.py).
    """
    def taken(name):
        others = Campaign.objects.filter(task_name=name)
        if exclude_campaign_id is not None:
            others = others.exclude(pk=exclude_campaign_id)
        return others.exists()

    problems = rules.check_body(body, now=timezone.now(), provider_tz=provider_tz(),
                                task_name_taken=task_name_taken or taken,
                                number_problem=phones.number_problem if entering else None, in_parts=in_parts)
    if entering and isinstance(body, dict) and body.get("source") == Campaign.Source.INLINE_FILE:
        problems += _inline_audio_problems(body, problems)
    return problems


def _inline_audio_problems(body: dict, problems: list[rules.Problem]) -> list[rules.Problem]:
    """A loaded body's audio: within VOICE_FILE_MAX_MB and audio its name's format, judged by its head."""
    if any(p.field in ("uploadName", "baseFile") for p in problems):
        return []
    text = body["baseFile"]
    size = len(text) * 3 // 4 - text.endswith("=") - text.endswith("==")
    head = base64.b64decode(text[:4 * -(-rules.AUDIO_HEAD_BYTES // 3)])
    message = audio_size_problem(size) or rules.audio_problem(body["uploadName"], head)
    return [rules.Problem("baseFile", message)] if message else []


def audio_size_problem(size: int) -> str | None:
    """Why an audio file is too large to be a voice file (VOICE_FILE_MAX_MB), or None."""
    limit = settings.VOICE_FILE_MAX_MB
    if size <= limit * MB:
        return None
    shown = math.ceil(size * 10 / MB) / 10  # rounded up: 1.01 MB is not "1.0 MB" over a 1 MB limit
    return (f"The audio file is {shown} MB; the limit is {limit} MB. Shorten the recording, "
            "or export it as MP3 (a minute of speech is about 1 MB).")


def notes(body) -> list[rules.Problem]:
    """What a reader of a body should know although nothing is wrong: which of two equal clock times is sent."""
    note = rules.send_time_note(body.get("sendTime"), provider_tz()) if isinstance(body, dict) else None
    return [rules.Problem("sendTime", note)] if note else []


def resend_body(campaign: Campaign, body: dict) -> dict:
    """voice/group/call/resend's body for a re-call: the parent's task, no callee list."""
    parent = campaign.parent
    resend = {k: v for k, v in body.items() if k != "numberInfoList"}
    resend["keyId"] = parent.task_id or int(parent.key_id)
    resend["resendType"] = ResendType.NOT_REACHED if campaign.recall_failed_only else ResendType.EVERYONE
    return resend


def redacted_body(body: dict) -> dict:
    """The body as stored with a submission: callees replaced by count and digest, audio by its size."""
    stored = {k: v for k, v in body.items() if k not in ("numberInfoList", "baseFile")}
    if "numberInfoList" in body:
        callees = body["numberInfoList"] or []
        digest = hashlib.sha256(
            json.dumps(callees, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        ).hexdigest()
        stored["numberInfoList"] = {"count": len(callees), "sha256": digest}
    if "baseFile" in body:
        stored["baseFile"] = f"[{len(body['baseFile'])} characters of base64]"
    return stored


def file_bytes(voice: VoiceFile) -> bytes:
    if not voice.audio:
        return b""
    with voice.audio.open("rb") as handle:
        return handle.read()
