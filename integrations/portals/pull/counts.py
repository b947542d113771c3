"""Tally a pull's outcomes per resource: new, updated, deleted, unchanged."""

from collections import Counter, defaultdict

OUTCOMES = ("new", "updated", "deleted", "unchanged")


class PullCounts:
    """Count outcomes by resource and in total."""

    def __init__(self):
        self.by_resource: dict[str, Counter] = defaultdict(Counter)

    def add(self, resource: str, outcomes: Counter | dict) -> None:
        """Add a batch of outcomes for one resource."""
        self.by_resource[resource].update(outcomes)

    def as_dict(self) -> dict[str, dict[str, int]]:
        """Return {resource: {outcome: n}} with every outcome present."""
        return {
            resource: {outcome: counter.get(outcome, 0) for outcome in OUTCOMES}
            for resource, counter in self.by_resource.items()
        }

    def total(self, outcome: str) -> int:
        """Return the total of one outcome across resources."""
        return sum(counter.get(outcome, 0) for counter in self.by_resource.values())
