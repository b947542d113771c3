"""Bundle one portal tenant's state: seeded records, credentials, tokens, idempotency keys, log.

A sandbox server holds exactly one tenant. `Tenant.reset()` reseeds the records and forgets
idempotency keys and mutations, but keeps sessions (a test may reset between steps without logging
in again) and the clock (time never goes back, so stamps after a reset are still the newest).
"""

from collections import deque
from dataclasses import dataclass, field

from integrations.sandbox.portals.clock import Clock
from integrations.sandbox.portals.idempotency import IdempotencyKeys
from integrations.sandbox.portals.populate import store_populate
from integrations.sandbox.portals.seed import SeedOptions
from integrations.sandbox.portals.sessions import Credentials, Sessions
from integrations.sandbox.portals.spec import PortalSpec
from integrations.sandbox.portals.store import Store
from integrations.sandbox.portals.webhooks import WebhookSender

REQUEST_LOG_SIZE = 200_000


@dataclass
class Tenant:
    spec: PortalSpec
    options: SeedOptions
    credentials: Credentials
    sessions: Sessions
    clock: Clock = field(default_factory=Clock)
    idempotency: IdempotencyKeys = field(default_factory=IdempotencyKeys)
    requests: deque = field(default_factory=lambda: deque(maxlen=REQUEST_LOG_SIZE))
    mutations: int = 0  # how many /_sandbox/mutate calls since the last reset
    webhooks: WebhookSender = field(default_factory=WebhookSender)  # kept across resets
    store: Store = field(init=False)

    def __post_init__(self):
        self.reset()

    def reset(self) -> None:
        """Reseed the records from the options and forget keys and mutations."""
        store = Store(self.spec, self.clock)
        store_populate(store, self.options)
        self.store = store
        self.idempotency.clear()
        self.mutations = 0
