"""Real Celery workers against PostgreSQL and Redis, as separate processes.

Each worker is `celery -A laaffic_site worker --pool=solo` with the test database,
the local simulator and a queue of the test's own, so that neither other tests nor
concurrent runs take each other's tasks.
"""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from laaffic_site.celery import app as celery_app
from tests.conftest import DOC_KEY, DOC_SECRET

CELERY = Path(sys.executable).with_name("celery")
# Seconds the workers wait for Laaffic's answer.
WORKER_LAAFFIC_TIMEOUT = 5
READY_TIMEOUT = 30


def missing_services() -> str:
    """Why the worker tests cannot run here, or ''."""
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL
    needs = ("they need PostgreSQL and Redis: set DATABASE_URL=postgres://... and "
             "CELERY_BROKER_URL=redis://...")
    if engine != "postgresql" or not broker.startswith("redis://"):
        return f"{needs} (the database is {engine}, the broker {broker.split('://')[0]})"
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        return f"{needs} (Redis does not answer on CELERY_BROKER_URL: {type(error).__name__})"
    return ""


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if item.get_closest_marker("integration")]
    reason = ours and missing_services()
    if reason:
        skip = pytest.mark.skip(reason=f"worker integration tests skipped: {reason}")
        for item in ours:
            item.add_marker(skip)


def wait_until(condition, timeout, what, worker=None):
    """Poll `condition` every 0.1 s; fail saying `what` did not happen (with the worker's log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    log = f"\n--- worker log ---\n{worker.log_tail()}" if worker else ""
    pytest.fail(f"{what} did not happen within {timeout} s{log}")


def purge_queue(broker_url, queue):
    """Drop everything Redis holds for `queue`, unacknowledged deliveries included."""
    client = redis.Redis.from_url(broker_url)
    for tag, payload in client.hscan_iter("unacked"):
        *_, routing_key = json.loads(payload)
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    # The workers' remote-control bindings (their node names contain the queue's).
    for key in client.scan_iter(match="_kombu.binding.*", _type="set"):
        for member in client.sscan_iter(key, match=f"*{queue}*"):
            client.srem(key, member)


@pytest.fixture
def celery_queue():
    """A queue of this test's own, emptied at its end (with what killed workers left unacknowledged)."""
    queue = f"itest-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    yield queue
    purge_queue(settings.CELERY_BROKER_URL, queue)


@pytest.fixture
def enqueue_to_workers(celery_queue):
    """Tasks queued by this process go to the broker (not run in-process), on the test's queue."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, celery_queue
    yield
    conf.task_always_eager, conf.task_default_queue = saved


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


def database_url() -> str:
    """The test database (the one this process uses) as a DATABASE_URL for a worker."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


class Worker:
    def __init__(self, process: subprocess.Popen, log_path: Path):
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines=60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def wait_for_log(self, text, timeout=15):
        return wait_until(lambda: text in self.log(), timeout, f"worker log line {text!r}", self)

    def kill(self):
        """SIGKILL: the worker dies mid-task, acknowledging nothing."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def start_worker(request, transactional_db, celery_queue, enqueue_to_workers, simulator, media_root, tmp_path):
    """Start a Celery worker process on the test database, the simulator and the test's queue.

    Returns once the worker is consuming; every worker started is stopped at the end of the test.
    """
    started = []

    def start(**env_overrides) -> Worker:
        n = len(started) + 1
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_MEDIA_ROOT": media_root,
            "LAAFFIC_API_URL": simulator.base_url,
            "LAAFFIC_API_KEY": DOC_KEY,
            "LAAFFIC_API_SECRET": DOC_SECRET,
            "LAAFFIC_TIMEOUT": str(WORKER_LAAFFIC_TIMEOUT),
            "PYTHONUNBUFFERED": "1",
            **env_overrides,
        }
        log_path = tmp_path / f"worker-{n}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [str(CELERY), "-A", "laaffic_site", "worker", "--pool=solo", "--concurrency=1", "-l", "INFO",
                 "-Q", celery_queue, "-n", f"{celery_queue}-{n}@%h",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            )
        worker = Worker(process, log_path)
        started.append(worker)
        wait_until(lambda: " ready." in worker.log() or process.poll() is not None, READY_TIMEOUT,
                   "worker start", worker)
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{worker.log_tail()}")
        return worker

    yield start
    for worker in started:
        worker.stop()
