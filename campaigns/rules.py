"""The contract of Laaffic's `POST /v3/voice/group/call/send`, in one place.

Source: shared/laaffic/group-call-send.txt (the provider's page). Every rule of
that page is written here once. The admin form, the JSON loader, the pre-submit
check and the local simulator all call `check_body`.

Pure: plain values in, `Problem`s out. No ORM, no settings, no request.
Problems are keyed by the API's own field names (`taskName`,
`numberInfoList[3].text1`, `allowSendTime[0].strTime`) and carry the status code
the provider answers for that kind of mistake.
"""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

MAX_CALLEES = 100_000
TEXT_FIELDS = tuple(f"text{i}" for i in range(1, 11))
PUSH_FLAGS = ("feedbackPush", "successPush", "failedPush", "ringPush")
SEND_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
WINDOW_FORMAT = "%H:%M"
MAX_WINDOWS = 3
# Languages the provider's pages list for text-to-speech (`lan`); the list is
# known to be incomplete, so it is offered as help, not enforced.
KNOWN_LANGUAGES = {
    "EN": "English", "VN": "Vietnamese", "JP": "Japanese", "ARB": "Arabic", "DE": "German",
    "IN": "Hindi", "IT": "Italian", "KR": "Korean", "RU": "Russian", "ES": "Spanish",
    "PT": "Portuguese", "IDN": "Indonesian", "BD": "Bengali (Bangladesh)", "TH": "Thai",
}

# Status codes the provider answers for the mistakes below.
PARAMETER = "-22"
NO_NUMBERS = "-35"
TTS_TEXT_AND_LANGUAGE = "-38"
NAME_EXISTS = "-41"
NO_SMS_TRIGGER = "-53"

STRING_FIELDS = frozenset({
    "appId", "displayNum", "taskName", "voiceFileId", "uploadName", "baseFile", "text", "lan",
    "accent", "sendTime", "smsAppId", "smsContent", "senderId",
})
INTEGER_FIELDS = frozenset({
    "source", "ssmlGender", "loopCount", "maxCalls", "hangUpSms", "successPushTime", "toSeat",
    "sipGroupId", "outboundControl", "calloutRate", "toSeatType", "toSeatKey", "maxRingingTime",
    "delayPlay", "delayHangup", "delayTransfer", *PUSH_FLAGS,
})
KNOWN_FIELDS = STRING_FIELDS | INTEGER_FIELDS | {
    "numberInfoList", "speakingRate", "feedbackValue", "allowSendTime",
}
CALLEE_FIELDS = frozenset({"calleeNumber", *TEXT_FIELDS})

# Every value of a body is stored before it is sent, so each one is bounded whatever the other
# fields say (an agent field with toSeat 0 is stored and sent too): by the provider's page where it
# gives a limit, else by the column that holds it (campaigns/models.py reads these sizes).
INTEGER_MAX = 2_147_483_647  # a PositiveIntegerField on every database
MAX_LENGTHS = {
    "appId": 64, "displayNum": 20, "taskName": 64, "voiceFileId": 128, "uploadName": 32, "text": 1000,
    "lan": 16, "accent": 16, "smsAppId": 64, "smsContent": 1000, "senderId": 32,
}
RANGES = {  # (lowest, highest, unit)
    "loopCount": (1, 9, " times"), "maxCalls": (1, 999, " seconds"), "maxRingingTime": (20, 120, " seconds"),
    "delayPlay": (0, 999, " seconds"), "delayHangup": (0, 999, " seconds"),
    "successPushTime": (0, 9999, " seconds"), "calloutRate": (1, 100, ""), "toSeatKey": (0, 9, ""),
    "sipGroupId": (0, INTEGER_MAX, ""), "delayTransfer": (0, INTEGER_MAX, " seconds"),
}
_YES_NO = {0: "no", 1: "yes"}
CHOICES = {
    "source": {1: "uploaded voice file", 2: "audio sent with the task", 3: "text-to-speech"},
    "ssmlGender": {1: "male", 2: "female"}, "hangUpSms": _YES_NO, **{flag: _YES_NO for flag in PUSH_FLAGS},
    "toSeat": _YES_NO, "outboundControl": {1: "proportional"},
    "toSeatType": {1: "after the message", 2: "on a key press"},
}
_OWN_LENGTH_RULES = {"displayNum", "taskName", "uploadName"}  # checked below, with their own words
# The latest scheduled start: later ones overflow the calendar once moved between time zones.
LATEST_SEND_TIME = datetime(9999, 1, 1)
WINDOW_FIELDS = frozenset({"strTime", "endTime"})

# What a marketing person calls each field; used in messages.
LABELS = {
    "appId": "Voice app ID", "displayNum": "Caller ID shown", "taskName": "Task name",
    "numberInfoList": "Callee list", "calleeNumber": "Phone number", "source": "Message source",
    "voiceFileId": "Voice file ID", "uploadName": "Upload file name", "baseFile": "Audio file",
    "text": "Text to speak", "lan": "Language", "speakingRate": "Speaking rate",
    "ssmlGender": "Voice", "accent": "Accent", "sendTime": "Scheduled start",
    "loopCount": "Times played", "maxCalls": "Maximum call length",
    "hangUpSms": "Hang-up SMS", "smsAppId": "SMS app ID", "smsContent": "SMS text",
    "senderId": "SMS sender ID", "feedbackPush": "SMS on key press",
    "feedbackValue": "Key that triggers the SMS", "successPush": "SMS after an answered call",
    "successPushTime": "SMS delay after an answered call", "failedPush": "SMS after a failed call",
    "ringPush": "SMS when the phone rings", "toSeat": "Transfer to agents",
    "sipGroupId": "Agent group ID", "outboundControl": "Outbound pacing",
    "calloutRate": "Calls per agent", "toSeatType": "When to transfer",
    "toSeatKey": "Transfer key", "allowSendTime": "Calling windows", "strTime": "Window start",
    "endTime": "Window end", "maxRingingTime": "Maximum ringing time",
    "delayPlay": "Delay before playing", "delayHangup": "Delay before hanging up",
    "delayTransfer": "Delay before transfer",
    **{name: f"Text {name[4:]}" for name in TEXT_FIELDS},
}

_DIGITS = re.compile(r"[0-9]*")
_WINDOW = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_SEND_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# NUL and lone surrogates: no database stores them in text (PostgreSQL refuses NUL, no driver
# encodes a lone surrogate), and no SMS or speech needs them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Per-callee problems listed before the rest are summed up in one line.
MAX_CALLEE_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    code: str = PARAMETER


def errors_by_field(problems: Iterable[Problem]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(problem.field, []).append(problem.message)
    return grouped


def sms_placeholders(content: str) -> list[str]:
    """The `${...}` names used in an SMS text, in order, without repeats."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(content or "")))


def sms_filled(content: str, values: Mapping) -> str:
    """The SMS a callee gets: each `${textN}` replaced by that callee's value."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m[1], "")) if m[1] in TEXT_FIELDS else m[0], content)


def callee_number_problem(value) -> str | None:
    """Why a callee number is not acceptable to the API, or None."""
    if value is None or value == "":
        return "Phone number is missing."
    if not isinstance(value, str):
        return f"Phone number {value!r} must be written as text in quotes, digits only."
    if not _DIGITS.fullmatch(value):
        return (f"Phone number {value!r} may only contain digits "
                "(country code first, no +, spaces or dashes).")
    if not 7 <= len(value) <= 15:
        return (f"Phone number {value!r} has {len(value)} digits; it needs 7 to 15, "
                "country code included.")
    return None


def unstorable_problem(label: str, text: str) -> str | None:
    """Why a text cannot be stored (a NUL or a broken character), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return (f"{label} has a character that cannot be stored ({found[0]!r}, character {found.start() + 1}); "
            "delete it, or type the text again.")


TEXT_MAX = 30  # characters of each text1..text10


def callee_text_problem(name: str, value) -> str | None:
    """Why a text1..text10 value is not acceptable, or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{LABELS[name]} must be text in quotes."
    if unstorable := unstorable_problem(LABELS[name], value):
        return unstorable
    if len(value) > TEXT_MAX:
        return (f"{LABELS[name]} is {len(value)} characters long; the limit is {TEXT_MAX} "
                "(Laaffic would cut the rest off). Shorten it.")
    return None


SMS_MAX = MAX_LENGTHS["smsContent"]


def sms_content_problems(content: str) -> list[str]:
    """Why a hang-up SMS text is not acceptable: its length and its ${...} variables."""
    problems = []
    if len(content) > SMS_MAX:
        problems.append(f"{LABELS['smsContent']} is {len(content):,} characters long; the limit is {SMS_MAX:,}.")
    return problems + sms_variable_problems(content)


def sms_variable_problems(content: str) -> list[str]:
    """The ${...} names of an SMS text that Laaffic does not fill."""
    return [f"SMS text uses ${{{name}}}, which is not a variable Laaffic fills; use ${{text1}} to ${{text10}}."
            for name in sms_placeholders(content) if name not in TEXT_FIELDS]


# voice-api-reference.md §3 (voice/fileUpload): the formats Laaffic plays, by extension.
AUDIO_FORMATS = {".mp3": "MP3", ".m4a": "M4A", ".wav": "WAV"}
AUDIO_HEAD_BYTES = 12
_M4A_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2"}


def upload_name_problem(name: str) -> str | None:
    """Why a voice file's name (uploadName, fileName) is not acceptable, or None."""
    if not 5 <= len(name) <= MAX_LENGTHS["uploadName"]:
        return f"Upload file name must be 5 to {MAX_LENGTHS['uploadName']} characters long; it has {len(name)}."
    if not name.lower().endswith(tuple(AUDIO_FORMATS)):
        return (f"Upload file name {name!r} must end in .mp3, .m4a or .wav, the formats Laaffic plays "
                "(e.g. greeting.mp3).")
    return None


def audio_format(head: bytes) -> str | None:
    """The extension of the audio format the first bytes of a file show (.wav, .mp3, .m4a), or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return ".wav"
    if head[:3] == b"ID3" or _mpeg_layer3_frame(head):
        return ".mp3"
    if head[4:8] == b"ftyp" and head[8:12] in _M4A_BRANDS:
        return ".m4a"
    return None


def _mpeg_layer3_frame(head: bytes) -> bool:
    """An MP3 without a tag starts with a frame header: 11 sync bits, layer III, no reserved values."""
    if len(head) < 3 or head[0] != 0xFF:
        return False
    sync_and_layer3 = head[1] & 0b1110_0110 == 0b1110_0010
    version_reserved = head[1] & 0b0001_1000 == 0b0000_1000
    bitrate_bad, rate_reserved = head[2] >> 4 == 0b1111, head[2] & 0b0000_1100 == 0b0000_1100
    return sync_and_layer3 and not (version_reserved or bitrate_bad or rate_reserved)


def audio_problem(name: str, head: bytes, attached: str = "") -> str | None:
    """Why a file sent as voice file `name` is not audio Laaffic plays, given its first bytes, or None.

    `attached` is the name of the file as the user picked it, when it has one.
    """
    found = audio_format(head)
    what = f"The attached file {attached!r}" if attached else f"The audio of {name!r}"
    if found is None:
        return (f"{what} is not MP3, M4A or WAV audio (Laaffic plays only these). "
                "Export the recording as MP3 or WAV and attach that file.")
    named = name[name.rfind("."):].lower() if "." in name else ""
    if named in AUDIO_FORMATS and named != found:
        return (f"{what} is {AUDIO_FORMATS[found]} audio, but the file name {name!r} says "
                f"{AUDIO_FORMATS[named]}; end the file name in {found} instead.")
    return None


def check_body(
    body,
    *,
    now: datetime,
    provider_tz: tzinfo,
    task_name_taken: Callable[[str], bool] | None = None,
    number_problem: Callable[[str], str | None] | None = None,
) -> list[Problem]:
    """Every problem with a group-call request body, as the provider's page defines it.

    `now` is an aware datetime; `sendTime` and the calling windows in the body are
    in `provider_tz`. `task_name_taken(name)` says whether another campaign of
    this site already uses the name. `number_problem(number)` adds the site's own
    check of a callee number the API's form accepts (whether it can exist).
    """
    if not isinstance(body, Mapping):
        return [Problem("body", "The request must be a JSON object ({...}).")]
    problems: list[Problem] = []
    add = problems.append

    def value(name):
        return body.get(name)

    for name in body:
        if name not in KNOWN_FIELDS:
            add(Problem(_printable(name), f"{name!r} is not a field of Laaffic's group-call request; "
                              "remove it or check its spelling."))

    for name in STRING_FIELDS & body.keys():
        if body[name] is not None and not isinstance(body[name], str):
            add(Problem(name, f"{LABELS[name]} must be text in quotes, not {body[name]!r}."))
        elif body[name] is not None and (unstorable := unstorable_problem(LABELS[name], body[name])):
            add(Problem(name, unstorable))
    for name in INTEGER_FIELDS & body.keys():
        if body[name] is not None and not _is_int(body[name]):
            add(Problem(name, f"{LABELS[name]} must be a whole number, not {body[name]!r}."))
    typed_ok = {p.field for p in problems}.isdisjoint

    def present(name) -> bool:
        return value(name) is not None and typed_ok([name])

    def required(name, why="") -> bool:
        if value(name) is None or value(name) == "":
            add(Problem(name, f"{LABELS[name]} is required{why}."))
            return False
        return typed_ok([name])

    # Every value given is bounded, whether or not the fields around it make it required.
    for name, (low, high, unit) in RANGES.items():
        if present(name) and not low <= value(name) <= high:
            add(Problem(name, f"{LABELS[name]} must be between {low:,} and {high:,}{unit}; "
                              f"it is {value(name)}."))
    for name, allowed in CHOICES.items():
        if present(name) and value(name) not in allowed:
            options = ", ".join(f"{k} ({v})" for k, v in allowed.items())
            add(Problem(name, f"{LABELS[name]} must be one of {options}; it is {value(name)}."))
    for name in [n for n in MAX_LENGTHS if n not in _OWN_LENGTH_RULES]:
        if present(name) and len(value(name)) > MAX_LENGTHS[name]:
            add(Problem(name, f"{LABELS[name]} is {len(value(name)):,} characters long; "
                              f"the limit is {MAX_LENGTHS[name]:,}."))

    # Task
    required("appId")
    if present("displayNum"):
        shown = value("displayNum")
        if not _DIGITS.fullmatch(shown) or len(shown) > MAX_LENGTHS["displayNum"]:
            add(Problem("displayNum", f"Caller ID {shown!r} must be up to {MAX_LENGTHS['displayNum']} digits, "
                                      "or left empty."))
    if required("taskName"):
        name = value("taskName")
        if not 2 <= len(name) <= MAX_LENGTHS["taskName"]:
            add(Problem("taskName", f"Task name must be 2 to {MAX_LENGTHS['taskName']} characters long; "
                                    f"it has {len(name)}."))
        elif task_name_taken is not None and task_name_taken(name):
            add(Problem("taskName", f"Another campaign already uses the task name {name!r}; "
                                    "Laaffic needs a new name for every task.", NAME_EXISTS))

    # Message
    if required("source"):
        source = value("source")
        if source == 1:
            required("voiceFileId", " when the message is an uploaded voice file")
        elif source == 2:
            if required("uploadName", " when the audio is sent with the task"):
                message = upload_name_problem(value("uploadName"))
                if message:
                    add(Problem("uploadName", message))
            if required("baseFile", " when the audio is sent with the task"):
                if not _is_base64(value("baseFile")):
                    add(Problem("baseFile", "Audio file is not valid base64; "
                                            "re-attach the audio file."))
        elif source == 3:
            for name in ("text", "lan"):
                if value(name) in (None, ""):
                    add(Problem(name, f"{LABELS[name]} is required for text-to-speech.",
                                TTS_TEXT_AND_LANGUAGE))
    speaking_rate = value("speakingRate")
    if speaking_rate is not None:
        if isinstance(speaking_rate, bool) or not isinstance(speaking_rate, (int, float)):
            add(Problem("speakingRate", f"Speaking rate must be a number, not {speaking_rate!r}."))
        elif not 0.25 <= speaking_rate <= 4:
            add(Problem("speakingRate", "Speaking rate must be between 0.25 and 4 times normal "
                                        f"speed; it is {speaking_rate}."))

    # Schedule
    if present("sendTime"):
        _check_send_time(value("sendTime"), now, provider_tz, add)
    required("loopCount")
    required("maxCalls")
    _check_windows(value("allowSendTime"), add)

    # Hang-up SMS
    sms_names: list[str] = []
    if value("hangUpSms") == 1:
        why = " when a hang-up SMS is sent"
        required("smsAppId", why)
        if required("smsContent", why):
            for message in sms_variable_problems(value("smsContent")):  # its length is bounded above
                add(Problem("smsContent", message))
            sms_names = sms_placeholders(value("smsContent"))
        missing = [flag for flag in PUSH_FLAGS if value(flag) is None]
        if missing:
            for flag in missing:
                add(Problem(flag, f"{LABELS[flag]} must be set to 0 or 1{why}.", NO_SMS_TRIGGER))
        elif not any(value(flag) == 1 for flag in PUSH_FLAGS):
            add(Problem("hangUpSms", "A hang-up SMS needs at least one trigger: key press, "
                                     "answered call, failed call or ringing.", NO_SMS_TRIGGER))
        if value("feedbackPush") == 1:
            required("feedbackValue", " when the SMS is sent on a key press")
        if value("successPush") == 1:
            required("successPushTime", " when the SMS is sent after an answered call")
    feedback = value("feedbackValue")
    if feedback not in (None, "") and not (
        (isinstance(feedback, str) and re.fullmatch(r"[0-9]", feedback))
        or (_is_int(feedback) and 0 <= feedback <= 9)
    ):
        add(Problem("feedbackValue", f"Key that triggers the SMS must be one key, 0 to 9; "
                                     f"it is {feedback!r}."))

    # Transfer to agents
    if value("toSeat") == 1:
        why = " when calls are transferred to agents"
        for name in ("sipGroupId", "outboundControl", "calloutRate", "toSeatType"):
            required(name, why)
        if value("toSeatType") == 2:
            required("toSeatKey", " when callers press a key to reach an agent")

    problems.extend(_check_callees(value("numberInfoList"), sms_names, number_problem))
    return problems


def _printable(name: str) -> str:
    """An unknown field's name as a key that any output can write (a lone surrogate as \\ud800)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _check_send_time(text: str, now: datetime, zone: tzinfo, add) -> None:
    try:
        if not _SEND_TIME.fullmatch(text):
            raise ValueError
        when = datetime.strptime(text, SEND_TIME_FORMAT)
    except ValueError:
        add(Problem("sendTime", f"Scheduled start {text!r} must look like 2025-06-21 09:30:00 "
                                "(year-month-day hours:minutes:seconds), or be left empty "
                                "to start now."))
        return
    try:
        moment = wall_time(when, zone)
    except ValueError as error:
        add(Problem("sendTime", str(error)))
        return
    if moment < now.replace(microsecond=0):
        add(Problem("sendTime", f"Scheduled start {text} is in the past; pick a later time "
                                "or leave it empty to start now."))


def wall_time(naive: datetime, zone: tzinfo, label: str = "Scheduled start") -> datetime:
    """A clock time of `zone` as a moment; ValueError saying why when there is none.

    The night the clocks go back, a time happens twice: the first is meant, as Java's
    LocalDateTime (the page's type of sendTime) reads it too. The night they go forward, an
    hour never happens: refused rather than moved.
    """
    if naive >= LATEST_SEND_TIME:
        raise ValueError(f"{label} {naive:%Y-%m-%d %H:%M:%S} is too far ahead; "
                         f"pick a date before {LATEST_SEND_TIME:%Y-%m-%d}.")
    moment = naive.replace(tzinfo=zone, fold=0)
    happens = moment.astimezone(timezone.utc).astimezone(zone)
    if happens.replace(tzinfo=None) != naive:
        jump = happens.utcoffset() - moment.utcoffset()
        raise ValueError(
            f"{label} {naive:%Y-%m-%d %H:%M:%S} does not exist in {_zone_name(zone)}: the clocks go "
            f"forward {_duration(jump)} that night, so it would become {happens:%H:%M:%S}. Pick a time "
            f"that exists, such as {happens:%H:%M:%S}.")
    return moment


def fold_note(moment: datetime, zone: tzinfo, outcome: str = "is sent") -> str | None:
    """Which one a moment is, when its clock time in `zone` happens twice (the clocks go back), or None."""
    local = moment.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() == local.utcoffset():
        return None
    kind = "summer time" if local.dst() else "standard time"
    return (f"{local:%H:%M} on {local:%Y-%m-%d} happens twice in {_zone_name(zone)} (the clocks go back "
            f"that night); the {'second' if local.fold else 'first'} one ({kind}, {_offset(local)}) {outcome}.")


def send_time_note(text, zone: tzinfo) -> str | None:
    """For a valid sendTime that happens twice in the provider's zone: which one Laaffic calls at."""
    try:
        return fold_note(wall_time(datetime.strptime(text, SEND_TIME_FORMAT), zone), zone)
    except (TypeError, ValueError):
        return None  # check_body says what is wrong with it


def send_moment_problem(moment: datetime, zone: tzinfo) -> str | None:
    """Why a moment cannot be sent as a sendTime (a clock time of the provider's zone), or None: the
    second of two equal clock times would be read as the first."""
    local = moment.astimezone(zone)
    if not local.fold:
        return None
    first = local.replace(fold=0)
    return (f"Scheduled start is {local:%H:%M} on {local:%Y-%m-%d} in Laaffic's zone ({_zone_name(zone)}) for "
            f"the second time that night ({_offset(local)}); Laaffic would call at the first "
            f"{local:%H:%M} ({_offset(first)}), {_duration(first.utcoffset() - local.utcoffset())} earlier. "
            "Pick a time outside the hour the clocks go back.")


def _zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def _offset(local: datetime) -> str:
    return local.isoformat()[-6:]


def _duration(span: timedelta) -> str:
    minutes = int(abs(span).total_seconds()) // 60
    return f"{minutes // 60} hour{'s' if minutes // 60 != 1 else ''}" if minutes % 60 == 0 else f"{minutes} minutes"


def _check_windows(windows, add) -> None:
    if windows is None:
        return
    if not isinstance(windows, list):
        add(Problem("allowSendTime", "Calling windows must be a list of "
                                     '{"strTime": "HH:mm", "endTime": "HH:mm"}.'))
        return
    if len(windows) > MAX_WINDOWS:
        add(Problem("allowSendTime", f"At most {MAX_WINDOWS} calling windows are allowed; "
                                     f"there are {len(windows)}."))
    for i, window in enumerate(windows):
        where = f"allowSendTime[{i}]"
        if not isinstance(window, Mapping):
            add(Problem(where, 'Each calling window must look like '
                               '{"strTime": "09:00", "endTime": "18:00"}.'))
            continue
        for name in window.keys() - WINDOW_FIELDS:
            add(Problem(f"{where}.{_printable(name)}", f"{name!r} is not a field of a calling window."))
        for name in ("strTime", "endTime"):
            text = window.get(name)
            if text in (None, ""):
                add(Problem(f"{where}.{name}", f"{LABELS[name]} is required."))
            elif not isinstance(text, str) or not _WINDOW.fullmatch(text):
                add(Problem(f"{where}.{name}", f"{LABELS[name]} {text!r} must be a 24-hour "
                                               "time like 09:00 or 18:30."))
        if window.get("strTime") and window.get("strTime") == window.get("endTime"):
            add(Problem(f"{where}.endTime", "The window ends when it starts; it would never call."))


def _check_callees(callees, sms_names: list[str], number_problem=None) -> list[Problem]:
    if callees is None or callees == []:
        return [Problem("numberInfoList", "The campaign has no phone numbers to call; "
                                          "add at least one callee.", NO_NUMBERS)]
    if not isinstance(callees, list):
        return [Problem("numberInfoList", "Callee list must be a list of "
                                          '{"calleeNumber": "...", "text1": "..."} entries.')]
    problems: list[Problem] = []
    if len(callees) > MAX_CALLEES:
        problems.append(Problem("numberInfoList", f"A task can call at most {MAX_CALLEES:,} "
                                                  f"numbers; this one has {len(callees):,}. "
                                                  "Split the list into several campaigns."))
    required_texts = [name for name in sms_names if name in TEXT_FIELDS]
    seen: dict[str, int] = {}
    bad_callees = 0
    for i, callee in enumerate(callees):
        found = _callee_problems(i, callee, required_texts, seen, number_problem)
        if found:
            bad_callees += 1
            if len(problems) < MAX_CALLEE_PROBLEMS:
                problems.extend(found)
    listed = len({p.field.split("]")[0] for p in problems if p.field.startswith("numberInfoList[")})
    if bad_callees > listed:
        problems.append(Problem("numberInfoList", f"{bad_callees:,} callees have problems; "
                                                  f"only the first {listed} are listed."))
    return problems


def _callee_problems(i: int, callee, required_texts: list[str], seen: dict, number_problem) -> list[Problem]:
    where = f"numberInfoList[{i}]"
    if not isinstance(callee, Mapping):
        return [Problem(where, 'Each callee must look like {"calleeNumber": "8613000000001"}.')]
    found = []
    number = callee.get("calleeNumber")
    message = callee_number_problem(number) or (number_problem and number_problem(number))
    if message:
        found.append(Problem(f"{where}.calleeNumber", message))
    elif number in seen:
        found.append(Problem(f"{where}.calleeNumber", f"Phone number {number} is already in the "
                                                      f"list at position {seen[number] + 1}; "
                                                      "it would be called twice."))
    else:
        seen[number] = i
    if len(callee) > 1:
        for name in callee.keys() - CALLEE_FIELDS:
            found.append(Problem(f"{where}.{_printable(name)}", f"{name!r} is not a field of a callee; "
                                                    "use calleeNumber and text1 to text10."))
        for name in TEXT_FIELDS:
            message = callee_text_problem(name, callee.get(name))
            if message:
                found.append(Problem(f"{where}.{name}", message))
    for name in required_texts:
        text = callee.get(name)
        if not isinstance(text, str) or not text.strip():
            found.append(Problem(f"{where}.{name}", f"{LABELS[name]} is empty for "
                                                    f"{number or 'this callee'}, but the SMS "
                                                    f"text uses ${{{name}}}; fill it in."))
    return found
