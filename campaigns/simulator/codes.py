"""Laaffic's task statuses, call statuses and status codes, as the simulator answers them.

Every provider status or code the simulator uses is named here and nowhere else in the
package, so pointing the simulator at the client's own enums is a change to this file only.
"""
from campaigns.rules import NAME_EXISTS, NO_NUMBERS, NO_SMS_TRIGGER, PARAMETER, TTS_TEXT_AND_LANGUAGE

# A task's `status` in voice/group/call/query (voice-api-reference.md §4).
WAITING, CALLING, FINISHED, CANCELLED = 0, 1, 2, 4
CANCELLABLE = (WAITING, CALLING)  # voice/group/call/cancel, §5.1
RESENDABLE = (FINISHED, CANCELLED)  # voice/group/call/resend, §6

# `resendType` of voice/group/call/resend (§6).
RESEND_ALL, RESEND_FAILED = 0, 1

# A call's `callStatus` in the status push (§7.4).
ANSWERED, BUSY, NO_PICK_UP, VOICEMAIL, OTHER = 50, 10, 20, 40, 60

# Status codes (group-call-send.txt; -24 and -54 as the cancel and resend pages restate them).
SUCCESS = "0"
AUTHENTICATION = "-1"
EXPIRED_TIMESTAMP = "-16"
DATA_EXISTS = "-20"
DATA_UNEXISTING = "-24"
INVALID_TASK = "-54"
# When a body has several problems, the provider's specific codes win over PARAMETER (-22).
CODE_PRIORITY = (NO_NUMBERS, NO_SMS_TRIGGER, NAME_EXISTS, TTS_TEXT_AND_LANGUAGE)

# taskName of voice/group/call/resend, as group-call-send.txt limits it on a send.
TASK_NAME_LENGTH = (2, 64)

__all__ = [
    "WAITING", "CALLING", "FINISHED", "CANCELLED", "CANCELLABLE", "RESENDABLE", "RESEND_ALL",
    "RESEND_FAILED", "ANSWERED", "BUSY", "NO_PICK_UP", "VOICEMAIL", "OTHER", "SUCCESS",
    "AUTHENTICATION", "EXPIRED_TIMESTAMP", "DATA_EXISTS", "PARAMETER", "DATA_UNEXISTING",
    "NO_NUMBERS", "NAME_EXISTS", "INVALID_TASK", "CODE_PRIORITY", "TASK_NAME_LENGTH",
]
