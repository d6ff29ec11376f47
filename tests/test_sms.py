"""Counting an SMS's characters and parts (campaigns/sms.py): GSM-7 160/153, extension characters two, else UCS-2 70/67."""
import pytest

from campaigns.sms import GSM7, UCS2, sms_count


def test_an_empty_text_costs_no_sms():
    assert (sms_count("").units, sms_count("").parts) == (0, 0)


@pytest.mark.parametrize(("length", "parts"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)])
def test_gsm7_fits_160_in_one_sms_and_153_in_each_part_of_a_longer_one(length, parts):
    count = sms_count("a" * length)
    assert (count.encoding, count.units, count.parts) == (GSM7, length, parts)
    assert (count.single_limit, count.part_limit) == (160, 153)


@pytest.mark.parametrize("character", list("^{}\\[~]|€\f"))
def test_extension_characters_count_two_and_keep_gsm7(character):
    count = sms_count("Hi " + character)
    assert (count.encoding, count.units) == (GSM7, 5)


def test_eighty_euro_signs_fill_one_sms_and_eighty_one_need_two():
    assert (sms_count("€" * 80).units, sms_count("€" * 80).parts) == (160, 1)
    assert (sms_count("€" * 81).units, sms_count("€" * 81).parts) == (162, 2)


def test_an_escaped_character_is_not_cut_between_two_parts():
    # 152 letters then a euro sign: it takes the 153rd and a 154th septet, so it moves to part two.
    text = "a" * 152 + "€" + "b" * 10
    count = sms_count(text)
    assert count.units == 164
    assert count.parts == 2
    # Without moving it, 306 septets would fit two parts; moved, the last septet needs a third.
    assert sms_count("a" * 152 + "€" + "b" * 152).parts == 3


def test_accents_of_the_gsm_alphabet_keep_gsm7_but_others_switch_to_ucs2():
    assert sms_count("Héllo Ñoño, àéìòù ÄÖÜ äöü ß Ç").encoding == GSM7
    count = sms_count("Olá, João, ¿qué tal?")  # á and ã are not in the GSM alphabet
    assert (count.encoding, count.units, count.parts) == (UCS2, 20, 1)
    assert count.ucs2_characters == "áã"


@pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_fits_70_in_one_sms_and_67_in_each_part(length, parts):
    count = sms_count("ç" * length)
    assert (count.encoding, count.units, count.parts) == (UCS2, length, parts)
    assert (count.single_limit, count.part_limit) == (70, 67)


def test_an_emoji_takes_two_units_and_is_not_split():
    assert sms_count("🙂").units == 2
    count = sms_count("x" * 66 + "🙂" + "y")
    assert (count.units, count.parts) == (69, 1)
    count = sms_count("x" * 66 + "🙂" + "y" * 10)  # 78 units: the emoji cannot take unit 67 and 68 of part one
    assert count.parts == 2
    assert sms_count("x" * 66 + "🙂" + "y" * 66).parts == 3
