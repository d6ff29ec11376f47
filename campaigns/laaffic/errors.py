"""Laaffic's status codes, in words a marketing person can act on.

The codes and the provider's own texts are in codes.py; this is what each means and what to do.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from campaigns.laaffic.codes import RETRYABLE_CODES, Code

if TYPE_CHECKING:
    from campaigns.laaffic.client import Exchange

# The `msg` the provider's page gives for each code, as Laaffic writes it.
PROVIDER_TEXTS: dict[str, str] = {code: code.label for code in Code}

STATUS_MESSAGES: dict[str, str] = {
    Code.SUCCESS: "Laaffic accepted the request.",
    Code.AUTHENTICATION: "Laaffic did not accept the API key and secret. Check LAAFFIC_API_KEY and "
                         "LAAFFIC_API_SECRET with your administrator.",
    Code.IP_NOT_ALLOWED: "Laaffic refused this server's IP address. Ask your administrator to add it to the "
                         "IP allow-list in the Laaffic console.",
    Code.EXPIRED_TIMESTAMP: "Laaffic rejected the request's time stamp as expired. It will be tried again "
                            "automatically; if this keeps happening, ask your administrator to check the "
                            "server's clock.",
    Code.PROVIDER_ERROR: "Laaffic had an internal problem. It will be tried again automatically; if this "
                         "keeps happening, contact Laaffic support.",
    Code.DATA_EXISTS: "Laaffic already has this item (for example a voice file with the same name). "
                      "Rename it and try again.",
    Code.DATA_INVALID: "Laaffic found some of the data invalid. Check the campaign's settings and "
                       "callee list, then submit again.",
    Code.PARAMETER: "Laaffic rejected one of the campaign's settings. Check the fields, correct "
                    "them and submit again.",
    Code.DATA_CAPS: "Your Laaffic account has reached a data limit. Ask your Laaffic account "
                    "manager to raise it.",
    Code.NOT_FOUND: "Laaffic could not find the item this request refers to (for example a voice "
                    "file or a task). Check it still exists in the Laaffic console.",
    Code.NO_PRICE: "Laaffic could not work out the price of these calls. Check that the "
                   "destination countries are enabled on your account, or contact Laaffic support.",
    Code.NO_NUMBERS: "The campaign has no phone numbers to call. Add at least one callee and "
                     "submit again.",
    Code.TOO_MANY_TASKS: "Laaffic is already running as many group calls as your account allows. The "
                         "campaign will be sent again automatically when one finishes.",
    Code.TTS_TEXT_AND_LANGUAGE: "Text-to-speech needs both the text to speak and its language. Fill in both "
                                "and submit again.",
    Code.TTS_LANGUAGE_UNKNOWN: "Laaffic could not recognise the language of the text to speak. Pick another "
                               "language or check the text, then submit again.",
    Code.NAME_EXISTS: "Laaffic already has a task with this name. Rename the campaign and submit again.",
    Code.TTS_DAILY_LIMIT: "Today's 5 long text-to-speech conversions are used up. Submit again tomorrow, "
                          "shorten the text, or ask your Laaffic account manager for more.",
    Code.NO_SMS_TRIGGER: "A hang-up SMS needs at least one trigger. Turn on the SMS for a key press, an "
                         "answered call, a failed call or ringing, then submit again.",
    Code.INVALID_STATE: "Laaffic cannot do that to the task in its current state (for example cancel a "
                        "task that has already finished). Refresh the campaign's status and check it.",
}

# Where a code means something else on one endpoint (its path, as the client names it).
ENDPOINT_MESSAGES: dict[tuple[str, str], str] = {
    # A resend calls Laaffic's own copy of the first run's numbers: none were left to call.
    ("voice/group/call/resend", Code.NO_NUMBERS): "Laaffic found no numbers to call again in the first run, "
                                                  "so nothing was called. Delete this run.",
}


def describe_code(code, provider_msg: str | None = None, path: str = "") -> str:
    """A sentence saying what a provider status code means (answered to `path`) and what to do about it."""
    code = str(code)
    said = (provider_msg or "").strip()
    if code not in STATUS_MESSAGES:
        return f"Laaffic refused the request with code {code}: {said or 'no reason given'}"
    sentence = ENDPOINT_MESSAGES.get((path, code)) or STATUS_MESSAGES[code]
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
    def from_code(cls, code, provider_msg: str | None = None, path: str = "", **details) -> LaafficError:
        """The error for a status code the provider answered with (to the endpoint `path`)."""
        code = str(code)
        return cls(describe_code(code, provider_msg, path), code=code,
                   retryable=code in RETRYABLE_CODES, **details)

    def __repr__(self) -> str:
        return (f"LaafficError(code={self.code!r}, retryable={self.retryable}, "
                f"reached_provider={self.reached_provider}, timed_out={self.timed_out}, "
                f"http_status={self.http_status}, message={self.message!r})")
