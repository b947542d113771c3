"""CoConstruct: construction portal reached through the hosted API layer."""
