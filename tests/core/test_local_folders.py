"""Reading settings leaves the disk alone; bootstrap creates the folders `make run` needs."""

import os
import subprocess
import sys

from builderops.core.folders import local_folders_create
from tests.fixtures.processes import ROOT

SETUP = "import django; django.setup(); from builderops.celery import app; app.conf.broker_url"


def test_loading_the_local_settings_creates_no_folder(tmp_path):
    var_dir = tmp_path / "var"
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")
    }
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "builderops.settings.local",
        "BUILDEROPS_VAR_DIR": str(var_dir),
    }
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True)
    assert not var_dir.exists()


def test_bootstrap_creates_the_database_static_upload_and_broker_folders_once(settings, tmp_path):
    var_dir = tmp_path / "var"
    settings.VAR_DIR = var_dir
    settings.STATIC_ROOT = var_dir / "static"
    settings.MEDIA_ROOT = var_dir / "media"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(var_dir / "celery" / "broker"),
        "data_folder_out": str(var_dir / "celery" / "broker"),
        "processed_folder": str(var_dir / "celery" / "processed"),
        "control_folder": str(var_dir / "celery" / "control"),
    }
    settings.CELERY_RESULT_BACKEND = f"file://{var_dir / 'celery' / 'results'}"

    created = local_folders_create()

    celery = var_dir / "celery"
    assert created == [
        var_dir,
        var_dir / "static",
        var_dir / "media",
        *(celery / name for name in ("broker", "processed", "control", "results")),
    ]
    assert all(folder.is_dir() for folder in created)
    assert local_folders_create() == []
