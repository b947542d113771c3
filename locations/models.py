"""Region → Division → Master Community → Neighborhood, mirroring Builder Backed's hierarchy.

Regions are activated by Builder Backed staff and pulled; the three lower levels are the
builder's own, reviewed here and published (builder-backed.md, "Hierarchy").
`external_id` is unique per level and compared case-sensitively on SQLite and PostgreSQL alike
(both compare bytes under a plain unique index).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import classproperty
from simple_history.models import HistoricalRecords

from builderops.core.models import TimeStampedModel
from builderops.core.publishing import PublishableModel
from builderops.core.review import ReviewableModel
from locations.hierarchy import level_for
from locations.validators import (
    EXTERNAL_ID_REQUIRED,
    NAME_REQUIRED,
    external_id_errors,
)


class Region(TimeStampedModel):
    """A region activated on Builder Backed's side; read-only here, refreshed by a pull."""

    remote_id = models.BigIntegerField(unique=True, null=True, blank=True)
    name = models.CharField(max_length=200, unique=True)
    builder_id = models.BigIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LocationModel(TimeStampedModel, ReviewableModel, PublishableModel):
    """Fields every builder-owned level has (builder-backed.md, "Division — POST body")."""

    external_id = models.CharField(
        "external ID",
        max_length=100,
        unique=True,
        help_text="The builder's own id, unique at this level; matched case-sensitively. "
        "It can't change once published.",
        error_messages={"blank": EXTERNAL_ID_REQUIRED},
    )
    name = models.CharField(max_length=200, error_messages={"blank": NAME_REQUIRED})
    display_name = models.CharField(max_length=200, blank=True)
    abbreviated_name = models.CharField(max_length=50, blank=True)
    active = models.BooleanField(default=True, db_index=True)

    @classproperty
    def parent_field(cls) -> str:
        """Name the ForeignKey to the level above (locations/hierarchy.py says which)."""
        return level_for(cls).parent_field

    class Meta:
        abstract = True
        ordering = ["external_id"]

    def __str__(self):
        return f"{self.name} ({self.external_id})"

    @property
    def parent(self):
        return getattr(self, self.parent_field)

    def review_parent(self):
        return self.parent

    def clean(self):
        super().clean()
        errors = external_id_errors(self)
        parent = getattr(self, f"{self.parent_field}_id", None) and self.parent
        if parent is not None and not parent.active:
            errors[self.parent_field] = [
                f"{type(parent)._meta.verbose_name.capitalize()} “{parent}” is inactive: "
                "choose an active one, or reactivate it first."
            ]
        if errors:
            raise ValidationError(errors)


class Division(LocationModel):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="divisions")
    history = HistoricalRecords()

    class Meta(LocationModel.Meta):
        permissions = [("approve_division", "Can approve division")]


class MasterCommunity(LocationModel):
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="master_communities"
    )
    history = HistoricalRecords()

    class Meta(LocationModel.Meta):
        verbose_name = "master community"
        verbose_name_plural = "master communities"
        permissions = [("approve_mastercommunity", "Can approve master community")]


class Neighborhood(LocationModel):
    master_community = models.ForeignKey(
        MasterCommunity, on_delete=models.PROTECT, related_name="neighborhoods"
    )
    history = HistoricalRecords()

    class Meta(LocationModel.Meta):
        permissions = [("approve_neighborhood", "Can approve neighborhood")]
