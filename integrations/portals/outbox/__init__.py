"""Write to the portals through an outbox: draft, approve, send exactly once (issue 13)."""
