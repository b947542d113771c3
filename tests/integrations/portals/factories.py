"""Factories for portal connections and mirrored records (test data, written through the ORM)."""

import factory
from django.utils import timezone

from integrations.portals.models.connection import PortalConnection, PullRun
from integrations.portals.models.mirrors import Project, ScheduleTask, Selection
from integrations.portals.models.orders import ChangeOrder, PurchaseOrder

PORTAL_PASSWORD = "s3cret-portal-pass"


class PortalConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalConnection
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Connection {n}")
    portal = "buildertrend"
    base_url = "http://127.0.0.1:9"
    username = "demo@builder.example"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(PORTAL_PASSWORD if extracted is None else extracted)
        if create:
            self.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    connection = factory.SubFactory(PortalConnectionFactory)
    remote_id = factory.Sequence(lambda n: f"{100000 + n}")
    name = factory.Sequence(lambda n: f"Lee Residence {n}")
    job_number = factory.Sequence(lambda n: f"PJ-{n:05d}")
    status = "open"
    address_line1 = factory.Sequence(lambda n: f"{n} Elm Street")
    city = "Mason"
    state = "OH"
    postal_code = "45040"
    remote_updated_at = factory.LazyFunction(timezone.now)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    project = factory.SubFactory(ProjectFactory)
    connection = factory.SelfAttribute("project.connection")
    remote_id = factory.Sequence(lambda n: f"C{n}")
    remote_updated_at = factory.LazyFunction(timezone.now)


class SelectionFactory(ChildFactory):
    class Meta:
        model = Selection

    category = "Flooring"
    title = "Kitchen floor"
    status = "pending"


class ChangeOrderFactory(ChildFactory):
    class Meta:
        model = ChangeOrder

    number = factory.Sequence(lambda n: f"CO-{n:03d}")
    title = "Extra outlet"
    approval_status = "pending"


class PurchaseOrderFactory(ChildFactory):
    class Meta:
        model = PurchaseOrder

    number = factory.Sequence(lambda n: f"PO-{n:03d}")
    vendor_name = "Sparky Electric"


class ScheduleTaskFactory(ChildFactory):
    class Meta:
        model = ScheduleTask

    title = "Framing"


class PullRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PullRun

    connection = factory.SubFactory(PortalConnectionFactory)
    kind = "incremental"
    status = "succeeded"
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)
