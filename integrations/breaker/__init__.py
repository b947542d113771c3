"""Stop calling a remote that rejected our credentials or access, for everyone, until it takes them.

Issue 10, item 5. A refusal that no retry can fix — Builder Backed's token endpoint answering 401
`invalid_client`, a 403 "Token does not have required scope", a portal login answering
`invalid_credentials` or `mfa_required` — opens a breaker shared through the cache (`state`):
every sender's next call is held back unsent (`CircuitOpen`), except one probe a minute, and
the first probe that succeeds closes it again, so publishing resumes by itself once the secret is
fixed. `models.BreakerRecord` keeps a durable copy for the Sync status page, `bb_status` and
/healthz; `context_processors` puts the red banner on every admin page for those it concerns.
"""
