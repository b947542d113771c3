"""Location rules mirror builder-backed.md: each refusal names the field and the fix."""

import pytest
from django.core.exceptions import ValidationError

from locations.models import Division, MasterCommunity
from locations.services import (
    division_create,
    location_deactivate,
    location_update,
    master_community_create,
)
from tests.factories import (
    DivisionFactory,
    MasterCommunityFactory,
    NeighborhoodFactory,
    RegionFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return user_in_role("Editor")


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_external_id_is_stripped_of_surrounding_whitespace(editor):
    division = division_create(
        user=editor,
        data={"external_id": "  DIV_1\t", "name": " Cincinnati ", "region": RegionFactory()},
    )
    division.refresh_from_db()
    assert (division.external_id, division.name) == ("DIV_1", "Cincinnati")


@pytest.mark.parametrize(
    ("external_id", "message"),
    [
        ("", "External ID is required: enter the builder's own id, e.g. DIV_001."),
        ("   ", "External ID is required: enter the builder's own id, e.g. DIV_001."),
        ("DIV\t1", "External ID can't contain tabs or line breaks: remove them."),
    ],
)
def test_external_id_must_be_a_usable_id(editor, external_id, message):
    data = {"external_id": external_id, "name": "Cincinnati", "region": RegionFactory()}
    assert errors_of(lambda: division_create(user=editor, data=data))["external_id"] == [message]
    assert not Division.objects.exists()


def test_external_ids_differing_only_in_case_are_different_records(editor):
    region = RegionFactory()
    division_create(user=editor, data={"external_id": "DIV_1", "name": "One", "region": region})
    division_create(user=editor, data={"external_id": "div_1", "name": "Two", "region": region})
    assert sorted(Division.objects.values_list("external_id", flat=True)) == ["DIV_1", "div_1"]
    assert Division.objects.get(external_id="div_1").name == "Two"


def test_an_external_id_is_used_once_per_level(editor):
    region = RegionFactory()
    division_create(user=editor, data={"external_id": "DIV_1", "name": "One", "region": region})
    data = {"external_id": " DIV_1 ", "name": "Again", "region": region}
    errors = errors_of(lambda: division_create(user=editor, data=data))
    assert errors["external_id"] == ["Division with this External ID already exists."]
    assert Division.objects.count() == 1


def test_the_same_external_id_may_be_used_at_another_level(editor):
    division = DivisionFactory(external_id="SAME_1")
    community = master_community_create(
        user=editor, data={"external_id": "SAME_1", "name": "Mason", "division": division}
    )
    assert community.pk is not None


def test_a_blank_name_is_refused(editor):
    data = {"external_id": "DIV_1", "name": "   ", "region": RegionFactory()}
    assert errors_of(lambda: division_create(user=editor, data=data))["name"] == [
        "Name is required: enter the name staff and homeowners see."
    ]


def test_external_id_is_frozen_once_published(editor):
    division = DivisionFactory(external_id="DIV_1", published=True)
    errors = errors_of(
        lambda: location_update(obj=division, user=editor, data={"external_id": "DIV_2"})
    )
    assert errors["external_id"] == [
        "External ID can't change once published: Builder Backed knows this record as “DIV_1”. "
        "Put it back, or create a new record."
    ]
    assert Division.objects.get().external_id == "DIV_1"


def test_external_id_may_change_while_never_published(editor):
    division = DivisionFactory(external_id="DIV_1", approved=True)
    location_update(obj=division, user=editor, data={"external_id": "DIV_2"})
    assert Division.objects.get().external_id == "DIV_2"


def test_a_division_needs_an_active_region(editor):
    region = RegionFactory(name="Dayton", active=False)
    data = {"external_id": "DIV_1", "name": "Dayton", "region": region}
    assert errors_of(lambda: division_create(user=editor, data=data))["region"] == [
        "Region “Dayton” is inactive: choose an active one, or reactivate it first."
    ]


def test_a_master_community_needs_an_active_division(editor):
    division = DivisionFactory(external_id="DIV_9", name="Old", active=False)
    data = {"external_id": "MC_1", "name": "Mason", "division": division}
    assert errors_of(lambda: master_community_create(user=editor, data=data))["division"] == [
        "Division “Old (DIV_9)” is inactive: choose an active one, or reactivate it first."
    ]
    assert not MasterCommunity.objects.exists()


def test_a_location_with_active_children_cannot_be_deactivated(editor):
    community = MasterCommunityFactory(name="Mason", external_id="MC_1")
    NeighborhoodFactory.create_batch(2, master_community=community)
    with pytest.raises(ValidationError) as caught:
        location_deactivate(obj=community, user=editor)
    assert caught.value.messages == [
        "Mason (MC_1) still has 2 active neighborhoods: deactivate or move them first."
    ]
    community.refresh_from_db()
    assert community.active
