"""Laaffic's statuses and codes, each written once, with the words a marketing person reads.

Pure: no Django. Each enum member carries a `label`; the classes have `choices` and `values`
the way Django's choices do, so models and forms take them as they are.
"""
from __future__ import annotations

from enum import EnumType, IntEnum, StrEnum


class _Labelled(EnumType):
    @property
    def choices(cls) -> list[tuple]:
        return [(member.value, member.label) for member in cls]

    @property
    def values(cls) -> list:
        return [member.value for member in cls]

    def of(cls, value):
        """The member for `value`, or None for a value the provider's pages do not list."""
        if isinstance(value, bool):  # JSON's true is not 1
            return None
        try:
            return cls._value2member_map_.get(value)
        except TypeError:  # a list or an object is no status either
            return None


def _labelled(member_type):
    def __new__(cls, value, label: str):
        member = member_type.__new__(cls, value)
        member._value_, member.label = value, label
        return member
    return __new__


class IntChoice(IntEnum, metaclass=_Labelled):
    __new__ = _labelled(int)


class StrChoice(StrEnum, metaclass=_Labelled):
    __new__ = _labelled(str)


class ProviderStatus(IntChoice):
    """A task's `status` in the task list (voice/group/call/query, voice-api-reference.md §4.3)."""

    WAITING = 0, "Waiting to start"
    CALLING = 1, "Calling"
    FINISHED = 2, "Finished"
    SUBMISSION_FAILED = 3, "Submission failed"
    CANCELLED = 4, "Cancelled"
    PAUSED = 5, "Paused"
    SUBMITTING = 6, "Being set up"


# After these a task changes no more.
FINAL_STATUSES = frozenset({ProviderStatus.FINISHED, ProviderStatus.SUBMISSION_FAILED, ProviderStatus.CANCELLED})
# voice/group/call/cancel stops these (§5.1); -54 for the others.
CANCELLABLE_STATUSES = frozenset({ProviderStatus.WAITING, ProviderStatus.CALLING})
# voice/group/call/resend calls these again (§6).
RESENDABLE_STATUSES = frozenset({ProviderStatus.FINISHED, ProviderStatus.CANCELLED})


class CallOutcome(StrChoice):
    """What happened on one call, as the site counts it."""

    ANSWERED = "answered", "Answered"
    NO_ANSWER = "no_answer", "No answer"
    BUSY = "busy", "Busy"
    VOICEMAIL = "voicemail", "Voicemail"
    FAILED = "failed", "Failed"


class CallStatus(IntChoice):
    """A call's `callStatus` in the status push (§7.4), and the outcome it means."""

    def __new__(cls, value: int, label: str, outcome: CallOutcome):
        member = int.__new__(cls, value)
        member._value_, member.label, member.outcome = value, label, outcome
        return member

    BUSY = 10, "Rang, not answered (busy)", CallOutcome.BUSY
    NO_PICK_UP = 20, "Rang, not answered (no pick-up)", CallOutcome.NO_ANSWER
    NOT_ANSWERED = 30, "Rang, not answered (other)", CallOutcome.NO_ANSWER
    VOICEMAIL = 40, "Voicemail", CallOutcome.VOICEMAIL
    ANSWERED = 50, "Answered", CallOutcome.ANSWERED
    OTHER = 60, "Other", CallOutcome.FAILED


class CallType(IntChoice):
    """A call record's `type` (§7.4); the record query gives none."""

    GROUP_CALL = 1, "Group call"
    VERIFICATION_CODE = 2, "Verification code"
    SIP_CALL = 3, "Phone (SIP) call"
    DIRECT_DIAL = 4, "Phone direct dial"


class ResendType(IntChoice):
    """voice/group/call/resend's `resendType` (§6)."""

    EVERYONE = 0, "Every number again"
    NOT_REACHED = 1, "Only the numbers that were not reached"


# `terminationCode` of a connected call: the push says 0, the record query the SIP code (§11 #13).
CONNECTED_CODES = frozenset({"0", "200"})
# `feedbackValue` of a call on which no key was pressed.
NO_KEY_PRESSED = "-1"


class Code(StrChoice):
    """A status code the provider answers with; the label is the `msg` its page gives, as Laaffic writes it.

    Codes and texts come from group-call-send.txt; -54 from the cancel page (§5.1), whose text is
    known only as restated. What each means for a marketing person is in errors.STATUS_MESSAGES.
    """

    SUCCESS = "0", "success"
    AUTHENTICATION = "-1", "Authentication error"
    IP_NOT_ALLOWED = "-2", "Restricted IP access"
    EXPIRED_TIMESTAMP = "-16", "Timestamp expires"
    PROVIDER_ERROR = "-18", "Port program unusual"
    DATA_EXISTS = "-20", "Data existing"
    DATA_INVALID = "-21", "Data validation exception"
    PARAMETER = "-22", "Parameter exception"
    DATA_CAPS = "-23", "Data caps"
    NOT_FOUND = "-24", "Data unexisting"
    NO_PRICE = "-26", "Getting fee faily"
    NO_NUMBERS = "-35", "No number called"
    TOO_MANY_TASKS = "-37", ("The group call task you submitted exceeds the maximum concurrent task limit. "
                             "Please complete the task before submitting again!")
    TTS_TEXT_AND_LANGUAGE = "-38", "Conversion text and language type are required"
    TTS_LANGUAGE_UNKNOWN = "-39", "Failed to obtain the text language type"
    NAME_EXISTS = "-41", "Task name already exists"
    TTS_DAILY_LIMIT = "-46", ("The maximum number of long text-to-speech conversions per day is 5. You have "
                              "used up all of them. Please contact the business department for processing.")
    NO_SMS_TRIGGER = "-53", "The trigger condition for the on-hook SMS must have one"
    INVALID_STATE = "-54", "Submitted task is invalid"


# Sending the same request later may work: a clock, a passing fault, a full account.
RETRYABLE_CODES = frozenset({Code.EXPIRED_TIMESTAMP, Code.PROVIDER_ERROR, Code.TOO_MANY_TASKS})
