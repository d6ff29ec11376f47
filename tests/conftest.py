import copy
import dataclasses
import json
import os
from pathlib import Path

import pytest
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from campaigns import rules
from campaigns.simulator import Simulator
from laaffic_site.celery import app as celery_app

DATA = Path(__file__).parent / "data"
DOC_KEY, DOC_SECRET = "bDqJFiq9", "7bz1lzh9"

# Hypothesis profiles. "ci" (.ci/run) explores the same 100 examples a test every run, or the
# multiple of them a test asks for, so a red build is reproducible. "dev", the default, explores
# a quarter of that anew each run and remembers failures in .hypothesis/. HYPOTHESIS_PROFILE picks.
hypothesis_settings.register_profile("ci", max_examples=100, derandomize=True, database=None)
hypothesis_settings.register_profile("dev", max_examples=25)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# Tasks run in the test process; the worker integration tests start real workers.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """MD5 instead of PBKDF2 for the whole run: each login or new user costs microseconds, not
    a few hundred milliseconds."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def pytest_report_header(config):
    from django.conf import settings

    return (f"database: {settings.DATABASES['default']['ENGINE']}, "
            f"broker: {settings.CELERY_BROKER_URL.split('://')[0]}")


@pytest.fixture(scope="session")
def running_simulator():
    with Simulator(api_key=DOC_KEY, api_secret=DOC_SECRET) as sim:
        yield sim


@pytest.fixture
def simulator(running_simulator, settings):
    """The local Laaffic simulator over real HTTP, wired into the site's settings."""
    running_simulator.reset()
    settings.LAAFFIC_API_URL = running_simulator.base_url
    settings.LAAFFIC_API_KEY = DOC_KEY
    settings.LAAFFIC_API_SECRET = DOC_SECRET
    settings.LAAFFIC_TIMEOUT = 2.0
    return running_simulator


@pytest.fixture
def example_body():
    """The provider page's example request, with its sendTime moved into the future."""
    return copy.deepcopy(json.loads((DATA / "group_call_example.json").read_text()))


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL's own behaviour (row locks, deadlocks): skipped on SQLite."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if engine == "postgresql":
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL (DATABASE_URL=postgres://...); the database is {engine}")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture
def limit_of_4(monkeypatch):
    """Laaffic's per-task limit, in the contract table, set to 4 numbers."""
    monkeypatch.setitem(rules.FIELDS, "numberInfoList", dataclasses.replace(rules.FIELDS["numberInfoList"],
                                                                            max_length=4))
    return 4
