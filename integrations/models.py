"""The integrations app's models, defined next to the code that fills them."""

from integrations.breaker.models import BreakerRecord  # noqa: F401

# Django finds an app's models by importing its models module: import each one defined here.
from integrations.portals.models import connection, mirrors, orders, outbox, webhooks  # noqa: F401
