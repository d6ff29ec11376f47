"""Small bar charts drawn as inline SVG on the server: no JavaScript, no CDN."""
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ROW, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 24, 120, 300, 90
COLOURS = ["#2e7d32", "#9e9e9e", "#ef6c00", "#1565c0", "#c62828", "#6a1b9a", "#00838f", "#827717",
           "#4e342e", "#ad1457", "#37474f"]


def bar_chart(items: list[tuple[str, float]], *, title: str, unit: str = "") -> SafeString:
    """Horizontal bars, one per (label, value), with the value and its share of the total."""
    total = sum(value for _, value in items) or 1
    biggest = max((value for _, value in items), default=0) or 1
    height = ROW * len(items) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    bars = format_html_join("", (
        '<g transform="translate(0,{})"><text x="{}" y="16" text-anchor="end" class="chart-label">{}</text>'
        '<rect x="{}" y="4" width="{}" height="16" fill="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="16" class="chart-value">{}{} ({}%)</text></g>'
    ), (
        # format_html escapes its arguments into strings, so numbers are formatted first.
        (i * ROW, LABEL_WIDTH - 6, label, LABEL_WIDTH, f"{BAR_WIDTH * value / biggest:.1f}",
         COLOURS[i % len(COLOURS)], label, f"{value:g}", f"{LABEL_WIDTH + BAR_WIDTH * value / biggest + 6:.1f}",
         f"{value:g}", unit, f"{100 * value / total:.0f}")
        for i, (label, value) in enumerate(items)
    ))
    return format_html(
        '<figure class="chart"><figcaption>{}</figcaption><svg role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" font-size="12">{}</svg></figure>', title, title, width, height, width, height, bars)
