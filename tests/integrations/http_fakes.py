"""Fake the wire and the clock for client tests: scripted answers, recorded requests, no sleep."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from integrations.http import RetryPolicy

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Wire:
    """Answer requests from a script, in order, and record every request sent.

    Each scripted answer is a response, an exception to raise (httpx.ReadTimeout, …) or a
    callable taking the request.
    """

    def __init__(self, *answers: Answer):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def add(self, *answers: Answer) -> None:
        """Script more answers."""
        self.answers.extend(answers)

    @property
    def transport(self) -> httpx.MockTransport:
        """Return a transport that sends to this wire."""
        return httpx.MockTransport(self)

    def paths(self) -> list[str]:
        """Return `METHOD path` of every request sent, in order."""
        return [f"{r.method} {r.url.path}" for r in self.requests]


def reply(status: int = 200, body=None, headers: dict | None = None) -> httpx.Response:
    """Build a JSON response."""
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def sent_json(request: httpx.Request):
    """Return a request's JSON body."""
    return json.loads(request.content)


@dataclass
class FakeTime:
    """Keep time that only moves when the client sleeps, and record every wait."""

    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def policy(self, **options) -> RetryPolicy:
        """Return a RetryPolicy that sleeps on this clock."""
        return RetryPolicy(sleep=self.sleep, clock=self.clock, **options)
