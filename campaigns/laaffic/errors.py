"""Laaffic's status codes, in words a marketing person can act on.

Codes and the provider's own texts come from group-call-send.txt; -54 comes from
the cancel page (voice-api-reference.md §5.1), whose text is known only as restated.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from campaigns.laaffic.client import Exchange

# The `msg` the provider's page gives for each code, as Laaffic writes it.
PROVIDER_TEXTS: dict[str, str] = {
    "0": "success",
    "-1": "Authentication error",
    "-2": "Restricted IP access",
    "-16": "Timestamp expires",
    "-18": "Port program unusual",
    "-20": "Data existing",
    "-21": "Data validation exception",
    "-22": "Parameter exception",
    "-23": "Data caps",
    "-24": "Data unexisting",
    "-26": "Getting fee faily",
    "-35": "No number called",
    "-37": "The group call task you submitted exceeds the maximum concurrent task limit. "
           "Please complete the task before submitting again!",
    "-38": "Conversion text and language type are required",
    "-39": "Failed to obtain the text language type",
    "-41": "Task name already exists",
    "-46": "The maximum number of long text-to-speech conversions per day is 5. You have "
           "used up all of them. Please contact the business department for processing.",
    "-53": "The trigger condition for the on-hook SMS must have one",
    "-54": "Submitted task is invalid",
}

STATUS_MESSAGES: dict[str, str] = {
    "0": "Laaffic accepted the request.",
    "-1": "Laaffic did not accept the API key and secret. Check LAAFFIC_API_KEY and "
          "LAAFFIC_API_SECRET with your administrator.",
    "-2": "Laaffic refused this server's IP address. Ask your administrator to add it to the "
          "IP allow-list in the Laaffic console.",
    "-16": "Laaffic rejected the request's time stamp as expired. It will be tried again "
           "automatically; if this keeps happening, ask your administrator to check the "
           "server's clock.",
    "-18": "Laaffic had an internal problem. It will be tried again automatically; if this "
           "keeps happening, contact Laaffic support.",
    "-20": "Laaffic already has this item (for example a voice file with the same name). "
           "Rename it and try again.",
    "-21": "Laaffic found some of the data invalid. Check the campaign's settings and "
           "callee list, then submit again.",
    "-22": "Laaffic rejected one of the campaign's settings. Check the fields, correct "
           "them and submit again.",
    "-23": "Your Laaffic account has reached a data limit. Ask your Laaffic account "
           "manager to raise it.",
    "-24": "Laaffic could not find the item this request refers to (for example a voice "
           "file or a task). Check it still exists in the Laaffic console.",
    "-26": "Laaffic could not work out the price of these calls. Check that the "
           "destination countries are enabled on your account, or contact Laaffic support.",
    "-35": "The campaign has no phone numbers to call. Add at least one callee and "
           "submit again.",
    "-37": "Laaffic is already running as many group calls as your account allows. The "
           "campaign will be sent again automatically when one finishes.",
    "-38": "Text-to-speech needs both the text to speak and its language. Fill in both "
           "and submit again.",
    "-39": "Laaffic could not recognise the language of the text to speak. Pick another "
           "language or check the text, then submit again.",
    "-41": "Laaffic already has a task with this name. Rename the campaign and submit again.",
    "-46": "Today's 5 long text-to-speech conversions are used up. Submit again tomorrow, "
           "shorten the text, or ask your Laaffic account manager for more.",
    "-53": "A hang-up SMS needs at least one trigger. Turn on the SMS for a key press, an "
           "answered call, a failed call or ringing, then submit again.",
    "-54": "Laaffic cannot do that to the task in its current state (for example cancel a "
           "task that has already finished). Refresh the campaign's status and check it.",
}

RETRYABLE_CODES = {"-16", "-18", "-37"}


def describe_code(code, provider_msg: str | None = None) -> str:
    """A sentence saying what a provider status code means and what to do about it."""
    code = str(code)
    said = (provider_msg or "").strip()
    if code not in STATUS_MESSAGES:
        return f"Laaffic refused the request with code {code}: {said or 'no reason given'}"
    sentence = STATUS_MESSAGES[code]
    if said and said.casefold() not in (PROVIDER_TEXTS[code].casefold(), "success"):
        sentence += f' (Laaffic said: "{said}")'
    return sentence


class LaafficError(Exception):
    """A request to Laaffic that did not succeed.

    `retryable` says whether sending the same request later may work.
    `reached_provider` is False only when nothing can have reached Laaffic, and
    `timed_out` marks a request that went out but got no answer: the provider
    may have acted on it, so it must not be sent again blindly.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        retryable: bool = False,
        reached_provider: bool = True,
        timed_out: bool = False,
        http_status: int | None = None,
        exchange: Exchange | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable
        self.reached_provider = reached_provider
        self.timed_out = timed_out
        self.http_status = http_status
        self.exchange = exchange

    @classmethod
    def from_code(cls, code, provider_msg: str | None = None, **details) -> LaafficError:
        """The error for a status code the provider answered with."""
        code = str(code)
        return cls(describe_code(code, provider_msg), code=code,
                   retryable=code in RETRYABLE_CODES, **details)

    def __repr__(self) -> str:
        return (f"LaafficError(code={self.code!r}, retryable={self.retryable}, "
                f"reached_provider={self.reached_provider}, timed_out={self.timed_out}, "
                f"http_status={self.http_status}, message={self.message!r})")
