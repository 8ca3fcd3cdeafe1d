import asyncio
import json

import httpx
from sqlalchemy import select

from bookshare_common.events import outbox
from bookshare_metadata.testing import ADMIN, ALICE, BOB, LIBRARIAN, codes

BOOK = "isbn isbn10 title subtitle authors publisher publishedYear language pageCount subjects viewerCanEdit"
ADD = f"mutation($input: AddBookInput!) {{ addBook(input: $input) {{ {BOOK} }} }}"
UPDATE = f"mutation($isbn: String!, $input: UpdateBookInput!) {{ updateBook(isbn: $isbn, input: $input) {{ {BOOK} }} }}"
NEW = {"isbn": "979-10-90636-07-1", "title": "Le Petit Livre", "authors": ["Anne Autrice"], "language": "FR",
       "publishedYear": 2014, "pageCount": 120, "subjects": ["Essais"]}


async def events(client, name):
    async with client.ctx.db.session() as session:
        rows = (await session.execute(select(outbox.c.payload).where(outbox.c.event == name)
                                      .order_by(outbox.c.seq))).all()
    return [json.loads(row.payload)["data"] for row in rows]


async def test_book_is_found_by_isbn10_or_isbn13_with_hyphens(metadata):
    for isbn in ("0-439-02348-3", "978-0-439-02348-1", "9780439023481", "0439023483"):
        doc = await metadata.query("query($i: String!) { book(isbn: $i) { isbn isbn10 title authors } }", {"i": isbn})
        assert doc["data"]["book"] == {"isbn": "9780439023481", "isbn10": "0439023483", "title": "The Hunger Games",
                                       "authors": ["Suzanne Collins"]}


async def test_book_with_a_bad_check_digit_is_bad_user_input_saying_so(metadata):
    doc = await metadata.query('{ book(isbn: "9780439023482") { title } }')
    assert codes(doc) == {"BAD_USER_INPUT"}
    assert "check digit" in doc["errors"][0]["message"]


async def test_unknown_book_is_null(metadata):
    doc = await metadata.query('{ book(isbn: "9780306406157") { title } }')
    assert doc == {"data": {"book": None}}


async def test_entities_resolve_books_for_the_gateway(metadata):
    doc = await metadata.query('{ _entities(representations: [{__typename: "Book", isbn: "9780618260300"}, '
                               '{__typename: "Book", isbn: "9780306406157"}]) { ... on Book { title } } }')
    assert doc["data"]["_entities"] == [{"title": "The Hobbit"}, None]


async def test_requests_without_the_gateway_credential_get_401(metadata):
    response = await metadata.http.post("/graphql", json={"query": "{ _service { sdl } }"})
    assert response.status_code == 401


async def test_signed_in_user_adds_a_book_and_an_event_is_written(metadata):
    doc = await metadata.query(ADD, {"input": NEW}, principal=ALICE)
    assert doc["data"]["addBook"] == {
        "isbn": "9791090636071", "isbn10": None, "title": "Le Petit Livre", "subtitle": None,
        "authors": ["Anne Autrice"], "publisher": None, "publishedYear": 2014, "language": "fr", "pageCount": 120,
        "subjects": ["Essais"], "viewerCanEdit": True}
    added = await events(metadata, "metadata_book_add")
    mine = [e for e in added if e["isbn"] == "9791090636071"]
    assert mine and mine[0]["added_by"] == ALICE.user_id and mine[0]["version"] == 1
    found = await metadata.query('{ books(search: "petit livre") { edges { node { isbn } } } }')
    assert [e["node"]["isbn"] for e in found["data"]["books"]["edges"]] == ["9791090636071"]


async def test_anonymous_user_cannot_add_a_book(metadata):
    doc = await metadata.query(ADD, {"input": NEW})
    assert codes(doc) == {"UNAUTHENTICATED"} and doc["data"] is None


async def test_duplicate_isbn_is_refused_naming_the_existing_book(metadata):
    doc = await metadata.query(ADD, {"input": {**NEW, "isbn": "0-439-02348-3"}}, principal=ALICE)
    assert codes(doc) == {"CONFLICT"}
    error = doc["errors"][0]
    assert "The Hunger Games" in error["message"] and "Suzanne Collins" in error["message"]
    assert error["extensions"]["isbn"] == "9780439023481"


async def test_bad_fields_are_refused_naming_the_field(metadata):
    doc = await metadata.query(ADD, {"input": {**NEW, "pageCount": -3}}, principal=ALICE)
    assert codes(doc) == {"BAD_USER_INPUT"} and doc["errors"][0]["extensions"]["field"] == "pageCount"
    doc = await metadata.query(ADD, {"input": {**NEW, "isbn": "9791090636072"}}, principal=ALICE)
    assert codes(doc) == {"BAD_USER_INPUT"} and "check digit" in doc["errors"][0]["message"]
    doc = await metadata.query(ADD, {"input": {**NEW, "authors": []}}, principal=ALICE)
    assert doc["errors"][0]["extensions"]["field"] == "authors"


async def test_the_adder_librarians_and_admins_update_a_book_and_others_may_not(metadata):
    await metadata.query(ADD, {"input": NEW}, principal=ALICE)
    isbn = "9791090636071"
    doc = await metadata.query(UPDATE, {"isbn": isbn, "input": {"title": "Le Grand Livre"}}, principal=ALICE)
    assert doc["data"]["updateBook"]["title"] == "Le Grand Livre"

    doc = await metadata.query(UPDATE, {"isbn": isbn, "input": {"title": "Vandalised"}}, principal=BOB)
    assert codes(doc) == {"FORBIDDEN"}
    doc = await metadata.query(UPDATE, {"isbn": isbn, "input": {"title": "Vandalised"}})
    assert codes(doc) == {"UNAUTHENTICATED"}
    doc = await metadata.query(f'{{ book(isbn: "{isbn}") {{ title viewerCanEdit }} }}', principal=BOB)
    assert doc["data"]["book"] == {"title": "Le Grand Livre", "viewerCanEdit": False}

    doc = await metadata.query(UPDATE, {"isbn": isbn, "input": {"subtitle": "Édition revue", "pageCount": None}},
                               principal=LIBRARIAN)
    assert doc["data"]["updateBook"]["subtitle"] == "Édition revue" and doc["data"]["updateBook"]["pageCount"] is None
    doc = await metadata.query(UPDATE, {"isbn": isbn, "input": {"publisher": "Maison"}}, principal=ADMIN)
    assert doc["data"]["updateBook"]["publisher"] == "Maison"

    updates = [e for e in await events(metadata, "metadata_book_update") if e["isbn"] == isbn]
    assert [(e["changed"], e["version"], e["updated_by"]) for e in updates] == [
        (["title"], 2, ALICE.user_id), (["subtitle", "page_count"], 3, LIBRARIAN.user_id),
        (["publisher"], 4, ADMIN.user_id)]


async def test_imported_books_are_edited_only_by_librarians_and_admins(metadata):
    doc = await metadata.query(UPDATE, {"isbn": "9780618260300", "input": {"title": "Mine"}}, principal=ALICE)
    assert codes(doc) == {"FORBIDDEN"}
    doc = await metadata.query(UPDATE, {"isbn": "0-618-26030-7", "input": {"pageCount": 300}}, principal=LIBRARIAN)
    assert doc["data"]["updateBook"]["pageCount"] == 300


async def test_updating_an_unknown_book_is_not_found_and_nothing_changed_writes_no_event(metadata):
    doc = await metadata.query(UPDATE, {"isbn": "9780306406157", "input": {"title": "X"}}, principal=ADMIN)
    assert codes(doc) == {"NOT_FOUND"}
    before = len(await events(metadata, "metadata_book_update"))
    doc = await metadata.query(UPDATE, {"isbn": "9780618260300", "input": {"title": "The Hobbit"}}, principal=ADMIN)
    assert doc["data"]["updateBook"]["title"] == "The Hobbit"
    assert len(await events(metadata, "metadata_book_update")) == before


async def test_health_is_public(metadata):
    response = await metadata.http.get("/health")
    assert response.status_code == 200
    assert isinstance(metadata.http, httpx.AsyncClient)


async def test_two_users_adding_the_same_isbn_at_once_get_one_book_and_one_conflict(metadata):
    results = await asyncio.gather(*(metadata.query(ADD, {"input": {**NEW, "title": f"Take {n}"}}, principal=who)
                                     for n, who in enumerate((ALICE, BOB))))
    added = [r for r in results if r.get("data") and r["data"]["addBook"]]
    refused = [r for r in results if codes(r) == {"CONFLICT"}]
    assert len(added) == 1 and len(refused) == 1
    assert added[0]["data"]["addBook"]["title"] in refused[0]["errors"][0]["message"]
    assert len([e for e in await events(metadata, "metadata_book_add") if e["isbn"] == "9791090636071"]) == 1
