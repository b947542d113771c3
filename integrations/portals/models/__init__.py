"""The portal models: connections, pull runs, and the mirrored records (one set, both portals)."""
