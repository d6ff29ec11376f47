"""A callee list checked where it is stored (bodies.stored_callees) finds exactly what the rules find in
the full numberInfoList: the same problems, messages and positions, from a query that reads only the
callees that may break a rule."""
import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import rules
from campaigns.models import Callee, CalleeList, SuppressedNumber
from campaigns.services import bodies
from campaigns.services.campaigns import campaign_problems
from campaigns.studio import builder
from tests.factories import CampaignFactory, SmsTemplateFactory

pytestmark = pytest.mark.django_db


def problems_of(callees, required_texts):
    """The rules' verdict on a body holding only these callees and an SMS using `required_texts`."""
    from datetime import datetime, timezone

    body = {"hangUpSms": rules.YesNo.YES, "ringPush": rules.YesNo.YES,
            "smsContent": " ".join(f"${{{name}}}" for name in required_texts) or "Hello",
            "numberInfoList": callees}
    return [p for p in rules.check_body(body, now=datetime(2026, 1, 1, tzinfo=timezone.utc),
                                        provider_tz=timezone.utc)
            if p.field.startswith("numberInfoList")]


def both_ways(callee_list, required_texts):
    full = problems_of(bodies.callee_entries(callee_list.pk), required_texts)
    stored = problems_of(bodies.stored_callees(callee_list.pk), required_texts)
    return full, stored


# Numbers and texts around every rule of a callee: PostgreSQL refuses NUL and what is longer than its
# column, SQLite keeps both (and the rules must then find them).
SQLITE = connection.vendor == "sqlite"
NUMBERS = st.one_of(
    st.from_regex(r"[1-9][0-9]{6,14}", fullmatch=True),
    st.sampled_from(["123", "+8613800000001", "86 1380000", "", "8613x00000001", "٣٣٣٣٣٣٣٣"]),
    *([st.sampled_from(["1234567890123456789", "8613800000001\x00", "\x008613800000001"])] if SQLITE else []),
)
TEXTS = st.one_of(
    st.sampled_from(["", "Ann", " ", "\t", "\u3000", "\xa0Ann", " Ann ", "Álvaro", "カタカナ", "x" * 30, "\u2029"]),
    st.text(max_size=30),
    *([st.sampled_from(["x" * 31, "é" * 40, "a\x00b", "\x00"])] if SQLITE else []),
    st.text(alphabet=rules.BLANK_CHARACTERS + "a", max_size=4),
).filter(lambda text: "\x00" not in text or SQLITE).filter(lambda text: not any(
    "\ud800" <= ch <= "\udfff" for ch in text))
ROWS = st.lists(st.fixed_dictionaries({"number": NUMBERS, "text1": TEXTS, "text2": TEXTS, "text9": TEXTS,
                                       "suppressed": st.booleans()}),
                max_size=12, unique_by=lambda row: row["number"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(rows=ROWS, required=st.lists(st.sampled_from(["text1", "text2", "text9"]), unique=True))
def test_the_stored_check_agrees_with_the_full_one_on_any_list(rows, required, monkeypatch):
    monkeypatch.setattr(rules, "MAX_CALLEE_PROBLEMS", 3)  # past 3 problems the rest are counted
    with transaction.atomic():  # each example on its own: nothing is left for the next one
        callee_list = CalleeList.objects.create(name="Generated")
        Callee.objects.bulk_create(Callee(callee_list=callee_list, number=row["number"], text1=row["text1"],
                                          text2=row["text2"], text9=row["text9"]) for row in rows)
        SuppressedNumber.objects.bulk_create(SuppressedNumber(number=row["number"]) for row in rows
                                             if row["suppressed"])
        full, stored = both_ways(callee_list, required)
        transaction.set_rollback(True)
    assert stored == full


def test_positions_count_the_callees_called_and_name_each_by_number():
    callee_list = CalleeList.objects.create(name="Positions")
    for number, name in [("8613800000001", "Ann"), ("8613800000002", "Bo"), ("8613800000003", " "),
                         ("8613800000004", ""), ("86138", "Cy")]:
        Callee.objects.create(callee_list=callee_list, number=number, text1=name)
    SuppressedNumber.objects.create(number="8613800000002")  # left out: the next ones move up
    full, stored = both_ways(callee_list, ["text1"])
    assert stored == full == [
        rules.Problem("numberInfoList[1].text1", "Text 1 is empty for 8613800000003, but the SMS text uses "
                                                 "${text1}; fill it in."),
        rules.Problem("numberInfoList[2].text1", "Text 1 is empty for 8613800000004, but the SMS text uses "
                                                 "${text1}; fill it in."),
        rules.Problem("numberInfoList[3].calleeNumber", "Phone number '86138' has 5 digits; it needs 7 to 15, "
                                                        "country code included."),
    ]


def test_past_the_listed_problems_the_rest_are_counted_and_a_clean_list_reads_no_callee(
        django_assert_num_queries):
    callee_list = CalleeList.objects.create(name="Many blanks")
    Callee.objects.bulk_create(Callee(callee_list=callee_list, number=f"86138{i:08d}", text1="" if i % 2 else "A")
                               for i in range(300))
    with django_assert_num_queries(2):  # the first that break a rule and how many, their positions
        stored = problems_of(bodies.stored_callees(callee_list.pk, 300), ["text1"])
    assert stored == problems_of(bodies.callee_entries(callee_list.pk), ["text1"])
    assert stored[-1].message == "150 callees have problems; only the first 100 are listed."
    clean = CalleeList.objects.create(name="Clean")
    Callee.objects.bulk_create(Callee(callee_list=clean, number=f"86139{i:08d}", text1="A") for i in range(300))
    with django_assert_num_queries(2):  # how many, and the first that break a rule (none)
        assert problems_of(bodies.stored_callees(clean.pk), ["text1"]) == []


def test_a_step_finds_what_the_full_check_finds_and_submitting_still_reads_every_callee():
    campaign = CampaignFactory(callees=0, hang_up_sms=1, sms_on_ring=1,
                               sms_template=SmsTemplateFactory(content="Hi ${text1}"))
    Callee.objects.create(callee_list=campaign.callee_list, number="8613800000001", text1="Ann")
    Callee.objects.create(callee_list=campaign.callee_list, number="8613800000002", text1="")
    expected = [p for p in campaign_problems(campaign) if builder.step_of(p.field) is builder.SMS]
    assert expected == [rules.Problem("numberInfoList[1].text1", "Text 1 is empty for 8613800000002, but the "
                                                                 "SMS text uses ${text1}; fill it in.")]
    assert builder.step_problems(campaign, builder.SMS) == expected
    assert isinstance(bodies.campaign_body(campaign)["numberInfoList"], list)  # what is sent: every entry


def test_blank_characters_are_every_character_strip_removes():
    assert set(rules.BLANK_CHARACTERS) == {chr(i) for i in range(0x110000) if chr(i).isspace()}
