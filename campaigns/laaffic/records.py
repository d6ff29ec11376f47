"""Laaffic's task-list rows and per-call records, read into Python values.

Pure: plain dicts in, dataclasses out. Field names follow the provider only in
the raw dicts; everything returned uses Python names.
"""
from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

from campaigns.laaffic.codes import CONNECTED_CODES, NO_KEY_PRESSED, CallOutcome, CallStatus, ProviderStatus

DEFAULT_CURRENCY = "USD"
# The times a record may carry. Nothing this site sends calls before 2020 (the record query
# reaches two months back); a day ahead covers a provider clock running fast and a zoneless time
# read in the wrong zone. Anything else is garbage, and a year 1 or 10000 cannot even be shown.
EARLIEST_TIME = datetime(2020, 1, 1, tzinfo=timezone.utc)
EARLIEST_EPOCH_MS = int(EARLIEST_TIME.timestamp() * 1000)
MAX_AHEAD = timedelta(days=1)
MAX_TIME_CHARS = 40
# A number's text (or a JSON number) may have this many characters, and at most this many digits
# before the point: every number column holds less, and converting stays cheap.
MAX_NUMBER_CHARS, MAX_NUMBER_DIGITS = 40, 20
_WHOLE_BOUND = 10**MAX_NUMBER_DIGITS
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# Neither PostgreSQL (NUL) nor a UTF-8 encoder (a lone surrogate, which JSON's \ud800 can make) takes these.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Reports in one push: 1,000 with every field at its largest (1.9 MB) fit the default 2.5 MB request
# body (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, which bounds the body) and are stored in under a second.
MAX_PUSH_REPORTS = 1000
COMPACT_TIME_FORMAT, COMPACT_TIME_LENGTH = "%Y%m%d%H%M%S", 14

_TIME_FIELDS = {
    "submit_time": "submitTime", "call_time": "callTime", "ringing_time": "ringingTime",
    "answer_time": "answerTime", "hangup_time": "hangupTime",
}
_INT_FIELDS = {
    "task_id": "taskId", "source_task_id": "sourceTaskId", "call_type": "type",
    "call_duration": "callDuration", "charged_duration": "chargedDuration",
    "ring_duration": "ringDuration", "call_status": "callStatus",
}
# The largest value of each field the site stores (its CallRecord columns take these sizes), so
# that a report carrying more is refused by name (400) instead of failing in the database.
MAX_LENGTHS = {"voice_id": 64, "callee": 20, "display_number": 20, "termination_code": 16,
               "termination_reason": 200, "feedback_value": 4, "currency": 8}
INT_RANGES = {"task_id": (0, 2**63 - 1), "source_task_id": (0, 2**63 - 1), "call_type": (-2**31, 2**31 - 1),
              "call_status": (-2**15, 2**15 - 1), "call_duration": (0, 2**31 - 1),
              "charged_duration": (0, 2**31 - 1), "ring_duration": (0, 2**31 - 1)}
MAX_COST = Decimal("999999.999999")  # 12 digits, 6 after the point
_TEXT_FIELDS = {
    "callee": "callee", "display_number": "displayNum",
    "termination_code": "terminationCode", "termination_reason": "terminationReason",
    "sip_code": "sipCode", "voice_file_id": "voiceFileId",
}


@dataclass
class TaskStatus:
    """One row of the task list (voice/group/call/query); None where Laaffic gave nothing."""

    task_id: int | None = None
    task_name: str | None = None
    status: int | None = None
    status_label: str | None = None
    rate: float | None = None
    numbers: int | None = None
    called: int | None = None
    success: int | None = None
    fail: int | None = None
    created_time: str | None = None


@dataclass
class CallRecord:
    """One call of a group-call task, from the record query or the status push."""

    voice_id: str
    task_id: int | None = None
    source_task_id: int | None = None
    callee: str | None = None
    display_number: str | None = None
    call_type: int | None = None
    submit_time: datetime | None = None
    call_time: datetime | None = None
    ringing_time: datetime | None = None
    answer_time: datetime | None = None
    hangup_time: datetime | None = None
    call_duration: int | None = None
    charged_duration: int | None = None
    ring_duration: int | None = None
    termination_code: str | None = None
    termination_reason: str | None = None
    sip_code: str | None = None
    call_status: int | None = None
    feedback_value: str | None = None
    cost: Decimal | None = None
    currency: str = DEFAULT_CURRENCY
    voice_file_id: str | None = None
    called_info: str | None = None


class RecordError(ValueError):
    """A call record that cannot be read; `field` is the provider's name of the culprit, if one."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


class PushTooLarge(ValueError):
    """A status push holding more reports than MAX_PUSH_REPORTS."""


@dataclass
class Refusal:
    item: int | None  # position in the pushed array, from 1; None for a push of one object
    field: str | None
    message: str


@dataclass
class Push:
    records: list[CallRecord]
    refused: list[Refusal]


def parse_task(raw: dict) -> TaskStatus:
    """A task-list row, read leniently: unreadable or missing fields become None.

    The id is `jobId` on some copies of the page and `taskId` on others; either is
    read. `rate` is a progress percentage: the page's only example is "0" and nothing
    suggests fractions, so "0.5" means half a percent, not 50. A trailing "%" is
    allowed; values outside 0-100 are dropped as unreadable.
    """
    task_id = _lenient(_whole, raw.get("jobId"))
    if task_id is None:
        task_id = _lenient(_whole, raw.get("taskId"))
    status = _lenient(_whole, raw.get("status"))
    return TaskStatus(
        task_id=task_id,
        task_name=_lenient(_text, raw.get("taskName")),
        status=status,
        status_label=getattr(ProviderStatus.of(status), "label", None),
        rate=_percent(raw.get("rate")),
        numbers=_lenient(_whole, raw.get("numCnt")),
        called=_lenient(_whole, raw.get("callNum")),
        success=_lenient(_whole, raw.get("success")),
        fail=_lenient(_whole, raw.get("fail")),
        created_time=_lenient(_text, raw.get("createdTime")),
    )


def parse_record(raw: dict, *, naive_tz: tzinfo | None = None, now: datetime | None = None) -> CallRecord:
    """A per-call record from the record query (§7.3) or the status push (§7.4).

    Times may be epoch milliseconds (a number or a digit string, as the push sends
    them) or ISO-8601 with an offset (as the query returns them); null, "" and 0 mean
    "did not happen". Times without a zone (naive ISO, or the AI push's compact
    yyyyMMddHHmmss) are read in `naive_tz` and refused without it, since the
    provider never says which zone they are in. A time must lie between EARLIEST_TIME
    and MAX_AHEAD after `now` (default: the current time). Text fields take a string
    or a whole number; numbers a number or its text. Every value is checked before it
    is converted, so any record is read in time proportional to its size. Raises
    RecordError naming the field when the record has no voiceId or a field cannot be read.
    """
    if not isinstance(raw, dict):
        raise RecordError(None, f"A call record must be a JSON object, not {_json_type(raw)}.")
    if getattr(raw, "repeated", ()):
        key = raw.repeated[0]
        raise RecordError(key, f"A call record gives {_shown(key)} more than once; send each field once.")
    voice_id = _field("A call record", "voiceId", raw, _text)
    if not voice_id:
        raise RecordError("voiceId", "A call record has no voiceId, so it cannot be matched to a call.")
    label = f"Call record {_cut(voice_id, MAX_LENGTHS['voice_id'])}"
    latest = (now or datetime.now(timezone.utc)) + MAX_AHEAD
    values: dict[str, Any] = {"voice_id": voice_id}
    for name, key in _INT_FIELDS.items():
        values[name] = _field(label, key, raw, _whole)
    for name, key in _TIME_FIELDS.items():
        values[name] = _field(label, key, raw, lambda v: _time(v, naive_tz, latest))
    for name, key in _TEXT_FIELDS.items():
        values[name] = _field(label, key, raw, _text)
    values["called_info"] = _field(label, "calledInfo", raw, _called_info)
    feedback = _field(label, "feedbackValue", raw, _text)
    values["feedback_value"] = None if feedback in (None, NO_KEY_PRESSED) else feedback
    values["cost"] = _field(label, "cost", raw, _amount)
    values["currency"] = _field(label, "currency", raw, _text) or DEFAULT_CURRENCY
    # A reason is only shown, so a long one is cut; everything else too big is refused by name.
    values["termination_reason"] = (values["termination_reason"] or "")[:MAX_LENGTHS["termination_reason"]] or None
    _check_sizes(label, values)
    return CallRecord(**values)


_KEYS = {**_INT_FIELDS, **_TEXT_FIELDS, "voice_id": "voiceId", "feedback_value": "feedbackValue",
         "currency": "currency"}


def _check_sizes(label: str, values: dict) -> None:
    for name, limit in MAX_LENGTHS.items():
        if len(values[name] or "") > limit:
            raise RecordError(_KEYS[name], f"{label}: {_KEYS[name]} is longer than {limit} characters.")
    for name, (low, high) in INT_RANGES.items():
        if values[name] is not None and not low <= values[name] <= high:
            raise RecordError(_KEYS[name], f"{label}: {_KEYS[name]} {values[name]} is out of range ({low} to {high}).")
    if values["cost"] is not None and abs(values["cost"]) > MAX_COST:
        raise RecordError("cost", f"{label}: cost {values['cost']} is out of range (at most {MAX_COST}).")


def parse_push(payload, *, now: datetime | None = None) -> Push:
    """The calls in one status push: a JSON object, or an array of them (the AI push).

    Takes the decoded JSON or the raw body (UTF-8 bytes or str). Each report is read on
    its own: those that cannot be read are in `refused`, the rest in `records`. Raises
    ValueError when the body as a whole cannot be read (not UTF-8 JSON, nested too deeply,
    not an object or a non-empty array) and PushTooLarge beyond MAX_PUSH_REPORTS.
    """
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"The status push is not UTF-8 text (byte {exc.start + 1}).") from None
    if isinstance(payload, str):
        payload = _json(payload)
    if isinstance(payload, (dict, tuple)):
        items, single = [payload], True
    elif isinstance(payload, list) and payload:
        if len(payload) > MAX_PUSH_REPORTS:
            raise PushTooLarge(f"The status push holds {len(payload):,} reports; send at most "
                               f"{MAX_PUSH_REPORTS:,} per push.")
        items, single = payload, False
    else:
        raise ValueError("A status push must be a JSON object or a non-empty array of objects, "
                         f"not {'an empty array' if payload == [] else _json_type(payload)}.")
    now = now or datetime.now(timezone.utc)
    push = Push([], [])
    for position, item in enumerate(items, start=1):
        try:
            push.records.append(parse_record(_object(item) if isinstance(item, tuple) else item, now=now))
        except RecordError as error:
            push.refused.append(Refusal(None if single else position, error.field, str(error)))
    return push


def outcome(record: CallRecord) -> CallOutcome:
    """What happened on the call.

    `callStatus` decides when it is known. Older data has none (it is null before
    2025-12-10) and the record query does not document it, so the fallback reads the
    termination code: "0" or "200" with an answer time or talk time counts as
    answered, anything else as failed. That fallback cannot tell busy, no answer
    and voicemail apart.
    """
    if (status := CallStatus.of(record.call_status)) is not None:
        return status.outcome
    if record.termination_code in CONNECTED_CODES and (
            record.answer_time is not None or (record.call_duration or 0) > 0):
        return CallOutcome.ANSWERED
    return CallOutcome.FAILED


def _field(label: str, key: str, raw: dict, read):
    value = raw.get(key)
    try:
        return read(value)
    except ValueError as exc:
        raise RecordError(key, f"{label}: {key} {_shown(value)} {exc}") from None


def _text(value) -> str | None:
    if value is None:
        return None
    if type(value) is not str and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"is {_json_type(value)}, not text.")
    text = str(value).strip()
    if _UNSTORABLE.search(text):
        raise ValueError("holds a NUL or a broken (lone surrogate) character; send plain UTF-8 text.")
    return text


def _called_info(value) -> str | None:
    """calledInfo echoes the campaign's texts: a string, or (as some pushes send it) a flat object."""
    if isinstance(value, (dict, tuple)):
        value = dict(value)
        if not all(isinstance(v, (str, int, float, type(None))) for v in value.values()):
            raise ValueError("is an object holding more than text and numbers.")
        return _text(json.dumps(value, ensure_ascii=False))
    return _text(value)


def _whole(value) -> int | None:
    if value is None or value == "":
        return None
    if type(value) is int and -_WHOLE_BOUND < value < _WHOLE_BOUND:  # what the provider sends: no Decimal
        return value
    number = _number(value, "a whole number")
    if number != number.to_integral_value():
        raise ValueError("is not a whole number.")
    return int(number)


def _lenient(read, value):
    try:
        return read(value)
    except ValueError:
        return None


def _number(value, kind: str) -> Decimal:
    """A number given as a JSON number or its text, bounded before it is converted: a huge
    exponent must not turn into a million-digit integer (issue 9)."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_CHARS:
            raise ValueError(f"is longer than {MAX_NUMBER_CHARS} characters, too long for {kind}.")
        if not _NUMBER_TEXT.fullmatch(text):
            raise ValueError(f"is not {kind}.")
        number = Decimal(text)
    elif isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(f"is {_json_type(value)}, not {kind}.")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("is not a finite number.")
        number = Decimal(repr(value))
    elif isinstance(value, int):  # compared before it is converted: a 4000-digit one costs nothing
        number = Decimal(value) if abs(value) < _WHOLE_BOUND else Decimal("Infinity")
    else:
        number = value
    if not number.is_finite() or number.adjusted() >= MAX_NUMBER_DIGITS:
        raise ValueError(f"is out of range (more than {MAX_NUMBER_DIGITS} digits).")
    if number.as_tuple().exponent < -MAX_NUMBER_CHARS:
        raise ValueError(f"has more than {MAX_NUMBER_CHARS} decimals.")
    return number


def _percent(value) -> float | None:
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    number = _lenient(lambda v: _number(v, "a percentage"), value) if value is not None else None
    if number is None or not 0 <= number <= 100:
        return None
    return float(number)


def _amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return _number(value, "an amount")


def _time(value, naive_tz: tzinfo | None, latest: datetime) -> datetime | None:
    if type(value) is int and EARLIEST_EPOCH_MS <= value <= latest.timestamp() * 1000:  # what the push sends
        return datetime.fromtimestamp(value / 1000, timezone.utc)
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal, type(None))):
        raise ValueError(f"is {_json_type(value)}, not a time.")
    text = value.strip() if isinstance(value, str) else value
    if text is None or text == "" or text == 0 or text == "0":
        return None
    if isinstance(text, str) and len(text) > MAX_TIME_CHARS:
        raise ValueError(f"is longer than {MAX_TIME_CHARS} characters, too long for a time.")
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) == COMPACT_TIME_LENGTH:
        try:
            when = datetime.strptime(text, COMPACT_TIME_FORMAT)
        except ValueError:
            raise ValueError("is not a yyyyMMddHHmmss time.") from None
        return _plausible(_local(when, naive_tz), latest)
    if not isinstance(text, str) or (text.isascii() and text.isdigit()):
        millis = _whole(text)
        if millis < EARLIEST_EPOCH_MS <= millis * 1000:
            raise ValueError(f"is before {EARLIEST_TIME:%Y-%m-%d} in epoch milliseconds (seconds, perhaps?).")
        if not EARLIEST_EPOCH_MS <= millis <= latest.timestamp() * 1000:
            raise ValueError(_out_of_range())
        return datetime.fromtimestamp(millis / 1000, timezone.utc)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("is neither epoch milliseconds nor an ISO-8601 time.") from None
    return _plausible(when if when.tzinfo is not None else _local(when, naive_tz), latest)


def _plausible(when: datetime, latest: datetime) -> datetime:
    """Refused outside EARLIEST_TIME .. latest; compared without converting, which could overflow."""
    if not EARLIEST_TIME <= when <= latest:
        raise ValueError(_out_of_range())
    return when


def _out_of_range() -> str:
    return (f"is out of range: a call is neither before {EARLIEST_TIME:%Y-%m-%d} nor more than "
            f"{MAX_AHEAD.days} day ahead of now.")


def _local(when: datetime, naive_tz: tzinfo | None) -> datetime:
    if naive_tz is None:
        raise ValueError("has no time zone; expected an offset like +08:00.")
    return when.replace(tzinfo=naive_tz)


# JSON objects are read as tuples of (key, value) pairs: the C decoder's own speed, and a key given
# twice is still seen. Only the reports become dicts; what the site ignores is never converted.

class _Object(dict):
    repeated: tuple = ()  # keys the object gave more than once


def _object(pairs: tuple) -> _Object:
    result = _Object(pairs)
    if len(result) != len(pairs):
        seen: set = set()
        result.repeated = tuple(key for key, _ in pairs if key in seen or seen.add(key))
    return result


def _json(text: str):
    if text.startswith("\ufeff"):
        raise ValueError("The status push starts with a byte order mark; send UTF-8 without one.")
    try:
        return json.loads(text, object_pairs_hook=tuple)
    except RecursionError:
        raise ValueError("The status push is nested too deeply to be a voice report.") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"The status push is not valid JSON: {exc}.") from None
    except ValueError:  # Python refuses to convert an integer this long (sys.get_int_max_str_digits)
        raise ValueError(f"The status push holds a number of more than {sys.get_int_max_str_digits()} "
                         "digits.") from None


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    for kind, name in (((dict, tuple), "an object"), (list, "an array"), (str, "text"), (type(None), "null")):
        if isinstance(value, kind):
            return name
    return "a number"


def _shown(value) -> str:
    """A value in a message: short, and never the whole of a huge or deeply nested one."""
    if isinstance(value, (dict, tuple, list)):
        return "[…]" if isinstance(value, list) else "{…}"
    return _cut(str(value) if isinstance(value, Decimal) else repr(value), 40)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit - 1]}…"
