import factory

from campaigns.models import Callee, CalleeList, Campaign, SmsTemplate
from campaigns.services import imports


class CalleeListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalleeList

    name = factory.Sequence(lambda n: f"List {n}")


class CalleeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Callee

    callee_list = factory.SubFactory(CalleeListFactory)
    number = factory.Sequence(lambda n: f"86130{n:08d}")
    text1 = factory.Sequence(lambda n: f"Name {n}")


class SmsTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SmsTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    sms_app_id = "smsApp01"
    content = "Hi ${text1}, thanks for your time."


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    task_name = factory.Sequence(lambda n: f"Campaign {n}")
    app_id = "voiceApp1"
    callee_list = factory.SubFactory(CalleeListFactory)
    source = Campaign.Source.TEXT_TO_SPEECH
    tts_text = "Hello from the campaign test."
    language = "EN"
    loop_count = 1
    max_call_seconds = 60

    @factory.post_generation
    def callees(self, create, extracted, **kwargs):
        if create:
            for _ in range(extracted if extracted is not None else 3):
                CalleeFactory(callee_list=self.callee_list)


def callee_list_of(count: int, prefix: str = "8613") -> CalleeList:
    """A callee list of `count` numbers (text1 "N<i>"), stored by the import's own bulk path (COPY on
    PostgreSQL): 250,000 callees in about a second."""
    callee_list = CalleeListFactory()
    rows = ((f"{prefix}{i:09d}", f"N{i}", *[""] * 9) for i in range(count))
    assert imports.callees_bulk_store(callee_list, rows) == count
    return callee_list
