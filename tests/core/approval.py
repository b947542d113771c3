"""Drive "Approve selected" the way a browser does: open the confirmation, then confirm it.

Confirming posts back the versions the confirmation page showed (issue 11); a test that skips
the page would only be shown it again.
"""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from builderops.core.admin import SHOWN_VERSIONS_FIELD


def confirmation_versions(client, url: str, data: dict) -> str:
    """Open the confirmation for the action `data` on `url`; return the versions it shows
    ("" when the user is refused the page: what they then post is a forged confirmation)."""
    page = client.post(url, {key: value for key, value in data.items() if key != "post"})
    context = page.context or {}
    return context.get("shown_versions", "")


def approve_confirmed(client, url: str, pks, *, follow=False, **extra):
    """Open and confirm "Approve selected" for `pks` on the changelist `url`."""
    data = {"action": "approve_selected", ACTION_CHECKBOX_NAME: list(pks), **extra}
    versions = confirmation_versions(client, url, data)
    return client.post(url, {**data, "post": "yes", SHOWN_VERSIONS_FIELD: versions}, follow=follow)


def reviewed_version(client, change_url: str) -> str:
    """Open a record's change page; return the version it carries in its form."""
    return client.get(change_url).context["reviewed_version"]
