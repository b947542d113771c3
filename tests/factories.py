"""factory_boy factories for every model, and users in a role.

Factories write straight through the ORM (they set up a world; they are not a writer under
test). Each reviewed record takes the traits `approved=True` and `published=True` (published
implies approved): `HomeFactory(published=True)` is a home Builder Backed already knows.
"""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from builderops.core.publishing import SyncState
from builderops.core.review import ReviewState
from builderops.core.roles import roles_ensure
from homes.models import Home, Homeowner, HomeType
from locations.models import Division, MasterCommunity, Neighborhood, Region

PASSWORD = "pw"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@builderops.test")
    password = factory.django.Password(PASSWORD)
    is_staff = True


def user_in_role(role: str, **kwargs):
    """Create a staff user in the group `role` ("Viewer", "Editor", "Approver"), password "pw"."""
    if not Group.objects.filter(name=role).exists():
        roles_ensure()
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


def superuser(**kwargs):
    """Create a superuser, password "pw"."""
    return UserFactory(is_superuser=True, **kwargs)


class ReviewedFactory(factory.django.DjangoModelFactory):
    """Review and sync traits shared by every publishable record."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    class Params:
        approved = factory.Trait(
            review_state=ReviewState.APPROVED,
            approved_at=factory.LazyFunction(timezone.now),
        )
        published = factory.Trait(
            review_state=ReviewState.APPROVED,
            approved_at=factory.LazyFunction(timezone.now),
            sync_state=SyncState.PUBLISHED,
            remote_id=factory.Sequence(lambda n: 10_000 + n),
            sync_last_success_at=factory.LazyFunction(timezone.now),
            sync_version=1,
            sync_published_version=1,
        )


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")
    remote_id = factory.Sequence(lambda n: n + 1)
    builder_id = 1
    active = True


class DivisionFactory(ReviewedFactory):
    class Meta:
        model = Division

    external_id = factory.Sequence(lambda n: f"DIV_{n:03d}")
    name = factory.Sequence(lambda n: f"Division {n}")
    region = factory.SubFactory(RegionFactory)


class MasterCommunityFactory(ReviewedFactory):
    class Meta:
        model = MasterCommunity

    external_id = factory.Sequence(lambda n: f"MC_{n:03d}")
    name = factory.Sequence(lambda n: f"Master Community {n}")
    division = factory.SubFactory(DivisionFactory)


class NeighborhoodFactory(ReviewedFactory):
    class Meta:
        model = Neighborhood

    external_id = factory.Sequence(lambda n: f"NH_{n:03d}")
    name = factory.Sequence(lambda n: f"Neighborhood {n}")
    master_community = factory.SubFactory(MasterCommunityFactory)


class HomeFactory(ReviewedFactory):
    """A valid home; `HomeFactory(homeowners=2)` also gives it two homeowners."""

    class Meta:
        model = Home

    external_id = factory.Sequence(lambda n: f"HOME_{n:05d}")
    neighborhood = factory.SubFactory(NeighborhoodFactory)
    address_line1 = factory.Sequence(lambda n: f"{100 + n} Oak St")
    city = "Cincinnati"
    state = "OH"
    postal_code = "45202"
    home_type = HomeType.SINGLE_FAMILY
    job_id = factory.Sequence(lambda n: f"JOB-{n:04d}")

    @factory.post_generation
    def homeowners(self, create, extracted, **kwargs):
        if create and extracted:
            for _ in range(extracted):
                HomeownerFactory(home=self, **kwargs)


class HomeownerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Homeowner

    home = factory.SubFactory(HomeFactory)
    email = factory.Sequence(lambda n: f"owner{n}@example.com")
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = "Rivera"


def chain(*, approved: bool = True, published: bool = False) -> Neighborhood:
    """Create region → division → master community → neighborhood, all in the same state."""
    traits = {"approved": approved and not published, "published": published}
    division = DivisionFactory(**traits)
    community = MasterCommunityFactory(division=division, **traits)
    return NeighborhoodFactory(master_community=community, **traits)
