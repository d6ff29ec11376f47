"""Phone numbers as typed by humans or mangled by spreadsheets -> the API's digits.

`phonenumbers.parse` + `is_valid_number` costs about 60 µs a number; a 100,000-row
list cannot afford that. So the library's metadata is compiled once per country
code into the same checks `is_valid_number` makes (general pattern and lengths,
then any number type), and `parse` is only used for national-form numbers when
the uploader picked a default country.
"""
from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, REGION_CODE_FOR_NON_GEO_ENTITY

from .. import rules

_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+")
_SEPARATORS = re.compile(r"[\s\-.()\[\]/\u00a0\u2010-\u2015]")
_DIGITS = re.compile(r"[0-9]+")
_LETTER = re.compile(r"[^\W\d_]")
_PLAIN = re.compile(r"(\+|00)?([1-9][0-9]{6,14})")
# Mobile first: campaign lists are mostly mobiles, and any one type makes a number valid.
_TYPES = ("mobile", "fixed_line", "toll_free", "premium_rate", "shared_cost", "personal_number",
          "voip", "pager", "uan", "voicemail")

NO_COUNTRY = ("starts with 0, so it is written without its country code. Pick the default country "
              "for the file (in the import preview, or --country on the command line), or write it "
              "with the country code (e.g. +44 20 7946 0000).")


def normalize(raw: str, default_region: str | None = None) -> tuple[str, str]:
    """(digits, "") for a usable number, or ("", reason) for one to reject."""
    plain = _PLAIN.fullmatch(raw)  # the common case: digits, perhaps after + or 00
    if plain:
        valid = canonical(plain[2])
        if valid is not None and len(valid) <= 15:
            return valid, ""
    text = raw.strip()
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
    if not international and digits.startswith("0"):
        if default_region is None:
            return "", f"{text!r} {NO_COUNTRY}"
        return _national(text, digits, default_region)
    problem = rules.callee_number_problem(digits)
    if problem:
        return "", problem
    valid = canonical(digits)
    if valid is None or len(valid) > 15:
        if default_region is not None and not international:
            national, _ = _national(text, digits, default_region)
            if national:
                return national, ""
        return "", _invalid_reason(text, digits)
    return valid, ""


def _national(text: str, digits: str, region: str) -> tuple[str, str]:
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
    """
    code = country_code(digits)
    if code is None:
        return None
    prefix, national = digits[: len(str(code))], digits[len(str(code)):]
    if _is_valid(code, national):
        return digits
    for trunk in _trunk_prefixes(code):
        if national.startswith(trunk) and _is_valid(code, national[len(trunk):]):
            return prefix + national[len(trunk):]
    # Rare rewrites (some countries' numbers gain digits when parsed): ask the library.
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
    size = len(national)
    for leading, general_lengths, general, types in _compiled(code):
        valid = ((not general_lengths or size in general_lengths) and general.fullmatch(national) is not None
                 and any((not lengths or size in lengths) and pattern.fullmatch(national) is not None
                         for lengths, pattern in types))
        if valid or (leading is not None and leading.match(national)):
            return valid
    return False


def _regions(code: int) -> tuple[str, ...]:
    return COUNTRY_CODE_TO_REGION_CODE[code]


@lru_cache(maxsize=None)
def _trunk_prefixes(code: int) -> tuple[str, ...]:
    prefixes = {_metadata(code, region).national_prefix for region in _regions(code)}
    return tuple(p for p in prefixes - {None, ""})


def _metadata(code: int, region: str):
    if region == REGION_CODE_FOR_NON_GEO_ENTITY:
        return PhoneMetadata.metadata_for_nongeo_region(code)
    return PhoneMetadata.metadata_for_region(region)


@lru_cache(maxsize=None)
def _compiled(code: int):
    """Per region of a country code: (leading digits, general lengths and pattern, [type checks])."""
    compiled = []
    for region in _regions(code):
        metadata = _metadata(code, region)
        if metadata is None or metadata.general_desc.national_number_pattern is None:
            continue
        leading = re.compile(metadata.leading_digits) if metadata.leading_digits else None
        types = [_desc(desc) for desc in (getattr(metadata, name) for name in _TYPES)
                 if desc is not None and desc.national_number_pattern is not None]
        compiled.append((leading, *_desc(metadata.general_desc), types))
    return compiled


def _desc(desc):
    return frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern)
