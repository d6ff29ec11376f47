"""The provider's contract as a table (rules.FIELDS): complete, consistent, and what models, forms and checks use."""
import copy
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from campaigns import rules
from campaigns.contract_fields import form_field, verbose_name
from campaigns.models import CAMPAIGN_FIELD_FOR, Callee, Campaign, SmsTemplate, VoiceFile
from campaigns.rules import FIELDS, Kind

DATA = Path(__file__).parent / "data"
MODELS = {"Campaign": Campaign, "Callee": Callee, "SmsTemplate": SmsTemplate, "VoiceFile": VoiceFile}
STORED = [entry for entry in FIELDS.values() if entry.column and entry.kind not in (Kind.LIST,) and entry.name != "baseFile"]


def test_every_field_of_the_pages_example_body_is_in_the_table(example_body):
    assert example_body.keys() <= rules.KNOWN_FIELDS
    assert {name for callee in example_body["numberInfoList"] for name in callee} <= rules.CALLEE_FIELDS
    assert {name for window in example_body["allowSendTime"] for name in window} == rules.WINDOW_FIELDS
    assert rules.TEXT_FIELDS == tuple(f"text{i}" for i in range(1, 11))


def test_each_condition_names_fields_of_the_table_and_values_among_their_choices():
    for entry in FIELDS.values():
        if entry.when is not None:
            for name, value in entry.when.values.items():
                assert FIELDS[name].choices is not None and value in FIELDS[name].choices.values, entry.name
    assert FIELDS["text"].condition == "source == 3" and FIELDS["toSeatKey"].condition == "toSeat == 1 and toSeatType == 2"
    assert FIELDS["appId"].condition == "always" and FIELDS["accent"].condition == ""


def test_help_texts_have_every_limit_filled_in():
    for entry in FIELDS.values():
        assert not re.search(r"\{(min|max|min_length|max_length|default|unit)(:[^}]*)?\}", entry.help), entry.name
    assert FIELDS["loopCount"].help == "How many times the message plays: 1 to 9."
    assert FIELDS["smsContent"].help.startswith("Up to 1,000 characters. ${text1} to ${text10}")


@pytest.mark.parametrize("entry", STORED, ids=lambda entry: entry.name)
def test_every_model_field_mapped_from_the_table_takes_its_limits_choices_label_and_help(entry):
    column = MODELS[entry.model]._meta.get_field(entry.column)
    if column.get_internal_type() == "CharField":
        assert column.max_length == entry.max_length
    assert column.choices == (entry.choices.choices if entry.choices else None)
    if entry.min is not None and entry.kind != Kind.KEY:
        limits = {(type(v), v.limit_value) for v in column.validators if isinstance(v, (MinValueValidator,
                                                                                         MaxValueValidator))}
        assert {(MinValueValidator, entry.min), (MaxValueValidator, entry.max)} <= limits
    if entry.model == "Campaign":  # the other models say what the field means for them
        assert (column.verbose_name, column.help_text) == (verbose_name(entry), entry.help)
    if entry.default is not None:
        assert column.default == entry.default


def test_the_campaign_field_for_each_request_field_is_where_the_loader_puts_it():
    from campaigns.services import bodies

    assert {api: CAMPAIGN_FIELD_FOR[api] for api in bodies.SCALARS} == bodies.SCALARS
    assert set(bodies.SMS_FIELDS) == {name for name, entry in FIELDS.items() if entry.model == "SmsTemplate"}
    assert CAMPAIGN_FIELD_FOR["uploadName"] == "voice_file" and CAMPAIGN_FIELD_FOR["text3"] == "callee_list"


def test_a_models_validators_say_what_the_check_says():
    with pytest.raises(ValidationError) as refused:
        Campaign._meta.get_field("loop_count").run_validators(10)
    assert refused.value.messages == ["Times played must be between 1 and 9 times; it is 10."]
    with pytest.raises(ValidationError) as refused:
        Campaign(source=4).clean_fields(exclude=[f.name for f in Campaign._meta.fields if f.name != "source"])
    assert refused.value.message_dict == {"source": ["Value 4 is not a valid choice."]}


@pytest.mark.parametrize("name, value, message", [
    ("loopCount", 10, "Times played must be between 1 and 9 times; it is 10."),
    ("maxRingingTime", 19, "Maximum ringing time must be between 20 and 120 seconds; it is 19."),
    ("taskName", "x" * 65, "Task name must be 2 to 64 characters long; it has 65."),
    ("senderId", "x" * 33, "SMS sender ID is 33 characters long; the limit is 32."),
    ("source", "4", "Message source must be one of 1 (recorded file already on Laaffic), 2 (recorded file sent "
                     "with the task), 3 (text-to-speech); it is 4."),
])
def test_a_form_field_from_the_table_refuses_with_the_checks_words(name, value, message):
    field = form_field(name)
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    assert refused.value.messages == [message]
    assert field.label == FIELDS[name].label and field.help_text == FIELDS[name].help


def test_a_form_field_from_the_table_offers_its_choices_limits_and_default():
    assert form_field("toSeatType").choices == [(1, "After the message has played"), (2, "When the callee presses a key")]
    loops = form_field("loopCount")
    assert (loops.min_value, loops.max_value, loops.initial, loops.required) == (1, 9, 1, True)
    assert form_field("loopCount").widget.attrs == {"min": 1, "max": 9}
    assert form_field("text").required is False  # required for text-to-speech only: the form decides
    assert form_field("feedbackValue").clean("") is None


def test_text_to_speech_voices_are_found_by_either_tables_language_code():
    assert [(v.accent, v.accent_name) for v in rules.tts_voices("EN")] == [
        ("1", "United States"), ("44", "United Kingdom"), ("61", "Australia"), ("91", "India")]
    assert [v.language for v in rules.tts_voices("IN")] == ["HI"]  # Hindi is IN for `lan`, HI in the voice table
    assert rules.tts_voices("BAS")[0].genders == (rules.Gender.FEMALE,)
    assert rules.tts_voices("XX") == []


# The corpus: bodies from the rule tests and 500 random mutations of the page's example, with the
# problems the hand-written check gave them before the table (2bc361a). The table gives the same,
# with one label per choice and per field ("Send a hang-up SMS", "recorded file already on Laaffic").
CORPUS = json.loads((DATA / "rule_corpus.json").read_text())
TTS_MINIMAL = {"appId": "app1", "taskName": "ab", "source": 3, "text": "Hi", "lan": "EN",
               "loopCount": 1, "maxCalls": 1, "numberInfoList": [{"calleeNumber": "1234567"}]}


def test_the_table_driven_check_gives_the_problems_the_hand_written_one_gave(example_body):
    differ = []
    for number, case in enumerate(CORPUS["cases"]):
        body = copy.deepcopy(example_body if case["base"] == "example" else TTS_MINIMAL)
        for name, value in case["changes"].items():
            if value == CORPUS["delete"]:
                body.pop(name, None)
            else:
                body[name] = value
        problems = rules.check_body(body, now=datetime(2026, 11, 28, 12, tzinfo=timezone.utc),
                                    provider_tz=ZoneInfo("Asia/Shanghai"))
        found = sorted([p.field, p.message, p.code] for p in problems)
        if found != case["problems"]:
            differ.append((number, case["changes"], found, case["problems"]))
    assert len(CORPUS["cases"]) > 600 and differ == []
