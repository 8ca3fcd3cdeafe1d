"""Turns the client's request headers into the headers the gateway sends to subgraphs."""

from __future__ import annotations

from collections.abc import Mapping

from bookshare_common.credential import ANONYMOUS, CREDENTIAL_HEADER, CredentialIssuer, Principal

from .access_tokens import AccessTokenVerifier, InvalidAccessToken

FORWARDED_HEADERS = ("x-request-id",)  # an allow-list: client headers are never forwarded blindly



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

    def subgraph_headers(self, principal: Principal, headers: Mapping[str, str],
                         client_address: str | None = None) -> dict[str, str]:
        out = {CREDENTIAL_HEADER: self.issuer.issue(principal)}
        for name in FORWARDED_HEADERS:
            if name in headers:
                out[name] = headers[name]
        if client_address:
            out["x-forwarded-for"] = client_address
        return out
