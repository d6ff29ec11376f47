"""A local stand-in for Laaffic's voice API, for development and tests.

Not part of the client: `campaigns.laaffic` never imports it.
"""
from campaigns.simulator.server import Simulator

__all__ = ["Simulator"]
