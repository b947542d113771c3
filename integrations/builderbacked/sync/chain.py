"""Tell a parent deactivated on Builder Backed's side from one that is missing there.

builder-backed.md, "Errors": a create whose parent is "unknown or inactive" gets the same 404
("Neighborhood with external ID 'X' not found"; for a home, a break anywhere above its
neighborhood names the neighborhood). Publishing the parent again would PUT it with
`active: true` — silently re-activating what someone deactivated there (issue 10, item 6). So
before that, read the chain upwards (GET by external id, documented for neighborhoods and
decided here for the other levels) and find the first record Builder Backed shows inactive.
No database here: this runs in the publish's sending threads.
"""

from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.references import Level, Reference, missing_reference
from integrations.errors import ApiError, LocalServiceFailed, NotFound

# What each level's GET answer names its parent by (builder-backed.md, "Endpoints"); a division
# names its region, which Builder Backed's staff (de)activate and regions_pull reads.
PARENT_KEYS = {
    Level.NEIGHBORHOOD: ("masterCommunityExternalId", Level.MASTER_COMMUNITY),
    Level.MASTER_COMMUNITY: ("divisionExternalId", Level.DIVISION),
}


def chain_check(job, client: BuilderBackedClient, result) -> None:
    """After a 404 naming `job`'s parent, note in `result` an inactive record up the chain.

    Sets `result.inactive_above` to the first deactivated one; when a read fails for another
    reason than 404, that error replaces the result's (retried: we must not guess).
    """
    missing = missing_reference(result.error)
    if not job.kind.waits_for_parent or job.parent is None or missing != job.parent.reference:
        return
    try:
        result.inactive_above = _first_inactive(client, missing)
    except NotFound:
        return  # really missing: publishing the parent again re-creates it
    except ApiError as error:
        result.error = error
    except Exception as exc:  # e.g. the rate limiter's cache: retry rather than guess
        result.error = LocalServiceFailed(f"Not sent: could not read the parent's state ({exc!r})")


def _first_inactive(client: BuilderBackedClient, reference: Reference) -> Reference | None:
    level, key = reference
    while True:
        remote = client.location(level).get(key)
        if remote.get("active") is False:
            return Reference(level, key)
        if level not in PARENT_KEYS:
            return None
        parent_key, level = PARENT_KEYS[level]
        key = remote.get(parent_key)
        if not key:
            return None
