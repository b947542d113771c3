"""Create the local folders the settings name: var/, static files, uploads, the file broker's.

Reading settings never touches the disk. `manage.py bootstrap` creates these folders before
`make run` starts the web server, the Celery worker (the file-system broker needs its folders) and
beat; the test session creates its own (tests/conftest.py).
"""

from pathlib import Path

from django.conf import settings

BROKER_FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
FILE_BACKEND = "file://"


def local_folders() -> list[Path]:
    """Return every local folder the settings expect to exist."""
    folders = [Path(settings.VAR_DIR), Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)]
    transport = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    folders += [Path(transport[key]) for key in BROKER_FOLDER_OPTIONS if key in transport]
    if settings.CELERY_RESULT_BACKEND.startswith(FILE_BACKEND):
        folders.append(Path(settings.CELERY_RESULT_BACKEND.removeprefix(FILE_BACKEND)))
    return list(dict.fromkeys(folders))


def local_folders_create() -> list[Path]:
    """Create the local folders that are missing; return those it created."""
    missing = [folder for folder in local_folders() if not folder.is_dir()]
    for folder in missing:
        folder.mkdir(parents=True, exist_ok=True)
    return missing
