"""Command-line entry points the `bookshare` CLI wires in: importing a catalogue file."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bookshare_common.db import Database
from bookshare_common.settings import load_settings
from bookshare_metadata.adapters.importer import ImportReport, count_rows, import_file
from bookshare_metadata.entrypoints.app import MIGRATIONS


async def import_catalogue(path: str | Path, *, database_url: str | None = None, progress: bool = True,
                           console: Console | None = None) -> ImportReport:
    """Import a CSV / TSV / JSON Lines catalogue into the metadata database (migrating it first).

    Idempotent: books are matched by ISBN-13; a second run of the same file reports them unchanged. Bad rows
    are skipped and listed in the report. The books' events go to the outbox; the running service (or its
    next start) publishes them.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such catalogue file: {path}")
    url = database_url or load_settings("metadata").database_url
    db = Database(url)
    console = console or Console(stderr=True)
    try:
        await db.migrate(MIGRATIONS)
        if progress:
            columns = (TextColumn("importing {task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeRemainingColumn())
            with Progress(*columns, console=console, transient=False) as bar:
                task = bar.add_task(path.name, total=count_rows(path))
                report = await import_file(db, path, advance=lambda n: bar.advance(task, n))
        else:
            report = await import_file(db, path)
    finally:
        await db.dispose()
    console.print(report.summary())
    for skipped in report.skipped[:50]:
        console.print(f"  line {skipped.line}: skipped: {skipped.reason}")
    if len(report.skipped) > 50:
        console.print(f"  ... and {len(report.skipped) - 50} more skipped rows")
    return report


def main(argv: list[str] | None = None) -> int:
    """`python -m bookshare_metadata.entrypoints.cli FILE...`: the importer without the `bookshare` CLI."""
    import argparse
    import asyncio

    parser = argparse.ArgumentParser(description="Import CSV / TSV / JSON Lines catalogue files into metadata.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    for path in args.files:
        asyncio.run(import_catalogue(path, progress=not args.no_progress))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
