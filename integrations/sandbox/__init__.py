"""Local HTTP servers that implement the external contracts, for tests, demos and training.

Each sandbox is an ASGI app built by a factory registered in `registry.SANDBOXES`;
`manage.py sandbox NAME` serves one with uvicorn. None of this code runs in production.
"""
