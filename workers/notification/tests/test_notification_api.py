"""The notification subgraph over HTTP: each user reads and marks only their own notifications."""

from __future__ import annotations

from bookshare_common.credential import CREDENTIAL_HEADER, CredentialIssuer, Principal, generate_private_key_pem
from bookshare_common.testing import ServiceClient

from .conftest import deliver, loan_event, user_event

LENA = Principal(user_id="u-lena", username="lena")
BO = Principal(user_id="u-bo", username="bo")

LIST = """
query List($first: Int!, $after: String, $unreadOnly: Boolean!) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    edges { cursor node { id kind message isbn loanId orderId read readAt createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
COUNT = "{ unreadNotificationCount }"
MARK = "mutation Mark($id: ID!) { markNotificationRead(id: $id) { id read readAt } }"
MARK_ALL = "mutation { markAllNotificationsRead }"


async def listing(client: ServiceClient, principal: Principal, first: int = 20, after: str | None = None,
                  unread_only: bool = False) -> dict:
    result = await client.query(LIST, {"first": first, "after": after, "unreadOnly": unread_only},
                                principal=principal)
    assert "errors" not in result, result
    return result["data"]["notifications"]


async def seed(client: ServiceClient) -> None:
    """Lena: a welcome, then three loan requests from Bo (newest last). Bo: a welcome."""
    await deliver(client, user_event("auth_user_add", "u-lena", 1, "lena"))
    await deliver(client, user_event("auth_user_add", "u-bo", 1, "bo"))
    for n in range(3):
        await deliver(client, loan_event("store_loan_request", loan_id=f"loan-{n}"))


async def test_a_user_reads_their_notifications_newest_first_page_by_page(notification: ServiceClient) -> None:
    await seed(notification)
    first = await listing(notification, LENA, first=2)
    assert [e["node"]["loanId"] for e in first["edges"]] == ["loan-2", "loan-1"]
    assert first["edges"][0]["node"]["kind"] == "LOAN_REQUESTED"
    assert first["edges"][0]["node"]["message"] == "bo asks to borrow your copy of 9780441172719 until 2026-12-24."
    assert first["edges"][0]["node"]["read"] is False and first["edges"][0]["node"]["readAt"] is None
    assert first["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": False,
                                 "startCursor": first["edges"][0]["cursor"], "endCursor": first["edges"][1]["cursor"]}
    rest = await listing(notification, LENA, first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["kind"] for e in rest["edges"]] == ["LOAN_REQUESTED", "WELCOME"]
    assert rest["pageInfo"]["hasNextPage"] is False and rest["pageInfo"]["hasPreviousPage"] is True
    # Bo sees only his own.
    assert [e["node"]["kind"] for e in (await listing(notification, BO))["edges"]] == ["WELCOME"]


async def test_marking_read_changes_the_count_and_the_unread_filter(notification: ServiceClient) -> None:
    await seed(notification)
    assert (await notification.query(COUNT, principal=LENA))["data"] == {"unreadNotificationCount": 4}
    newest = (await listing(notification, LENA, first=1))["edges"][0]["node"]

    marked = (await notification.query(MARK, {"id": newest["id"]}, principal=LENA))["data"]["markNotificationRead"]
    assert marked["read"] is True and marked["readAt"] is not None
    again = (await notification.query(MARK, {"id": newest["id"]}, principal=LENA))["data"]["markNotificationRead"]
    assert again["readAt"] == marked["readAt"]  # first read time is kept
    assert (await notification.query(COUNT, principal=LENA))["data"] == {"unreadNotificationCount": 3}
    unread = await listing(notification, LENA, unread_only=True)
    assert newest["id"] not in [e["node"]["id"] for e in unread["edges"]] and len(unread["edges"]) == 3

    result = await notification.query(MARK_ALL, principal=LENA)
    assert result["data"] == {"markAllNotificationsRead": 3}
    assert (await notification.query(COUNT, principal=LENA))["data"] == {"unreadNotificationCount": 0}
    assert (await listing(notification, LENA, unread_only=True))["edges"] == []
    assert (await notification.query(COUNT, principal=BO))["data"] == {"unreadNotificationCount": 1}


async def test_nobody_reads_or_marks_someone_elses_notifications(notification: ServiceClient) -> None:
    await seed(notification)
    lenas = (await listing(notification, LENA, first=1))["edges"][0]["node"]["id"]
    refused = await notification.query(MARK, {"id": lenas}, principal=BO)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    missing = await notification.query(MARK, {"id": "no-such-id"}, principal=BO)
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await notification.query(MARK_ALL, principal=BO))["data"] == {"markAllNotificationsRead": 1}
    assert (await notification.query(COUNT, principal=LENA))["data"] == {"unreadNotificationCount": 4}


async def test_anonymous_callers_are_refused(notification: ServiceClient) -> None:
    await seed(notification)
    nobody = Principal()
    lenas = (await listing(notification, LENA, first=1))["edges"][0]["node"]["id"]
    for query, variables in [(LIST, {"first": 5, "unreadOnly": False}), (COUNT, {}), (MARK, {"id": lenas}),
                             (MARK_ALL, {})]:
        result = await notification.query(query, variables, principal=nobody)
        assert result["data"] is None
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await notification.query(COUNT, principal=LENA))["data"] == {"unreadNotificationCount": 4}


async def test_bad_page_requests_name_the_argument(notification: ServiceClient) -> None:
    for variables, field in [({"first": 0}, "first"), ({"first": 500}, "first"),
                             ({"first": 5, "after": "bm90aWZpY2F0aW9uOng"}, "after")]:
        result = await notification.query(LIST, {"unreadOnly": False, **variables}, principal=LENA)
        assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_requests_without_a_valid_gateway_credential_get_401(notification: ServiceClient) -> None:
    await seed(notification)
    body = {"query": COUNT}
    assert (await notification.http.post("/graphql", json=body)).status_code == 401
    forged = CredentialIssuer(generate_private_key_pem()).issue(LENA)
    response = await notification.http.post("/graphql", json=body, headers={CREDENTIAL_HEADER: forged})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    sdl = await notification.http.post("/graphql", json={"query": "{ _service { sdl } }"})
    assert sdl.status_code == 401


async def test_the_sdl_is_served_for_composition(notification: ServiceClient) -> None:
    sdl = (await notification.query("{ _service { sdl } }"))["data"]["_service"]["sdl"]
    assert "notifications(" in sdl and "type PageInfo @shareable" in sdl
    assert "Recipient" not in sdl
