"""What a valid username, email address and name look like, and the keys that make them unique."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

USERNAME_MIN, USERNAME_MAX = 3, 32
NAME_MAX = 100
_USERNAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$")
# Names that would read as the service speaking, or clash with routes and mentions.
RESERVED_USERNAMES = frozenset({"admin", "administrator", "root", "system", "support", "bookshare", "me", "null"})


class InvalidField(ValueError):
    """A value refused by the profile rules; `field` names the input field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def clean_username(value: str, *, allow_reserved: bool = False) -> str:
    """The username as stored; `allow_reserved` lets an operator (not a sign-up form) take a reserved name."""
    username = value.strip()
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        raise InvalidField("username", f"Username must be {USERNAME_MIN} to {USERNAME_MAX} characters long.")
    if not _USERNAME.match(username):
        raise InvalidField(
            "username",
            "Username may hold letters, digits, '.', '_' and '-', and must start and end with a letter or digit.",
        )
    if not allow_reserved and username.lower() in RESERVED_USERNAMES:
        raise InvalidField("username", "This username is reserved.")
    return username


def username_key(username: str) -> str:
    """Usernames are unique regardless of case, so "Alice" cannot pose as "alice"."""
    return username.strip().lower()


def clean_email(value: str) -> str:
    """The address in its normalised form (the domain lower-cased, Unicode normalised)."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidField("email", f"Email address is not valid: {exc}") from exc


def email_key(email: str) -> str:
    """Emails are unique regardless of case."""
    return unicodedata.normalize("NFC", email.strip()).casefold()


def clean_name(field: str, value: str | None) -> str | None:
    if value is None:
        return None
    name = " ".join(value.split())
    if len(name) > NAME_MAX:
        raise InvalidField(field, f"Must be at most {NAME_MAX} characters long.")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise InvalidField(field, "Must not contain control characters.")
    return name or None
