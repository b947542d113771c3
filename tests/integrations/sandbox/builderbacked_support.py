"""Drive the Builder Backed sandbox in-process: tokens, JSON calls, and a ready location chain."""

from starlette.testclient import TestClient

from integrations.sandbox.builderbacked.app import create_app

CLIENT = ("builderops-local", "local-sandbox-secret")
BOTH_SCOPES = "location.write home.write"


def error(status: int, reason: str, message: str) -> dict:
    """The contract's error body (builder-backed.md, Errors)."""
    return {"status": status, "error": reason, "message": message}


class Sandbox:
    """One in-process sandbox app and a client that calls it with a bearer token."""

    def __init__(self, **options):
        self.http = TestClient(create_app(**options))
        self._tokens: dict[str, str] = {}

    def token(self, scope: str = BOTH_SCOPES) -> str:
        if scope not in self._tokens:
            form = {"grant_type": "client_credentials", "scope": scope}
            answer = self.http.post("/oauth2/token", data=form, auth=CLIENT)
            assert answer.status_code == 200, answer.text
            self._tokens[scope] = answer.json()["access_token"]
        return self._tokens[scope]

    def headers(self, scope: str = BOTH_SCOPES) -> dict:
        return {"Authorization": f"Bearer {self.token(scope)}"}

    def get(self, path: str, scope: str = BOTH_SCOPES):
        return self.http.get(path, headers=self.headers(scope))

    def post(self, path: str, body, scope: str = BOTH_SCOPES):
        return self.http.post(path, json=body, headers=self.headers(scope))

    def put(self, path: str, body, scope: str = BOTH_SCOPES):
        return self.http.put(path, json=body, headers=self.headers(scope))

    def ok(self, method: str, path: str, body=None) -> dict:
        """Call and insist on 200; return the JSON."""
        answer = getattr(self, method)(path, body) if body is not None else self.get(path)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def region(self, name: str, active: bool) -> dict:
        answer = self.http.post("/_sandbox/regions", json={"name": name, "active": active})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def chain(self, suffix: str = "001", region: str = "Cincinnati") -> None:
        """Create DIV_<suffix> → MC_<suffix> → NH_<suffix> under `region`."""
        self.ok("post", DIVISIONS, division(f"DIV_{suffix}", region))
        self.ok("post", COMMUNITIES, community(f"MC_{suffix}", f"DIV_{suffix}"))
        self.ok("post", NEIGHBORHOODS, neighborhood(f"NH_{suffix}", f"MC_{suffix}"))

    def state(self) -> dict:
        return self.http.get("/_sandbox/state").json()

    def log(self) -> list[dict]:
        return self.http.get("/_sandbox/requests").json()


DIVISIONS = "/api/v2/locations/divisions"
COMMUNITIES = "/api/v2/locations/master-communities"
NEIGHBORHOODS = "/api/v2/locations/neighborhoods"
HOMES = "/api/v2/homes"


def division(external_id: str = "DIV_001", region: str = "Cincinnati", **extra) -> dict:
    return {"externalId": external_id, "name": "Cincinnati East", "regionName": region, **extra}


def community(external_id: str = "MC_001", parent: str = "DIV_001", **extra) -> dict:
    return {"externalId": external_id, "name": "Hidden Lake", "divisionExternalId": parent, **extra}


def neighborhood(external_id: str = "NH_001", parent: str = "MC_001", **extra) -> dict:
    body = {"externalId": external_id, "name": "The Woods", "masterCommunityExternalId": parent}
    return {**body, **extra}


def home(external_id: str = "H_001", neighborhood_id: str = "NH_001", **extra) -> dict:
    return {
        "externalId": external_id,
        "addressLine1": "12 Oak Street",
        "city": "Mason",
        "state": "OH",
        "postalCode": "45040",
        "type": "Single Family",
        "neighborhoodExternalId": neighborhood_id,
        **extra,
    }
