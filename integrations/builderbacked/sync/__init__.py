"""Publish approved records to Builder Backed exactly once in effect, parents first.

    registry   the publishable models top to bottom, and the parent each waits for
    lease      claim records with a conditional UPDATE (no lock held during HTTP)
    jobs       decide from fresh state what a publish must send (SKIP/WAIT/UNCHANGED/CREATE/UPDATE)
    send       carry a job out over HTTP (POST, 409 → PUT, 404 → POST, homeowners)
    outcome    record the result with conditional UPDATEs; retry policy
    publish    one record, or a batch through a thread pool
    enqueue    queue one record, or every ready due record in batches, parents first
    client     the Builder Backed client the sync uses
    regions    pull regions from Builder Backed
    actions    what staff ask for: publish now, retry failed, republish everything

Tasks (integrations/builderbacked/tasks.py), the admin and the commands call these.
"""
