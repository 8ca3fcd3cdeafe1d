"""Search latency of the metadata service over the demo catalogue scaled to 100,000 books.

Usage (from the checkout):  .venv/bin/python bench/metadata/search.py [--books 100000] [--queries 400]
                            [--engines sqlite,postgresql] [--postgres postgresql+asyncpg://postgres@127.0.0.1/postgres]

The catalogue is the 276 real demo books plus synthetic ones made from their words (titles from title words,
real author names and subjects, valid 979 ISBNs), so word frequencies look like a real catalogue's. Queries are
two-word searches taken from real titles (e.g. "harry potter", "thousand splendid"). For each engine it prints
p50/p90/p99/max latency of one ranked search page (first: 20) measured at two levels:
  db      - the repository call (SQL: full-text match, ranking, keyset page);
  graphql - the whole request through the service's ASGI app (credential check, GraphQL, JSON).
Target: p99 under 50 ms for a two-word search on either engine. Each figure carries the load average (1, 5,
15 min) at its end: on a shared machine, compare runs only at similar load.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from bookshare_common.db import Database
from bookshare_metadata.adapters import repository as repo
from bookshare_metadata.domain.book import BookRecord
from bookshare_metadata.domain.isbn import isbn13_check_digit
from bookshare_metadata.domain.text import tokens
from bookshare_metadata.entrypoints.app import DEMO_CATALOGUE, MIGRATIONS

QUERY = """query($s: String!) { books(search: $s, first: 20) { edges { cursor node { isbn title authors } }
  pageInfo { hasNextPage endCursor } } }"""


def demo_books() -> list[dict]:
    return [json.loads(line) for line in DEMO_CATALOGUE.read_text(encoding="utf-8").splitlines() if line.strip()]


def synthetic_catalogue(total: int, seed: int = 7) -> list[BookRecord]:
    rng = random.Random(seed)
    demo = demo_books()
    words = [w for book in demo for w in book["title"].split()]
    authors = sorted({a for book in demo for a in book["authors"]})
    subjects = sorted({s for book in demo for s in book["subjects"]})
    records = [BookRecord(isbn13=b["isbn"], isbn10=None, title=b["title"], subtitle=b["subtitle"],
                          authors=tuple(b["authors"]), publisher=b["publisher"], published_year=b["publishedYear"],
                          language=b["language"], subjects=tuple(b["subjects"])) for b in demo]
    for n in range(total - len(records)):
        body = f"979{n:09d}"
        title = " ".join(rng.choice(words) for _ in range(rng.randint(2, 6))).strip(" :,;")
        records.append(BookRecord(
            isbn13=body + isbn13_check_digit(body), isbn10=None, title=title or "Untitled",
            authors=tuple(rng.sample(authors, rng.choice((1, 1, 1, 2)))), published_year=rng.randint(1800, 2024),
            language="en", subjects=tuple(rng.sample(subjects, rng.randint(1, 3)))))
    return records


def two_word_queries(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    pairs = []
    for book in demo_books():
        words = [w for w in tokens(book["title"]) if len(w) > 2]
        pairs += [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return [rng.choice(pairs) for _ in range(count)]


async def load(db: Database, records: list[BookRecord]) -> float:
    started = time.perf_counter()
    await db.migrate(MIGRATIONS)
    for start in range(0, len(records), 2000):
        async with db.transaction() as session:
            await repo.insert_books(session, records[start:start + 2000], added_by=None)
    if db.dialect == "postgresql":
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE books")
            await conn.exec_driver_sql("ANALYZE book_subjects")
    return time.perf_counter() - started


def summary(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())  # the machine may be shared: say how busy it was
    return (f"p50 {q[49]:6.2f} ms  p90 {q[89]:6.2f} ms  p99 {q[98]:6.2f} ms  max {ms[-1]:6.2f} ms  (n={len(ms)}, "
            f"load average {load})")


async def measure_db(db: Database, queries: list[str], slowest: int = 0) -> list[float]:
    times = []
    for text in queries:
        started = time.perf_counter()
        async with db.session() as session:
            await repo.search_books(session, repo.SearchQuery(search=text), first=20)
        times.append(time.perf_counter() - started)
    if slowest:
        worst = sorted(set(zip(times, queries, strict=True)), reverse=True)[:slowest]
        async with db.session() as session:
            shown = [f"'{q}' {t * 1000:.0f} ms ({await repo.count_books(session, repo.SearchQuery(search=q))} matches)"
                     for t, q in worst]
        print("    slowest: " + "; ".join(shown))
    return times


async def measure_graphql(url: str, data_dir: Path, queries: list[str]) -> list[float]:
    os.environ["BOOKSHARE_METADATA_SEED_DEMO_CATALOGUE"] = "false"  # already loaded above
    from bookshare_common.testing import service_client
    from bookshare_metadata.entrypoints.app import SPEC

    times = []
    async with service_client(SPEC, database_url=url, data_dir=data_dir) as client:
        for text in queries[:20]:  # warm up
            await client.query(QUERY, {"s": text})
        for text in queries:
            started = time.perf_counter()
            doc = await client.query(QUERY, {"s": text})
            times.append(time.perf_counter() - started)
            assert "errors" not in doc, doc
        await asyncio.sleep(0.1)
    return times


async def run_engine(engine: str, url: str, records: list[BookRecord], queries: list[str]) -> None:
    db = Database(url)
    try:
        seconds = await load(db, records)
        print(f"[{engine}] loaded {len(records):,} books in {seconds:.1f} s")
        async with db.session() as session:
            hits = [await repo.count_books(session, repo.SearchQuery(search=q)) for q in queries[:100]]
        print(f"[{engine}] matches per query (first 100 queries): median {statistics.median(hits):.0f}, "
              f"max {max(hits)}")
        await measure_db(db, queries[:20])  # warm up caches
        print(f"[{engine}] db      {summary(await measure_db(db, queries, slowest=5))}")
    finally:
        await db.dispose()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"[{engine}] graphql {summary(await measure_graphql(url, Path(tmp), queries))}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    records = synthetic_catalogue(args.books)
    queries = two_word_queries(args.queries)
    print(f"{len(records):,} books, {len(queries)} two-word queries, e.g. {queries[:4]}")
    for engine in args.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                await run_engine("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.db", records, queries)
        elif engine == "postgresql":
            import asyncpg

            admin = make_url(args.postgres)
            dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
            name = f"bookshare_bench_{uuid.uuid4().hex[:8]}"
            conn = await asyncpg.connect(dsn)
            await conn.execute(f'CREATE DATABASE "{name}"')
            await conn.close()
            try:
                url = admin.set(database=name).render_as_string(hide_password=False)
                await run_engine("postgresql", url, records, queries)
            finally:
                conn = await asyncpg.connect(dsn)
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await conn.close()
        else:
            raise SystemExit(f"unknown engine {engine!r}")


if __name__ == "__main__":
    asyncio.run(main())
