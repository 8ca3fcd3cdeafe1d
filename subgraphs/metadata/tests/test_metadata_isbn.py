import json
from pathlib import Path

import pytest

from bookshare_metadata.domain.isbn import InvalidIsbn, Isbn, is_valid, to_isbn10, to_isbn13

DEMO = Path(__file__).resolve().parents[1] / "bookshare_metadata" / "data" / "demo_catalogue.jsonl"


@pytest.mark.parametrize(("text", "isbn13"), [
    ("0-306-40615-2", "9780306406157"),
    ("0306406152", "9780306406157"),
    ("978-0-306-40615-7", "9780306406157"),
    ("978 0 306 40615 7", "9780306406157"),
    ("ISBN 978-0-306-40615-7", "9780306406157"),
    ("  9780306406157  ", "9780306406157"),
    ("080442957X", "9780804429573"),   # ISBN-10 whose check digit is X
    ("0-8044-2957-x", "9780804429573"),  # lower-case x
    ("043965548X", "9780439655484"),
    ("979-10-90636-07-1", "9791090636071"),  # 979 range: valid ISBN-13, no ISBN-10
])
def test_isbn_is_normalised_to_thirteen_digits(text, isbn13):
    assert to_isbn13(text) == isbn13


def test_isbn10_is_given_for_978_and_not_for_979():
    assert Isbn.parse("9780306406157").isbn10 == "0306406152"
    assert Isbn.parse("9780804429573").isbn10 == "080442957X"
    assert Isbn.parse("9791090636071").isbn10 is None
    assert to_isbn10("9791090636071") is None


@pytest.mark.parametrize(("text", "says"), [
    ("0306406153", "check digit: expected 2"),
    ("9780306406158", "check digit: expected 7"),
    ("0804429571", "check digit: expected X"),
    ("97803064061", "11 digits"),
    ("030640615Y", "ISBN-10"),
    ("9770306406151", "starts with 978 or 979"),
    ("97803064061X7", "only digits"),
    ("", "required"),
])
def test_invalid_isbn_is_refused_saying_why(text, says):
    with pytest.raises(InvalidIsbn) as caught:
        to_isbn13(text)
    assert says in str(caught.value)
    assert not is_valid(text)


def test_every_demo_book_has_a_valid_isbn_and_the_required_fields():
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 200
    isbns = [to_isbn13(row["isbn"]) for row in rows]  # raises on any bad check digit
    assert isbns == [row["isbn"] for row in rows], "demo ISBNs are stored normalised"
    assert len(set(isbns)) == len(isbns), "no book twice"
    for row in rows:
        assert row["title"].strip() and row["authors"] and row["subjects"], row
        assert isinstance(row["publishedYear"], int), row
