"""Laaffic's voice API: signing, the HTTP client, error codes and a local simulator.

Pure Python: imports neither Django nor the project's models or settings.
"""
from campaigns.laaffic.client import Exchange, LaafficClient, Reply
from campaigns.laaffic.errors import LaafficError, describe_code
from campaigns.laaffic.signing import sign
from campaigns.laaffic.simulator import Simulator

__all__ = ["LaafficClient", "LaafficError", "Exchange", "Reply", "sign", "Simulator",
           "describe_code"]
