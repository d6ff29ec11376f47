import pytest

from campaigns.laaffic import LaafficClient
from campaigns.laaffic.signing import DOC_API_KEY, DOC_API_SECRET
from campaigns.simulator import Simulator


@pytest.fixture
def simulator():
    with Simulator() as running:
        yield running


@pytest.fixture
def client(simulator):
    return LaafficClient(simulator.base_url, DOC_API_KEY, DOC_API_SECRET, timeout=5)
