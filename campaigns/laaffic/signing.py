"""Request signing for Laaffic's API (voice-api-reference.md §1.2)."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping

CONTENT_TYPE = "application/json;charset=UTF-8"
REDACTED = "[redacted]"
# The example credentials printed in the provider's docs; they sign nothing real.
DOC_API_KEY = "bDqJFiq9"
DOC_API_SECRET = "7bz1lzh9"


def sign(api_key: str, api_secret: str, timestamp: int | str) -> str:
    """The `Sign` header: lowercase hex MD5 of key + secret + timestamp (seconds)."""
    return hashlib.md5(f"{api_key}{api_secret}{timestamp}".encode()).hexdigest()


def auth_headers(api_key: str, api_secret: str, timestamp: int | str) -> dict[str, str]:
    """Every header a Laaffic API request needs, signed for `timestamp`."""
    return {
        "Content-Type": CONTENT_TYPE,
        "Api-Key": api_key,
        "Timestamp": str(timestamp),
        "Sign": sign(api_key, api_secret, timestamp),
    }


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of `headers` that is safe to log or store: the signature is hidden."""
    return {name: REDACTED if name.lower() == "sign" else value
            for name, value in headers.items()}
