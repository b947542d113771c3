"""Publish leases are short and renewed while a batch runs, and given back when the worker stops
(issue 10, item 3), so a killed worker's records are free again within half a minute."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from builderops.celery import leases_release_on_shutdown
from integrations.builderbacked.sync import lease
from integrations.builderbacked.sync.lease import LEASE_SECONDS, leases_claim, leases_held

from .sync_support import build_chain

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_claimed_lease_is_short(boss):
    division = build_chain(boss)[0]
    _, claimed = leases_claim(type(division), [division.pk])

    division.refresh_from_db()
    assert claimed == [division.pk]
    assert division.sync_lease_until <= timezone.now() + timedelta(seconds=LEASE_SECONDS)
    assert LEASE_SECONDS <= 30


def test_a_lease_is_renewed_while_the_batch_runs(boss, monkeypatch):
    monkeypatch.setattr(lease, "LEASE_RENEW_SECONDS", 0.2)
    monkeypatch.setattr(lease, "LEASE_SECONDS", 1)
    division = build_chain(boss)[0]
    model = type(division)
    token, claimed = leases_claim(model, [division.pk], seconds=1)

    with leases_held(model, claimed, token):
        time.sleep(1.5)  # longer than the lease: only the renewals keep it
        held = model.objects.get(pk=division.pk)

    assert held.sync_lease_token == token
    assert held.sync_lease_until > timezone.now()


def test_a_stopping_worker_gives_back_the_leases_it_holds(boss):
    division = build_chain(boss)[0]
    model = type(division)
    token, claimed = leases_claim(model, [division.pk])

    with leases_held(model, claimed, token):
        leases_release_on_shutdown()  # Celery's worker_process_shutdown / worker_shutdown
        released = model.objects.get(pk=division.pk)

    assert (released.sync_lease_token, released.sync_lease_until) == ("", None)
