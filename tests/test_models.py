"""Small behaviours of the models themselves."""
import pytest

from campaigns.models import CalleeList

pytestmark = pytest.mark.django_db


def test_a_text_keeps_the_name_of_the_column_it_was_imported_from():
    callee_list = CalleeList.objects.create(name="Spring", text_names={"text1": "Name", "text2": ""})
    assert callee_list.text_label("text1") == "text1 (Name)"
    assert callee_list.text_label("text2") == "text2"
    assert callee_list.text_label("text3") == "text3"
