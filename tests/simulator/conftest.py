import pytest

from campaigns.simulator import Simulator


@pytest.fixture
def page_example(example_body):
    """The page's example request body, as printed (its sendTime is in the past)."""
    return dict(example_body, sendTime="2024-06-21 00:00:00")


@pytest.fixture
def simulator():
    with Simulator() as running:
        yield running
