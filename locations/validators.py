"""Field rules shared by every level of the hierarchy (builder-backed.md, "Hierarchy")."""

from django.core.exceptions import ValidationError

EXTERNAL_ID_REQUIRED = "External ID is required: enter the builder's own id, e.g. DIV_001."
NAME_REQUIRED = "Name is required: enter the name staff and homeowners see."


def external_id_clean(value: str) -> str:
    """Strip surrounding whitespace; refuse blank ids and ids with inner control characters."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(EXTERNAL_ID_REQUIRED)
    if any(ch in value for ch in "\t\r\n"):
        raise ValidationError("External ID can't contain tabs or line breaks: remove them.")
    return value


def external_id_check_unchanged(obj) -> None:
    """Refuse a new external id on a record Builder Backed already knows by the old one."""
    if obj.pk is None or not obj.is_published:
        return
    stored = type(obj)._default_manager.filter(pk=obj.pk).values_list("external_id", flat=True)
    stored = stored.first()
    if stored is not None and stored != obj.external_id:
        raise ValidationError(
            f"External ID can't change once published: Builder Backed knows this record as "
            f"“{stored}”. Put it back, or create a new record."
        )


def external_id_errors(obj) -> dict[str, list[str]]:
    """Clean `obj.external_id` in place; return its errors keyed by field (none when blank,
    which the field's own "required" message covers)."""
    if not obj.external_id:
        return {}
    try:
        obj.external_id = external_id_clean(obj.external_id)
        external_id_check_unchanged(obj)
    except ValidationError as exc:
        return {"external_id": exc.messages}
    return {}
