"""Turn the measurements into the table and the ratios against the goals."""


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds else 0.0


def line(label: str, seconds: float, rows: int, rss: float | None = None) -> str:
    memory = f"{rss:>9.0f}" if rss is not None else " " * 9
    return f"  {label:<44}{seconds:>9.2f}{rate(rows, seconds):>12,.0f}{memory}"


def report_lines(r: dict) -> list[str]:
    """Return the report: one line per measurement, then the ratios and the memory verdict."""
    rows = r["rows"]
    preview, apply = r["preview"], r["apply"]
    ours = preview["seconds"] + apply["seconds"]
    scratch, real = r["copy_scratch"]["seconds"], r["copy_real"]["seconds"]
    out = [
        f"  {'':<44}{'seconds':>9}{'rows/s':>12}{'peak MB':>9}",
        line(
            f"BuilderOps preview ({rows:,} rows)", preview["seconds"], rows, preview["peak_rss_mb"]
        ),
        line(f"BuilderOps apply ({rows:,} rows)", apply["seconds"], rows, apply["peak_rss_mb"]),
        line("BuilderOps preview + apply", ours, rows),
        *reimport_lines(r, rows),
        *die_lines(r, rows),
        line("COPY into a text scratch table", scratch, rows, r["copy_scratch"]["peak_rss_mb"]),
        line("COPY into homes + homeowners", real, rows, r["copy_real"]["peak_rss_mb"]),
        "",
    ]
    if "die" in r:
        die = r["die"]["dry_run_seconds"] + r["die"]["import_seconds"]
        speedup = rate(rows, ours) / rate(r["die_rows"], die)
        out.append(f"  vs django-import-export: {speedup:.0f}x its rows/s (goal ≥ 30x)")
    out += [
        *reimport_ratios(r, ours, real),
        f"  vs COPY into the real tables: preview + apply {ours / real:.1f}x its time, apply "
        f"alone {apply['seconds'] / real:.1f}x (goal within 5x)",
        f"  vs COPY into a text scratch table: {ours / scratch:.0f}x its time "
        "(no parsing, validation, indexes, history)",
    ]
    if "preview_big" in r:
        big = r["preview_big"]
        flat = big["peak_rss_mb"] - preview["peak_rss_mb"]
        out.append(
            f"  preview peak memory: {preview['peak_rss_mb']:.0f} MB at {rows:,} rows, "
            f"{big['peak_rss_mb']:.0f} MB at {r['big_rows']:,} rows ({flat:+.0f} MB; goal "
            f"< 300 MB, flat); {preview['base_rss_mb']:.0f} MB of it is Django loaded; "
            f"{r['big_rows']:,}-row preview took {big['seconds']:.0f} s"
        )
    return out


def die_lines(r: dict, rows: int) -> list[str]:
    if "die" not in r:
        return []
    die_rows, die = r["die_rows"], r["die"]["dry_run_seconds"] + r["die"]["import_seconds"]
    out = [
        line(
            f"django-import-export dry run ({die_rows:,} rows)",
            r["die"]["dry_run_seconds"],
            die_rows,
        ),
        line(
            f"django-import-export import ({die_rows:,} rows)", r["die"]["import_seconds"], die_rows
        ),
        line("django-import-export dry run + import", die, die_rows, r["die"]["peak_rss_mb"]),
    ]
    if die_rows < rows:
        out.append(
            f"  (django-import-export ran on the first {die_rows:,} rows: at its rate the "
            f"full {rows:,} would take ~{die * rows / die_rows / 60:.0f} minutes)"
        )
    return out


REIMPORTS = (("unchanged", "re-import, unchanged"), ("changed", "re-import, 1% changed"))


def reimport_lines(r: dict, rows: int) -> list[str]:
    """One line per re-import step (issue 12), measured right after the first import."""
    out = []
    for key, label in REIMPORTS:
        preview, apply = r[f"{key}_preview"], r[f"{key}_apply"]
        out.append(line(f"{label}: preview", preview["seconds"], rows, preview["peak_rss_mb"]))
        out.append(line(f"{label}: apply", apply["seconds"], rows, apply["peak_rss_mb"]))
    return out


def reimport_ratios(r: dict, first: float, copy: float) -> list[str]:
    """Say each re-import's preview + apply against the first import and against COPY."""
    goals = {"unchanged": "≤ 20%", "changed": "≤ 30%"}
    out = []
    for key, label in REIMPORTS:
        seconds = r[f"{key}_preview"]["seconds"] + r[f"{key}_apply"]["seconds"]
        out.append(
            f"  {label}: preview + apply {seconds:.1f} s = {seconds / first:.0%} of the first "
            f"import (goal {goals[key]}), {seconds / copy:.1f}x COPY into the real tables"
        )
    return out
