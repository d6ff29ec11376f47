"""import_callees and export_callees: the command-line contract."""
import csv
import io
import json

import pytest

from campaigns.models import CalleeList
from tests.commands import run
from tests.factories import CalleeFactory, CalleeListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def csv_file(tmp_path):
    def write(content: bytes, name="list.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


def test_import_creates_the_list_and_prints_one_json_line(csv_file):
    path = csv_file(b"phone,text1\n+86 138 0000 0001,Tom\n8613800000001,Dup\n12,short\n")
    code, out, _ = run("import_callees", path, "--list", "Spring", "--json")
    assert code == 0
    assert json.loads(out) == {
        "list": "Spring", "imported": 1, "duplicates": 1, "rejected": 1,
        "errors": [{"line": 4, "value": "12",
                    "reason": "Phone number '12' has 2 digits; it needs 7 to 15, country code included."}],
        "errors_not_listed": 0,
    }
    assert list(CalleeList.objects.get(name="Spring").callees.values_list("number", "text1")) == [
        ("8613800000001", "Tom")]


def test_a_dry_run_creates_nothing(csv_file):
    code, out, _ = run("import_callees", csv_file(b"8613800000001\n"), "--list", "X", "--dry-run", "--json")
    assert code == 0 and json.loads(out)["imported"] == 1
    assert not CalleeList.objects.exists()


def test_a_refused_file_exits_1_and_leaves_no_list_behind(csv_file):
    code, out, _ = run("import_callees", csv_file(b""), "--list", "Empty", "--json")
    assert code == 1 and "empty" in json.loads(out)["error"]
    assert not CalleeList.objects.exists()


def test_a_refused_file_leaves_an_existing_empty_list_alone(csv_file):
    CalleeListFactory(name="Prepared")
    assert run("import_callees", csv_file(b""), "--list", "Prepared")[0] == 1
    assert CalleeList.objects.filter(name="Prepared").exists()


def test_a_missing_file_creates_no_list(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Cannot read"):
        run("import_callees", str(tmp_path / "nowhere.csv"), "--list", "Ghost")
    assert not CalleeList.objects.exists()


def test_national_numbers_need_a_country(csv_file):
    path = csv_file(b"mobile\n0912 345 678\n")
    assert json.loads(run("import_callees", path, "--list", "TW", "--json")[1])["rejected"] == 1
    line = json.loads(run("import_callees", path, "--list", "TW", "--json", "--country", "tw")[1])
    assert line["imported"] == 1
    assert CalleeList.objects.get(name="TW").callees.get().number == "886912345678"


def test_export_prints_the_list_with_formulas_neutralised_and_data_unchanged():
    callee_list = CalleeListFactory(name="Export me")
    CalleeFactory(callee_list=callee_list, number="8613800000001", text1="=HYPERLINK(1)", text2="+5")
    CalleeFactory(callee_list=callee_list, number="8613800000002", text1="Ann", text2="-3")
    code, out, _ = run("export_callees", "--list", "Export me")
    assert out.startswith("\ufeffcalleeNumber,")  # UTF-8 with BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert code == 0
    assert rows[0] == ["calleeNumber", *[f"text{i}" for i in range(1, 11)]]
    assert rows[1][:3] == ["8613800000001", "'=HYPERLINK(1)", "'+5"]
    assert rows[2][:3] == ["8613800000002", "Ann", "-3"]  # a number, not a formula
    assert callee_list.callees.get(number="8613800000001").text1 == "=HYPERLINK(1)"


def test_an_exported_list_imports_back_identically(csv_file):
    source = CalleeListFactory(name="Source")
    for i in range(5):
        CalleeFactory(callee_list=source, number=f"861380000000{i}", text1=f"Name {i}", text3="ok")
    # Texts the export neutralises as formulas come back as they were; a 30-character one still fits.
    CalleeFactory(callee_list=source, number="8613800000009", text1="-" + "9" * 29, text2="=SUM(A1)",
                  text3="'quoted")
    _, out, _ = run("export_callees", "--list", "Source")
    run("import_callees", csv_file(out.encode()), "--list", "Copy")
    columns = ("number", "text1", "text2", "text3")
    assert list(CalleeList.objects.get(name="Copy").callees.values_list(*columns)) == list(
        source.callees.values_list(*columns))


def test_json_lists_the_first_errors_and_counts_the_rest(csv_file):
    from campaigns.services.imports import JSON_ERRORS

    bad = JSON_ERRORS + 7
    path = csv_file(("phone\n8613800000001\n" + "".join(f"bad {i}\n" for i in range(bad))).encode())
    line = json.loads(run("import_callees", path, "--list", "Many", "--json")[1])
    assert (line["imported"], line["rejected"], line["errors_not_listed"]) == (1, bad, 7)
    assert len(line["errors"]) == JSON_ERRORS and line["errors"][0]["line"] == 3
    _, out, _ = run("import_callees", path, "--list", "Many again")
    assert out.splitlines()[-1] == "  ... and 7 more rejected rows."
