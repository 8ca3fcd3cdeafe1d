"""Why the store itself closed a loan or order or withdrew a copy: shown on the loan or order and passed to
the notification worker, which puts it in a sentence ("… was declined: the copy was sold")."""

COPY_SOLD = "the copy was sold"
COPY_WITHDRAWN = "the copy was withdrawn"
NO_LONGER_FOR_LOAN = "the copy is no longer offered for loan"
NO_LONGER_FOR_SALE = "the copy is no longer for sale"
ACCOUNT_DELETED = "an account was deleted"
OWNER_ACCOUNT_DELETED = "the owner's account was deleted"
