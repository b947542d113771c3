"""Answer errors in the portals' shape: `{"error": {"code", "message", "field"?}}`.

shared/contracts/portals.md, "Errors" and "Fine points": 400 validation names the field, 401 auth,
404 unknown id or `not_supported` endpoint, 409 idempotency-key reuse with a different body.
"""

from starlette.responses import JSONResponse


class ApiError(Exception):
    """An error answer; raise it anywhere in a handler."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def body(self) -> dict:
        """Return the JSON body of this error."""
        error = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}

    def response(self) -> JSONResponse:
        """Return this error as a response."""
        return JSONResponse(self.body(), status_code=self.status)


def invalid(field: str, message: str) -> ApiError:
    """Return a 400 naming the offending field or parameter."""
    return ApiError(400, "invalid", message, field=field)


def not_found(what: str, record_id: str) -> ApiError:
    """Return a 404 for an unknown (or deleted) id."""
    return ApiError(404, "not_found", f"No {what} with id {record_id}.")


def not_supported(method: str, path: str) -> ApiError:
    """Return the 404 an endpoint answers on a portal that does not offer it."""
    return ApiError(404, "not_supported", f"This portal does not offer {method} {path}.")
