"""SQL queries and render time of the busiest admin pages, at two sizes of data.

Run: .venv/bin/python bench/admin_pages.py   (DATABASE_URL picks the database)

The big size is 200 campaigns and a 100,000-callee list (a tenth of the campaigns
call it, the others have lists of their own); the small one is a tenth of that.
Pages are rendered by Django's test client as a logged-in superuser, the median of
several renders after one to warm up. The query counts of both sizes are printed
side by side: they should be equal.
"""
import os
import statistics
from contextlib import contextmanager
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laaffic_site.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

SIZES = ((20, 10_000), (200, 100_000))  # (campaigns, callees in the big list)
SMALL_LIST_CALLEES = 20
ON_BIG_LIST = 10  # one campaign in ten calls the big list
RENDERS = 7
TARGET_MS = 300


def grow_to(campaigns: int, big_callees: int) -> dict:
    """Add rows until there are `campaigns` campaigns and `big_callees` in the big list."""
    from campaigns.models import Callee, CalleeList, Campaign, SmsTemplate, Submission

    big, _ = CalleeList.objects.get_or_create(name="Everyone (big list)")
    have = big.callees.count()
    Callee.objects.bulk_create(
        (Callee(callee_list=big, number=f"86{i:011d}", text1=f"Name {i}", text2="12.50")
         for i in range(have, big_callees)), batch_size=5000,
    )
    templates = [SmsTemplate.objects.get_or_create(
        name=f"Template {i}", defaults={"sms_app_id": "smsApp01", "content": "Hi ${text1}, ${text2} off."})[0]
        for i in range(5)]
    now = timezone.now()
    for n in range(Campaign.objects.count(), campaigns):
        if n % ON_BIG_LIST == 0:
            callee_list = big
        else:
            callee_list = CalleeList.objects.create(name=f"List {n}")
            Callee.objects.bulk_create(Callee(callee_list=callee_list, number=f"87{n:05d}{i:05d}", text1="Ann")
                                       for i in range(SMALL_LIST_CALLEES))
        submitted = n % 3 != 1
        campaign = Campaign.objects.create(
            task_name=f"Campaign {n}", app_id="voiceApp1", callee_list=callee_list, source=3,
            tts_text="Hello from the bench.", language="EN", hang_up_sms=1, sms_template=templates[n % 5],
            sms_on_ring=1, send_time=now + timedelta(days=1),
            **({"status": "submitted", "key_id": str(100000 + n), "provider_status": 1, "progress": 40.0,
                "numbers_total": 100, "numbers_called": 40, "numbers_success": 30, "numbers_failed": 10,
                "submitted_at": now, "synced_at": now} if submitted else {}),
        )
        if submitted:
            Submission.objects.create(campaign=campaign, started_at=now, finished_at=now, outcome="accepted",
                                      http_status=200, code="0", key_id=campaign.key_id)
    on_big = Campaign.objects.filter(callee_list=big)
    return {
        "campaign changelist": reverse("admin:campaigns_campaign_changelist"),
        "campaign change page (draft, big list)":
            reverse("admin:campaigns_campaign_change", args=[on_big.filter(status="draft").first().pk]),
        "campaign page (submitted, big list)":
            reverse("admin:campaigns_campaign_change", args=[on_big.filter(status="submitted").first().pk]),
        "callee lists (changelist)": reverse("admin:campaigns_calleelist_changelist"),
        "callees of the big list (page 1)":
            reverse("admin:campaigns_callee_changelist") + f"?callee_list__id__exact={big.pk}",
        "callees of the big list (page 50)":
            reverse("admin:campaigns_callee_changelist") + f"?callee_list__id__exact={big.pk}&p=50",
    }


@contextmanager
def bench_database(name: str):
    """A test database for one bench run (on PostgreSQL one per process), dropped at the end; queries are
    logged only while counted, as in production."""
    setup_test_environment(debug=False)
    if connection.vendor != "sqlite":  # SQLite's test file is already per process
        connection.settings_dict["TEST"]["NAME"] = f"test_bench_{name}_{os.getpid()}"
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        yield
    finally:
        runner.teardown_databases(old)


def editor_client() -> Client:
    from tests.studio.factories import editor

    client = Client()
    client.force_login(editor())
    return client


def measure(client: Client, url: str) -> tuple[int, float]:
    """(queries of one render, median milliseconds over RENDERS renders)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # read now: the next request empties the log
    times = []
    for _ in range(RENDERS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return count, statistics.median(times)


def main():
    with bench_database("admin_pages"):
        from django.contrib.auth.models import User

        client = Client()
        client.force_login(User.objects.create_superuser("bench", "bench@example.com", "pw"))
        results = []
        for campaigns, callees in SIZES:
            started = time.perf_counter()
            pages = grow_to(campaigns, callees)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # What autovacuum does after a big import: statistics, and a visibility
                    # map that lets counts read the index alone.
                    cursor.execute("VACUUM ANALYZE")
            print(f"{campaigns} campaigns, {callees:,} callees in the big list: "
                  f"data ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            results.append({name: measure(client, url) for name, url in pages.items()})
        small, big = results
        (small_campaigns, small_callees), (big_campaigns, big_callees) = SIZES
        print(f"database: {connection.vendor}; median of {RENDERS} renders; target {TARGET_MS} ms")
        width = max(map(len, big))
        print(f"{'page':<{width}}  {'queries':>8} {'queries':>8} {'ms':>8} {'ms':>8}")
        print(f"{'':<{width}}  {f'{small_campaigns}/{small_callees // 1000}k':>8} "
              f"{f'{big_campaigns}/{big_callees // 1000}k':>8} {f'{small_campaigns}/{small_callees // 1000}k':>8} "
              f"{f'{big_campaigns}/{big_callees // 1000}k':>8}")
        for name, (queries, ms) in big.items():
            small_queries, small_ms = small[name]
            flag = "  over target" if ms > TARGET_MS else ""
            flag += "  queries grow" if queries != small_queries else ""
            print(f"{name:<{width}}  {small_queries:>8} {queries:>8} {small_ms:>8.1f} {ms:>8.1f}{flag}")



if __name__ == "__main__":
    main()
