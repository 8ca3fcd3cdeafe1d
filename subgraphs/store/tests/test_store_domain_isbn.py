import pytest

from bookshare_store.domain.isbn import InvalidIsbn, normalise_isbn


@pytest.mark.parametrize(
    ("raw", "isbn13"),
    [
        ("9780306406157", "9780306406157"),
        ("978-0-306-40615-7", "9780306406157"),
        ("0306406152", "9780306406157"),  # ISBN-10 becomes its ISBN-13
        ("0-306-40615-2", "9780306406157"),
        ("080442957X", "9780804429573"),  # check digit X
        ("080442957x", "9780804429573"),
        ("ISBN 978 0 306 40615 7", "9780306406157"),
        ("9791090636071", "9791090636071"),  # 979 prefix
    ],
)
def test_valid_isbns_are_normalised_to_isbn13(raw: str, isbn13: str) -> None:
    assert normalise_isbn(raw) == isbn13


@pytest.mark.parametrize(
    "raw",
    ["", "abc", "9780306406158", "0306406153", "123456789", "97803064061570", "1234567890123", "X306406152",
     "03064X6152"],
)
def test_invalid_isbns_are_refused(raw: str) -> None:
    with pytest.raises(InvalidIsbn):
        normalise_isbn(raw)
