"""The commands' base: with --json an error is one JSON line too, from call_command and from the command line."""
import json
from io import StringIO

import django
import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from tests.commands import run

pytestmark = pytest.mark.django_db
NOBODY = "No campaign has the task name 'nope'."


@pytest.mark.parametrize("command", ["submit_campaign", "campaign_status"])
def test_an_unknown_task_name_is_a_json_error_with_json(command):
    code, out, err = run(command, "nope", "--json")
    assert (code, json.loads(out), err) == (1, {"error": NOBODY}, "")


@pytest.mark.parametrize("command", ["submit_campaign", "campaign_status", "cancel_campaign", "export_results"])
def test_an_unknown_task_name_is_a_command_error_without_json(command):
    with pytest.raises(CommandError, match=NOBODY):
        call_command(command, "nope", stdout=StringIO())


def test_a_file_that_cannot_be_read_is_a_json_error_with_json(tmp_path):
    missing = tmp_path / "missing.json"
    code, out, _ = run("load_campaign", str(missing), "--json")
    assert code == 1 and json.loads(out) == {"error": f"Cannot read {missing}: No such file or directory"}
    code, out, _ = run("import_callees", str(missing), "--list", "Spring", "--json")
    assert code == 1 and json.loads(out) == {"error": f"Cannot read {missing}: No such file or directory"}


@pytest.fixture
def command_line(monkeypatch):
    """manage.py's own entry point, without its django.setup(): run again, it would point the logging
    configured at startup at this test's captured (then closed) stderr."""
    monkeypatch.setattr(django, "setup", lambda *args, **kwargs: None)
    return lambda *argv: ManagementUtility(["manage.py", *argv]).execute()


def test_the_command_line_prints_only_the_json_error_and_exits_1(capsys, command_line):
    with pytest.raises(SystemExit) as exit_:
        command_line("submit_campaign", "nope", "--json")
    printed = capsys.readouterr()
    assert exit_.value.code == 1
    assert json.loads(printed.out) == {"error": NOBODY} and printed.err == ""


def test_the_command_line_without_json_prints_the_error_as_text(capsys, command_line):
    with pytest.raises(SystemExit) as exit_:
        command_line("submit_campaign", "nope")
    printed = capsys.readouterr()
    assert exit_.value.code == 1
    assert printed.out == "" and printed.err == f"CommandError: {NOBODY}\n"
