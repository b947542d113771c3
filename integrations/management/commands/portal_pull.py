"""Pull construction portals now: `python manage.py portal_pull [--connection NAME] [--full]`.

Runs in this process (not through Celery), with a progress bar over the projects whose children
are fetched, then a summary per connection. Exits non-zero when a pull failed or had errors.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from integrations.portals.models.connection import PortalConnection, PullStatus
from integrations.portals.pull.lease import PullBusy
from integrations.portals.pull.run import portal_pull


class Command(BaseCommand):
    help = "Pull projects, selections, change orders, purchase orders and schedules from portals."

    def add_arguments(self, parser):
        parser.add_argument("--connection", help="name of one connection (default: all enabled)")
        parser.add_argument(
            "--full", action="store_true", help="ignore high-water marks and re-pull everything"
        )
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, connection=None, full=False, no_progress=False, **options):
        connections = self.connections(connection)
        failed = [c.name for c in connections if not self.pull_one(c, full, no_progress)]
        if failed:
            raise CommandError(f"pull failed or had errors: {', '.join(failed)}", returncode=1)

    def connections(self, name: str | None) -> list[PortalConnection]:
        if name is None:
            found = list(PortalConnection.objects.filter(enabled=True))
            if not found:
                raise CommandError("No enabled portal connection: add one in the admin.")
            return found
        try:
            return [PortalConnection.objects.get(name=name)]
        except PortalConnection.DoesNotExist:
            raise CommandError(f"No portal connection named {name!r}.") from None

    def pull_one(self, connection: PortalConnection, full: bool, quiet: bool) -> bool:
        """Pull one connection with a progress bar; say whether it succeeded cleanly."""
        kind = "full" if full else "incremental"
        bar = tqdm(desc=f"{connection.name} ({kind})", unit="project", disable=quiet,
                   file=self.stderr._out, dynamic_ncols=True)  # fmt: skip

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            run = portal_pull(connection_id=connection.pk, full=full, progress=progress)
        except PullBusy as exc:
            self.stderr.write(str(exc))
            return False
        finally:
            bar.close()
        self.report(connection, run)
        return run.status == PullStatus.SUCCEEDED

    def report(self, connection: PortalConnection, run) -> None:
        """Write the run's counts per resource, requests and errors."""
        style = self.style.SUCCESS if run.status == PullStatus.SUCCEEDED else self.style.ERROR
        self.stdout.write(style(
            f"{connection.name}: {run.get_kind_display().lower()} pull {run.status} in "
            f"{run.duration_seconds:.1f} s, {run.requests_made} requests, "
            f"{run.projects_processed} projects' children fetched"
        ))  # fmt: skip
        for resource, counts in run.counts.items():
            numbers = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
            self.stdout.write(f"  {resource.replace('_', ' ')}: {numbers}")
        for error in run.errors[:20]:
            where = f"project {error['project_id']} {error['resource']}".strip()
            self.stdout.write(self.style.WARNING(f"  error: {where}: {error['error']}"))
        if len(run.errors) > 20:
            self.stdout.write(f"  … and {len(run.errors) - 20} more errors (see the PullRun)")
        if run.status == PullStatus.FAILED:
            self.stdout.write(self.style.ERROR(f"  failed: {connection.last_error}"))
