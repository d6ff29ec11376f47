"""The compact table an import remembers numbers in: a set of numbers, each with its first line."""
from hypothesis import given
from hypothesis import strategies as st

from campaigns.importers.number_table import NumberTable


def test_a_number_seen_again_gives_the_line_it_was_first_seen_on():
    table = NumberTable()
    assert table.add("8613800000001", 2) == 0
    assert table.add("447911123456", 3) == 0
    assert table.add("8613800000001", 7) == 2 and table.add("8613800000001", 9) == 2
    assert len(table) == 2 and "447911123456" in table and "447911123457" not in table


def test_numbers_given_up_front_are_known_without_a_line():
    table = NumberTable(["8613800000001", "0123", "", "12a", "9" * 19])  # what cannot be stored is left out
    assert table.add("8613800000001", 5) == -1
    assert len(table) == 1 and "0123" not in table and "123" not in table and 8613800000001 not in table


def test_it_grows_past_its_first_size_and_forgets_nothing():
    table = NumberTable(capacity=4)
    numbers = [str(8613800000000 + i * 7919) for i in range(5000)]
    for line, number in enumerate(numbers, start=2):
        assert table.add(number, line) == 0
    assert all(table.add(number, 1) == line for line, number in enumerate(numbers, start=2))
    assert len(table) == 5000 and table.nbytes <= 12 * 4 * 5000  # 12 bytes a slot, at most half empty twice over


@given(st.lists(st.integers(min_value=1, max_value=10 ** 15 - 1), max_size=300))
def test_it_answers_as_a_dict_of_first_lines_would(numbers):
    table, first = NumberTable(capacity=1), {}
    for line, number in enumerate(map(str, numbers), start=1):
        assert table.add(number, line) == first.get(number, 0)
        first.setdefault(number, line)
    assert len(table) == len(first) and all(number in table for number in first)
