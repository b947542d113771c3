"""The Builder Backed API v2 endpoints (builder-backed.md, Endpoints), as routes over a `Store`.

Created records answer 200 (builder-backed.md, Fine points); a handler that creates one sets
`call.created` so the request log can tell.
"""

from .routing import Call, Route, route
from .store import LEVELS, Level, Store
from .validation import home_body, homeowner_body, location_body

LOCATION_SCOPE = "location.write"
HOME_SCOPE = "home.write"


def api_routes(store: Store) -> list[Route]:
    """Every API route, regions first, then the three location levels, then homes."""

    async def regions(call: Call):
        return store.region_list()

    routes = [route("GET", "/api/v2/locations/regions", regions)]  # any valid token
    for level in LEVELS.values():
        routes += location_routes(store, level)
    return routes + home_routes(store)


def location_routes(store: Store, level: Level) -> list[Route]:
    """List, create, replace (by `externalId` in the body) and get one, for one level."""

    async def listing(call: Call):
        return store.location_list(level)

    async def get_one(call: Call):
        return store.location_get(level, call.params[0])

    async def create(call: Call):
        clean = location_body(call.body, level.parent_field, with_active=False)
        created = store.location_create(level, clean)
        call.created = True
        return created

    async def replace(call: Call):
        clean = location_body(call.body, level.parent_field, with_active=True)
        return store.location_replace(level, clean)

    path = f"/api/v2/locations/{level.key}"
    return [
        route("GET", path, listing, scope=LOCATION_SCOPE),
        route("POST", path, create, scope=LOCATION_SCOPE),
        route("PUT", path, replace, scope=LOCATION_SCOPE),
        route("GET", path + "/{}", get_one, scope=LOCATION_SCOPE),
    ]


def home_routes(store: Store) -> list[Route]:
    """Create, replace and get a home; add one homeowner to a home."""

    async def create(call: Call):
        created = store.home_create(home_body(call.body))
        call.created = True
        return created

    async def replace(call: Call):
        return store.home_replace(home_body(call.body))

    async def get_one(call: Call):
        return store.home_get(call.params[0])

    async def add_user(call: Call):
        home = store.home_add_homeowner(call.params[0], homeowner_body(call.body))
        call.created = True
        return home

    return [
        route("POST", "/api/v2/homes", create, scope=HOME_SCOPE),
        route("PUT", "/api/v2/homes", replace, scope=HOME_SCOPE),
        route("GET", "/api/v2/homes/{}", get_one, scope=HOME_SCOPE),
        route("POST", "/api/v2/homes/{}/users", add_user, scope=HOME_SCOPE),
    ]
