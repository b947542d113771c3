"""Publish records to Builder Backed: one (`record_publish`) or a batch (`records_publish`).

Both claim leases, decide each record's job from fresh state, send the jobs (a batch through a
small thread pool over one shared client — httpx.Client is thread-safe), and record outcomes
from the calling thread, so only that thread touches the database.
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.conf import settings

from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.sync.enqueue import children_release, sync_enqueue_due_soon
from integrations.builderbacked.sync.jobs import Job, jobs_prepare
from integrations.builderbacked.sync.lease import leases_claim, leases_held, leases_release
from integrations.builderbacked.sync.outcome import Outcome, Report, outcome_record
from integrations.builderbacked.sync.pause import sync_breaker_recorded
from integrations.builderbacked.sync.registry import Kind, kind_children, kind_for
from integrations.builderbacked.sync.send import job_send

PARENT_NOW_PUBLISHED = (Outcome.PUBLISHED, Outcome.UNCHANGED, Outcome.REQUEUED)


def publish_threads() -> int:
    return settings.BUILDERBACKED_PUBLISH_THREADS


def record_publish(label: str, pk: int, *, client: BuilderBackedClient) -> Report:
    """Publish one record by model label and id; return what happened."""
    reports = records_publish(label, [pk], client=client, threads=1)
    return reports.get(pk, Report(Outcome.BUSY))


def records_publish(
    label: str, ids: list[int], *, client: BuilderBackedClient, threads: int | None = None
) -> dict[int, Report]:
    """Publish a batch of one model's records; return a report per id (BUSY when leased)."""
    kind = kind_for(label)
    token, claimed = leases_claim(kind.model, ids)
    reports = {pk: Report(Outcome.BUSY) for pk in ids if pk not in claimed}
    if not claimed:
        return reports
    try:
        with leases_held(kind.model, claimed, token):  # short leases, renewed while we work
            jobs = jobs_prepare(kind, token, claimed)
            reports.update(_run(jobs, client, threads or publish_threads()))
    finally:
        leases_release(kind.model, claimed, token)
    if client.breaker_moved:  # this batch opened or closed the breaker: record it for staff
        sync_breaker_recorded(client=client)
        client.breaker_moved = False
    _release_children(kind, reports)
    return reports


def reports_count(reports: dict[int, Report]) -> dict[str, int]:
    """Count reports by outcome, for a task's return value or a command's summary."""
    return dict(Counter(str(report.outcome) for report in reports.values()))


def _run(jobs: list[Job], client: BuilderBackedClient, threads: int) -> dict[int, Report]:
    """Record jobs that send nothing, send the rest concurrently, record each as it ends."""
    reports = {job.pk: outcome_record(job) for job in jobs if not job.sends}
    sending = [job for job in jobs if job.sends]
    if len(sending) <= 1 or threads <= 1:
        for job in sending:
            reports[job.pk] = outcome_record(job, job_send(job, client))
        return reports
    pool = ThreadPoolExecutor(max_workers=min(threads, len(sending)))
    try:
        futures = {pool.submit(job_send, job, client): job for job in sending}
        for future in as_completed(futures):
            job = futures[future]
            reports[job.pk] = outcome_record(job, future.result())
    finally:  # on a time limit, don't start what is left: those records stay due
        pool.shutdown(wait=True, cancel_futures=True)
    return reports


def _release_children(kind: Kind, reports: dict[int, Report]) -> None:
    """Let the children of parents just published go right away (bulk path, parents first)."""
    if kind_children(kind) is None:
        return
    published = [pk for pk, report in reports.items() if report.outcome in PARENT_NOW_PUBLISHED]
    if children_release(kind, published):
        sync_enqueue_due_soon()
