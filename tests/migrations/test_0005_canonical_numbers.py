"""The data migration that rewrites stored numbers as the import stores them."""
import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from campaigns.models import Callee, SuppressedNumber
from campaigns.services import bodies
from tests.factories import CalleeFactory, CalleeListFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("campaigns.migrations.0005_canonical_numbers")


def migrate():
    out = io.StringIO()
    migration.canonicalise_numbers(apps, None, out=out)
    return out.getvalue()


def do_not_call(number, reason="", days_ago=0):
    entry = SuppressedNumber.objects.create(number=number, reason=reason)
    SuppressedNumber.objects.filter(pk=entry.pk).update(added_at=timezone.now() - timedelta(days=days_ago))
    return entry


def test_do_not_call_rows_typed_by_hand_are_rewritten_and_matched_at_submit():
    callee_list = CalleeFactory(number="34612345679").callee_list
    CalleeFactory(callee_list=callee_list, number="447911123456")
    do_not_call("+34 612 345 679", "Asked on the phone")
    do_not_call("0044 7911123456")  # at most 15 characters, as the column holds
    assert bodies.suppressed_count(callee_list.pk) == 0  # the finding: typed entries matched nothing
    output = migrate()
    assert sorted(SuppressedNumber.objects.values_list("number", "reason")) == [
        ("34612345679", "Asked on the phone"), ("447911123456", "")]
    assert "Do-not-call: '+34 612 345 679' is now 34612345679" in output
    assert bodies.suppressed_count(callee_list.pk) == 2 and bodies.callee_entries(callee_list.pk) == []


def test_rows_that_become_the_same_number_are_merged_into_the_earliest_keeping_every_reason():
    do_not_call("34612345679", "", days_ago=1)
    first = do_not_call("+34 612 345 679", "Complaint 2025-03", days_ago=9)
    do_not_call("0034612345679", "Asked on the phone", days_ago=3)
    do_not_call("+34 612-345-679", "Complaint 2025-03", days_ago=2)
    output = migrate()
    (kept,) = SuppressedNumber.objects.all()
    assert (kept.pk, kept.number, kept.reason) == (first.pk, "34612345679", "Complaint 2025-03; Asked on the phone")
    assert ("Do-not-call: merged '+34 612 345 679', '0034612345679', '+34 612-345-679', '34612345679' into "
            "one entry 34612345679; reasons: Complaint 2025-03; Asked on the phone") in output


def test_merged_reasons_longer_than_the_field_are_cut_there_and_given_whole_in_the_output():
    do_not_call("+34 612 345 679", "a" * 150, days_ago=2)
    do_not_call("0034612345679", "b" * 150, days_ago=1)
    output = migrate()
    reason = SuppressedNumber.objects.get().reason
    assert len(reason) == 200 and reason.endswith("…") and reason.startswith("a" * 150 + "; ")
    assert "a" * 150 + "; " + "b" * 150 in output


def test_do_not_call_rows_that_cannot_be_read_are_kept_and_listed():
    unreadable = do_not_call("call me maybe", "Customer request")
    national = do_not_call("0612 345 679")
    output = migrate()
    assert set(SuppressedNumber.objects.values_list("pk", "number")) == {
        (unreadable.pk, "call me maybe"), (national.pk, "0612 345 679")}
    assert (f"Do-not-call: entry {unreadable.pk} 'call me maybe' cannot be read and was left as it is "
            "('call me maybe' contains letters; a phone number has only digits.) Fix it or delete it under "
            "Do-not-call numbers.") in output
    assert f"entry {national.pk} '0612 345 679' cannot be read" in output


def test_callee_numbers_typed_by_hand_are_rewritten_and_a_second_spelling_of_a_number_is_removed():
    callee_list, other = CalleeListFactory(), CalleeListFactory()
    Callee.objects.create(callee_list=callee_list, number="34612345679", text1="Ana")
    twin = Callee.objects.create(callee_list=callee_list, number="0034612345679", text1="Ana M.", text2="VIP")
    typed = Callee.objects.create(callee_list=other, number="+34 612 345 679", text1="Ana")
    Callee.objects.create(callee_list=other, number="1234567")
    output = migrate()
    assert not Callee.objects.filter(pk=twin.pk).exists()
    assert Callee.objects.get(pk=typed.pk).number == "34612345679"
    assert Callee.objects.filter(callee_list=other, number="1234567").exists()
    assert (f"Callee list {callee_list.pk}: removed '0034612345679', the same number as 34612345679 already in "
            "the list (its texts: text1='Ana M.', text2='VIP')") in output
    assert f"Callee list {other.pk}: '+34 612 345 679' is now 34612345679" in output
    assert f"Callee list {other.pk}: left unchanged 1 number the import cannot read" in output


def test_canonical_rows_are_left_alone_and_nothing_is_printed():
    do_not_call("34612345679", "Asked")
    CalleeFactory(number="8613000000001")
    assert migrate() == ""
    assert list(SuppressedNumber.objects.values_list("number", "reason")) == [("34612345679", "Asked")]
