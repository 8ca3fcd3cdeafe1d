"""Who is asking, from the client's request headers; the gateway re-states it to subgraphs in its own
credential (the edge builds the subgraph headers: see supergraph.edge.app)."""

from __future__ import annotations

from collections.abc import Mapping

from bookshare_common.credential import ANONYMOUS, CredentialIssuer, Principal

from .access_tokens import AccessTokenVerifier, InvalidAccessToken


class BookshareIdentity:
    def __init__(self, issuer: CredentialIssuer, verifier: AccessTokenVerifier | None) -> None:
        self.issuer = issuer
        self.verifier = verifier

    async def principal(self, headers: Mapping[str, str]) -> Principal:
        """The user behind the request; InvalidAccessToken when a token is sent but is not valid."""
        authorization = headers.get("authorization", "")
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidAccessToken("the Authorization header must be 'Bearer <token>'")
        if self.verifier is None:
            raise InvalidAccessToken("this gateway does not accept access tokens")
        return await self.verifier.verify(token.strip())
