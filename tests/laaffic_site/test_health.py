"""/healthz: what a load balancer sees, and that it gives nothing away."""
import pytest
from django.db import OperationalError, connection

from laaffic_site.celery import app as celery_app

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthy_when_the_database_and_the_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unhealthy_without_the_database_and_says_nothing_of_why(client, monkeypatch):
    secret_error = "could not connect to server db.internal:5432 as user app password=hunter2"

    def broken_cursor(*args, **kwargs):
        raise OperationalError(secret_error)

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    assert_unhealthy_in_silence(client, {"database": "error", "broker": "ok"},
                                leaks=("db.internal", "5432", "hunter2", "could not connect"))


@pytest.mark.django_db
def test_unhealthy_without_the_broker_and_says_nothing_of_why(client, monkeypatch):
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery prefers it to its conf
    monkeypatch.setitem(celery_app.conf, "broker_url", UNREACHABLE_BROKER)
    assert_unhealthy_in_silence(client, {"database": "ok", "broker": "error"},
                                leaks=("redis", "127.0.0.1", "refused", "Error"))


def assert_unhealthy_in_silence(client, checks, *, leaks):
    """503 with which check failed, and nothing of why (host, port, password, error text)."""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", **checks}
    for leak in leaks:
        assert leak not in response.content.decode()


@pytest.mark.django_db
def test_load_balancers_probing_over_http_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/admin/login/").status_code == 301
    assert client.head("/healthz").status_code == 200
