"""Turn the measurements into the table and the ratios against the goals."""


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds else 0.0


def line(label: str, seconds: float, rows: int, rss: float | None = None) -> str:
    memory = f"{rss:>9.0f}" if rss is not None else " " * 9
    return f"  {label:<44}{seconds:>9.2f}{rate(rows, seconds):>12,.0f}{memory}"


def report_lines(r: dict) -> list[str]:
    """Return the report: one line per measurement, then the ratios and the memory verdict."""
    rows, die_rows = r["rows"], r["die_rows"]
    preview, apply = r["preview"], r["apply"]
    ours = preview["seconds"] + apply["seconds"]
    die = r["die"]["dry_run_seconds"] + r["die"]["import_seconds"]
    scratch, real = r["copy_scratch"]["seconds"], r["copy_real"]["seconds"]
    out = [
        f"  {'':<44}{'seconds':>9}{'rows/s':>12}{'peak MB':>9}",
        line(
            f"BuilderOps preview ({rows:,} rows)", preview["seconds"], rows, preview["peak_rss_mb"]
        ),
        line(f"BuilderOps apply ({rows:,} rows)", apply["seconds"], rows, apply["peak_rss_mb"]),
        line("BuilderOps preview + apply", ours, rows),
        line(
            f"django-import-export dry run ({die_rows:,} rows)",
            r["die"]["dry_run_seconds"],
            die_rows,
        ),
        line(
            f"django-import-export import ({die_rows:,} rows)", r["die"]["import_seconds"], die_rows
        ),
        line("django-import-export dry run + import", die, die_rows, r["die"]["peak_rss_mb"]),
        line("COPY into a text scratch table", scratch, rows, r["copy_scratch"]["peak_rss_mb"]),
        line("COPY into homes + homeowners", real, rows, r["copy_real"]["peak_rss_mb"]),
    ]
    if die_rows < rows:
        out.append(
            f"  (django-import-export ran on the first {die_rows:,} rows: at its rate the "
            f"full {rows:,} would take ~{die * rows / die_rows / 60:.0f} minutes)"
        )
    speedup = rate(rows, ours) / rate(die_rows, die)
    out += [
        "",
        f"  vs django-import-export: {speedup:.0f}x its rows/s (goal ≥ 30x)",
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
