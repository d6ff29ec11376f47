"""How many SMS a text costs: its encoding, its length as the network counts it, and its parts.

Pure: a text in, a count out. GSM 03.38: a text made only of the GSM-7 alphabet is sent 7 bits a
character, 160 to one SMS or 153 to each part of a longer one (the rest of a part carries the header
that joins them); the characters of its extension table take two (an escape, then the character).
Any other character sends the whole text as UCS-2: 70 to one SMS, or 67 to each part, counted in
UTF-16 units (an emoji takes two). A part never splits an escaped character or an emoji.
"""
from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7, UCS2 = "GSM-7", "UCS-2"
# Units in one SMS, and in each part of a text sent as several.
SINGLE = {GSM7: 160, UCS2: 70}
PER_PART = {GSM7: 153, UCS2: 67}


@dataclass(frozen=True)
class SmsCount:
    encoding: str  # GSM7 or UCS2
    units: int  # septets for GSM-7, UTF-16 units for UCS-2
    parts: int
    single_limit: int  # units that fit one SMS in this encoding
    part_limit: int  # units in each part once it is split
    ucs2_characters: str = ""  # the characters that made it UCS-2, each once, in order


def unit_sizes(text: str) -> tuple[str, list[int]]:
    """The text's encoding and the units each character takes in it."""
    others = [c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION]
    if not others:
        return GSM7, [2 if c in GSM7_EXTENSION else 1 for c in text]
    return UCS2, [2 if ord(c) > 0xFFFF else 1 for c in text]


def sms_count(text: str) -> SmsCount:
    """The encoding, length and number of SMS parts of `text` (an empty text costs none)."""
    encoding, sizes = unit_sizes(text)
    units = sum(sizes)
    single, per_part = SINGLE[encoding], PER_PART[encoding]
    if units == 0:
        parts = 0
    elif units <= single:
        parts = 1
    else:
        parts, used = 1, 0
        for size in sizes:
            if used + size > per_part:  # a character is never cut between two parts
                parts, used = parts + 1, 0
            used += size
    others = "" if encoding == GSM7 else "".join(
        dict.fromkeys(c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION))
    return SmsCount(encoding, units, parts, single, per_part, others)
