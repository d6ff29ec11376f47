import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from campaigns.importers.phones import canonical, is_valid, normalize

COUNTRY_CODES = sorted(str(code) for code in COUNTRY_CODE_TO_REGION_CODE)


def library_canonical(digits):
    """What phonenumbers itself makes of +digits: country code + national number, or None."""
    try:
        number = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return f"{number.country_code}{phonenumbers.national_significant_number(number)}"


def example_numbers():
    """Each region's example numbers as international digits, for building valid-looking ones."""
    found = set()
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                found.add(f"{number.country_code}{phonenumbers.national_significant_number(number)}")
    return sorted(found)


@pytest.mark.parametrize("raw, digits", [
    ("+86 131 2345 6789", "8613123456789"),
    ("86-131-2345-6789", "8613123456789"),
    ("86.131.2345.6789", "8613123456789"),
    ("(86) 131 (2345) 6789", "8613123456789"),
    ("0086 131 2345 6789", "8613123456789"),
    ("  +44 7911 123456  ", "447911123456"),
    ("+1 (201) 555-0123", "12015550123"),
    ("447911123456", "447911123456"),
])
def test_normalize_removes_separators_plus_and_international_double_zero(raw, digits):
    assert normalize(raw) == (digits, "")


def test_normalize_drops_a_trunk_zero_written_after_the_country_code():
    assert normalize("+44 (0)20 7946 0000") == ("442079460000", "")


@pytest.mark.parametrize("raw", ["1-800-FLOWERS", "abc", "+86 131 2345 678x", "86 131 2345 6789 ext 5"])
def test_normalize_rejects_letters_instead_of_turning_them_into_keypad_digits(raw):
    digits, reason = normalize(raw)
    assert digits == ""
    assert "contains letters" in reason
    assert repr(raw) in reason


@pytest.mark.parametrize("raw", ["8.61380E+12", "8.6138E12", "8,61380E+12", "8.61380e+12"])
def test_normalize_rejects_scientific_notation_saying_digits_were_lost(raw):
    digits, reason = normalize(raw)
    assert digits == ""
    assert "scientific notation" in reason
    assert "lost digits" in reason


@pytest.mark.parametrize("raw, count", [("123456", 6), ("+1234 56", 6), ("1234567890123456", 16)])
def test_normalize_rejects_fewer_than_7_or_more_than_15_digits(raw, count):
    digits, reason = normalize(raw)
    assert digits == ""
    assert f"has {count} digits" in reason
    assert "7 to 15" in reason


@pytest.mark.parametrize("raw, says", [
    ("+44 7700 900123", "cannot exist for country code +44"),
    ("+999 1234 5678", "known country code"),
])
def test_normalize_rejects_a_number_its_country_code_cannot_have(raw, says):
    digits, reason = normalize(raw)
    assert digits == ""
    assert says in reason


@pytest.mark.parametrize("raw", ["", "   ", "\t"])
def test_normalize_rejects_an_empty_number(raw):
    assert normalize(raw) == ("", "The phone number is empty.")


@pytest.mark.parametrize("raw", ["+", "++86 131 2345 6789", "#8613123456789", "86/131*2345"])
def test_normalize_rejects_symbols_other_than_separators(raw):
    digits, reason = normalize(raw)
    assert digits == ""
    assert "not digits" in reason


def test_normalize_rejects_a_national_number_without_a_default_country():
    digits, reason = normalize("0912 345 678")
    assert digits == ""
    assert "without its country code" in reason
    assert "default country" in reason


def test_normalize_reads_a_national_number_with_the_default_country():
    assert normalize("0912 345 678", "TW") == ("886912345678", "")
    assert normalize("07911 123456", "GB") == ("447911123456", "")


def test_normalize_rejects_a_national_number_invalid_in_the_default_country():
    digits, reason = normalize("0912 345", "TW")
    assert digits == ""
    assert "not a valid phone number in TW" in reason


def test_normalize_keeps_an_international_number_when_a_default_country_is_picked():
    assert normalize("+44 7911 123456", "TW") == ("447911123456", "")
    assert normalize("0044 7911 123456", "TW") == ("447911123456", "")


def test_normalize_reads_a_national_number_missing_its_trunk_zero_with_the_default_country():
    # 912 345 678 would start with +91 (India) if read as international, where it is too short.
    assert normalize("912 345 678", "TW") == ("886912345678", "")


def test_normalize_reads_a_chinese_mobile_in_national_form_with_default_country_china():
    assert normalize("131 2345 6789", "CN") == ("8613123456789", "")


def test_normalize_reads_a_us_number_in_national_form_with_default_country_us():
    assert normalize("(201) 555-0123", "US") == ("12015550123", "")


@pytest.mark.parametrize("raw", ["4930123456.0", "+49 30 123456.0", "43123456789.0"])
def test_normalize_does_not_turn_a_trailing_float_zero_into_a_digit(raw):
    digits, _ = normalize(raw)
    assert digits in ("", raw.removesuffix(".0").replace(" ", "").lstrip("+"))


def test_canonical_and_is_valid_agree_on_known_numbers():
    assert canonical("8613123456789") == "8613123456789"
    assert is_valid("447911123456")
    assert canonical("447700900123") is None
    assert not is_valid("447700900123")
    assert canonical("99912345678") is None


@settings(max_examples=3 * settings.default.max_examples, deadline=None)
@given(code=st.sampled_from(COUNTRY_CODES), rest=st.text("0123456789", min_size=4, max_size=14))
def test_canonical_matches_phonenumbers_for_random_digits(code, rest):
    digits = (code + rest)[:15]
    assert canonical(digits) == library_canonical(digits)


@settings(max_examples=3 * settings.default.max_examples, deadline=None)
@given(example=st.sampled_from(example_numbers()), tail=st.text("0123456789", max_size=5),
       cut=st.integers(0, 5))
def test_canonical_matches_phonenumbers_near_each_countrys_example_numbers(example, tail, cut):
    # Random tails on real numbers hit valid ones far more often than random digits do.
    digits = (example[: len(example) - cut] + tail)[:15]
    assert canonical(digits) == library_canonical(digits)


@pytest.mark.parametrize("digits", [
    "5703211234567",  # +57 0 321 123 4567 (Colombia): parse keeps the 0 as an Italian leading zero
    "113101234",  # +1 1 310 1234 (Canada)
    "3758101234567",  # +375 8 10 1234567 (Belarus): parse strips 8 and 10 is left
])
def test_canonical_matches_phonenumbers_when_a_trunk_prefix_follows_the_country_code(digits):
    assert library_canonical(digits) is None
    assert canonical(digits) is None


def _written(example, separators, prefix):
    """An example number written with separators between its digits and an international prefix."""
    cuts = sorted(separators)
    parts, start = [], 0
    for cut, separator in cuts:
        parts.append(example[start:cut] + separator)
        start = cut
    return prefix + "".join(parts) + example[start:]


@settings(deadline=None, max_examples=3 * settings.default.max_examples)
@given(
    example=st.sampled_from(example_numbers()),
    separators=st.lists(st.tuples(st.integers(0, 15), st.sampled_from([" ", "-", "(", ")", "  ", "+", "0"])),
                        max_size=4),
    prefix=st.sampled_from(["", "+", "00", "(+", "0", "+0", " "]),
    region=st.sampled_from([None, "GB", "CN", "US"]),
)
def test_normalize_reads_a_separated_number_the_quick_way_as_it_does_the_long_way(example, separators, prefix,
                                                                                    region):
    raw = _written(example, separators, prefix)
    # A no-break space at the end is stripped, but sends the number the long way (not ASCII).
    assert normalize(raw, region) == normalize(raw + "\u00a0", region)
