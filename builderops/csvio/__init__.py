"""Bulk CSV (and .xlsx) import and export shared by every kind of record.

The flow (issue 6): upload → preview (a dry run: counts, samples, every error) → apply (one
transaction, bulk writes under the review rules of builderops/core/records.py) → export round-trips.

- reader.py      opens a file: format and encoding checks, delimiter sniffing, header mapping,
                 streaming rows (csv, or openpyxl read-only for .xlsx)
- cells.py       cell parsers that raise CellError(message, fix)
- spec.py        ImportSpec: one per kind (locations/imports.py, homes/imports.py)
- workspace.py   an on-disk SQLite scratch file: errors and seen external ids, so memory stays
                 flat in the file's size
- engine.py      the streaming pass shared by preview and apply
- writer.py      bulk writes with history, review state and sync state
- export.py      export with formula-injection escaping, templates
- services.py    what the admin, the command and the tasks call
- models.py      ImportJob: an upload, its preview result and its progress

Uploaded files live in Django's default storage under MEDIA_ROOT/imports/ (BUILDEROPS_MEDIA_ROOT):
web servers and Celery workers must share that folder (or a shared storage backend).
"""
