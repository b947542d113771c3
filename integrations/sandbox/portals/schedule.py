"""Check a schedule-task PATCH against the rest of the schedule.

shared/contracts/portals.md, "Schedule task": an end before the start, or a dependency cycle, is a
400. Decided here too: a predecessor must be a live task of the same project (else 400 naming
`predecessorIds`); a start and end on the same day is a one-day task, allowed.
"""

from integrations.sandbox.portals.errors import invalid


def task_patch_check(task_id: str, current: dict, changes: dict, tasks: dict[str, dict]) -> None:
    """Raise a 400 if applying `changes` to the task would break the schedule.

    `current` is the task's fields now; `tasks` maps every live task id of the project to its
    fields.
    """
    start = changes.get("startDate", current["startDate"])
    end = changes.get("endDate", current["endDate"])
    if end < start:  # ISO dates compare as text
        field = "endDate" if "endDate" in changes else "startDate"
        raise invalid(field, f"endDate {end} is before startDate {start}.")
    if "predecessorIds" in changes:
        predecessors = changes["predecessorIds"]
        unknown = [p for p in predecessors if p not in tasks]
        if unknown:
            raise invalid("predecessorIds", f"No task {unknown[0]} in this project's schedule.")
        if _reaches(task_id, predecessors, tasks):
            raise invalid("predecessorIds", "These predecessors would make a dependency cycle.")


def _reaches(target: str, starts: list[str], tasks: dict[str, dict]) -> bool:
    """Tell whether following predecessor links from `starts` leads back to `target`."""
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        task_id = stack.pop()
        if task_id == target:
            return True
        if task_id in seen or task_id not in tasks:
            continue
        seen.add(task_id)
        stack.extend(tasks[task_id]["predecessorIds"])
    return False
