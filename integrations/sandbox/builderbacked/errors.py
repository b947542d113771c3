"""Errors the API answers, in the contract's body shape `{"status", "error", "message"}`.

builder-backed.md, Errors: the body shape is decided there; `error` is the HTTP reason phrase.
"""

from http import HTTPStatus

from starlette.responses import JSONResponse


class ApiError(Exception):
    """One problem with one request; raising it answers `status` with `message`."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_body(status: int, message: str) -> dict:
    """Shape one error the way builder-backed.md, Errors decides."""
    return {"status": status, "error": HTTPStatus(status).phrase, "message": message}


def error_response(exc: ApiError) -> JSONResponse:
    """Answer an `ApiError`."""
    return JSONResponse(error_body(exc.status, exc.message), exc.status, headers=exc.headers)


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def required(field: str) -> ApiError:
    return ApiError(400, f"Field '{field}' is required")


def invalid(field: str) -> ApiError:
    return ApiError(400, f"Invalid value for '{field}' field")


def not_found(label: str, external_id: str) -> ApiError:
    """builder-backed.md, Fine points: "<Level> with external ID 'X' not found"."""
    return ApiError(404, f"{label} with external ID '{external_id}' not found")


def conflict(message: str) -> ApiError:
    return ApiError(409, message)
