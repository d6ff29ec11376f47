"""Laaffic's task-list rows and per-call records, read into Python values.

Pure: plain dicts in, dataclasses out. Field names follow the provider only in
the raw dicts; everything returned uses Python names.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

ANSWERED, NO_ANSWER, BUSY, VOICEMAIL, FAILED = (
    "answered", "no_answer", "busy", "voicemail", "failed")
OUTCOMES = (ANSWERED, NO_ANSWER, BUSY, VOICEMAIL, FAILED)

# voice-api-reference.md §4.3
TASK_STATUSES: dict[int, str] = {
    0: "waiting to be submitted",
    1: "calling",
    2: "finished",
    3: "submission failed",
    4: "cancelled",
    5: "paused",
    6: "submitting",
}

# voice-api-reference.md §7.4 `callStatus`: code -> (label, outcome)
CALL_STATUSES: dict[int, tuple[str, str]] = {
    10: ("rang, not answered (busy)", BUSY),
    20: ("rang, not answered (no pick-up)", NO_ANSWER),
    30: ("rang, not answered (other)", NO_ANSWER),
    40: ("voicemail", VOICEMAIL),
    50: ("answered", ANSWERED),
    60: ("other", FAILED),
}

# The push says 0 = success, the batch query gives the SIP code, 200 = connected
# (voice-api-reference.md §11 #13).
CONNECTED_CODES = {"0", "200"}
NO_FEEDBACK = "-1"
DEFAULT_CURRENCY = "USD"
# An epoch in milliseconds before 2000 is far more likely seconds sent by mistake.
EARLIEST_EPOCH_MS = 946_684_800_000
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
    "sip_code": "sipCode", "voice_file_id": "voiceFileId", "called_info": "calledInfo",
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


def parse_task(raw: dict) -> TaskStatus:
    """A task-list row, read leniently: unreadable or missing fields become None.

    The id is `jobId` on some copies of the page and `taskId` on others; either is
    read. `rate` is a progress percentage: the page's only example is "0" and nothing
    suggests fractions, so "0.5" means half a percent, not 50. A trailing "%" is
    allowed; values outside 0-100 are dropped as unreadable.
    """
    task_id = _lenient_int(raw.get("jobId"))
    if task_id is None:
        task_id = _lenient_int(raw.get("taskId"))
    status = _lenient_int(raw.get("status"))
    return TaskStatus(
        task_id=task_id,
        task_name=_text(raw.get("taskName")),
        status=status,
        status_label=TASK_STATUSES.get(status),
        rate=_percent(raw.get("rate")),
        numbers=_lenient_int(raw.get("numCnt")),
        called=_lenient_int(raw.get("callNum")),
        success=_lenient_int(raw.get("success")),
        fail=_lenient_int(raw.get("fail")),
        created_time=_text(raw.get("createdTime")),
    )


def parse_record(raw: dict, *, naive_tz: tzinfo | None = None) -> CallRecord:
    """A per-call record from the record query (§7.3) or the status push (§7.4).

    Times may be epoch milliseconds (a number or a digit string, as the push sends
    them) or ISO-8601 with an offset (as the query returns them); null, "" and 0 mean
    "did not happen". Times without a zone (naive ISO, or the AI push's compact
    yyyyMMddHHmmss) are read in `naive_tz` and refused without it, since the
    provider never says which zone they are in. Raises ValueError naming the field
    when the record has no voiceId or a field cannot be read.
    """
    if not isinstance(raw, dict):
        raise ValueError(f"A call record must be a JSON object, not {type(raw).__name__}.")
    voice_id = _text(raw.get("voiceId"))
    if not voice_id:
        raise ValueError("A call record has no voiceId, so it cannot be matched to a call.")
    values: dict[str, Any] = {"voice_id": voice_id}
    for name, key in _INT_FIELDS.items():
        values[name] = _field(voice_id, key, raw, _strict_int)
    for name, key in _TIME_FIELDS.items():
        values[name] = _field(voice_id, key, raw, lambda v: _time(v, naive_tz))
    for name, key in _TEXT_FIELDS.items():
        values[name] = _text(raw.get(key))
    feedback = _text(raw.get("feedbackValue"))
    values["feedback_value"] = None if feedback in (None, NO_FEEDBACK) else feedback
    values["cost"] = _field(voice_id, "cost", raw, _decimal)
    values["currency"] = _text(raw.get("currency")) or DEFAULT_CURRENCY
    # A reason is only shown, so a long one is cut; everything else too big is refused by name.
    values["termination_reason"] = (values["termination_reason"] or "")[:MAX_LENGTHS["termination_reason"]] or None
    _check_sizes(values)
    return CallRecord(**values)


def _check_sizes(values: dict) -> None:
    voice_id = values["voice_id"][:MAX_LENGTHS["voice_id"]]
    keys = {**_INT_FIELDS, **_TEXT_FIELDS, "voice_id": "voiceId", "feedback_value": "feedbackValue",
            "currency": "currency"}
    for name, limit in MAX_LENGTHS.items():
        if len(values[name] or "") > limit:
            raise ValueError(f"Call record {voice_id}: {keys[name]} is longer than {limit} characters.")
    for name, (low, high) in INT_RANGES.items():
        if values[name] is not None and not low <= values[name] <= high:
            raise ValueError(f"Call record {voice_id}: {keys[name]} {values[name]} is out of range "
                             f"({low} to {high}).")
    if values["cost"] is not None and abs(values["cost"]) > MAX_COST:
        raise ValueError(f"Call record {voice_id}: cost {values['cost']} is out of range.")


def parse_push(payload) -> list[CallRecord]:
    """The calls in one status push: a JSON object, or an array of them (the AI push).

    Takes the decoded JSON or the raw body (str or bytes). Raises ValueError for
    anything else, or if any record in it cannot be read.
    """
    if isinstance(payload, (bytes, str)):
        try:
            payload = json.loads(payload)
        except ValueError as exc:
            raise ValueError(f"The status push is not valid JSON: {exc}.") from None
    if isinstance(payload, dict):
        return [parse_record(payload)]
    if not isinstance(payload, list):
        raise ValueError("A status push must be a JSON object or an array of objects, "
                         f"not {type(payload).__name__}.")
    records = []
    for i, item in enumerate(payload):
        try:
            records.append(parse_record(item))
        except ValueError as exc:
            raise ValueError(f"Item {i + 1} of the status push: {exc}") from None
    return records


def outcome(record: CallRecord) -> str:
    """What happened on the call: one of OUTCOMES.

    `callStatus` decides when it is known. Older data has none (it is null before
    2025-12-10) and the record query does not document it, so the fallback reads the
    termination code: "0" or "200" with an answer time or talk time counts as
    answered, anything else as failed. That fallback cannot tell busy, no answer
    and voicemail apart.
    """
    if record.call_status in CALL_STATUSES:
        return CALL_STATUSES[record.call_status][1]
    if record.termination_code in CONNECTED_CODES and (
            record.answer_time is not None or (record.call_duration or 0) > 0):
        return ANSWERED
    return FAILED


def _field(voice_id: str, key: str, raw: dict, read):
    try:
        return read(raw.get(key))
    except ValueError as exc:
        raise ValueError(f"Call record {voice_id}: {key} {raw.get(key)!r} {exc}") from None


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _strict_int(value) -> int | None:
    if value is None or value == "":
        return None
    number = _number(value)
    if number is None or number != int(number):
        raise ValueError("is not a whole number.")
    return int(number)


def _lenient_int(value) -> int | None:
    try:
        return _strict_int(value)
    except ValueError:
        return None


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _percent(value) -> float | None:
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    number = _number(value) if value is not None else None
    if number is None or not 0 <= number <= 100:
        return None
    return float(number)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    number = _number(value)
    if number is None:
        raise ValueError("is not an amount.")
    return number


def _time(value, naive_tz: tzinfo | None) -> datetime | None:
    if value is None or value == "" or value == 0 or value == "0":
        return None
    if isinstance(value, bool):
        raise ValueError("is not a time.")
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.isdigit() and len(text) == COMPACT_TIME_LENGTH:
        try:
            when = datetime.strptime(text, COMPACT_TIME_FORMAT)
        except ValueError:
            raise ValueError("is not a yyyyMMddHHmmss time.") from None
        return _local(when, naive_tz)
    if text.isdigit():
        millis = int(text)
        if millis < EARLIEST_EPOCH_MS:
            raise ValueError("is too small for epoch milliseconds (seconds, perhaps?).")
        return datetime.fromtimestamp(millis / 1000, timezone.utc)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("is neither epoch milliseconds nor an ISO-8601 time.") from None
    return when if when.tzinfo is not None else _local(when, naive_tz)


def _local(when: datetime, naive_tz: tzinfo | None) -> datetime:
    if naive_tz is None:
        raise ValueError("has no time zone; expected an offset like +08:00.")
    return when.replace(tzinfo=naive_tz)
