"""Laaffic's statuses and codes, written once (campaigns/laaffic/codes.py) and read by models and messages."""
import pytest

from campaigns.laaffic.codes import (
    CANCELLABLE_STATUSES, FINAL_STATUSES, RESENDABLE_STATUSES, RETRYABLE_CODES, CallOutcome, CallStatus, Code,
    ProviderStatus,
)
from campaigns.laaffic.errors import PROVIDER_TEXTS, STATUS_MESSAGES, LaafficError
from campaigns.laaffic.records import CallRecord, outcome
from campaigns.models import CallRecord as CallRecordModel, Campaign


def test_every_code_has_the_providers_text_and_a_message_for_a_marketing_person():
    assert set(STATUS_MESSAGES) == set(Code) == set(PROVIDER_TEXTS)
    assert Code.NO_NUMBERS == "-35" and Code("-41") is Code.NAME_EXISTS and Code.EXPIRED_TIMESTAMP.label == "Timestamp expires"
    assert RETRYABLE_CODES == {"-16", "-18", "-37"}


def test_a_code_reads_the_same_as_the_text_the_provider_sends():
    assert LaafficError.from_code("-37").retryable and not LaafficError.from_code("-41").retryable
    assert LaafficError.from_code(-35).message == STATUS_MESSAGES[Code.NO_NUMBERS]
    assert {"-35": 1}[Code.NO_NUMBERS] == 1 and f"{Code.PARAMETER}" == "-22"


def test_a_code_can_mean_something_else_on_one_endpoint():
    resend = LaafficError.from_code("-35", "No number called", "voice/group/call/resend").message
    assert resend.startswith("Laaffic found no numbers to call again in the first run")
    assert LaafficError.from_code("-35", "No number called", "voice/group/call/send").message == (
        STATUS_MESSAGES[Code.NO_NUMBERS])


def test_task_statuses_and_their_sets():
    assert ProviderStatus.values == list(range(7))
    assert FINAL_STATUSES == {ProviderStatus.FINISHED, ProviderStatus.SUBMISSION_FAILED, ProviderStatus.CANCELLED}
    assert CANCELLABLE_STATUSES == {0, 1} and RESENDABLE_STATUSES == {2, 4}
    assert ProviderStatus.of(6).label == "Being set up" and ProviderStatus.of(7) is None
    assert ProviderStatus.of(True) is None  # JSON's true is no status


@pytest.mark.parametrize("status, expected", [
    (10, CallOutcome.BUSY), (20, CallOutcome.NO_ANSWER), (30, CallOutcome.NO_ANSWER), (40, CallOutcome.VOICEMAIL),
    (50, CallOutcome.ANSWERED), (60, CallOutcome.FAILED),
])
def test_each_call_status_means_one_outcome(status, expected):
    assert CallStatus(status).outcome is expected
    assert outcome(CallRecord(voice_id="1", call_status=status)) is expected


def test_models_take_their_choices_from_the_enums():
    assert Campaign._meta.get_field("provider_status").choices == ProviderStatus.choices
    assert CallRecordModel._meta.get_field("outcome").choices == CallOutcome.choices
    assert Campaign(provider_status=ProviderStatus.PAUSED).get_provider_status_display() == "Paused"
    assert Campaign.ProviderStatus is ProviderStatus and CallRecordModel.Outcome is CallOutcome
