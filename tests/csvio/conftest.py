"""A small stored hierarchy, staff users and helpers to import files in tests."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from builderops.core.review import ReviewState
from builderops.core.roles import roles_ensure
from homes.models import Home, Homeowner
from locations.models import Division, MasterCommunity, Neighborhood, Region

CORPUS = Path(__file__).parent / "corpus"
APPROVED = {"review_state": ReviewState.APPROVED}

HOME_HEADER = (
    "externalId,addressLine1,addressLine2,city,state,postalCode,type,neighborhoodExternalId,"
    "marketHome,jobId,productCollection,model,closingDate,scheduledClosingDate,"
    "homeowner1Email,homeowner1FirstName,homeowner1LastName"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep uploads and errors.csv files of a test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def hierarchy(db):
    """Cincinnati (active) and Dayton (inactive) regions; DIV_001 → MC_001 → NH_001…NH_004.

    NH_001 approved, NH_002 inactive, NH_003 a draft, NH_004 active under the inactive MC_002.
    """
    cincinnati = Region.objects.create(name="Cincinnati", remote_id=1)
    Region.objects.create(name="Dayton", remote_id=2, active=False)
    division = Division.objects.create(
        external_id="DIV_001", name="Cincinnati Division", region=cincinnati, **APPROVED
    )
    mc = MasterCommunity.objects.create(
        external_id="MC_001", name="Mason Ridge", division=division, **APPROVED
    )
    mc_closed = MasterCommunity.objects.create(
        external_id="MC_002", name="Old Farm", division=division, active=False
    )
    return {
        "region": cincinnati,
        "division": division,
        "mc": mc,
        "nh1": Neighborhood.objects.create(
            external_id="NH_001", name="Oak Hollow", master_community=mc, **APPROVED
        ),
        "nh2": Neighborhood.objects.create(
            external_id="NH_002", name="Maple Run", master_community=mc, active=False
        ),
        "nh3": Neighborhood.objects.create(
            external_id="NH_003", name="Cedar Bluff", master_community=mc
        ),
        "nh4": Neighborhood.objects.create(
            external_id="NH_004", name="Birch Glen", master_community=mc_closed
        ),
    }


def user_in(group: str, username: str):
    roles_ensure()
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def editor(db):
    return user_in("Editor", "eddie")


@pytest.fixture
def approver(db):
    return user_in("Approver", "alice")


@pytest.fixture
def write_file(tmp_path):
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def write(content, name="upload.csv", encoding="utf-8"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return write


def nothing_written():
    """Say whether the import left homes, homeowners and their history untouched."""
    return (
        Home.objects.count() == 0
        and Homeowner.objects.count() == 0
        and Home.history.count() == 0
        and Homeowner.history.count() == 0
    )
