"""The contract of Laaffic's `POST /v3/voice/group/call/send`, in one place.

Source: shared/laaffic/group-call-send.txt (the provider's page) and voice-api-reference.md §2,
§8 and §9. Every request field is one entry of `FIELDS`: its type, when it applies and whether it
is then required, its limits, choices, label and help. Models, forms, the loader and the
simulator read the table; `check_body` checks a body with it, and by hand only the rules that
join several fields (SMS triggers and variables, windows, sendTime, the callee list).

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
from dataclasses import dataclass, field as _field
from datetime import datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from typing import Any

from campaigns.laaffic.codes import Code, IntChoice

SEND_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
WINDOW_FORMAT = "%H:%M"
# The latest scheduled start: later ones overflow the calendar once moved between time zones.
LATEST_SEND_TIME = datetime(9999, 1, 1)
# Where the page gives no limit, a value is bounded by the column that stores it.
INTEGER_MAX = 2_147_483_647  # a PositiveIntegerField on every database


# The choices of the request's fields

class YesNo(IntChoice):
    NO = 0, "No"
    YES = 1, "Yes"


class Source(IntChoice):
    VOICE_FILE = 1, "Recorded file already on Laaffic"
    INLINE_FILE = 2, "Recorded file sent with the task"
    TEXT_TO_SPEECH = 3, "Text-to-speech"


class Gender(IntChoice):
    MALE = 1, "Male"
    FEMALE = 2, "Female"


class Pacing(IntChoice):
    PROPORTIONAL = 1, "Proportional"


class TransferWhen(IntChoice):
    AFTER_MESSAGE = 1, "After the message has played"
    ON_KEY = 2, "When the callee presses a key"


# Text-to-speech: the `lan` codes the provider's pages list (§8.1). The list is known to be
# incomplete, so it is offered as help and pickers, never enforced.
LANGUAGES = {
    "EN": "English", "VN": "Vietnamese", "JP": "Japanese", "ARB": "Arabic", "DE": "German",
    "IN": "Hindi", "IT": "Italian", "KR": "Korean", "RU": "Russian", "ES": "Spanish",
    "PT": "Portuguese", "IDN": "Indonesian", "BD": "Bengali (Bangladesh)", "TH": "Thai",
}


@dataclass(frozen=True)
class TtsVoice:
    """A row of the language / accent / voice table (§8.2; a sibling platform's page, cut after
    Finnish). Its language codes are ISO-like (AR, HI) where `lan` lists ARB, IN (§11 #11).
    Accent codes are country calling codes."""

    language: str
    language_name: str
    accent: str  # "" where the table gives none
    accent_name: str
    genders: tuple[Gender, ...]
    default: bool = False  # the accent used when none is given


_BOTH, _FEMALE = (Gender.MALE, Gender.FEMALE), (Gender.FEMALE,)
TTS_VOICES = (
    TtsVoice("AR", "Arabic", "", "", _BOTH),
    *(TtsVoice(code, name, "34", "Spain", _FEMALE) for code, name in (("BAS", "Basque"), ("CA", "Catalan"),
                                                                      ("GL", "Galician"))),
    *(TtsVoice(code, name, "91", "India", _BOTH) for code, name in (
        ("BN", "Bengali"), ("GU", "Gujarati"), ("HI", "Hindi"), ("KN", "Kannada"), ("ML", "Malayalam"),
        ("MR", "Marathi"), ("PA", "Punjabi"), ("TA", "Tamil"))),
    TtsVoice("BG", "Bulgarian", "359", "Bulgaria", _FEMALE),
    TtsVoice("CS", "Czech", "420", "Czechia", _FEMALE),
    TtsVoice("DA", "Danish", "45", "Denmark", _BOTH),
    TtsVoice("NL", "Dutch", "31", "Netherlands", _BOTH, default=True),
    TtsVoice("NL", "Dutch", "32", "Belgium", _BOTH),
    TtsVoice("EN", "English", "1", "United States", _BOTH, default=True),
    TtsVoice("EN", "English", "44", "United Kingdom", _BOTH),
    TtsVoice("EN", "English", "61", "Australia", _BOTH),
    TtsVoice("EN", "English", "91", "India", _BOTH),
    TtsVoice("TL", "Filipino", "63", "Philippines", _BOTH),
)


def tts_voices(language: str) -> list[TtsVoice]:
    """The voice table's rows for a language, by its code in either table (EN; IN or HI), default first."""
    name = LANGUAGES.get(language)
    rows = [row for row in TTS_VOICES if row.language == language or row.language_name == name]
    return sorted(rows, key=lambda row: not row.default)


def tts_voice_name(language: str, accent: str = "") -> str:
    """A text-to-speech language and accent by name, "English (United Kingdom)"; a code the tables do not
    know is shown as the code."""
    name = LANGUAGES.get(language) or next((row.language_name for row in TTS_VOICES if row.language == language),
                                           f"language code {language}")
    if not accent:
        return name
    accent_name = next((row.accent_name for row in tts_voices(language) if row.accent == accent), f"accent code {accent}")
    return f"{name} ({accent_name})"


# The table

class Kind(StrEnum):
    """A field's type, as the page writes it."""

    TEXT = "String"
    INTEGER = "Integer"
    NUMBER = "Double"
    KEY = "String: one key"  # feedbackValue: a String in the page's table, a number in its example
    TIME = "LocalDateTime"
    LIST = "List"


@dataclass(frozen=True)
class When:
    """A field applies only while these fields have these values, and `why` says so in messages."""

    values: Mapping[str, int]
    why: str
    code: Code = Code.PARAMETER  # what the provider answers when a field required then is missing
    missing: str = "{label} is required{why}."

    def holds(self, body: Mapping) -> bool:
        return all(_is_int(body.get(name)) and body.get(name) == value for name, value in self.values.items())

    def __str__(self) -> str:
        return " and ".join(f"{name} == {int(value)}" for name, value in self.values.items())


class _Keep(dict):
    def __missing__(self, key):  # ${text1} in a help text is the SMS's, not a placeholder of the table
        return f"{{{key}}}"


@dataclass(frozen=True)
class Field:
    """One field of the request: what the provider accepts, and what a marketing person reads."""

    name: str  # the API's name
    kind: Kind
    label: str  # what a marketing person calls it; every message names the field so
    help: str = ""  # {min}, {max}, {min_length}, {max_length}, {default} are filled in from the entry
    required: bool = False  # whenever it applies
    when: When | None = None  # it applies only then; always when None
    min: int | float | None = None
    max: int | float | None = None
    unit: str = ""  # of min and max, as messages say it (" seconds")
    min_length: int | None = None
    max_length: int | None = None  # characters of a text, entries of a list
    choices: type[IntChoice] | None = None
    default: int | None = None  # what a new campaign starts with
    model: str = "Campaign"  # where the site stores it
    column: str = ""  # the model field holding it ("" when not one value of its own)
    within: str = ""  # the list whose entries hold it (numberInfoList, allowSendTime)
    # Its own rule for a value (why it is wrong, or None), run while the field applies, in place of the length check.
    check: Callable[[Any], str | None] | None = _field(default=None, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "help", self.help.format_map(_Keep(vars(self))))

    @property
    def condition(self) -> str:
        """When the field is required, as the page says it: "always", "source == 3", or ""."""
        return ("always" if self.when is None else str(self.when)) if self.required else ""


# When fields apply (group-call-send.txt's "Required" column).
_ALWAYS = When({}, "")
VOICE_FILE = When({"source": Source.VOICE_FILE}, " when the message is an uploaded voice file")
INLINE_AUDIO = When({"source": Source.INLINE_FILE}, " when the audio is sent with the task")
TTS = When({"source": Source.TEXT_TO_SPEECH}, " for text-to-speech", Code.TTS_TEXT_AND_LANGUAGE)
HANG_UP_SMS = When({"hangUpSms": YesNo.YES}, " when a hang-up SMS is sent")
SMS_TRIGGERS = When(HANG_UP_SMS.values, HANG_UP_SMS.why, Code.NO_SMS_TRIGGER, "{label} must be set to 0 or 1{why}.")
SMS_ON_KEY = When({**HANG_UP_SMS.values, "feedbackPush": YesNo.YES}, " when the SMS is sent on a key press")
SMS_ON_SUCCESS = When({**HANG_UP_SMS.values, "successPush": YesNo.YES}, " when the SMS is sent after an answered call")
AGENTS = When({"toSeat": YesNo.YES}, " when calls are transferred to agents")
AGENT_KEY = When({**AGENTS.values, "toSeatType": TransferWhen.ON_KEY}, " when callers press a key to reach an agent")

DIGITS = "0123456789"  # the characters of a callee number
_DIGITS = re.compile(f"[{DIGITS}]*")
_WINDOW = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_SEND_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# NUL and lone surrogates: no database stores them in text (PostgreSQL refuses NUL, no driver
# encodes a lone surrogate), and no SMS or speech needs them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# voice-api-reference.md §3 (voice/fileUpload): the formats Laaffic plays, by extension.
AUDIO_FORMATS = {".mp3": "MP3", ".m4a": "M4A", ".wav": "WAV"}
AUDIO_HEAD_BYTES = 12
_M4A_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2"}


def _caller_id_problem(shown: str) -> str | None:
    limit = FIELDS["displayNum"].max_length
    if _DIGITS.fullmatch(shown) and len(shown) <= limit:
        return None
    return f"Caller ID {shown!r} must be up to {limit} digits, or left empty."


def upload_name_problem(name: str) -> str | None:
    """Why a voice file's name (uploadName, fileName) is not acceptable, or None."""
    if problem := length_problem(FIELDS["uploadName"], name):
        return problem
    if not name.lower().endswith(tuple(AUDIO_FORMATS)):
        return (f"Upload file name {name!r} must end in .mp3, .m4a or .wav, the formats Laaffic plays "
                "(e.g. greeting.mp3).")
    return None


def _base64_problem(text: str) -> str | None:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return "Audio file is not valid base64; re-attach the audio file."
    return None


def _fields(*entries: Field) -> dict[str, Field]:
    return {entry.name: entry for entry in entries}


TEXT, INTEGER, NUMBER, KEY, TIME, LIST = Kind.TEXT, Kind.INTEGER, Kind.NUMBER, Kind.KEY, Kind.TIME, Kind.LIST
_EN_ACCENTS = ", ".join(f"{row.accent} ({row.accent_name})" for row in tts_voices("EN"))

FIELDS = _fields(
    # Task
    Field("appId", TEXT, "Voice app ID", "The voice application's ID from your Laaffic console.",
          required=True, max_length=64, column="app_id"),
    Field("displayNum", TEXT, "Caller ID shown",
          "The number callees see, up to {max_length} digits. Leave empty for Laaffic's default.",
          max_length=20, column="display_number", check=_caller_id_problem),
    Field("taskName", TEXT, "Task name", "{min_length} to {max_length} characters. Laaffic needs a new name for every task.",
          required=True, min_length=2, max_length=64, column="task_name"),
    Field("numberInfoList", LIST, "Callee list", "Up to {max_length:,} numbers.", required=True,
          max_length=100_000, column="callee_list"),
    Field("calleeNumber", TEXT, "Phone number",
          "Digits only, country code first, {min_length} to {max_length} digits (e.g. 8613000000001).",
          required=True, min_length=7, max_length=15, model="Callee", column="number", within="numberInfoList"),
    *(Field(f"text{i}", TEXT, f"Text {i}", f"Fills ${{text{i}}} in the hang-up SMS; up to {{max_length}} characters "
                                           "(Laaffic cuts off the rest).",
            max_length=30, model="Callee", column=f"text{i}", within="numberInfoList") for i in range(1, 11)),
    # Message
    Field("source", INTEGER, "Message source", required=True, choices=Source, default=Source.TEXT_TO_SPEECH,
          column="source"),
    Field("voiceFileId", TEXT, "Voice file ID", "The ID Laaffic gave the recording when it was uploaded.",
          required=True, when=VOICE_FILE, max_length=128, model="VoiceFile", column="provider_file_id"),
    Field("uploadName", TEXT, "Upload file name",
          "{min_length} to {max_length} characters, with its extension (.mp3, .m4a or .wav).",
          required=True, when=INLINE_AUDIO, min_length=5, max_length=32, model="VoiceFile", column="name",
          check=upload_name_problem),
    Field("baseFile", TEXT, "Audio file", "The recording, as base64.", required=True, when=INLINE_AUDIO,
          model="VoiceFile", column="audio", check=_base64_problem),
    Field("text", TEXT, "Text to speak", "For text-to-speech: up to {max_length:,} characters.", required=True,
          when=TTS, max_length=1000, column="tts_text"),
    Field("lan", TEXT, "Language", "For text-to-speech: Laaffic's language code, e.g. "
          + ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items()) + ".",
          required=True, when=TTS, max_length=16, column="language"),
    Field("speakingRate", NUMBER, "Speaking rate", "{min} to {max} times normal speed. Empty for normal speed.",
          when=TTS, min=0.25, max=4, unit=" times normal speed", column="speaking_rate"),
    Field("ssmlGender", INTEGER, "Voice", "Empty lets Laaffic choose (female where there are several voices).",
          when=TTS, choices=Gender, column="voice_gender"),
    Field("accent", TEXT, "Accent", f"Optional: the accent's country calling code, e.g. for English {_EN_ACCENTS}.",
          when=TTS, max_length=16, column="accent"),
    # Schedule
    Field("sendTime", TIME, "Scheduled start", "Empty to start calling straight away.", column="send_time"),
    Field("loopCount", INTEGER, "Times played", "How many times the message plays: {min} to {max}.",
          required=True, min=1, max=9, unit=" times", default=1, column="loop_count"),
    Field("maxCalls", INTEGER, "Maximum call length",
          "Seconds after the callee answers before the call is hung up: {min} to {max}.",
          required=True, min=1, max=999, unit=" seconds", default=60, column="max_call_seconds"),
    Field("allowSendTime", LIST, "Calling windows", "Up to {max_length} daily windows in Laaffic's time zone; "
          "calls are only made inside them.", max_length=3, column="calling_windows"),
    Field("strTime", TEXT, "Window start", "HH:mm, 24-hour.", required=True, within="allowSendTime"),
    Field("endTime", TEXT, "Window end", "HH:mm, 24-hour.", required=True, within="allowSendTime"),
    Field("maxRingingTime", INTEGER, "Maximum ringing time",
          "Seconds to let the phone ring: {min} to {max} (Laaffic's default is {default}).",
          min=20, max=120, unit=" seconds", default=60, column="max_ringing_seconds"),
    Field("delayPlay", INTEGER, "Delay before playing",
          "Seconds of silence after answering before the message: {min} to {max}.",
          min=0, max=999, unit=" seconds", default=0, column="delay_play_seconds"),
    Field("delayHangup", INTEGER, "Delay before hanging up",
          "Seconds to wait after the message before hanging up: {min} to {max}.",
          min=0, max=999, unit=" seconds", default=0, column="delay_hangup_seconds"),
    # Hang-up SMS
    Field("hangUpSms", INTEGER, "Send a hang-up SMS", "An SMS to each callee after the call, on the triggers below.",
          choices=YesNo, default=YesNo.NO, column="hang_up_sms"),
    Field("smsAppId", TEXT, "SMS app ID", "The SMS application's ID from your Laaffic console.", required=True,
          when=HANG_UP_SMS, max_length=64, model="SmsTemplate", column="sms_app_id"),
    Field("smsContent", TEXT, "SMS text", "Up to {max_length:,} characters. ${text1} to ${text10} are replaced by "
          "each callee's Text 1 to Text 10.", required=True, when=HANG_UP_SMS, max_length=1000,
          model="SmsTemplate", column="content"),
    Field("senderId", TEXT, "SMS sender ID", "Optional, up to {max_length} characters.", when=HANG_UP_SMS,
          max_length=32, model="SmsTemplate", column="sender_id"),
    Field("feedbackPush", INTEGER, "SMS on key press", required=True, when=SMS_TRIGGERS, choices=YesNo,
          default=YesNo.NO, column="sms_on_key_press"),
    Field("feedbackValue", KEY, "Key that triggers the SMS", "One key, {min} to {max}.", required=True,
          when=SMS_ON_KEY, min=0, max=9, column="sms_key"),
    Field("successPush", INTEGER, "SMS after an answered call", required=True, when=SMS_TRIGGERS, choices=YesNo,
          default=YesNo.NO, column="sms_on_success"),
    Field("successPushTime", INTEGER, "SMS delay after an answered call",
          "Seconds after the call before the SMS goes out: {min} to {max}.", required=True, when=SMS_ON_SUCCESS,
          min=0, max=9999, unit=" seconds", column="sms_success_delay_seconds"),
    Field("failedPush", INTEGER, "SMS after a failed call", required=True, when=SMS_TRIGGERS, choices=YesNo,
          default=YesNo.NO, column="sms_on_failure"),
    Field("ringPush", INTEGER, "SMS when the phone rings", required=True, when=SMS_TRIGGERS, choices=YesNo,
          default=YesNo.NO, column="sms_on_ring"),
    # Transfer to agents
    Field("toSeat", INTEGER, "Transfer to agents", "Put answered calls through to your agents.", choices=YesNo,
          default=YesNo.NO, column="to_agents"),
    Field("sipGroupId", INTEGER, "Agent group ID", "The agent group's ID from your Laaffic console.",
          required=True, when=AGENTS, min=0, max=INTEGER_MAX, column="agent_group_id"),
    Field("outboundControl", INTEGER, "Outbound pacing", required=True, when=AGENTS, choices=Pacing,
          column="outbound_control"),
    Field("calloutRate", INTEGER, "Calls per agent", "{min} to {max} calls per available agent.", required=True,
          when=AGENTS, min=1, max=100, column="callout_rate"),
    Field("toSeatType", INTEGER, "When to transfer", required=True, when=AGENTS, choices=TransferWhen,
          column="transfer_when"),
    Field("toSeatKey", INTEGER, "Transfer key", "The key ({min} to {max}) callees press to reach an agent.",
          required=True, when=AGENT_KEY, min=0, max=9, column="transfer_key"),
    Field("delayTransfer", INTEGER, "Delay before transfer", "Seconds; used when callees press a key to reach an agent.",
          when=AGENT_KEY, min=0, max=INTEGER_MAX, unit=" seconds", column="transfer_delay_seconds"),
)

# The fields of a body, of a callee and of a calling window.
KNOWN_FIELDS = frozenset(name for name, entry in FIELDS.items() if not entry.within)
CALLEE_FIELDS = frozenset(name for name, entry in FIELDS.items() if entry.within == "numberInfoList")
WINDOW_FIELDS = frozenset(name for name, entry in FIELDS.items() if entry.within == "allowSendTime")
TEXT_FIELDS = tuple(name for name in FIELDS if re.fullmatch(r"text[0-9]+", name))
PUSH_FLAGS = tuple(name for name, entry in FIELDS.items() if entry.when is SMS_TRIGGERS)
TEXT_MAX = FIELDS["text1"].max_length  # characters of each of text1..text10
# Per-callee problems listed before the rest are summed up in one line.
MAX_CALLEE_PROBLEMS = 100
# Every character str.strip() removes (none lies past U+3000): a text made of these only is empty.
BLANK_CHARACTERS = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


@dataclass(frozen=True)
class StoredCallees:
    """A numberInfoList checked where it is stored, so that 100,000 callees need not be read: `count`
    entries in all, and `offenders(required_texts, first)`: how many entries break a rule of
    `_callee_problems` when the SMS uses `required_texts`, and the first `first` of them as (position, entry)
    pairs in order (the rules then say what is wrong with each). An entry breaks a rule when its
    - calleeNumber has fewer than FIELDS["calleeNumber"].min_length or more than .max_length characters, or
      one not in DIGITS or that _UNSTORABLE matches;
    - text1..text10 is not empty and is longer than its max_length, or holds a character _UNSTORABLE
      matches (one a database keeps: NUL in SQLite);
    - required text is made of BLANK_CHARACTERS only (or is empty).
    Entries hold calleeNumber and the texts not empty only, each number once (a stored list's numbers are
    unique), and no `number_problem` applies (it checks bodies coming in, whose callees are a plain list)."""

    count: int
    offenders: Callable[[list[str], int], tuple[int, Iterable[tuple[int, Mapping]]]]


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    code: str = Code.PARAMETER


def errors_by_field(problems: Iterable[Problem]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(problem.field, []).append(problem.message)
    return grouped


# What is wrong with one value of a field, in the words every message uses

def type_problem(entry: Field, value) -> str | None:
    """Why `value` (not None) is not of the field's type, or cannot be stored; None if it is fine."""
    if entry.kind == KEY:  # its type and range in one: a key is a digit, as text or a number
        if value == "" or (isinstance(value, str) and re.fullmatch(r"[0-9]", value)) or (
                _is_int(value) and entry.min <= value <= entry.max):
            return None
        return f"{entry.label} must be one key, {entry.min} to {entry.max}; it is {value!r}."
    if entry.kind in (TEXT, TIME):
        if not isinstance(value, str):
            return f"{entry.label} must be text in quotes, not {value!r}."
        return unstorable_problem(entry.label, value)
    if entry.kind == INTEGER and not _is_int(value):
        return f"{entry.label} must be a whole number, not {value!r}."
    if entry.kind == NUMBER and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return f"{entry.label} must be a number, not {value!r}."
    return None


def range_message(entry: Field, shown) -> str:
    return f"{entry.label} must be between {entry.min:,} and {entry.max:,}{entry.unit}; it is {shown}."


def choice_message(entry: Field, shown) -> str:
    options = ", ".join(f"{value} ({label[:1].lower()}{label[1:]})" for value, label in entry.choices.choices)
    return f"{entry.label} must be one of {options}; it is {shown}."


def length_message(entry: Field, shown) -> str:
    """`shown`: the text's length (a form passes Django's "%(show_value)s")."""
    if entry.min_length:
        return f"{entry.label} must be {entry.min_length} to {entry.max_length} characters long; it has {shown}."
    return f"{entry.label} is {shown} characters long; the limit is {entry.max_length:,}."


def length_problem(entry: Field, text: str) -> str | None:
    if (entry.min_length or 0) <= len(text) <= entry.max_length:
        return None
    return length_message(entry, len(text) if entry.min_length else f"{len(text):,}")


def bound_problem(entry: Field, value) -> str | None:
    """Why a value of the field's type is out of its range, choices or length, or None."""
    if entry.min is not None and entry.kind != KEY and not entry.min <= value <= entry.max:
        return range_message(entry, value)
    if entry.choices is not None and value not in entry.choices.values:
        return choice_message(entry, value)
    if entry.max_length is not None and entry.kind == TEXT:
        return length_problem(entry, value)
    return None


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
    number = FIELDS["calleeNumber"]
    if not number.min_length <= len(value) <= number.max_length:
        return (f"Phone number {value!r} has {len(value)} digits; it needs {number.min_length} to "
                f"{number.max_length}, country code included.")
    return None


def unstorable_problem(label: str, text: str) -> str | None:
    """Why a text cannot be stored (a NUL or a broken character), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return (f"{label} has a character that cannot be stored ({found[0]!r}, character {found.start() + 1}); "
            "delete it, or type the text again.")


def callee_text_problem(name: str, value) -> str | None:
    """Why a text1..text10 value is not acceptable, or None."""
    if value is None:
        return None
    entry = FIELDS[name]
    if not isinstance(value, str):
        return f"{entry.label} must be text in quotes."
    if unstorable := unstorable_problem(entry.label, value):
        return unstorable
    if len(value) > entry.max_length:
        return (f"{entry.label} is {len(value)} characters long; the limit is {entry.max_length} "
                "(Laaffic would cut the rest off). Shorten it.")
    return None


def sms_content_problems(content: str) -> list[str]:
    """Why a hang-up SMS text is not acceptable: its length and its ${...} variables."""
    too_long = length_problem(FIELDS["smsContent"], content)
    return [too_long] * bool(too_long) + sms_variable_problems(content)


def sms_variable_problems(content: str) -> list[str]:
    """The ${...} names of an SMS text that Laaffic does not fill."""
    return [f"SMS text uses ${{{name}}}, which is not a variable Laaffic fills; use ${{text1}} to ${{text10}}."
            for name in sms_placeholders(content) if name not in TEXT_FIELDS]


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


_TOP_FIELDS = [entry for entry in FIELDS.values() if not entry.within and entry.kind != LIST]


def check_body(
    body,
    *,
    now: datetime,
    provider_tz: tzinfo,
    task_name_taken: Callable[[str], bool] | None = None,
    number_problem: Callable[[str], str | None] | None = None,
    in_parts: bool = False,
) -> list[Problem]:
    """Every problem with a group-call request body, as the provider's page defines it.

    `now` is an aware datetime; `sendTime` and the calling windows in the body are
    in `provider_tz`. `task_name_taken(name)` says whether another campaign of
    this site already uses the name. `number_problem(number)` adds the site's own
    check of a callee number the API's form accepts (whether it can exist).
    `in_parts`: the site sends a longer list as several tasks (`parts_needed`), so
    the per-task limit on numbers does not apply to the body as a whole.
    """
    if not isinstance(body, Mapping):
        return [Problem("body", "The request must be a JSON object ({...}).")]
    problems: list[Problem] = []
    add = problems.append

    for name in body:
        if name not in KNOWN_FIELDS:
            add(Problem(_printable(name), f"{name!r} is not a field of Laaffic's group-call request; "
                              "remove it or check its spelling."))

    # Each field on its own, from the table. Every value given is bounded, whether or not the fields
    # around it make it apply: it is stored (an agent field with toSeat 0 is stored and sent too).
    mistyped = set()
    for entry in _TOP_FIELDS:
        value = body.get(entry.name)
        applies = entry.when is None or entry.when.holds(body)
        problem = type_problem(entry, value) if value is not None else None
        if problem:
            mistyped.add(entry.name)
        elif value in (None, ""):
            if entry.required and applies:
                when = entry.when or _ALWAYS
                add(Problem(entry.name, when.missing.format(label=entry.label, why=when.why), when.code))
            continue
        elif entry.check is not None:
            problem = entry.check(value) if applies else None
        else:
            problem = bound_problem(entry, value)
        if problem:
            add(Problem(entry.name, problem))

    # The rules that join several fields.
    task_name = body.get("taskName")
    if (task_name_taken is not None and task_name and not any(p.field == "taskName" for p in problems)
            and task_name_taken(task_name)):
        add(Problem("taskName", task_name_taken_message(task_name), Code.NAME_EXISTS))
    if body.get("sendTime") is not None and "sendTime" not in mistyped:
        _check_send_time(body["sendTime"], now, provider_tz, add)
    _check_windows(body.get("allowSendTime"), add)
    sms_names = _check_sms(body, mistyped, add) if HANG_UP_SMS.holds(body) else []
    problems.extend(_check_callees(body.get("numberInfoList"), sms_names, number_problem, in_parts))
    return problems


def task_name_taken_message(task_name: str) -> str:
    return f"Another campaign already uses the task name {task_name!r}; Laaffic needs a new name for every task."


def _check_sms(body, mistyped, add) -> list[str]:
    """A hang-up SMS: its variables Laaffic fills, and at least one trigger. Returns the variables it uses."""
    content = body.get("smsContent")
    names = []
    if content and "smsContent" not in mistyped:
        for message in sms_variable_problems(content):  # its length is bounded with the other fields
            add(Problem("smsContent", message))
        names = sms_placeholders(content)
    flags = [body.get(flag) for flag in PUSH_FLAGS]  # each one missing is said with the other fields
    if None not in flags and YesNo.YES not in flags:
        add(Problem("hangUpSms", "A hang-up SMS needs at least one trigger: key press, "
                                 "answered call, failed call or ringing.", Code.NO_SMS_TRIGGER))
    return names


def _printable(name: str) -> str:
    """An unknown field's name as a key that any output can write (a lone surrogate as \\ud800)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
    most = FIELDS["allowSendTime"].max_length
    if len(windows) > most:
        add(Problem("allowSendTime", f"At most {most} calling windows are allowed; "
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
                add(Problem(f"{where}.{name}", f"{FIELDS[name].label} is required."))
            elif not isinstance(text, str) or not _WINDOW.fullmatch(text):
                add(Problem(f"{where}.{name}", f"{FIELDS[name].label} {text!r} must be a 24-hour "
                                               "time like 09:00 or 18:30."))
        if window.get("strTime") and window.get("strTime") == window.get("endTime"):
            add(Problem(f"{where}.endTime", "The window ends when it starts; it would never call."))


# A window that runs past midnight (21:00 -> 09:00) is sent as two that do not: up to the day's last
# minute, and from its first.
DAY_START, DAY_END = "00:00", "23:59"


def windows_split_at_midnight(windows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """HH:mm calling windows with each one that crosses midnight written as two (21:00-09:00 as
    21:00-23:59 and 00:00-09:00; 21:00-00:00 as 21:00-23:59)."""
    split = []
    for start, end in windows:
        if start > end:
            split.append((start, DAY_END))
            if end != DAY_START:
                split.append((DAY_START, end))
        else:
            split.append((start, end))
    return split


def windows_joined_at_midnight(windows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The windows as they were meant: one ending at 23:59 and one starting at 00:00 are one window
    across midnight (the inverse of windows_split_at_midnight)."""
    windows = list(windows)
    evening = next((w for w in windows if w[1] == DAY_END and w[0] != DAY_START), None)
    morning = next((w for w in windows if w[0] == DAY_START and w[1] != DAY_END), None)
    if evening is None or morning is None:
        return windows
    return [(evening[0], morning[1]) if w is evening else w for w in windows if w is not morning]


def in_windows(clock: str, windows: Iterable[tuple[str, str]]) -> bool:
    """Whether HH:mm `clock` falls inside one of the (not midnight-crossing) windows; no windows: any time."""
    windows = list(windows)
    return not windows or any(start <= clock <= end for start, end in windows)


def parts_needed(count: int) -> int:
    """How many tasks a list of `count` numbers is sent as: Laaffic calls at most
    FIELDS["numberInfoList"].max_length numbers a task."""
    return max(1, -(-count // FIELDS["numberInfoList"].max_length))


def part_task_name(name: str, number: int, total: int) -> str:
    """The task name of part `number` of `total`: "Summer sale (1/3)"."""
    return f"{name} ({number}/{total})"


def part_name_problem(name: str, total: int) -> str | None:
    """Why `name` cannot name the tasks of a campaign sent in `total` parts (too long with " (1/3)"), or None."""
    longest = FIELDS["taskName"].max_length
    room = longest - len(part_task_name("", total, total))
    if total < 2 or len(name) <= room:
        return None
    return (f"This campaign calls more than {FIELDS['numberInfoList'].max_length:,} numbers, so it is sent as "
            f"{total} tasks named like “{part_task_name(name, 1, total)}”, and a task name can have at most "
            f"{longest} characters. Shorten the name to {room} characters or fewer.")


def _check_callees(callees, sms_names: list[str], number_problem=None, in_parts=False) -> list[Problem]:
    required_texts = [name for name in sms_names if name in TEXT_FIELDS]
    if isinstance(callees, StoredCallees):
        assert number_problem is None, "stored callees are not checked as coming in"
        count = callees.count
        offending, numbered = callees.offenders(required_texts, MAX_CALLEE_PROBLEMS) if count else (0, ())
    elif callees is None or callees == []:
        count, numbered = 0, ()
    elif not isinstance(callees, list):
        return [Problem("numberInfoList", "Callee list must be a list of "
                                          '{"calleeNumber": "...", "text1": "..."} entries.')]
    else:
        count, numbered = len(callees), enumerate(callees)
        offending = None  # counted below
    if count == 0:
        return [Problem("numberInfoList", "The campaign has no phone numbers to call; "
                                          "add at least one callee.", Code.NO_NUMBERS)]
    problems: list[Problem] = []
    most = FIELDS["numberInfoList"].max_length
    if count > most and not in_parts:
        problems.append(Problem("numberInfoList", f"A task can call at most {most:,} "
                                                  f"numbers; this one has {count:,}. "
                                                  "Split the list into several campaigns."))
    seen: dict[str, int] = {}
    bad_callees = 0
    for i, callee in numbered:
        found = _callee_problems(i, callee, required_texts, seen, number_problem)
        if found:
            bad_callees += 1
            if len(problems) < MAX_CALLEE_PROBLEMS:
                problems.extend(found)
    if offending is not None:  # only the first offenders were read
        bad_callees = offending
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
            found.append(Problem(f"{where}.{name}", f"{FIELDS[name].label} is empty for "
                                                    f"{number or 'this callee'}, but the SMS "
                                                    f"text uses ${{{name}}}; fill it in."))
    return found
