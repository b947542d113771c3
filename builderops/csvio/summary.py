"""Say in words what an import will do (preview) or did (result), with exact counts (issue 12).

One wording for the preview page, the result message and the command, so they can't disagree:
- a valid file, before Apply: "3 new homes and 2 changes will be saved as drafts; nothing is
  published until approved." — or "… will be approved and published to Builder Backed.";
- after Apply, the same in the past tense;
- a rejected file: "Nothing was saved: 4 rows have problems (listed below); the other 46 rows
  are fine."
"""


def counted(count: int, singular: str, plural: str) -> str:
    """Say `1 home` or `2,000 homes`."""
    return f"{count:,} {singular if count == 1 else plural}"


def outcome_summary(*, counts: dict, model, approve: bool, done: bool) -> str:
    """Say what applying a valid file will do (`done` False) or did (`done` True)."""
    one, many = model._meta.verbose_name, model._meta.verbose_name_plural
    new, updated = counts.get("new", 0), counts.get("updated", 0)
    parts = [counted(new, f"new {one}", f"new {many}")] if new else []
    parts += [counted(updated, "change", "changes")] if updated else []
    if parts:
        sentences = [f"{' and '.join(parts)} {saved_text(new + updated, approve, done)}."]
    else:
        sentences = ["Nothing changed." if done else "Nothing will change."]
    if unchanged := counts.get("unchanged", 0):
        verb = (
            ("was" if unchanged == 1 else "were") if done else ("is" if unchanged == 1 else "are")
        )
        sentences.append(f"{counted(unchanged, one, many)} in the file {verb} already up to date.")
    if (to_draft := counts.get("to_draft", 0)) and not approve:
        sentences.append(to_draft_text(to_draft, one, many, done))
    return " ".join(sentences)


def saved_text(total: int, approve: bool, done: bool) -> str:
    """Finish the sentence about `total` saved records: drafts, or approved and published."""
    single = total == 1
    if approve:
        if done:
            return (
                "was approved and is being published to Builder Backed"
                if single
                else "were approved and are being published to Builder Backed"
            )
        return "will be approved and published to Builder Backed"
    if done:
        return (
            "was saved as a draft; nothing is published until it is approved"
            if single
            else "were saved as drafts; nothing is published until approved"
        )
    return (
        "will be saved as a draft; nothing is published until it is approved"
        if single
        else "will be saved as drafts; nothing is published until approved"
    )


def to_draft_text(count: int, one: str, many: str, done: bool) -> str:
    """Say that approved records an unapproved import changes go back to draft."""
    records = counted(count, f"approved {one}", f"approved {many}")
    verb = "returned" if done else "returns" if count == 1 else "return"
    its, them = ("its", "it") if count == 1 else ("their", "them")
    return (
        f"{records} {verb} to draft; Builder Backed keeps {its} last approved version until an "
        f"approver approves {them}."
    )


def rejected_summary(*, counts: dict, error_count: int) -> str:
    """Say that nothing was saved, and how many rows have problems and how many are fine."""
    rows, invalid = counts.get("rows", 0), counts.get("invalid", 0)
    if not invalid:
        problems = counted(error_count, "problem", "problems")
        return f"Nothing was saved: the file has {problems} (listed below)."
    if invalid == rows:
        which = "the file's only row has" if rows == 1 else f"all {rows:,} rows have"
        return f"Nothing was saved: {which} problems (listed below)."
    fine = rows - invalid
    other = "the other row is fine" if fine == 1 else f"the other {fine:,} rows are fine"
    return (
        f"Nothing was saved: {counted(invalid, 'row has', 'rows have')} problems (listed below); "
        f"{other}."
    )
