"""Render time and SQL queries of every studio page, at two sizes of data.

Run: .venv/bin/python bench/studio_pages.py   (DATABASE_URL picks the database)

The pages are found, not listed: every GET route of campaigns.studio.urls, its <int:...> ids filled
with a real callee list, campaign or import (a route under lists/ gets a list, under campaigns/ a
campaign, one naming an import an import), so pages other people add are measured too. Routes
with other parameters (a password reset link), logout and routes that refuse GET are left out
and listed. A campaign's routes are measured for a draft, a campaign calling and a finished one.

Two sizes: 20 campaigns and a 10,000-callee list, then 200 campaigns and a 100,000-callee list
(the ids then name the big list's campaigns, whose finished one has a call record per callee).
The same page must issue the same number of queries at both sizes. It runs in a database of its
own (created and dropped, as the test runner does), logged in as a campaign approver with
Django's test client; a page's time is the median of several renders after one to warm up.
Downloads (CSV exports) are timed but not held to the target: they grow with the list.
"""
import os
import re
import statistics
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import URLPattern, URLResolver, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from admin_pages import bench_database  # noqa: E402  (bench/ is the script's folder)

SIZES = ((20, 10_000), (200, 100_000))  # (campaigns, callees in the big list)
SMALL_LIST_CALLEES = 20
RENDERS = 7
DOWNLOAD_RENDERS = 3  # a download of the big list takes seconds
TARGET_MS = 300
SKIPPED_NAMES = re.compile(r"logout|password_reset_confirm")
NOT_PAGES = {302: "redirects a logged-in user", 405: "refuses GET: it takes a form's POST"}
SAMPLES = ("draft", "calling", "finished")  # the campaigns a campaign's routes are measured for


# The data


def build(campaigns: int, big_callees: int, size: int) -> dict:
    """Grow to `campaigns` campaigns in mixed states with their call records, and add a list of
    `big_callees` with a campaign of each SAMPLES state on it. Returns the ids routes are filled with."""
    from campaigns.models import CallRecord, Callee, CalleeList, Campaign, ImportJob, SmsTemplate

    now = timezone.now()
    template, _ = SmsTemplate.objects.get_or_create(
        name="Bench template", defaults={"sms_app_id": "smsApp01", "content": "Hi ${text1}, ${text2} off."})
    big = CalleeList.objects.create(name=f"Everyone ({big_callees:,})", text_names={"text1": "Name"})
    Callee.objects.bulk_create((Callee(callee_list=big, number=f"86{size}{i:010d}", text1=f"Name {i}", text2="12.50")
                                for i in range(big_callees)), batch_size=5000)
    ImportJob.objects.create(callee_list=big, original_name="everyone.csv", encoding="utf-8", delimiter=",",
                             mapping={"number": 0}, status=ImportJob.Status.DONE, rows_total=big_callees,
                             rows_done=big_callees, imported=big_callees)

    def campaign(n, callee_list, kind):
        fields = dict(task_name=f"Campaign {size}-{n}", app_id="voiceApp1", callee_list=callee_list, source=3,
                      tts_text="Hello from the bench.", language="EN", hang_up_sms=1, sms_template=template,
                      sms_on_ring=1, send_time=now + timedelta(days=1))
        total = callee_list.callees.count() if kind != "draft" else None
        if kind == "calling":
            fields.update(status="submitted", provider_status=1, progress=40.0, numbers_total=total,
                          numbers_called=total * 4 // 10, numbers_success=total * 3 // 10,
                          numbers_failed=total // 10, key_id=str(n), task_id=n, submitted_at=now, synced_at=now)
        elif kind in ("finished", "cancelled"):
            fields.update(status="submitted", provider_status=2 if kind == "finished" else 4, progress=100.0,
                          numbers_total=total, numbers_called=total, numbers_success=total * 6 // 10,
                          numbers_failed=total - total * 6 // 10, key_id=str(n), task_id=n, submitted_at=now,
                          synced_at=now, finished_at=now)
        elif kind == "failed":
            fields.update(status="failed", status_detail="Laaffic refused the caller ID.")
        created = Campaign.objects.create(**fields)
        if kind in ("finished", "cancelled"):
            outcomes = CallRecord.Outcome.values
            CallRecord.objects.bulk_create(
                (CallRecord(voice_id=f"{created.pk}-{pk}", campaign=created, callee_id=pk, callee_number=number,
                            task_id=n, outcome=outcomes[i % len(outcomes)], call_duration=20 + i % 40,
                            call_time=now, hangup_time=now, cost="0.012", currency="USD",
                            feedback_value=str(i % 10) if i % 3 else "")
                 for i, (pk, number) in enumerate(callee_list.callees.values_list("pk", "number").iterator())),
                batch_size=5000)
        return created

    kinds = ("draft", "calling", "finished", "cancelled", "failed")
    have = Campaign.objects.count()
    for n in range(have, campaigns - len(SAMPLES)):
        small = CalleeList.objects.create(name=f"List {size}-{n}")
        Callee.objects.bulk_create(Callee(callee_list=small, number=f"87{size}{n:05d}{i:04d}", text1="Ann")
                                   for i in range(SMALL_LIST_CALLEES))
        campaign(n, small, kinds[n % len(kinds)])
    samples = {kind: campaign(10_000 + i, big, kind).pk for i, kind in enumerate(SAMPLES)}
    return {"list": big.pk, "import": ImportJob.objects.filter(callee_list=big).get().pk, "campaigns": samples}


# The pages


def studio_routes(patterns=None, prefix=""):
    """(route, name, [(parameter, converter)]) of every studio URL, includes followed."""
    from campaigns.studio import urls

    for entry in urls.urlpatterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from studio_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name, list(entry.pattern.converters.items())


def pages(ids: dict) -> tuple[dict, list]:
    """{label: url} to measure, and the routes left out with why."""
    found, left_out = {}, []
    for route, name, params in studio_routes():
        if name and SKIPPED_NAMES.search(name):
            left_out.append((route, "logout or a one-time link"))
            continue
        if any(type(converter).__name__ != "IntConverter" for _, converter in params):
            left_out.append((route, "needs a parameter that is not an id"))
            continue
        if not params:
            found[route or "/"] = reverse(f"studio:{name}")
            continue
        what = ("list" if route.startswith("lists/") else "campaign" if route.startswith("campaigns/")
                else "import" if "import" in route or "import" in (name or "") else None)
        if what is None or len(params) > 1:
            left_out.append((route, "ids of a kind the bench does not make"))
            continue
        (param, _), = params
        if what == "campaign":
            for kind, pk in ids["campaigns"].items():
                found[f"{route} [{kind}]"] = reverse(f"studio:{name}", kwargs={param: pk})
        else:
            found[route] = reverse(f"studio:{name}", kwargs={param: ids[what]})
    return found, left_out


def measure(client: Client, url: str) -> tuple[int, float, int, bool]:
    """(queries of one render, median milliseconds over RENDERS renders, status, whether it is a download)."""
    response = client.get(url)
    if response.status_code != 200:
        return 0, 0.0, response.status_code, False
    download = not response["Content-Type"].startswith("text/html")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # read now: the next request empties the log
    times = []
    for _ in range(DOWNLOAD_RENDERS if download else RENDERS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return count, statistics.median(times), 200, download


def approver_client() -> Client:
    from django.contrib.auth.models import Group, User

    from campaigns.studio import roles

    user = User.objects.create_user("bench-approver", password="not-used", first_name="Bench")
    user.groups.add(Group.objects.get(name=roles.APPROVERS))
    client = Client()
    client.force_login(user)
    return client


def main():
    with bench_database("studio_pages"):
        client = approver_client()
        results, left_out = [], []
        for size, (campaigns, callees) in enumerate(SIZES):
            started = time.perf_counter()
            ids = build(campaigns, callees, size)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a big import
            print(f"{campaigns} campaigns, {callees:,} callees in the big list: "
                  f"data ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            found, left_out = pages(ids)
            results.append({label: measure(client, url) for label, url in found.items()})
        report(results, left_out)


def report(results, left_out):
    small, big = results
    (small_campaigns, small_callees), (big_campaigns, big_callees) = SIZES
    print(f"database: {connection.vendor}; median of {RENDERS} renders ({DOWNLOAD_RENDERS} for downloads); "
          f"target {TARGET_MS} ms")
    width = max(map(len, big))
    sizes = f"{small_campaigns}/{small_callees // 1000}k", f"{big_campaigns}/{big_callees // 1000}k"
    print(f"{'page':<{width}}  {'queries':>8} {'queries':>8} {'ms':>8} {'ms':>8}  verdict")
    print(f"{'':<{width}}  {sizes[0]:>8} {sizes[1]:>8} {sizes[0]:>8} {sizes[1]:>8}")
    failed = measured = 0
    for label, (queries, ms, status, download) in big.items():
        small_queries, small_ms, small_status, _ = small.get(label, (0, 0.0, 0, False))
        if status in NOT_PAGES and small_status == status:
            left_out.append((label, NOT_PAGES[status]))
            continue
        measured += 1
        problems = []
        if status != 200 or small_status != 200:
            problems.append(f"HTTP {small_status}/{status}")
        if queries != small_queries:
            problems.append("queries grow")
        if ms > TARGET_MS and not download:
            problems.append("over target")
        failed += bool(problems)
        verdict = "FAIL " + ", ".join(problems) if problems else ("PASS (download)" if download else "PASS")
        print(f"{label:<{width}}  {small_queries:>8} {queries:>8} {small_ms:>8.1f} {ms:>8.1f}  {verdict}")
    for route, why in left_out:
        print(f"left out: {route or '/'} ({why})")
    print(f"{'FAIL' if failed else 'PASS'}: {measured - failed} of {measured} pages pass")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
