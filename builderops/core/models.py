"""Abstract bases every app's models share."""

from django.db import models


class StrippedTextModel(models.Model):
    """Strip surrounding whitespace from every text field before any rule looks at it."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.editable:
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, value.strip())
        super().clean_fields(exclude=exclude)


class TimeStampedModel(StrippedTextModel):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
