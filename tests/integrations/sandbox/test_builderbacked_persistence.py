"""`--state-file` keeps the Builder Backed sandbox's records across a restart (`make run`)."""

import subprocess
import sys

import httpx

from tests.fixtures.processes import ROOT, free_port, stop_process, wait_for_port

CREDENTIALS = ("builderops-local", "local-sandbox-secret")


def start(port: int, state_file) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox", "builderbacked", "--port", str(port),
         "--state-file", str(state_file)],
        cwd=ROOT,
    )  # fmt: skip
    wait_for_port(port, process)
    return process


def token(base: str) -> str:
    answer = httpx.post(
        f"{base}/oauth2/token", data={"grant_type": "client_credentials"}, auth=CREDENTIALS
    )
    return answer.json()["access_token"]


def test_records_survive_a_restart_and_ids_keep_counting(tmp_path):
    port, state_file = free_port(), tmp_path / "bb.json"
    base = f"http://127.0.0.1:{port}"
    process = start(port, state_file)
    try:
        headers = {"Authorization": f"Bearer {token(base)}"}
        body = {"externalId": "DIV_1", "name": "North", "regionName": "Cincinnati"}
        first = httpx.post(f"{base}/api/v2/locations/divisions", json=body, headers=headers)
        assert first.status_code == 200
    finally:
        stop_process(process)  # SIGTERM: uvicorn's shutdown saves the file
    assert state_file.exists()

    process = start(port, state_file)
    try:
        headers = {"Authorization": f"Bearer {token(base)}"}
        again = httpx.get(f"{base}/api/v2/locations/divisions/DIV_1", headers=headers)
        assert again.status_code == 200
        assert again.json()["id"] == first.json()["id"]
        body = {"externalId": "DIV_2", "name": "South", "regionName": "Cincinnati"}
        second = httpx.post(f"{base}/api/v2/locations/divisions", json=body, headers=headers)
        assert second.json()["id"] == first.json()["id"] + 1
        duplicate = httpx.post(
            f"{base}/api/v2/locations/divisions",
            json={"externalId": "DIV_1", "name": "North", "regionName": "Cincinnati"},
            headers=headers,
        )
        assert duplicate.status_code == 409
    finally:
        stop_process(process)
