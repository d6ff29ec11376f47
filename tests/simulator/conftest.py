import pytest

from campaigns.simulator import Simulator
from tests.simulator.api import START


class Clock:
    def __init__(self):
        self.now = START.timestamp()

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def simulator(clock):
    """A simulator on a clock the test moves, starting at 10:00 on 1 March 2025 in Shanghai."""
    with Simulator(clock=clock, call_seconds=20) as running:
        yield running


@pytest.fixture
def page_example(example_body):
    """The page's example request body, as printed (its sendTime is in the past)."""
    return dict(example_body, sendTime="2024-06-21 00:00:00")
