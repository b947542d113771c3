"""Register the portal admins (connections, mirrored records, pull runs, links, Home additions)."""
