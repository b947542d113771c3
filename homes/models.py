"""Homes and their homeowners, as published to Builder Backed ("Home — POST body")."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import classproperty
from simple_history.models import HistoricalRecords

from builderops.core.models import TimeStampedModel
from builderops.core.publishing import PublishableModel
from builderops.core.review import ReviewableModel
from homes.validators import email_validator, postal_code_validate, state_validate
from locations.hierarchy import level_for
from locations.models import Neighborhood
from locations.validators import (
    EXTERNAL_ID_REQUIRED,
    external_id_errors,
)


class HomeType(models.TextChoices):
    # builder-backed.md: exactly these two spellings, nothing else.
    SINGLE_FAMILY = "Single Family", "Single Family"
    MULTI_FAMILY = "Multi Family", "Multi Family"


class Home(TimeStampedModel, ReviewableModel, PublishableModel):
    external_id = models.CharField(
        "external ID",
        max_length=100,
        unique=True,
        help_text="The builder's own id, unique among homes; it can't change once published.",
        error_messages={"blank": EXTERNAL_ID_REQUIRED},
    )
    neighborhood = models.ForeignKey(Neighborhood, on_delete=models.PROTECT, related_name="homes")
    address_line1 = models.CharField(
        "address line 1",
        max_length=200,
        error_messages={"blank": "Address line 1 is required: enter the street address."},
    )
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(
        max_length=100, error_messages={"blank": "City is required: enter the home's city."}
    )
    state = models.CharField(
        max_length=2, validators=[state_validate], help_text="USPS two-letter code, e.g. OH."
    )
    postal_code = models.CharField(
        "ZIP",
        max_length=10,
        validators=[postal_code_validate],
        help_text="5 digits or ZIP+4, e.g. 45202 or 45202-1234.",
    )
    home_type = models.CharField("type", max_length=20, choices=HomeType.choices)
    market_home = models.BooleanField(default=False)
    job_id = models.CharField("job ID", max_length=100, blank=True, db_index=True)
    product_collection = models.CharField(max_length=200, blank=True)
    home_model = models.CharField("model", max_length=200, blank=True)
    closing_date = models.DateField(null=True, blank=True)
    scheduled_closing_date = models.DateField(null=True, blank=True)
    # A homeowner was edited or removed: the next publish PUTs the whole set, which replaces
    # Builder Backed's (builder-backed.md, "Fine points"). Set by homes.services, cleared by sync.
    sync_homeowners_replace = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["external_id"]
        permissions = [("approve_home", "Can approve home")]
        indexes = [
            models.Index(fields=["postal_code"]),
            models.Index(fields=["city"]),
            models.Index(fields=["closing_date"]),
        ]

    def __str__(self):
        return f"{self.address_line1}, {self.city} ({self.external_id})"

    @classproperty
    def parent_field(cls) -> str:
        """Name the ForeignKey to the level above (locations/hierarchy.py); bulk review loads it."""
        return level_for(cls).parent_field

    def review_parent(self):
        return self.neighborhood

    def clean(self):
        super().clean()
        errors = external_id_errors(self)
        if self.neighborhood_id and not self.neighborhood.active:
            errors["neighborhood"] = [
                f"Neighborhood “{self.neighborhood}” is inactive: choose an active one."
            ]
        if errors:
            raise ValidationError(errors)


class Homeowner(TimeStampedModel):
    home = models.ForeignKey(Home, on_delete=models.CASCADE, related_name="homeowners")
    email = models.CharField(
        max_length=254,
        validators=[email_validator],
        error_messages={"blank": "Email is required: enter the homeowner's email address."},
    )
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=20, blank=True)
    suffix = models.CharField(max_length=20, blank=True)
    # When Builder Backed accepted this homeowner (with its home, or via POST …/users).
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "home",
                name="homeowner_email_once_per_home",
                violation_error_message="This email is already a homeowner of this home.",
            )
        ]
        indexes = [models.Index(Lower("email"), name="homeowner_email_lower")]

    def __str__(self):
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return f"{name} <{self.email}>" if name else self.email
