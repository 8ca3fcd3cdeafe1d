"""Who is asking: the gateway checks users' access tokens (against the auth service's JWKS) and
re-states the user to the subgraphs inside its own short-lived credential."""

from .access_tokens import AccessTokenVerifier, InvalidAccessToken
from .credentials import BookshareIdentity

__all__ = ["AccessTokenVerifier", "BookshareIdentity", "InvalidAccessToken"]
