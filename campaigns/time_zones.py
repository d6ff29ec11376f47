"""The time zones a staff member may pick: IANA names that zoneinfo can load."""
from functools import lru_cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def names() -> tuple[str, ...]:
    """Area/City names (Europe/Madrid) and UTC, sorted; not the system's aliases (localtime, Factory, GB)."""
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def problem(name: str) -> str | None:
    """Why `name` is not a zone a staff member can pick, or None."""
    if name in names():
        return None
    return (f"“{name[:64]}” is not a time zone name. Pick your zone from the list, written as "
            "region/city (e.g. Europe/Madrid), or leave it empty for the site's zone.")


def validate(name: str) -> None:
    message = problem(name)
    if message:
        raise ValidationError(message, code="invalid")
