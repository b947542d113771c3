"""Sandboxes of the Buildertrend and CoConstruct portal APIs (shared/contracts/portals.md).

`app` builds the servers; `seed.seed_project(n)` gives the n-th seeded project without one, for
demo data that must match the portal's projects. Modules: `spec` (what each portal offers),
`seed`/`seed_children`/`populate` (deterministic data), `store` (records, and the rule that a
child's change bumps its project), `routes`/`create`/`bodies`/`schedule` (the API), `lists`
(pagination), `sessions`/`totp` (auth), `idempotency`, `totals` (money), `control`/`mutate`/`edits`
(the `/_sandbox/` endpoints).
"""
