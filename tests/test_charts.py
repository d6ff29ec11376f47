"""The server-side SVG charts draw the numbers they are given."""
import re

from campaigns.charts import BAR_WIDTH, bar_chart


def test_bars_are_proportional_and_labelled_with_value_and_share():
    svg = str(bar_chart([("Answered", 30), ("Busy", 10), ("<script>", 0)], title="Outcome"))
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="4" width="([\d.]+)"', svg)]
    assert widths == [BAR_WIDTH, BAR_WIDTH / 3, 0]
    assert "30 (75%)" in svg and "10 (25%)" in svg and "0 (0%)" in svg
    assert "&lt;script&gt;" in svg and "<script>" not in svg
    assert 'aria-label="Outcome"' in svg


def test_an_empty_chart_does_not_divide_by_zero():
    svg = str(bar_chart([("Key 1", 0)], title="Keys pressed"))
    assert "0 (0%)" in svg
