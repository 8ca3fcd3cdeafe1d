from pathlib import Path

from bookshare_common.testing import fresh_postgres_database, service_client
from bookshare_metadata.entrypoints.app import SPEC
from bookshare_metadata.testing import ALICE, codes

SEARCH = """query($search: String, $author: String, $subject: String, $language: String, $first: Int!, $after: String) {
  books(search: $search, author: $author, subject: $subject, language: $language, first: $first, after: $after) {
    totalCount edges { cursor node { isbn title authors subjects } } pageInfo { hasNextPage endCursor } } }"""
ADD = "mutation($input: AddBookInput!) { addBook(input: $input) { isbn } }"


async def search(client, **args):
    args.setdefault("first", 20)
    doc = await client.query(SEARCH, args)
    assert "errors" not in doc, doc
    return doc["data"]["books"]


async def titles(client, **args):
    return [edge["node"]["title"] for edge in (await search(client, **args))["edges"]]


async def walk(client, first, **args):
    """Every page of a list, following endCursor."""
    seen, after = [], None
    while True:
        page = await search(client, first=first, after=after, **args)
        seen += [edge["node"]["isbn"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def test_title_matches_rank_above_author_and_subject_matches(metadata):
    # The same word in a title, in an author's name and in a subject.
    for isbn, title, authors, subjects in [
        ("9780306406157", "Lighthouse Keeping", ["Ann Other"], ["Essays"]),
        ("9791090636071", "Notes", ["Jo Lighthouse"], ["Essays"]),
        ("9780804429573", "Sea Stories", ["Sam Sea"], ["Lighthouse lore"]),
    ]:
        doc = await metadata.query(ADD, {"input": {"isbn": isbn, "title": title, "authors": authors,
                                                   "subjects": subjects}}, principal=ALICE)
        assert "errors" not in doc, doc
    assert await titles(metadata, search="lighthouse") == ["Lighthouse Keeping", "Notes", "Sea Stories"]


async def test_two_word_search_finds_the_series_and_the_exact_title_first(metadata):
    found = await titles(metadata, search="harry potter")
    assert len(found) == 8 and all(t.startswith("Harry Potter") for t in found)
    assert (await titles(metadata, search="The Hobbit"))[0] == "The Hobbit"
    assert (await titles(metadata, search="dune"))[0] == "Dune"


async def test_search_ignores_case_accents_and_punctuation_and_completes_the_last_word(metadata):
    assert await titles(metadata, search="BRONTE") == ["Jane Eyre", "Wuthering Heights"]
    assert await titles(metadata, search="garcía márquez") == await titles(metadata, search="garcia marquez")
    assert await titles(metadata, search="half-blood") == ["Harry Potter and the Half-Blood Prince"]
    assert "The Hitchhiker's Guide to the Galaxy" in await titles(metadata, search="hitchhik")
    assert await titles(metadata, search="zzzzqqq") == []


async def test_author_subject_and_language_filters(metadata):
    assert await titles(metadata, author="tolkien") == [
        "The Fellowship of the Ring", "The Hobbit", "The Return of the King", "The Two Towers"]
    assert await titles(metadata, author="Tolkien", search="king") == ["The Return of the King"]
    king = (await search(metadata, author="stephen king"))["edges"]
    assert len(king) == 6
    assert all(e["node"]["authors"] == ["Stephen King"] for e in king)
    # The last word completes, so "king" also finds Barbara Kingsolver.
    assert "The Poisonwood Bible" in await titles(metadata, author="king")
    drama = await search(metadata, subject="drama", first=50)
    assert drama["totalCount"] == 5 and all("Drama" in e["node"]["subjects"] for e in drama["edges"])
    assert (await search(metadata, language="en"))["totalCount"] == 276
    assert (await search(metadata, language="fr"))["totalCount"] == 0


async def test_pages_follow_each_other_without_gaps_or_repeats(metadata):
    everything = await walk(metadata, 100)
    assert len(everything) == 276 == len(set(everything))
    assert await walk(metadata, 7) == everything
    fantasy = await walk(metadata, 100, search="fantasy")
    assert len(fantasy) > 40
    assert await walk(metadata, 9, search="fantasy") == fantasy


async def test_bad_page_arguments_are_refused(metadata):
    doc = await metadata.query(SEARCH, {"first": 0})
    assert codes(doc) == {"BAD_USER_INPUT"}
    doc = await metadata.query(SEARCH, {"first": 101})
    assert codes(doc) == {"BAD_USER_INPUT"}
    doc = await metadata.query(SEARCH, {"first": 5, "after": "not-a-cursor"})
    assert codes(doc) == {"BAD_USER_INPUT"}


QUERIES = [
    {"search": "harry potter"}, {"search": "the"}, {"search": "fantasy young"}, {"search": "war"},
    {"search": "love"}, {"search": "king"}, {"search": "s"}, {"search": "shadow of the"},
    {"author": "stephen"}, {"subject": "classics"}, {"search": "the", "subject": "romance"},
    {"search": "girl", "author": "larsson"}, {}, {"language": "en", "search": "night"},
]


async def test_sqlite_and_postgresql_give_the_same_books_in_the_same_order(tmp_path: Path):
    async with fresh_postgres_database() as pg_url:
        async with (service_client(SPEC, database_url=f"sqlite+aiosqlite:///{tmp_path / 'm.db'}",
                                   data_dir=tmp_path / "a") as lite,
                    service_client(SPEC, database_url=pg_url, data_dir=tmp_path / "b") as pg):
            for query in QUERIES:
                on_sqlite, on_postgres = await walk(lite, 11, **query), await walk(pg, 11, **query)
                assert on_sqlite == on_postgres, query
                assert (await search(lite, **query))["totalCount"] == len(on_sqlite), query
                assert (await search(pg, **query))["totalCount"] == len(on_postgres), query
            assert len(await walk(lite, 50, search="the")) > 100


async def test_stop_words_in_a_search_are_still_required_and_ranked(metadata):
    # "of" and "the" are not looked up in the index but must still occur, and still score as title words.
    for isbn, title, authors, subjects in [
        ("9780306406157", "Tales of Winterhold", ["Ann Other"], ["Essays"]),
        ("9791090636071", "Winterhold Tales", ["Jo Bloggs"], ["Essays"]),
        ("9780804429573", "Letters", ["Sam Winterhold"], ["Of mice and men"]),
    ]:
        doc = await metadata.query(ADD, {"input": {"isbn": isbn, "title": title, "authors": authors,
                                                   "subjects": subjects}}, principal=ALICE)
        assert "errors" not in doc, doc
    assert await titles(metadata, search="of winterhold") == ["Tales of Winterhold", "Letters"]
    assert await titles(metadata, search="winterhold of") == ["Tales of Winterhold", "Letters"]
    assert await titles(metadata, search="winterhold the") == []  # no "the..." word in any of them
    assert await titles(metadata, search="winterhold tales") == ["Winterhold Tales", "Tales of Winterhold"]


async def test_a_search_of_only_stop_words_ranks_a_bounded_list(metadata, monkeypatch):
    from bookshare_metadata.adapters import repository

    everything = await walk(metadata, 100, search="the")
    assert len(everything) > 40
    monkeypatch.setattr(repository, "STOP_WORD_CANDIDATES", 40)
    page = await search(metadata, search="the", first=50)
    assert page["totalCount"] == 40 and len(page["edges"]) == 40 and not page["pageInfo"]["hasNextPage"]
    # The 40 ranked are the first matches by ISBN, each holding a word starting with "the".
    assert sorted(e["node"]["isbn"] for e in page["edges"]) == sorted(everything)[:40]
    assert await walk(metadata, 7, search="the") == [e["node"]["isbn"] for e in page["edges"]]
