"""Turn unlinked portal jobs into draft homes (issue 15, "Homes from portal jobs").

Staff pick the neighborhood; everything else comes from the job: address, job number → job id
(and external id), clients → homeowners (names split into first/last). A client without a valid
e-mail is listed so staff can type one; a job still missing one is reported, not made. Each home
is created through homes.services (review, history, validation) as a draft and linked to its
job, confirmed — one savepoint per job, so a failing job leaves nothing half-made.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from homes.models import Home, Homeowner
from homes.services import home_create
from integrations.portals.linking import project_link_created_home
from integrations.portals.linking.normalize import name_split, zip5
from integrations.portals.models.mirrors import HomesFromJobsRun, LinkMethod, Project
from locations.models import Neighborhood


@dataclass
class ClientDraft:
    """One client as a would-be homeowner; `problem` says why its e-mail can't be used."""

    index: int
    name: str
    email: str
    first_name: str
    last_name: str
    problem: str = ""


@dataclass
class JobDraft:
    project: Project
    clients: list[ClientDraft]

    @property
    def problems(self) -> list[ClientDraft]:
        return [c for c in self.clients if c.problem]


@dataclass
class HomesFromJobsResult:
    created: list[tuple[Project, Home]] = field(default_factory=list)
    failed: list[tuple[Project, str]] = field(default_factory=list)


def email_problem(email: str) -> str:
    """Say why `email` can't be a homeowner's e-mail ("" when it can)."""
    if not email:
        return "has no e-mail"
    try:
        Homeowner._meta.get_field("email").run_validators(email)
    except ValidationError:
        return f"has an invalid e-mail (“{email}”)"
    return ""


def job_draft(project: Project, fixes: dict[tuple[int, int], str] | None = None) -> JobDraft:
    """Return `project`'s clients as homeowners, with staff's e-mail fixes applied."""
    clients = []
    for index, client in enumerate(project.clients or []):
        name = str(client.get("name") or "").strip()
        email = (fixes or {}).get((project.pk, index)) or str(client.get("email") or "").strip()
        first, last = name_split(name)
        clients.append(ClientDraft(index, name, email, first, last, email_problem(email)))
    return JobDraft(project, clients)


def home_data(project: Project, neighborhood: Neighborhood) -> dict:
    """Return the home fields a job gives (its job number is also the home's external id)."""
    job = project.job_number.strip()
    return {
        "external_id": job or f"{project.connection.portal.upper()}-{project.remote_id}",
        "neighborhood": neighborhood,
        "address_line1": project.address_line1.strip(),
        "address_line2": project.address_line2.strip(),
        "city": project.city.strip(),
        "state": project.state.strip().upper(),
        "postal_code": project.postal_code.strip(),
        "home_type": project.connection.home_type_default,
        "job_id": job,
    }


def validation_text(exc: ValidationError) -> str:
    """Flatten a ValidationError into one sentence per field."""
    if hasattr(exc, "error_dict"):
        return " ".join(" ".join(messages) for messages in exc.message_dict.values())
    return " ".join(exc.messages)


def projects_homes_create(
    *,
    projects: list[Project],
    neighborhood: Neighborhood,
    user,
    email_fixes: dict[tuple[int, int], str] | None = None,
) -> HomesFromJobsResult:
    """Create a draft home from each unlinked job, linked to it; report each job that fails."""
    result = HomesFromJobsResult()
    for project in projects:
        try:
            home = project_home_create(
                project=project, neighborhood=neighborhood, user=user, email_fixes=email_fixes
            )
        except ValidationError as exc:
            result.failed.append((project, validation_text(exc)))
        else:
            result.created.append((project, home))
    return result


def project_home_create(
    *, project: Project, neighborhood: Neighborhood, user, email_fixes=None
) -> Home:
    """Create one job's draft home with its owners, and link it; all or nothing."""
    if project.home_id is not None:
        raise ValidationError(f"It is already linked to home {project.home.external_id}.")
    draft = job_draft(project, email_fixes)
    if draft.problems:
        raise ValidationError(
            [f"Client “{c.name or c.index + 1}” {c.problem}: enter one." for c in draft.problems]
        )
    owners = [
        {"email": c.email, "first_name": c.first_name, "last_name": c.last_name}
        for c in draft.clients
    ]
    with transaction.atomic():
        home = home_create(user=user, data=home_data(project, neighborhood), homeowners=owners)
        project_link_created_home(project=project, home=home, user=user)
    return home


def neighborhood_suggest(projects: list[Project]) -> Neighborhood | None:
    """Suggest the neighborhood most of the homes in the jobs' ZIPs (or cities) are in, counting
    homes already linked to a job first — they are the job's neighbours."""
    zips = {z for p in projects if (z := zip5(p.postal_code))}
    cities = {p.city.strip() for p in projects if p.city.strip()}
    if not zips and not cities:
        return None
    near = Q()
    for code in zips:
        near |= Q(postal_code__startswith=code)
    for city in cities:
        near |= Q(city__iexact=city)
    best = (
        Home.objects.filter(near, neighborhood__active=True)
        .values("neighborhood")
        .annotate(linked=Count("portal_projects", distinct=True), homes=Count("pk", distinct=True))
        .order_by("-linked", "-homes", "neighborhood")
        .first()
    )
    return Neighborhood.objects.filter(pk=best["neighborhood"]).first() if best else None


# -- many jobs: a worker, with progress (like a large CSV import) ------------------------------

RUN_CHUNK = 25  # jobs per progress step


def homes_from_jobs_run_start(
    *, projects: list[Project], neighborhood: Neighborhood, user, email_fixes=None
) -> HomesFromJobsRun:
    """Record a run over `projects` and queue it for a worker once this transaction commits."""
    from integrations.portals.tasks import homes_from_jobs_run_task  # tasks import this module

    run = HomesFromJobsRun.objects.create(
        user=user,
        neighborhood=neighborhood,
        project_ids=[p.pk for p in projects],
        email_fixes={f"{pk}-{index}": e for (pk, index), e in (email_fixes or {}).items()},
    )
    transaction.on_commit(lambda: homes_from_jobs_run_task.delay(run.pk))
    return run


def homes_from_jobs_run_execute(*, run_id: int) -> HomesFromJobsRun:
    """Create the run's homes chunk by chunk, saving progress; resume where a lost worker
    stopped (jobs already made into homes by this run count as created, not failed)."""
    run = HomesFromJobsRun.objects.select_related("neighborhood", "user").get(pk=run_id)
    if run.status == HomesFromJobsRun.Status.DONE:
        return run
    run.status = HomesFromJobsRun.Status.RUNNING
    run.save(update_fields=["status", "updated_at"])
    fixes = {tuple(map(int, key.split("-"))): email for key, email in run.email_fixes.items()}
    ids = run.project_ids
    for start in range(run.done, len(ids), RUN_CHUNK):
        run_chunk_apply(run, ids[start : start + RUN_CHUNK], fixes)
    run.status, run.finished_at = HomesFromJobsRun.Status.DONE, timezone.now()
    run.save(update_fields=["status", "finished_at", "updated_at"])
    return run


def run_chunk_apply(run: HomesFromJobsRun, ids: list[int], fixes: dict) -> None:
    """Create one chunk's homes and record the outcome and the progress."""
    projects = Project.objects.select_related("connection", "home").in_bulk(ids)
    made_earlier = [p for p in projects.values() if run_made(run, p)]
    todo = [projects[pk] for pk in ids if pk in projects and projects[pk] not in made_earlier]
    result = projects_homes_create(
        projects=todo, neighborhood=run.neighborhood, user=run.user, email_fixes=fixes
    )
    run.created += [[p.pk, p.home.external_id] for p in made_earlier]
    run.created += [[p.pk, home.external_id] for p, home in result.created]
    run.failed += [[str(p), reason] for p, reason in result.failed]
    run.done += len(ids)
    run.save(update_fields=["created", "failed", "done", "updated_at"])


def run_made(run: HomesFromJobsRun, project: Project) -> bool:
    """Say whether `project`'s home was made by this run before a worker was lost."""
    return (
        project.link_method == LinkMethod.CREATED
        and project.link_confirmed_by_id == run.user_id
        and project.link_confirmed_at is not None
        and project.link_confirmed_at >= run.created_at
        and all(pk != project.pk for pk, _ in run.created)
    )
