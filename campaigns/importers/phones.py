"""Phone numbers as typed by humans or mangled by spreadsheets -> the API's digits.

`phonenumbers.parse` + `is_valid_number` costs about 60 µs a number; a 100,000-row
list cannot afford that. So the library's metadata is compiled once per country
code into the same checks `is_valid_number` makes (general pattern and lengths,
then any number type), and `parse` is only used for national-form numbers when
the uploader picked a default country.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, REGION_CODE_FOR_NON_GEO_ENTITY

from .. import rules

_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+")
_SEPARATORS = re.compile(r"[\s\-.()\[\]/\u00a0\u2010-\u2015]")
_DIGITS = re.compile(r"[0-9]+")
_LETTER = re.compile(r"[^\W\d_]")
_FLOAT_TAIL = re.compile(r"(?<=[0-9])\.0+$")
# Only the shape worth trying the fast path on; the API's own rule is rules.callee_number_problem.
_PLAIN = re.compile(r"(\+|00)?([1-9][0-9]{6,14})")
# Mobile first: campaign lists are mostly mobiles, and any one type makes a number valid.
_TYPES = ("mobile", "fixed_line", "toll_free", "premium_rate", "shared_cost", "personal_number",
          "voip", "pager", "uan", "voicemail")

NO_COUNTRY = ("starts with 0, so it is written without its country code. Pick the default country "
              "for the file (in the import preview, or --country on the command line), or write it "
              "with the country code (e.g. +44 20 7946 0000).")


def normalize(raw: str, default_region: str | None = None) -> tuple[str, str]:
    """(digits, "") for a usable number, or ("", reason) for one to reject.

    With a default country, a number written without + or 00 is read in that
    country first (0912 345 678, or 131 2345 6789 in China), then as international.
    """
    plain = _PLAIN.fullmatch(raw)  # the common case: digits, perhaps after + or 00
    if plain is None and raw.isascii() and "." not in raw:
        # The next most common: +86 138 0013 8000, (0044) 7400-123456. What the long way below does
        # to them comes to the same; a dot may be a float's ".0", so it takes the long way.
        plain = _PLAIN.fullmatch(_SEPARATORS.sub("", raw))
    if plain and (default_region is None or plain[1]):
        valid = canonical(plain[2])
        # As written, it has the API's 7 to 15 digits already (_PLAIN); rewritten, it is checked again.
        if valid is not None and (valid == plain[2] or not rules.callee_number_problem(valid)):
            return valid, ""
    # Full-width digits, Excel's text marker and a float's ".0" are how numbers get mangled.
    text = _FLOAT_TAIL.sub("", unicodedata.normalize("NFKC", raw).strip().removeprefix("'"))
    if not text:
        return "", "The phone number is empty."
    if _SCIENTIFIC.fullmatch(text):
        return "", (f"{text!r} is in scientific notation, so the spreadsheet has lost digits. "
                    "Format the column as text and export the file again.")
    if _LETTER.search(text):
        return "", f"{text!r} contains letters; a phone number has only digits."
    digits = _SEPARATORS.sub("", text)
    international = False
    if digits.startswith("+"):
        digits, international = digits[1:], True
    elif digits.startswith("00"):
        digits, international = digits[2:], True
    if not _DIGITS.fullmatch(digits):
        return "", f"{text!r} contains characters that are not digits, spaces, dashes, dots or brackets."
    if not international and default_region is not None:
        national, reason = _national(text, digits, default_region)
        if national or digits.startswith("0"):
            return national, reason
    elif not international and digits.startswith("0"):
        return "", f"{text!r} {NO_COUNTRY}"
    problem = rules.callee_number_problem(digits)
    if problem:
        return "", problem
    valid = canonical(digits)
    if valid is None or rules.callee_number_problem(valid):
        return "", _invalid_reason(text, digits)
    return valid, ""


def number_problem(digits: str) -> str | None:
    """Why a number in the API's digits form is not the number an import would store, or None.

    A body's numbers are not rewritten: one written another way (0034..., a 0 after the
    country code) would be called as written and miss its do-not-call entry.
    """
    stored, reason = normalize(digits)
    if reason:
        return reason
    if stored != digits:
        return (f"Phone number {digits!r} is written another way than the import stores it: write it as "
                f"{stored} (country code first, no 00 in front, no 0 after the country code).")
    return None


def _national(text: str, digits: str, region: str) -> tuple[str, str]:
    """The number read as written in `region` (trunk prefix and all), or why it is not valid there."""
    code = phonenumbers.country_code_for_region(region)
    prefix = _metadata(code, region).national_prefix if code else None
    national = digits[len(prefix):] if prefix and digits.startswith(prefix) else digits
    if code and _is_valid(code, national):
        full = f"{code}{national}"
    else:
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            return "", f"{text!r} is not a valid phone number in {region} (the default country picked)."
        full = f"{number.country_code}{phonenumbers.national_significant_number(number)}"
    problem = rules.callee_number_problem(full)
    return ("", problem) if problem else (full, "")


def _invalid_reason(text: str, digits: str) -> str:
    code = country_code(digits)
    if code is None:
        return f"{text!r} does not start with a known country code."
    return f"{text!r} cannot exist for country code +{code} ({', '.join(_regions(code))})."


_CODES = {str(code): code for code in COUNTRY_CODE_TO_REGION_CODE}


def country_code(digits: str) -> int | None:
    """The leading country code of an international number (codes are prefix-free)."""
    return _CODES.get(digits[:1]) or _CODES.get(digits[:2]) or _CODES.get(digits[:3])


def canonical(digits: str) -> str | None:
    """Country code + national number for a number `is_valid_number` accepts, else None.

    Like `parse`, a national prefix written after the country code (+44 (0)20 ...) is dropped.
    Numbers the compiled check accepts as written never reach the (slow) library call.
    """
    code = country_code(digits)
    if code is None:
        return None
    national = digits[len(str(code)):]
    trunk = _trunk_prefix(code).match(national)
    if not (trunk and trunk.end()) and _is_valid(code, national):
        return digits
    # A national prefix after the country code (+44 (0)20 ...) and the rare numbers that
    # gain digits when parsed: the library's own rules decide.
    try:
        number = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return f"{number.country_code}{phonenumbers.national_significant_number(number)}"
    return None


def is_valid(digits: str) -> bool:
    return canonical(digits) is not None


def _is_valid(code: int, national: str) -> bool:
    for leading, valid_number in _compiled(code):
        valid = valid_number.fullmatch(national) is not None
        if valid or (leading is not None and leading.match(national)):
            return valid
    return False


def _regions(code: int) -> tuple[str, ...]:
    return COUNTRY_CODE_TO_REGION_CODE[code]


@lru_cache(maxsize=None)
def _trunk_prefix(code: int) -> re.Pattern:
    """What `parse` would strip as a national prefix after this country code (then it decides)."""
    patterns = {m.national_prefix_for_parsing or m.national_prefix
                for m in (_metadata(code, region) for region in _regions(code)) if m is not None}
    patterns = sorted(p for p in patterns if p)
    return re.compile("|".join(f"(?:{p})" for p in patterns) if patterns else "(?!)")


def _metadata(code: int, region: str):
    if region == REGION_CODE_FOR_NON_GEO_ENTITY:
        return PhoneMetadata.metadata_for_nongeo_region(code)
    return PhoneMetadata.metadata_for_region(region)


@lru_cache(maxsize=None)
def _compiled(code: int):
    """Per region of a country code: (leading digits, one pattern for what `is_valid_number` checks).

    The pattern holds the general lengths and pattern, then each number type's lengths and pattern
    as alternatives: one match a number instead of a loop of them (a third of an import's check).
    """
    compiled = []
    for region in _regions(code):
        metadata = _metadata(code, region)
        if metadata is None or metadata.general_desc.national_number_pattern is None:
            continue
        leading = re.compile(metadata.leading_digits) if metadata.leading_digits else None
        types = [_desc(desc) for desc in (getattr(metadata, name) for name in _TYPES)
                 if desc is not None and desc.national_number_pattern is not None]
        general = f"(?={_desc(metadata.general_desc)}\\Z)"
        compiled.append((leading, re.compile(general + "(?:" + ("|".join(types) or "(?!)") + ")")))
    return compiled


def _desc(desc) -> str:
    """A number description as a pattern: its possible lengths (if it lists any), then its pattern."""
    lengths = sorted(set(desc.possible_length or ()))
    if not lengths:
        return f"(?:{desc.national_number_pattern})"
    ok = [n for n in lengths if n >= 0]
    if not ok:
        return "(?!)"
    return "(?=(?:" + "|".join(f".{{{n}}}" for n in ok) + ")\\Z)" + f"(?:{desc.national_number_pattern})"
