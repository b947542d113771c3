"""Serve one sandbox: `python manage.py sandbox builderbacked --port 8101 [options]`.

The fault options apply to every sandbox. Each sandbox module adds its own options through
`add_arguments(group)`; its factory receives them as keyword arguments
(`--client-id` → `client_id`).
"""

from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

from integrations.sandbox.faults import Faults
from integrations.sandbox.registry import SANDBOXES


def sandbox_module_and_factory(name: str):
    """Import the module and app factory registered for `name`."""
    module_name, _, attr = SANDBOXES[name].partition(":")
    module = import_module(module_name)
    return module, getattr(module, attr)


class Command(BaseCommand):
    help = "Serve a local sandbox of an external API (Builder Backed, Buildertrend, CoConstruct)."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(SANDBOXES))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, required=True)
        faults = parser.add_argument_group("faults (any sandbox)")
        faults.add_argument("--latency-ms", type=float, default=0.0)
        faults.add_argument("--error-rate", type=float, default=0.0, help="share answered 503")
        faults.add_argument("--drop-rate", type=float, default=0.0, help="share dropped")
        faults.add_argument("--rate-limit", type=float, default=0.0, help="requests/s; 0 = none")
        faults.add_argument("--seed", type=int, default=None)
        self.module_dests = {}
        for name in SANDBOXES:
            module, _ = sandbox_module_and_factory(name)
            if module.__name__ in self.module_dests:
                continue
            group = parser.add_argument_group(f"{module.__name__.rsplit('.', 2)[-2]} options")
            module.add_arguments(group)
            self.module_dests[module.__name__] = [action.dest for action in group._group_actions]

    def handle(self, *args, **opts):
        import uvicorn

        module, factory = sandbox_module_and_factory(opts["name"])
        options = {dest: opts[dest] for dest in self.module_dests[module.__name__]}
        faults = Faults(
            latency_ms=opts["latency_ms"],
            error_rate=opts["error_rate"],
            drop_rate=opts["drop_rate"],
            rate_limit=opts["rate_limit"],
            seed=opts["seed"],
        )
        try:
            app = factory(faults=faults, **options)
        except (TypeError, ValueError) as exc:
            raise CommandError(f"{opts['name']}: {exc}") from exc
        self.stdout.write(f"{opts['name']} sandbox on http://{opts['host']}:{opts['port']}")
        uvicorn.run(
            app, host=opts["host"], port=opts["port"], log_level="warning", access_log=False
        )
