import pytest

from bookshare_metadata.domain.book import InvalidBook, apply_changes, new_record
from bookshare_metadata.domain.permissions import may_edit, may_set_cover
from bookshare_metadata.domain.text import fold, query_terms


def test_text_is_folded_the_same_way_for_index_and_query():
    assert fold("Brontë") == "bronte"
    assert fold("Harry Potter and the Half-Blood Prince") == "harry potter and the half blood prince"
    assert fold("J.R.R. Tolkien") == "j r r tolkien"
    assert fold("  11/22/63 ") == "11 22 63"
    assert query_terms("Potter POTTER potter's") == ["potter", "s"]
    assert query_terms("!!!") == []


def test_a_record_is_cleaned_and_checked():
    record = new_record("0-306-40615-2", {"title": "  The   Title ", "authors": ["A. Writer", "a. writer", " "],
                                          "language": "EN", "published_year": "1999", "subjects": ["X"]})
    assert record.isbn13 == "9780306406157" and record.isbn10 == "0306406152"
    assert record.title == "The Title"
    assert record.authors == ("A. Writer",)
    assert record.language == "en" and record.published_year == 1999


@pytest.mark.parametrize(("raw", "field"), [
    ({"title": "", "authors": ["A"]}, "title"),
    ({"title": "T", "authors": []}, "authors"),
    ({"title": "T", "authors": ["A"], "page_count": 0}, "pageCount"),
    ({"title": "T", "authors": ["A"], "published_year": 99999}, "publishedYear"),
    ({"title": "T", "authors": ["A"], "language": "english!"}, "language"),
    ({"title": "T" * 501, "authors": ["A"]}, "title"),
])
def test_a_bad_field_is_refused_naming_it(raw, field):
    with pytest.raises(InvalidBook) as caught:
        new_record("9780306406157", raw)
    assert caught.value.field == field


def test_a_bad_isbn_is_refused_on_the_isbn_field():
    with pytest.raises(InvalidBook) as caught:
        new_record("9780306406158", {"title": "T", "authors": ["A"]})
    assert caught.value.field == "isbn" and "check digit" in str(caught.value)


def test_changes_report_only_what_really_changed():
    record = new_record("9780306406157", {"title": "T", "authors": ["A"], "page_count": 10})
    updated, changed = apply_changes(record, {"title": "T", "page_count": 12, "authors": ["A"]})
    assert changed == ["page_count"] and updated.page_count == 12
    with pytest.raises(InvalidBook):
        apply_changes(record, {"title": " "})


def test_who_may_edit_a_book():
    assert may_edit("u1", frozenset(), "u1")
    assert not may_edit("u2", frozenset(), "u1")
    assert may_edit("u2", frozenset({"librarian"}), "u1")
    assert may_edit("u2", frozenset({"admin"}), None)
    assert not may_edit("u2", frozenset(), None)  # an imported book: editors only
    assert not may_edit(None, frozenset({"admin"}), None)
    assert may_set_cover("u2", frozenset(), None, has_cover=False)
    assert not may_set_cover("u2", frozenset(), None, has_cover=True)
