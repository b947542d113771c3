"""Drive a portal sandbox in-process: log in, call with a bearer token, walk every page."""

from starlette.testclient import TestClient

from integrations.sandbox.portals.app import create_buildertrend_app, create_coconstruct_app

FACTORIES = {"buildertrend": create_buildertrend_app, "coconstruct": create_coconstruct_app}
LOGIN = {"username": "demo@builder.example", "password": "demo-password"}
CHILD_PATHS = {
    "selections": "selections",
    "changeOrders": "change-orders",
    "purchaseOrders": "purchase-orders",
    "scheduleTasks": "schedule/tasks",
}


def error(code: str, field: str | None = None) -> dict:
    """Return the error body's stable part (the message is prose)."""
    body = {"code": code}
    if field is not None:
        body["field"] = field
    return body


def error_of(answer) -> dict:
    """Return an answer's error without its message, asserting the message is there."""
    found = dict(answer.json()["error"])
    assert isinstance(found.pop("message"), str)
    return found


class Portal:
    """One in-process portal sandbox and a logged-in client for it."""

    def __init__(self, portal: str = "buildertrend", *, login: bool = True, **options):
        self.app = FACTORIES[portal](**options)
        self.tenant = self.app.tenant
        self.http = TestClient(self.app)
        self.headers: dict = {}
        if login:
            self.login()

    def login(self, **overrides) -> dict:
        answer = self.http.post("/sessions", json={**LOGIN, **overrides})
        assert answer.status_code == 200, answer.text
        tokens = answer.json()
        self.headers = {"Authorization": f"Bearer {tokens['accessToken']}"}
        return tokens

    def get(self, path: str, **params):
        return self.http.get(path, params=params, headers=self.headers)

    def post(self, path: str, body, key: str | None = "key-1"):
        headers = {**self.headers, **({"Idempotency-Key": key} if key else {})}
        return self.http.post(path, json=body, headers=headers)

    def patch(self, path: str, body):
        return self.http.patch(path, json=body, headers=self.headers)

    def ok(self, path: str, **params) -> dict:
        answer = self.get(path, **params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def walk(self, path: str, **params) -> list[dict]:
        """Follow `nextCursor` to the end; return every item."""
        items, cursor = [], None
        while True:
            page = self.ok(path, **params, **({"cursor": cursor} if cursor else {}))
            items += page["data"]
            cursor = page["nextCursor"]
            if cursor is None:
                return items

    def children(self, kind: str, project_id: str, **params) -> list[dict]:
        return self.walk(f"/projects/{project_id}/{CHILD_PATHS[kind]}", **params)

    def project_ids(self) -> list[str]:
        return [p["id"] for p in self.walk("/projects")]

    def state(self) -> dict:
        answer = self.http.get("/_sandbox/state")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def mutate(self, **request) -> dict:
        answer = self.http.post("/_sandbox/mutate", json=request)
        assert answer.status_code == 200, answer.text
        return answer.json()
