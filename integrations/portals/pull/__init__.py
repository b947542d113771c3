"""The pull engine: mirror a portal connection's projects and their children locally.

`portal_pull(connection_id=…, full=False)` runs one pull and returns its PullRun;
`portal_pull_targeted(…)` pulls what a webhook names. See run.py for the order of things.
"""
