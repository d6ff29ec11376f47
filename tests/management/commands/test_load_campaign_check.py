"""load_campaign: what `--check` accepts is exactly what loading stores, on SQLite and PostgreSQL."""
import copy
import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from campaigns import rules
from campaigns.models import Callee, Campaign, SmsTemplate, VoiceFile
from campaigns.services import bodies
from campaigns.services.campaigns import InvalidCampaign, campaign_load

pytestmark = pytest.mark.django_db
EXAMPLE = json.loads((Path(__file__).parents[2] / "data" / "group_call_example.json").read_text())
# Europe/Madrid skips 02:00-03:00 on 2099-03-29 and goes through 02:00-03:00 twice on 2099-10-25.
GAP, FOLD = "2099-03-29 02:30:00", "2099-10-25 02:30:00"


def test_every_column_a_body_value_lands_in_holds_what_the_rules_allow():
    columns = {
        **{api: Campaign._meta.get_field(field) for api, field in bodies.SCALARS.items()},
        **{api: SmsTemplate._meta.get_field(field) for api, field in bodies.SMS_FIELDS.items()},
        "voiceFileId": VoiceFile._meta.get_field("provider_file_id"),
        "uploadName": VoiceFile._meta.get_field("name"),
    }
    for api, column in columns.items():
        entry = rules.FIELDS[api]
        if entry.max_length is not None and column.max_length is not None:
            assert entry.max_length <= column.max_length, api
        if entry.kind == rules.Kind.INTEGER:
            low, high = connection.ops.integer_field_range(column.get_internal_type())
            lowest, highest = (entry.min, entry.max) if entry.choices is None else (min(entry.choices), max(entry.choices))
            assert low <= lowest and highest <= high, api
    assert Callee._meta.get_field("text1").max_length == rules.TEXT_MAX


def test_check_json_notes_which_of_two_equal_clock_times_is_sent(settings, tmp_path):
    settings.LAAFFIC_TIME_ZONE = "Europe/Madrid"
    path = tmp_path / "body.json"
    path.write_text(json.dumps(dict(EXAMPLE, sendTime=FOLD)))
    out = StringIO()
    call_command("load_campaign", str(path), "--check", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"valid": True, "task_name": EXAMPLE["taskName"], "notes": {"sendTime": [
        "02:30 on 2099-10-25 happens twice in Europe/Madrid (the clocks go back that night); the first one "
        "(summer time, +02:00) is sent."]}}
    path.write_text(json.dumps(dict(EXAMPLE, sendTime=GAP)))
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("load_campaign", str(path), "--json", stdout=out)
    assert "does not exist in Europe/Madrid" in json.loads(out.getvalue())["errors"]["sendTime"][0]
    assert not Campaign.objects.exists()


def test_loading_inline_audio_named_with_folders_stores_it_in_the_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    body = {k: v for k, v in EXAMPLE.items() if k not in ("text", "lan")}
    campaign = campaign_load(dict(body, source=2, uploadName="../../../etc/x.wav", baseFile="UklGRgAAAABXQVZF"))
    assert campaign.voice_file.name == "../../../etc/x.wav"
    assert Path(campaign.voice_file.audio.path).parent == tmp_path / "media" / "voice_files"


# Values on, just past or far past a limit, of the wrong type, or that a database cannot store.
NASTY_INTEGERS = st.one_of(
    st.sampled_from([-2**63, -2**31 - 1, -5, -1, 0, 1, 2, 3, 9, 10, 19, 20, 100, 101, 120, 121, 999, 1000, 9999,
                     10_000, 32_767, 32_768, 2**31 - 1, 2**31, 2**63, 10**30]),
    st.integers(),
)
NASTY_TEXTS = st.one_of(
    st.sampled_from(["", "0", "9", "x", "EN", "a.mp3", "hello.wav", "../../x.wav", "?????", "ab\x00c.wav", "\ud800",
                     "UklGRg==", "not base64", GAP, FOLD, "2099-06-21 00:00:00", "9999-12-31 23:59:59"]),
    st.sampled_from([4, 5, 16, 17, 20, 21, 30, 31, 32, 33, 64, 65, 128, 129, 1000, 1001]).map(lambda n: "7" * n),
    st.text(max_size=40),
)
NASTY_OTHERS = st.one_of(
    st.none(), st.booleans(), st.floats(), st.sampled_from([0.25, 4, 4.01, float("nan"), float("inf"), 1e308]),
    st.lists(st.integers(0, 9), max_size=2),
    st.dictionaries(st.sampled_from(["strTime", "a"]), st.integers(), max_size=2),
)
TOP_FIELDS = sorted(rules.KNOWN_FIELDS - {"numberInfoList"})
CALLEE_FIELDS = sorted(rules.CALLEE_FIELDS)


def nasty(draw, name):
    """Mostly a value of the field's own type (limits are found there), else anything."""
    typed = NASTY_INTEGERS if rules.FIELDS[name].kind == rules.Kind.INTEGER else NASTY_TEXTS
    return draw(st.one_of(typed, typed, typed, NASTY_INTEGERS, NASTY_TEXTS, NASTY_OTHERS))


@st.composite
def mutated_bodies(draw):
    body = copy.deepcopy(EXAMPLE)
    # The switches first, so that fields they make optional are reached too.
    for switch, choices in (("toSeat", [0, 1]), ("hangUpSms", [0, 1]), ("source", [1, 2, 3])):
        body[switch] = draw(st.sampled_from([body[switch], *choices]))
    for name in draw(st.lists(st.sampled_from(TOP_FIELDS), min_size=1, max_size=3, unique=True)):
        if draw(st.integers(0, 5)) == 0:
            body.pop(name, None)
        else:
            body[name] = nasty(draw, name)
    if draw(st.booleans()):
        name = draw(st.sampled_from(CALLEE_FIELDS))
        body["numberInfoList"][0][name] = nasty(draw, name)
    return body


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=mutated_bodies())
def test_check_says_valid_exactly_when_loading_succeeds(body, settings):
    settings.LAAFFIC_TIME_ZONE = "Europe/Madrid"
    with tempfile.TemporaryDirectory() as folder:
        settings.MEDIA_ROOT = folder
        path = Path(folder) / "body.json"
        path.write_text(json.dumps(body))  # ASCII with escapes: a lone surrogate is valid JSON
        out = StringIO()
        try:
            call_command("load_campaign", str(path), "--check", "--json", stdout=out)
        except SystemExit:
            pass
        checked = json.loads(out.getvalue())
        with transaction.atomic():
            try:
                campaign_load(json.loads(path.read_text()))
                loaded = True
            except InvalidCampaign as invalid:
                loaded = False
                assert invalid.errors == checked["errors"]
            transaction.set_rollback(True)
    assert checked["valid"] is loaded, checked
