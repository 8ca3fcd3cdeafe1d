"""Who may change a book's record or its cover."""
from __future__ import annotations

EDITOR_ROLES = frozenset({"librarian", "admin"})


def may_edit(user_id: str | None, roles: frozenset[str], added_by: str | None) -> bool:
    """The user who added the book, and librarians and admins. Books from the catalogue import have no
    adder, so only librarians and admins edit those."""
    if user_id is None:
        return False
    if roles & EDITOR_ROLES:
        return True
    return added_by is not None and added_by == user_id


def may_set_cover(user_id: str | None, roles: frozenset[str], added_by: str | None, has_cover: bool) -> bool:
    """Editors may always replace the cover; any signed-in user may give a cover to a book without one."""
    if user_id is None:
        return False
    return may_edit(user_id, roles, added_by) or not has_cover
