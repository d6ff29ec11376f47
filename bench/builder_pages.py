"""SQL queries and time of the campaign builder's pages with a big callee list (issue 11's bench).

Run: .venv/bin/python bench/builder_pages.py   (DATABASE_URL picks the database)

A callee list is imported through the import service (PostgreSQL's COPY, bulk inserts elsewhere) at two
sizes, 1,000 and 100,000 callees, beside 200 campaigns. A draft campaign with a hang-up SMS using ${text1}
calls it; another one's SMS uses ${text3}, empty for everyone (every callee is then a problem). Each builder step is fetched (and the steps that read callees with ?check=1, as after a Back
with problems), the review, the audience counts, and a Next posted on the SMS step: the median of
several, as an editor, by Django's test client. Query counts of both sizes are printed side by side.
"""
import io
import statistics
import sys
import time

from admin_pages import TARGET_MS, bench_database, editor_client  # also sets Django up

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

SIZES = (1_000, 100_000)
CAMPAIGNS = 200
RENDERS = 5


def import_callees(callee_list, start: int, end: int) -> None:
    from campaigns.services import imports

    rows = "".join(f"34{600000000 + i},Name {i},{i % 90 + 10}.50\n" for i in range(start, end))
    result = imports.import_file(io.BytesIO(f"calleeNumber,text1,text2\n{rows}".encode()),
                                 imports.Target(callee_list))
    assert result.imported == end - start, result.as_json("bench")


def setup(size: int):
    """The big list grown to `size` callees, 200 campaigns, and the draft on the big list."""
    from campaigns.models import CalleeList, Campaign, SmsTemplate
    from campaigns.services import drafts

    big, _ = CalleeList.objects.get_or_create(name="Everyone (builder bench)")
    import_callees(big, big.callees.count(), size)
    small = CalleeList.objects.get_or_create(name="Small")[0]
    Campaign.objects.bulk_create(
        Campaign(task_name=f"Other {n}", app_id="voiceApp1", callee_list=small, source=3, tts_text="Hi.",
                 language="EN") for n in range(Campaign.objects.count(), CAMPAIGNS))
    draft = Campaign.objects.filter(task_name="Builder bench").first()
    if draft is None:
        template = SmsTemplate.objects.create(name="Bench SMS", sms_app_id="smsApp01",
                                              content="Hi ${text1}, your ${text2} is waiting.")
        draft = drafts.campaign_draft_create(
            task_name="Builder bench", callee_list=big, source=3, tts_text="Hello from the bench.",
            language="EN", hang_up_sms=1, sms_template=template, sms_on_ring=1)
    blank = Campaign.objects.filter(task_name="Builder bench, empty text").first()
    if blank is None:  # its SMS uses ${text3}, empty for everyone: every callee has a problem
        template = SmsTemplate.objects.create(name="Bench SMS text3", sms_app_id="smsApp01",
                                              content="Hi, your code is ${text3}.")
        blank = drafts.campaign_draft_create(
            task_name="Builder bench, empty text", callee_list=big, source=3, tts_text="Hello from the bench.",
            language="EN", hang_up_sms=1, sms_template=template, sms_on_ring=1)
    return big, draft, blank


def pages(big, draft, blank) -> dict:
    def step(slug, query="", campaign=draft):
        return reverse("studio:campaign_step", args=[campaign.pk, slug]) + query

    return {
        "audience": ("get", step("audience")),
        "audience ?check=1": ("get", step("audience", "?check=1")),
        "audience counts": ("get", reverse("studio:campaign_audience_counts") + f"?callee_list={big.pk}"),
        "message": ("get", step("message")),
        "sms": ("get", step("sms")),
        "sms ?check=1": ("get", step("sms", "?check=1")),
        "schedule": ("get", step("schedule")),
        "review": ("get", step("review")),
        "sms: POST Next": ("post", step("sms")),
        "${text3} empty for all: sms ?check=1": ("get", step("sms", "?check=1", blank)),
        "${text3} empty for all: review": ("get", step("review", campaign=blank)),
    }


def measure(client: Client, method: str, url: str) -> tuple[int, float]:
    """(queries of one request, median milliseconds over RENDERS requests). A Next posts no field, so
    every field keeps its stored value (the step's _shown is empty) and the step is checked and left."""
    send = (lambda: client.post(url, {"goto": "next"})) if method == "post" else (lambda: client.get(url))
    response = send()
    assert response.status_code in (200, 302), (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        send()
    count = len(queries)
    times = []
    for _ in range(RENDERS):
        started = time.perf_counter()
        send()
        times.append((time.perf_counter() - started) * 1000)
    return count, statistics.median(times)


def main():
    with bench_database("builder_pages"):
        client = editor_client()
        results = []
        for size in SIZES:
            started = time.perf_counter()
            big, draft, blank = setup(size)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            print(f"{size:,} callees: data ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            results.append({name: measure(client, *request) for name, request in pages(big, draft, blank).items()})
        small, large = results
        print(f"database: {connection.vendor}; median of {RENDERS}; target {TARGET_MS} ms; "
              f"{CAMPAIGNS} campaigns; SMS uses ${{text1}} and ${{text2}}")
        width = max(map(len, large))
        print(f"{'page':<{width}}  {'queries':>8} {'queries':>8} {'ms':>8} {'ms':>8}")
        print(f"{'':<{width}}  {'1k':>8} {'100k':>8} {'1k':>8} {'100k':>8}")
        failed = False
        for name, (queries, ms) in large.items():
            small_queries, small_ms = small[name]
            verdict = "PASS" if ms <= TARGET_MS and queries == small_queries else "FAIL"
            failed |= verdict == "FAIL"
            flag = "  queries grow" if queries != small_queries else ""
            print(f"{name:<{width}}  {small_queries:>8} {queries:>8} {small_ms:>8.1f} {ms:>8.1f}  {verdict}{flag}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
