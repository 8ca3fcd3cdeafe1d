import io
import json

from rich.console import Console
from sqlalchemy import func, select

from bookshare_common.db import Database
from bookshare_common.events import outbox
from bookshare_metadata.adapters.importer import import_file
from bookshare_metadata.adapters.repository import SearchQuery, get_book, search_books
from bookshare_metadata.entrypoints.app import MIGRATIONS
from bookshare_metadata.entrypoints.cli import import_catalogue

CSV = """isbn,title,subtitle,authors,publisher,published_year,language,page_count,subjects
978-0-306-40615-7,Signal Theory,An Introduction,Ada Signal; Bo Noise,Example Press,1999,en,320,Engineering;Mathematics
0-8044-2957-X,The Xenolith,,Cara Stone,,2001,en,,Geology
9791090636071,Petit Traité,,Jean Dupont,,2015,fr,88,Essais
9780306406158,Bad Check Digit,,Someone,,2000,en,,
9780143039433,,,Nobody,,2000,en,,
9780141439518,No Authors,,,,2000,en,,
9780140449136,Year From The Future,,Ann Future,,30000,en,,
978-0306406157,Signal Theory Again,,Ada Signal,,1999,en,,
9780140449266,Too,Many,Cells,In,This,Row,x,y,z,extra
"""


async def migrated(url: str) -> Database:
    db = Database(url)
    await db.migrate(MIGRATIONS)
    return db


async def test_csv_import_adds_good_rows_reports_bad_ones_and_a_second_run_changes_nothing(database_url, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(CSV, encoding="utf-8")
    db = await migrated(database_url)
    try:
        first = await import_file(db, path)
        assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
        reasons = {s.line: s.reason for s in first.skipped}
        assert set(reasons) == {5, 6, 7, 8, 9, 10}
        assert "check digit" in reasons[5]
        assert "title" in reasons[6]
        assert "authors" in reasons[7]
        assert "publishedYear" in reasons[8]
        assert "already appears on line 2" in reasons[9]
        assert "more cells" in reasons[10]

        async with db.session() as session:
            book = await get_book(session, "9780306406157")
            assert book is not None
            assert book.record.authors == ("Ada Signal", "Bo Noise")
            assert book.record.subjects == ("Engineering", "Mathematics")
            assert (book.record.subtitle, book.record.page_count, book.record.publisher) == (
                "An Introduction", 320, "Example Press")
            xeno = await get_book(session, "9780804429573")
            assert xeno is not None and xeno.record.isbn10 == "080442957X"
            page, _ = await search_books(session, SearchQuery(search="signal theory"), first=10)
            assert [b.record.isbn13 for b, _ in page] == ["9780306406157"]
            events = await session.scalar(select(func.count()).select_from(outbox)
                                          .where(outbox.c.event == "metadata_book_add"))
            assert events == 3

        second = await import_file(db, path)
        assert (second.added, second.updated, second.unchanged) == (0, 0, 3)
        assert [s.line for s in second.skipped] == [s.line for s in first.skipped]
        async with db.session() as session:
            assert await session.scalar(select(func.count()).select_from(outbox)) == 3

        # The file changes: only the changed book is updated.
        path.write_text(CSV.replace("Cara Stone,,2001", "Cara Stone,,2002"), encoding="utf-8")
        third = await import_file(db, path)
        assert (third.added, third.updated, third.unchanged) == (0, 1, 2)
        async with db.session() as session:
            assert (await get_book(session, "9780804429573")).record.published_year == 2002
    finally:
        await db.dispose()


async def test_json_lines_import_with_bad_lines_run_twice(database_url, tmp_path):
    rows = [
        json.dumps({"isbn": "9780306406157", "title": "Signal Theory", "authors": ["Ada Signal"],
                    "publishedYear": 1999, "subjects": ["Engineering"]}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"title": "No ISBN", "authors": ["X"]}),
        "",
        json.dumps({"isbn13": "9791090636071", "title": "Petit", "author": "Jean Dupont", "pages": "88"}),
    ]
    path = tmp_path / "catalogue.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    printed = io.StringIO()
    for run in range(2):
        report = await import_catalogue(path, database_url=database_url, progress=run == 0,
                                        console=Console(file=printed if run == 0 else io.StringIO()))
        assert (report.added, report.unchanged) == ((2, 0) if run == 0 else (0, 2))
        assert [(s.line, s.reason.split(":")[0]) for s in report.skipped] == [
            (2, "not valid JSON"), (3, "not a JSON object"), (4, "no ISBN")]
    assert "2 added" in printed.getvalue() and "line 2: skipped: not valid JSON" in printed.getvalue()


def test_the_importer_runs_from_the_command_line(tmp_path, monkeypatch, capsys):
    from bookshare_metadata.entrypoints.cli import main

    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"isbn": "9780306406157", "title": "Signal Theory", "authors": ["Ada Signal"]}) + "\n")
    monkeypatch.setenv("BOOKSHARE_METADATA_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    assert main([str(path), "--no-progress"]) == 0
    assert main([str(path), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "1 added" in err and "1 unchanged" in err
