"""Replay POSTs by `Idempotency-Key` (shared/contracts/portals.md, "Common to both portals").

The same key with the same request (path and JSON body, key order aside) answers the first result
again — same status, same body — without creating anything; the same key with a different request
is a 409. Decided here: only successful answers are remembered, so a request refused with a 400 can
be corrected and sent again under the same key.
"""

import json
from dataclasses import dataclass

from integrations.sandbox.portals.errors import ApiError, invalid


@dataclass(frozen=True)
class Remembered:
    fingerprint: str
    status: int
    body: dict


class IdempotencyKeys:
    """Remember successful POST answers by key."""

    def __init__(self):
        self.answers: dict[str, Remembered] = {}

    def key(self, headers) -> str:
        """Return the request's key; a POST without one is a 400 naming the header."""
        key = (headers.get("idempotency-key") or "").strip()
        if not key:
            raise invalid("Idempotency-Key", "Every POST needs an Idempotency-Key header.")
        return key

    def replay(self, key: str, fingerprint: str) -> Remembered | None:
        """Return the first answer for `key`, None if unseen; 409 if it was another request."""
        remembered = self.answers.get(key)
        if remembered is None:
            return None
        if remembered.fingerprint != fingerprint:
            raise ApiError(
                409, "idempotency_key_reused", "This Idempotency-Key was used for another request."
            )
        return remembered

    def remember(self, key: str, fingerprint: str, status: int, body: dict) -> None:
        """Store a successful answer under `key`."""
        self.answers[key] = Remembered(fingerprint, status, body)

    def clear(self) -> None:
        """Forget every key (on reset)."""
        self.answers.clear()


def fingerprint(path: str, body: object) -> str:
    """Return a canonical text of a request: its path and its JSON body with sorted keys."""
    return f"{path}\n{json.dumps(body, sort_keys=True, separators=(',', ':'))}"
