"""A local stand-in for Laaffic's voice API, served over real HTTP, for development and tests.

Group-call bodies are checked with `campaigns.rules.check_body`, so the simulator refuses
exactly what the rules module says the provider refuses. Tasks then run on the simulator's
clock and report the same calls in the task list, the record query and the status push.
Faults can be queued to rehearse outages, timeouts and odd answers.

`server` (the Simulator, HTTP, control endpoints), `endpoints` (one function per API page),
`calls` (tasks and their calls), `push` (the status push), `faults` (fault injection) and
`codes` (the provider's statuses and codes). Not part of the client: `campaigns.laaffic`
never imports it.
"""
from campaigns.simulator.server import Simulator

__all__ = ["Simulator"]
