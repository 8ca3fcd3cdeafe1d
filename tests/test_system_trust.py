"""Every real subgraph refuses requests that lack a valid gateway credential, `_service` included."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from bookshare.services import SUBGRAPHS, spec
from bookshare_common.credential import AUDIENCE, CREDENTIAL_HEADER, ISSUER, generate_private_key_pem
from bookshare_common.testing import GatewayKeys, service_client

SERVICE_QUERY = "{ _service { sdl } }"


def _signed(private_pem: str, **claims: object) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 60, "roles": [], "scope": "", **claims}
    return jwt.encode(payload, serialization.load_pem_private_key(private_pem.encode(), None), algorithm="EdDSA")


@pytest.mark.parametrize("name", list(SUBGRAPHS))
async def test_a_subgraph_answers_only_the_gateway(name: str, tmp_path: Path) -> None:
    keys = GatewayKeys()
    async with service_client(spec(name), database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
                              data_dir=tmp_path, keys=keys) as client:
        refusals = {
            "missing": {},
            "forged": {CREDENTIAL_HEADER: _signed(generate_private_key_pem())},
            "expired": {CREDENTIAL_HEADER: _signed(keys.private_pem, exp=int(time.time()) - 600)},
        }
        for why, headers in refusals.items():
            for query in (SERVICE_QUERY, '{ _entities(representations: [{__typename: "User", id: "1"}]) '
                                         "{ __typename } }"):
                response = await client.http.post("/graphql", json={"query": query}, headers=headers)
                assert response.status_code == 401, (why, response.text)
                assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

        answer = await client.query(SERVICE_QUERY)
        assert "type Query" in answer["data"]["_service"]["sdl"]
        assert (await client.http.get("/health")).status_code == 200
        ready = await client.http.get("/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"]["database"] is True
