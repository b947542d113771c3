"""Oversized request bodies are refused by their Content-Length before anything reads them
(issue 11): an anonymous client can't make the server receive and spool a 300 MB upload."""

import socket
import time

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from builderops.csvio.models import ImportJob
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db
UPLOAD = "/admin/homes/home/import/"
MB = 1024 * 1024


def post_announcing(client, url: str, length: int):
    """POST a few bytes while announcing `length`: reading past them fails the test (Django's
    test payload raises), so a refusal proves the body was never read."""
    return client.generic(
        "POST",
        url,
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
    )


def test_an_anonymous_upload_is_refused_unread_even_with_its_own_csrf_cookie():
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = post_announcing(client, UPLOAD, 150 * MB)  # under the global cap
    assert response.status_code == 413
    assert response.content.decode() == (
        "The request is 150.0\xa0MB; the largest accepted here is 10.0\xa0MB."
    )


def test_a_staff_upload_over_the_csv_limit_is_refused_unread_with_a_message(client, settings):
    settings.CSV_MAX_UPLOAD_BYTES = 20 * MB
    client.force_login(user_in_role("Editor"))
    response = post_announcing(client, UPLOAD, 21 * MB)
    assert response.status_code == 302
    assert response["Location"] == UPLOAD
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The request is 21.0\xa0MB; the largest accepted here is 20.0\xa0MB. Nothing was "
        "uploaded: split the file into smaller ones."
    ]
    assert not ImportJob.objects.exists()


def test_any_body_over_the_global_cap_is_refused_unread_even_from_staff(client, settings):
    settings.DATA_UPLOAD_MAX_BODY_SIZE = 50 * MB
    client.force_login(user_in_role("Editor"))
    response = post_announcing(client, "/admin/homes/home/add/", 51 * MB)
    assert response.status_code == 413


@pytest.mark.django_db(transaction=True)
def test_over_a_real_socket_the_refusal_comes_before_the_body(live_server):
    """Announce 300 MB, send a few bytes: the answer arrives without the server waiting."""
    host, port = live_server.thread.host, live_server.thread.port
    request = (
        f"POST {UPLOAD} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {300 * MB}\r\nCookie: csrftoken={'a' * 32}\r\n\r\n--x\r\n"
    ).encode()
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(request)
        answer = conn.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413")
    assert time.monotonic() - started < 5
