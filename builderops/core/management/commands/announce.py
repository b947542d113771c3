"""Wait for the web server, then print the admin URL and login; stay up until stopped.

Runs beside the others in the Procfile, so the login is the last thing on screen once the site
answers, not lost above the start-up logs.
"""

import os
import time
import urllib.request

from django.core.management.base import BaseCommand

from builderops.core.management.commands.bootstrap import (
    ADMIN_USERNAME,
    admin_password_file,
    login_banner,
)


class Command(BaseCommand):
    help = "Print the admin URL and login once the web server answers."

    def handle(self, *args, **options):
        host = os.environ.get("BUILDEROPS_HOST", "127.0.0.1")
        port = os.environ.get("BUILDEROPS_PORT", "8000")
        url = f"http://{host}:{port}/healthz"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError as exc:
                if getattr(exc, "code", None):  # answered, even if unhealthy
                    break
                time.sleep(0.5)
        password_file = admin_password_file()
        password = password_file.read_text().strip() if password_file.exists() else None
        self.stdout.write(self.style.SUCCESS(login_banner(ADMIN_USERNAME, password)))
        self.stdout.flush()
        try:
            while True:  # honcho stops every process when one exits: stay up
                time.sleep(3600)
        except KeyboardInterrupt:
            return
