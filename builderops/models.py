"""Abstract bases every app's models share."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# Models of sub-packages of the builderops app, so Django registers them under "builderops".
from builderops.csvio.models import ImportJob  # noqa: E402, F401
