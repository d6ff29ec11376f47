"""Uploaded files hold phone numbers: only staff get them, and only in development."""
import importlib

import pytest
from django.urls import clear_url_caches

import laaffic_site.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_urls(settings, tmp_path):
    """The URLconf as `make run` (DEBUG on) builds it, with one uploaded list in MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "list.csv").write_text("8613800000001,Ana\n")
    settings.DEBUG = True
    importlib.reload(laaffic_site.urls)
    clear_url_caches()
    yield "/media/imports/list.csv"
    settings.DEBUG = False
    importlib.reload(laaffic_site.urls)
    clear_url_caches()


def test_an_uploaded_list_is_not_served_to_visitors(client, media_urls):
    response = client.get(media_urls)
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_staff_get_uploaded_files_in_development(admin_client, media_urls):
    response = admin_client.get(media_urls)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"8613800000001,Ana\n"


def test_nothing_uploaded_is_served_in_production(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "list.csv").write_text("8613800000001\n")
    assert admin_client.get("/media/list.csv").status_code == 404
