"""Laaffic's task statuses, call statuses and status codes, as the simulator answers them.

Taken from the client's enums (campaigns/laaffic/codes.py) and the contract table, so the
simulator and the site can never disagree about a status, a code or a limit.
"""
from campaigns.laaffic.codes import (
    CANCELLABLE_STATUSES, RESENDABLE_STATUSES, CallStatus, Code, ProviderStatus, ResendType,
)
from campaigns.rules import FIELDS

# A task's `status` in voice/group/call/query (voice-api-reference.md §4).
WAITING, CALLING, FINISHED, CANCELLED = (ProviderStatus.WAITING, ProviderStatus.CALLING,
                                         ProviderStatus.FINISHED, ProviderStatus.CANCELLED)
CANCELLABLE = tuple(sorted(CANCELLABLE_STATUSES))  # voice/group/call/cancel, §5.1
RESENDABLE = tuple(sorted(RESENDABLE_STATUSES))  # voice/group/call/resend, §6

# `resendType` of voice/group/call/resend (§6).
RESEND_ALL, RESEND_FAILED = ResendType.EVERYONE, ResendType.NOT_REACHED

# A call's `callStatus` in the status push (§7.4).
ANSWERED, BUSY, NO_PICK_UP, VOICEMAIL, OTHER = (CallStatus.ANSWERED, CallStatus.BUSY, CallStatus.NO_PICK_UP,
                                                CallStatus.VOICEMAIL, CallStatus.OTHER)

# Status codes (group-call-send.txt; -24 and -54 as the cancel and resend pages restate them).
SUCCESS, AUTHENTICATION, EXPIRED_TIMESTAMP = Code.SUCCESS, Code.AUTHENTICATION, Code.EXPIRED_TIMESTAMP
DATA_EXISTS, PARAMETER, DATA_UNEXISTING, INVALID_TASK = (Code.DATA_EXISTS, Code.PARAMETER, Code.NOT_FOUND,
                                                         Code.INVALID_STATE)
NO_NUMBERS, NAME_EXISTS = Code.NO_NUMBERS, Code.NAME_EXISTS
# When a body has several problems, the provider's specific codes win over PARAMETER (-22).
CODE_PRIORITY = (Code.NO_NUMBERS, Code.NO_SMS_TRIGGER, Code.NAME_EXISTS, Code.TTS_TEXT_AND_LANGUAGE)

# taskName of voice/group/call/resend, as group-call-send.txt limits it on a send.
TASK_NAME_LENGTH = (FIELDS["taskName"].min_length, FIELDS["taskName"].max_length)

__all__ = [
    "WAITING", "CALLING", "FINISHED", "CANCELLED", "CANCELLABLE", "RESENDABLE", "RESEND_ALL",
    "RESEND_FAILED", "ANSWERED", "BUSY", "NO_PICK_UP", "VOICEMAIL", "OTHER", "SUCCESS",
    "AUTHENTICATION", "EXPIRED_TIMESTAMP", "DATA_EXISTS", "PARAMETER", "DATA_UNEXISTING",
    "NO_NUMBERS", "NAME_EXISTS", "INVALID_TASK", "CODE_PRIORITY", "TASK_NAME_LENGTH",
]
