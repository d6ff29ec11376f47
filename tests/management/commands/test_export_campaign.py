"""export_campaign: a campaign's body as JSON, by its task name."""
import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_export_of_an_unknown_task_name_says_so():
    with pytest.raises(CommandError, match="No campaign has the task name 'nope'"):
        call_command("export_campaign", "nope")
