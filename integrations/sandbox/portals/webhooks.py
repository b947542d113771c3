"""Send the tenant's webhooks as shared/contracts/portals.md, "Webhooks (decided here)" says.

Once a receiver is registered (`POST /_sandbox/webhooks {"url", "secret"}`), every record a
`/_sandbox/mutate` changes is announced after the answer is sent: one POST per record of
`{"eventId", "event", "projectId", "objectId", "occurredAt"}` with `X-Timestamp` (Unix seconds
at sending) and `X-Signature: sha256=<hex HMAC-SHA256 of "<X-Timestamp>." + raw body>`. Each
delivery is logged (`GET /_sandbox/webhooks`); `POST /_sandbox/webhooks/redeliver` sends a stored
event again — same body and event id, fresh timestamp and signature, as a portal retrying does —
and `POST /_sandbox/webhooks/send` announces any event a test names.

Deliberately independent of the receiver's code (`integrations.portals.webhooks`): the
end-to-end test then checks both sides against the contract, not against each other.
"""

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field

import httpx

from integrations.sandbox.portals.spec import (
    CHANGE_ORDERS,
    PROJECTS,
    PURCHASE_ORDERS,
    SCHEDULE_TASKS,
    SELECTIONS,
)

NOUNS = {
    PROJECTS: "project",
    SELECTIONS: "selection",
    CHANGE_ORDERS: "change_order",
    PURCHASE_ORDERS: "purchase_order",
    SCHEDULE_TASKS: "schedule",
}
VERBS = {
    "approved": "approved",
    "declined": "declined",
    "edited": "changed",
    "created": "created",
    "deleted": "deleted",
}
SEND_TIMEOUT_SECONDS = 10.0


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Return the X-Signature header for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def event_name(kind: str, past: str) -> str:
    """Name the event for an action on a record kind ("change_order.approved")."""
    return f"{NOUNS[kind]}.{'changed' if kind == SCHEDULE_TASKS else VERBS[past]}"


@dataclass
class WebhookSender:
    url: str | None = None
    secret: str = ""
    events: dict[str, bytes] = field(default_factory=dict)  # eventId -> body, as first sent
    deliveries: list[dict] = field(default_factory=list)

    def register(self, url: str | None, secret: str) -> None:
        """Send to `url` signed with `secret` from now on (None: stop sending)."""
        self.url, self.secret = url, secret

    def event_new(self, event: str, project_id: str, object_id: str | None, at: str) -> str:
        """Store a new event with a fresh id; return its id."""
        event_id = f"evt_{uuid.uuid4().hex}"
        body = {
            "eventId": event_id,
            "event": event,
            "projectId": project_id,
            "objectId": object_id,
            "occurredAt": at,
        }
        self.events[event_id] = json.dumps(body, separators=(",", ":")).encode()
        return event_id

    async def deliver(self, event_id: str, timestamp: int | None = None) -> dict:
        """POST the stored event, signed now (or at `timestamp`); log and return the delivery."""
        body = self.events[event_id]
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": "application/json",
            "X-Timestamp": stamp,
            "X-Signature": signature(self.secret, stamp, body),
        }
        delivery = {"eventId": event_id, **json.loads(body), "timestamp": int(stamp)}
        try:
            async with httpx.AsyncClient(timeout=SEND_TIMEOUT_SECONDS) as client:
                response = await client.post(self.url, content=body, headers=headers)
            delivery.update(status=response.status_code, error=None)
        except httpx.HTTPError as exc:
            delivery.update(status=None, error=type(exc).__name__)
        self.deliveries.append(delivery)
        return delivery

    async def deliver_all(self, event_ids: list[str]) -> None:
        """Deliver events one after the other (a background task after a mutation)."""
        for event_id in event_ids:
            await self.deliver(event_id)

    def mutation_events(self, tenant, summary: dict) -> list[str]:
        """Store one event per record a mutation touched; return their ids in order."""
        if not self.url:
            return []
        ids = []
        for past in VERBS:
            for kind, record_ids in summary.get(past, {}).items():
                for record_id in record_ids:
                    record = tenant.store.by_id[kind][record_id]
                    project_id = record.id if kind == PROJECTS else record.project_id
                    name = event_name(kind, past)
                    ids.append(self.event_new(name, project_id, record.id, record.stamp))
        return ids
