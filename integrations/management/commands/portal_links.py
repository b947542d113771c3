"""Say how far project ↔ home links can be trusted:
`python manage.py portal_links [--connection NAME] [--recheck]`.

Prints the live projects per link state (conflicts and links to review first), the homes with no
project, and the worst disagreements. `--recheck` first re-matches and re-weighs every link staff
have not confirmed (what a full pull does).
"""

from django.core.management.base import BaseCommand, CommandError

from builderops.core.formatting import plural
from integrations.portals.linking import projects_links_recheck
from integrations.portals.linking.summary import links_summary
from integrations.portals.models.connection import PortalConnection


class Command(BaseCommand):
    help = "Count project-home links per state and list the worst disagreements."

    def add_arguments(self, parser):
        parser.add_argument("--connection", help="name of one connection (default: all)")
        parser.add_argument(
            "--recheck", action="store_true", help="re-match and re-weigh unconfirmed links first"
        )
        parser.add_argument("--worst", type=int, default=10, help="disagreements to list (10)")

    def handle(self, *args, connection=None, recheck=False, worst=10, **options):
        chosen = self.connection(connection)
        if recheck:
            changed = projects_links_recheck(connection=chosen)
            self.stdout.write(f"Rechecked: {plural(changed, 'link')} changed.")
        summary = links_summary(connection=chosen, worst=worst)
        scope = chosen.name if chosen else "all connections"
        self.stdout.write(f"Portal projects ({scope}): {plural(summary.total, 'live project')}")
        for _value, label, count in summary.rows():
            self.stdout.write(f"  {label:<20} {count:>8,}")
        self.stdout.write(f"Homes with no project: {summary.homes_without_project:,}")
        self.worst(summary.worst)

    def connection(self, name: str | None) -> PortalConnection | None:
        if name is None:
            return None
        try:
            return PortalConnection.objects.get(name=name)
        except PortalConnection.DoesNotExist:
            raise CommandError(f"No portal connection named {name!r}.") from None

    def worst(self, projects) -> None:
        if not projects:
            self.stdout.write(self.style.SUCCESS("No link to review and no conflict."))
            return
        self.stdout.write("Worst disagreements:")
        for project in projects:
            home = project.home.external_id if project.home else "—"
            self.stdout.write(self.style.WARNING(
                f"  {project.job_number or project.remote_id} ({project.connection.name}) → "
                f"{home}: {project.get_link_state_display().lower()}, "
                f"{plural(project.link_disagreements, 'difference')}"
            ))  # fmt: skip
            for difference in project.link_differences:
                self.stdout.write(
                    f"      {difference['label']}: home “{difference['home']}” "
                    f"vs portal “{difference['project']}”"
                )
