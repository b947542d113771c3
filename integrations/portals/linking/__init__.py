"""Project ↔ home links: made with evidence, weighed on every pull, decided by staff.

normalize.py (comparable addresses and names) → evidence.py (what disagrees) → auto.py (match,
weigh, conflicts) → staff.py (confirm, reject, pick) → recheck.py (a connection's links at once).
"""

from integrations.portals.linking.auto import conflicts_settle, projects_link_auto, projects_match
from integrations.portals.linking.normalize import (
    address_form,
    address_key,
    address_line_normalize,
    street_and_unit,
)
from integrations.portals.linking.recheck import projects_links_recheck
from integrations.portals.linking.staff import (
    project_link_confirm,
    project_link_created_home,
    project_link_manual,
    project_link_reject,
)

__all__ = [
    "address_form",
    "address_key",
    "address_line_normalize",
    "conflicts_settle",
    "project_link_confirm",
    "project_link_created_home",
    "project_link_manual",
    "project_link_reject",
    "projects_link_auto",
    "projects_links_recheck",
    "projects_match",
    "street_and_unit",
]
