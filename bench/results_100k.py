"""Call records at 100,000: pushed over HTTP, backfilled page by page, and the results page.

Run: .venv/bin/python bench/results_100k.py [--records N] [--postgres URL] [--conn-max-age S] [--skip-push]

Everything happens in a throwaway PostgreSQL database (created, migrated with
`manage.py migrate`, dropped at the end) on the server given by --postgres. The
site runs as configured; --conn-max-age adds `?conn_max_age=S` to its DATABASE_URL
(persistent connections) to compare.

(a) Push: the simulator's own push body for each of N calls, one report per POST to
    `/laaffic/voice-report/<token>/` on gunicorn (2 workers) at concurrency 8.
    Baseline: the same POSTs with a wrong token (404 before any parsing or query).
    Also the workers' CPU per request, a figure that holds on a shared machine.
(b) Backfill: `campaign_backfill` of a finished simulator task of N calls, through
    `voice/recordGroupQuery` pages of 100. Baseline: fetching and reading the same
    pages without storing them.
(c) The admin results page of that campaign: median time and query count at N
    records, against the query count at 1,000 records.
Targets (issue 5): (a) >= 300 reports/s, (b) < 60 s, (c) < 500 ms, constant queries.
"""
import argparse
import http.client
import io
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "laaffic_site.settings"
# WhiteNoise warns that collectstatic has not run; the pages measured here do not serve static files.
warnings.filterwarnings("ignore", message="No directory at")

CONCURRENCY = 8
WORKERS = 2
SMALL = 1_000
PAGE_RUNS = 7
REQUEST_TIMEOUT = 30
PART_DEADLINE = 1800  # seconds; a part that takes longer stops, and its rate counts what was sent
SERVER_START = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post_all(port: int, path_for, bodies: list[bytes]) -> tuple[float, dict[int, int]]:
    """POST every body at CONCURRENCY, each thread on its own connection.

    Returns seconds and the count of each HTTP status (-1: not sent before the deadline).
    """
    deadline = time.monotonic() + PART_DEADLINE
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def send(indexes: range) -> None:
        seen: dict[int, int] = {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        for i in indexes:
            if time.monotonic() > deadline:
                seen[-1] = seen.get(-1, 0) + len(indexes) - indexes.index(i)
                break
            conn.request("POST", path_for(i), body=bodies[i], headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            seen[response.status] = seen.get(response.status, 0) + 1
            if response.will_close:
                conn.close()  # gunicorn's sync workers close after each answer; http.client reconnects
        conn.close()
        with lock:
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    # Interleaved slices, so all threads run until the end.
    slices = [range(start, len(bodies), CONCURRENCY) for start in range(CONCURRENCY)]
    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(send, slices))
    return time.perf_counter() - started, statuses


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "laaffic_site.wsgi", "--workers", str(WORKERS),
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench-ready")
            conn.getresponse().read()
            conn.close()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"gunicorn did not answer within {SERVER_START} s:\n{log.read_text()[-2000:]}")


def cpu_seconds(gunicorn: subprocess.Popen) -> float:
    """CPU seconds used so far by gunicorn's workers (Linux /proc); other load on the machine barely moves it."""
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{gunicorn.pid}/task/{gunicorn.pid}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def rate(count: int, seconds: float) -> str:
    return f"{seconds:.1f} s, {count / seconds:,.0f}/s"


def answered(statuses: dict[int, int]) -> int:
    return sum(count for status, count in statuses.items() if status != -1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432",
                        help="server to create the throwaway database on")
    parser.add_argument("--skip-push", action="store_true", help="only (b) and (c)")
    parser.add_argument("--conn-max-age", type=int, default=None,
                        help="keep database connections this many seconds (default: as the settings say)")
    args = parser.parse_args()
    size = args.records
    server = args.postgres.rstrip("/")
    db_name = f"bench_results_{os.getpid()}"
    database_url = f"{server}/{db_name}"
    if args.conn_max_age is not None:
        database_url += f"?conn_max_age={args.conn_max_age}"
    token = secrets.token_urlsafe(16)
    env = {**os.environ, "DATABASE_URL": database_url, "LAAFFIC_WEBHOOK_TOKEN": token, "DJANGO_DEBUG": "false",
           "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "laaffic_site.settings"}
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "LAAFFIC_WEBHOOK_TOKEN", "DJANGO_DEBUG", "LOG_LEVEL")})

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    gunicorn = simulator = None
    log = Path(f"/tmp/{db_name}-gunicorn.log")
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True, timeout=300)
        import django

        django.setup()
        from django.contrib.auth.models import User
        from django.db import connection
        from django.db.models import F
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse
        from django.utils import timezone

        from campaigns.laaffic import LaafficClient
        from campaigns.laaffic.signing import DOC_API_KEY, DOC_API_SECRET
        from campaigns.models import CallRecord, CalleeList, Campaign, ProviderStatus
        from campaigns.services.imports import Target, import_file
        from campaigns.services.tracking import RECORD_PAGE, campaign_backfill, record_windows
        from campaigns.simulator import Simulator

        print(f"database: PostgreSQL {connection.cursor().connection.info.server_version}, "
              f"CONN_MAX_AGE {connection.settings_dict['CONN_MAX_AGE']}; records: {size:,}; "
              f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
        # Callees numbered as the simulator numbers its bulk tasks' calls, so every record links to one,
        # imported as staff import them (the import leaves the table's statistics fresh).
        callees = CalleeList.objects.create(name="bench")
        csv_file = io.BytesIO("calleeNumber,text1,text2,text3\n".encode() + "".join(
            f"86138{i:08d},Name {i},12.50,Gold\n" for i in range(size)).encode())
        assert import_file(csv_file, Target(callees)).imported == size

        def campaign(name, task_id, submitted_at):
            """A finished campaign, as the sync leaves it once it has seen its task finished (now)."""
            return Campaign.objects.create(
                task_name=name, app_id="a", callee_list=callees, source=Campaign.Source.TEXT_TO_SPEECH,
                tts_text="Hi", language="EN", status=Campaign.Status.SUBMITTED, key_id=str(task_id), task_id=task_id,
                submitted_at=submitted_at, provider_status=ProviderStatus.FINISHED, finished_at=timezone.now())

        def history(done):
            """A part's campaign moves a day back: the simulator numbers every bulk task's callees alike, so
            the next part's calls, minutes later, would otherwise be in two calling periods (not counted)."""
            Campaign.objects.filter(pk=done.pk).update(submitted_at=F("submitted_at") - timedelta(days=1),
                                                       finished_at=F("finished_at") - timedelta(days=1))

        simulator = Simulator().start()
        client = LaafficClient(simulator.base_url, DOC_API_KEY, DOC_API_SECRET)

        # (a) push over HTTP
        if not args.skip_push:
            push_task = simulator.bulk_task("bench push", size)
            # The simulator's own push bodies, exactly what `make run` pushes.
            bodies = [json.dumps(report).encode() for report in simulator.push_reports(push_task)]
            pushed = campaign("bench push", push_task, timezone.now() - timedelta(minutes=1))
            port = free_port()
            gunicorn = start_gunicorn(env, port, log)
            post_all(port, lambda i: "/laaffic/voice-report/wrong-token/", bodies[:500])  # warm both workers
            cpu_before = cpu_seconds(gunicorn)
            base_seconds, base_statuses = post_all(port, lambda i: "/laaffic/voice-report/wrong-token/", bodies)
            cpu_between = cpu_seconds(gunicorn)
            push_seconds, push_statuses = post_all(port, lambda i: f"/laaffic/voice-report/{token}/", bodies)
            cpu_after = cpu_seconds(gunicorn)
            stored = CallRecord.objects.filter(campaign=pushed, callee__isnull=False).count()
            print(f"\n(a) push, one report per POST, gunicorn {WORKERS} workers, concurrency {CONCURRENCY}")
            base_rate, push_rate = answered(base_statuses) / base_seconds, answered(push_statuses) / push_seconds
            base_cpu = (cpu_between - cpu_before) / answered(base_statuses) * 1000
            push_cpu = (cpu_after - cpu_between) / answered(push_statuses) * 1000
            print(f"  baseline (same POSTs, wrong token: 404): {rate(answered(base_statuses), base_seconds)}, "
                  f"workers' CPU {base_cpu:.2f} ms per request  {base_statuses}")
            print(f"  push (parse + store):                    {rate(answered(push_statuses), push_seconds)}, "
                  f"workers' CPU {push_cpu:.2f} ms per report  {push_statuses}")
            print(f"  push / baseline: {base_rate / push_rate:.1f}x the time, {push_cpu / base_cpu:.1f}x the workers' CPU")
            print(f"  stored and linked to campaign and callee: {stored:,}; target >= 300 reports/s: "
                  f"{'met' if push_rate >= 300 and stored == size else 'MISSED'}")
            stop(gunicorn)
            gunicorn = None
            history(pushed)

        # (b) backfill through recordGroupQuery
        simulator.reset()  # only the backfilled task's calls are in the record query from here on
        back_task = simulator.bulk_task("bench backfill", size)
        backfilled = campaign("bench backfill", back_task, timezone.now() - timedelta(seconds=simulator.call_seconds + 1))
        started = time.perf_counter()
        fetched = pages = 0
        start = backfilled.submitted_at - timedelta(minutes=5)
        for low, high in record_windows(start, timezone.now(), timezone.now()):
            page, last = 1, 1
            while page <= last:
                answer = client.query_records(low, high, page=page, size=RECORD_PAGE)
                fetched, pages, last, page = fetched + len(answer.records), pages + 1, answer.pages, page + 1
        base_seconds = time.perf_counter() - started
        started = time.perf_counter()
        count = campaign_backfill(backfilled, client=client)
        back_seconds = time.perf_counter() - started
        stored = CallRecord.objects.filter(campaign=backfilled, callee__isnull=False).count()
        print(f"\n(b) backfill, {pages:,} pages of {RECORD_PAGE}")
        print(f"  baseline (fetch + read the same pages, no database): {rate(fetched, base_seconds)}")
        print(f"  campaign_backfill (fetch + read + store):            {rate(count, back_seconds)}, "
              f"{back_seconds / base_seconds:.1f}x baseline")
        print(f"  stored and linked: {stored:,}; target < 60 s: "
              f"{'met' if back_seconds < 60 and stored == size else 'MISSED'}")

        # (c) the results page
        history(backfilled)
        simulator.reset()
        small_task = simulator.bulk_task("bench small", SMALL)
        small = campaign("bench small", small_task, timezone.now() - timedelta(seconds=simulator.call_seconds + 1))
        assert campaign_backfill(small, client=client) == SMALL
        User.objects.create_superuser("bench", password="bench")
        browser = Client()
        browser.login(username="bench", password="bench")

        def measure(target):
            url = reverse("admin:campaigns_campaign_results", args=[target.pk])
            times = []
            for run_number in range(PAGE_RUNS + 1):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = browser.get(url)
                    elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.status_code
                if run_number:  # the first fills caches
                    times.append(elapsed)
            return statistics.median(times), len(queries)

        small_ms, small_queries = measure(small)
        big_ms, big_queries = measure(backfilled)
        print(f"\n(c) admin results page, median of {PAGE_RUNS}")
        print(f"  {SMALL:,} records: {small_ms * 1000:.0f} ms, {small_queries} queries")
        print(f"  {size:,} records: {big_ms * 1000:.0f} ms, {big_queries} queries")
        print(f"  target < 500 ms with a constant query count: "
              f"{'met' if big_ms < 0.5 and big_queries == small_queries else 'MISSED'}")
    finally:
        stop(gunicorn)
        if simulator is not None:
            simulator.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name)))
        log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
