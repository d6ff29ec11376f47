"""Laaffic's API endpoints as the simulator answers them, each citing its doc page.

An endpoint takes the simulator and the request's JSON object, which the server has
already authenticated, and returns (code, message, data); `ENDPOINTS` says which
envelope each one answers in.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from campaigns.laaffic.client import (
    FILE_UPLOAD, GROUP_CALL_CANCEL, GROUP_CALL_QUERY, GROUP_CALL_RESEND, GROUP_CALL_SEND,
    MAX_PAGE_SIZE, MAX_RECORD_WINDOW, RECORD_GROUP_QUERY,
)
from campaigns.laaffic.errors import PROVIDER_TEXTS
from campaigns.laaffic.signing import CONTENT_TYPE
from campaigns.rules import SEND_TIME_FORMAT, check_body, upload_name_problem
from campaigns.simulator.calls import Task, called_info, record
from campaigns.simulator.codes import (
    ANSWERED, CANCELLABLE, CODE_PRIORITY, DATA_EXISTS, DATA_UNEXISTING, INVALID_TASK, NAME_EXISTS,
    NO_NUMBERS, PARAMETER, RESEND_ALL, RESEND_FAILED, RESENDABLE, SUCCESS, TASK_NAME_LENGTH,
)

if TYPE_CHECKING:
    from campaigns.simulator.server import Simulator

Reply = tuple[str, str, Any]  # code, message, data
DEFAULT_RECORD_PAGE_SIZE = 25


@dataclass
class Answer:
    """What the server writes back: a status, a body, or nothing at all (`drop`)."""

    status: int = 200
    text: str = ""
    content_type: str = CONTENT_TYPE
    drop: bool = False
    code: str | None = None


def send_group_call(sim: Simulator, body: dict) -> Reply:
    # group-call-send.txt
    with sim.lock:
        now = sim.now()
        problems = check_body(body, now=datetime.fromtimestamp(now, timezone.utc),
                              provider_tz=sim.time_zone,
                              task_name_taken=sim.tasks.__contains__)
        if problems:
            codes = {problem.code for problem in problems}
            code = next((c for c in CODE_PRIORITY if c in codes), PARAMETER)
            return refused(code, " ".join(f"{p.field}: {p.message}" for p in problems))
        callees = body["numberInfoList"]
        task = sim.add_task(body, [c["calleeNumber"] for c in callees],
                            [called_info(c) for c in callees], created=now,
                            start=_provider_time(body.get("sendTime"), sim.time_zone) or now)
    sim.wake.set()
    return accepted(task.key_id)


def query_tasks(sim: Simulator, body: dict) -> Reply:
    # voice-api-reference.md §4 (voice/group/call/query)
    current, size = as_int(body.get("current")), as_int(body.get("size"))
    params = body.get("params")
    if current is None or current < 1 or size is None or not 1 <= size <= MAX_PAGE_SIZE:
        return refused(PARAMETER, f"current must be 1 or more and size 1-{MAX_PAGE_SIZE}")
    if not isinstance(params, dict):
        return refused(PARAMETER, "params is required")
    low, high = (_provider_time(params.get(k), sim.time_zone) for k in ("strTime", "endTime"))
    if low is None or high is None or high < low:
        return refused(PARAMETER, "params.strTime and params.endTime are required, like "
                                  "2024-01-01 00:00:00, and must not be reversed")
    statuses = params.get("statusList") or []
    search = params.get("searchCondition") or ""
    if not (isinstance(statuses, list) and all(as_int(s) is not None for s in statuses)
            and isinstance(search, str)):
        return refused(PARAMETER, "params.statusList must be a list of task statuses "
                                  "and params.searchCondition text")
    wanted = {as_int(s) for s in statuses}
    with sim.lock:
        now = sim.now()
        rows = []
        for task in reversed(sim.runs.values()):
            status = task.status(now)
            if (low <= math.floor(task.created) <= high
                    and (not wanted or status in wanted)
                    and search.casefold() in task.search_text):
                rows.append(_task_row(sim, task, status, now))
    records = rows[(current - 1) * size:current * size]
    return accepted({"total": len(rows), "size": size, "current": current,
                     "pages": -(-len(rows) // size), "records": records})


def cancel_tasks(sim: Simulator, body: dict) -> Reply:
    # voice-api-reference.md §5.1 (voice/group/call/cancel)
    ids = body.get("taskIdList")
    if not (isinstance(ids, list) and ids and all(as_int(i) is not None for i in ids)):
        return refused(PARAMETER, "taskIdList must be a non-empty list of task ids")
    with sim.lock:
        now = sim.now()
        tasks = [sim.runs.get(as_int(i)) for i in ids]
        if None in tasks:
            return refused(DATA_UNEXISTING, str([i for i, task in zip(ids, tasks) if task is None]))
        stuck = [task.key_id for task in tasks if task.status(now) not in CANCELLABLE]
        if stuck:
            return refused(INVALID_TASK, f"{stuck} are not waiting or calling")
        for task in tasks:
            task.cancel(now)
    return accepted(None)


def resend_task(sim: Simulator, body: dict) -> Reply:
    # voice-api-reference.md §6 (voice/group/call/resend)
    key_id, name = as_int(body.get("keyId")), body.get("taskName")
    resend_type = as_int(body.get("resendType", RESEND_ALL))
    shortest, longest = TASK_NAME_LENGTH
    if key_id is None:
        return refused(PARAMETER, "keyId is required")
    if not (isinstance(name, str) and shortest <= len(name.strip()) and len(name) <= longest):
        return refused(PARAMETER, f"taskName is required, {shortest}-{longest} characters")
    if resend_type not in (RESEND_ALL, RESEND_FAILED):
        return refused(PARAMETER, f"resendType must be {RESEND_ALL} (all) or {RESEND_FAILED} "
                                  "(failed numbers)")
    send_time = body.get("sendTime")
    start = _provider_time(send_time, sim.time_zone)
    if send_time not in (None, "") and start is None:
        return refused(PARAMETER, "sendTime must look like 2024-06-21 00:00:00")
    with sim.lock:
        parent = sim.runs.get(key_id)
        if parent is None:
            return refused(DATA_UNEXISTING, f"keyId {key_id}")
        if name in sim.tasks:
            return refused(NAME_EXISTS)
        now = sim.now()
        if parent.status(now) not in RESENDABLE:
            return refused(INVALID_TASK, f"task {key_id} is not finished")
        if resend_type == RESEND_ALL:
            chosen = range(len(parent.numbers))
        else:
            outcomes = parent.outcomes()
            chosen = [i for i in range(parent.calls) if outcomes[i] != ANSWERED]
        if not chosen:
            return refused(NO_NUMBERS)
        infos = parent.called_info
        task = sim.add_task(
            {"displayNum": parent.display_number, "voiceFileId": parent.voice_file_id,
             "maxRingingTime": parent.max_ringing, **body},
            [parent.numbers[i] for i in chosen],
            None if infos is None else [infos[i] for i in chosen],
            created=now, start=max(start or now, now), source_task_id=key_id)
    sim.wake.set()
    return accepted(task.key_id)


def query_records(sim: Simulator, body: dict) -> Reply:
    # voice-api-reference.md §7.1 (voice/recordGroupQuery)
    current = as_int(body.get("current", 1))
    size = as_int(body.get("size", DEFAULT_RECORD_PAGE_SIZE))
    params = body.get("params")
    if current is None or current < 1 or size is None or not 1 <= size <= MAX_PAGE_SIZE:
        return refused(PARAMETER, f"current must be 1 or more and size 1-{MAX_PAGE_SIZE}")
    low, high = (_iso_time(params.get(k)) if isinstance(params, dict) else None
                 for k in ("strTime", "endTime"))
    if low is None or high is None:
        return refused(PARAMETER, "params.strTime and params.endTime are required, "
                                  "like 2022-02-18T00:00:00+08:00")
    if high < low or high - low > MAX_RECORD_WINDOW:
        return refused(PARAMETER, "the time range must be at most 31 days")
    # Whole seconds, both ends included, as the records show their times.
    since = math.ceil(low.timestamp())
    until = min(math.floor(high.timestamp()) + 1, math.nextafter(sim.now(), math.inf))
    with sim.lock:
        spans = [(task, task.ended_between(since, until)) for task in sim.runs.values()]
    total = sum(len(span) for _, span in spans)
    skip, records = (current - 1) * size, []
    for task, span in spans:
        if len(records) == size:
            break
        if skip >= len(span):
            skip -= len(span)
            continue
        for i in span[skip:skip + size - len(records)]:
            records.append(record(task, i, sim.time_zone))
        skip = 0
    return accepted({"total": total, "size": size, "current": current,
                     "pages": -(-total // size), "searchCount": True, "records": records})


def upload_voice_file(sim: Simulator, body: dict) -> Reply:
    # voice-api-reference.md §3 (voice/fileUpload)
    name, content = body.get("fileName"), _decode_base64(body.get("file"))
    problem = upload_name_problem(name) if isinstance(name, str) else "fileName must be text"
    if problem:
        return refused(PARAMETER, problem)
    if not content:
        return refused(PARAMETER, "file must be non-empty base64")
    extension = name[name.rindex("."):].lower()
    with sim.lock:
        if name in sim.voice_files:
            return refused(DATA_EXISTS)
        file_id = f"{next(sim.file_ids)}{hashlib.md5(content).hexdigest()}{extension}"
        sim.voice_files[name] = file_id
    return accepted(file_id)


# Which envelope each endpoint answers with, and whether its code is a number: as each
# page's own example shows (voice-api-reference.md §1.3).
ENDPOINTS = {
    GROUP_CALL_SEND: (send_group_call, ("code", "msg", str)),
    FILE_UPLOAD: (upload_voice_file, ("status", "reason", str)),
    GROUP_CALL_QUERY: (query_tasks, ("code", "msg", int)),
    GROUP_CALL_CANCEL: (cancel_tasks, ("code", "msg", str)),
    GROUP_CALL_RESEND: (resend_task, ("status", "reason", str)),
    RECORD_GROUP_QUERY: (query_records, ("status", "reason", str)),
}


def accepted(data) -> Reply:
    return SUCCESS, PROVIDER_TEXTS[SUCCESS], data


def refused(code: str, detail: str = "") -> Reply:
    """A refusal in the provider's words for `code`, then what exactly was wrong."""
    return code, f"{PROVIDER_TEXTS[code]}: {detail}" if detail else PROVIDER_TEXTS[code], None


def envelope_answer(envelope: tuple[str, str, type], code: str, message: str, data) -> Answer:
    code_key, message_key, code_type = envelope
    text = json.dumps({code_key: code_type(code), message_key: message, "data": data},
                      ensure_ascii=False)
    return Answer(200, text, code=code)


def _task_row(sim: Simulator, task: Task, status: int, now: float) -> dict:
    called, count = task.done_by(now), len(task.numbers)
    success = task.answered(called)
    return {
        sim.task_id_name: task.key_id,
        "taskName": task.name,
        "status": status,
        "rate": str(round(100 * called / count)),
        "numCnt": count,
        "callNum": called,
        "success": success,
        "fail": called - success,
        "createdTime": datetime.fromtimestamp(task.created, sim.time_zone).strftime(SEND_TIME_FORMAT),
    }


def _provider_time(text, zone: tzinfo) -> float | None:
    """Epoch seconds of a "yyyy-MM-dd HH:mm:ss" in the provider's zone, or None."""
    try:
        when = datetime.strptime(text, SEND_TIME_FORMAT)
    except (TypeError, ValueError):
        return None
    return when.replace(tzinfo=zone).timestamp()


def as_int(value) -> int | None:
    """An integer the way a Java API reads one: a number or digit text, never a bool."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _iso_time(text) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return when if when.utcoffset() is not None else None


def _decode_base64(text) -> bytes:
    if not isinstance(text, str):
        return b""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""
