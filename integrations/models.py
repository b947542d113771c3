"""The integrations app's models, defined next to the code that fills them."""

from integrations.portals.models import *  # noqa: F403
