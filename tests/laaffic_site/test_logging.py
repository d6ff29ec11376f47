"""What the log shows of an unhandled error with DEBUG off, as in production."""
import io
import logging

import pytest
from django.test import Client
from django.urls import path

DETAIL = "the call records table is on fire"


def broken(request):
    raise RuntimeError(DETAIL)


urlpatterns = [path("broken/", broken)]


@pytest.fixture
def console():
    """What the handlers configured at startup (settings.LOGGING) write to the console."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    handlers = {handler for logger in loggers for handler in getattr(logger, "handlers", [])
                if type(handler) is logging.StreamHandler}  # not pytest's capturing handlers
    stream = io.StringIO()
    previous = {handler: handler.setStream(stream) for handler in handlers}
    yield stream
    for handler, old in previous.items():
        handler.setStream(old)


@pytest.mark.urls(__name__)
def test_an_unhandled_error_is_logged_with_its_traceback_and_the_page_shows_no_detail(settings, console, caplog):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert DETAIL not in page and "Traceback" not in page and "RuntimeError" not in page
    assert "Something went wrong on our side" in page and "tell your site administrator" in page
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "ERROR" and record.exc_info[1].args == (DETAIL,)
    logged = console.getvalue()
    assert "ERROR django.request Internal Server Error: /broken/" in logged
    assert "Traceback (most recent call last)" in logged
    assert f"RuntimeError: {DETAIL}" in logged
