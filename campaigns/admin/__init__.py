"""The operators' admin, by subject: campaigns (build, submit), lists and imports, tracking (after launch)."""
from . import campaigns, lists, tracking  # noqa: F401  (each registers its models)
