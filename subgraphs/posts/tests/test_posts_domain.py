"""The posts service's pure rules: new-post validation, ISBNs, cursors, and the Author replica rule."""

from __future__ import annotations

import pytest

from bookshare_common.pagination import PageRequestError, check_page_size, decode_cursor, encode_cursor
from bookshare_posts.domain.authors import ReplicaState, should_apply_delete, should_apply_update
from bookshare_posts.domain.posts import PostInputError, PostKind, normalise_isbn, validate_new_post


def test_a_valid_post_is_tidied_and_its_isbn_made_isbn13() -> None:
    post = validate_new_post(title="  Dune, anyone? ", body=" Looking for a copy.\n", kind=PostKind.REQUEST,
                             isbn="0-441-17271-7")
    assert post.title == "Dune, anyone?"
    assert post.body == "Looking for a copy."
    assert post.isbn == "9780441172719"


@pytest.mark.parametrize(("raw", "expected"), [
    ("978-0-441-17271-9", "9780441172719"),
    ("9780441172719", "9780441172719"),
    ("080442957X", "9780804429573"),
    ("080442957x", "9780804429573"),
    ("979 10 90636 07 1", "9791090636071"),
])
def test_isbns_are_normalised(raw: str, expected: str) -> None:
    assert normalise_isbn(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "9780441172710", "0441172718", "9770441172719", "97804411727１９",
                                 "978044117271X", "abcdefghij"])
def test_bad_isbns_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_isbn(raw)


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "two\nlines"}, "title"),
    ({"body": "y" * 5001}, "body"),
    ({"body": "bell\x07"}, "body"),
    ({"isbn": "not an isbn"}, "isbn"),
])
def test_invalid_posts_name_the_field_at_fault(fields: dict[str, str], field: str) -> None:
    values = {"title": "Dune", "body": "", "isbn": "9780441172719", **fields}
    with pytest.raises(PostInputError) as caught:
        validate_new_post(kind=PostKind.OFFER, **values)
    assert caught.value.field == field


def test_cursors_round_trip_and_strangers_are_refused() -> None:
    assert decode_cursor("post", encode_cursor("post", 42)) == 42
    for bad in ["", "!!!", encode_cursor("notification", 42), "cG9zdDotMQ", "cG9zdDo"]:
        with pytest.raises(PageRequestError) as caught:
            decode_cursor("post", bad)
        assert caught.value.field == "after"


def test_page_size_is_bounded() -> None:
    assert check_page_size(1) == 1 and check_page_size(100) == 100
    for bad in (0, -1, 101):
        with pytest.raises(PageRequestError):
            check_page_size(bad)


def test_replica_applies_only_newer_versions_and_deletion_is_final() -> None:
    assert should_apply_update(None, 1)
    assert should_apply_update(ReplicaState(version=0, deleted=False), 1)  # placeholder made before the add
    assert should_apply_update(ReplicaState(version=1, deleted=False), 2)
    assert not should_apply_update(ReplicaState(version=2, deleted=False), 2)  # duplicate
    assert not should_apply_update(ReplicaState(version=3, deleted=False), 2)  # late, older
    assert not should_apply_update(ReplicaState(version=1, deleted=True), 5)
    assert should_apply_delete(ReplicaState(version=4, deleted=False))
    assert not should_apply_delete(ReplicaState(version=4, deleted=True))
