"""The auth subgraph's GraphQL schema: accounts, sessions, and the federated User entity."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.federation.schema_directives import Authenticated
from strawberry.types import Info

from bookshare_auth.adapters.repository import UserRecord
from bookshare_auth.application import accounts, recovery, sessions
from bookshare_auth.application.core import Auth, auth_for
from bookshare_common.credential import ANONYMOUS, Principal


def _auth(info: Info) -> Auth:
    return auth_for(info.context["db"])


def _principal(info: Info) -> Principal:
    return info.context.get("principal") or ANONYMOUS


def _client_address(info: Info) -> str | None:
    """The client's address as the gateway forwards it in x-forwarded-for (only the gateway can reach this
    service). The last entry is the one the nearest proxy added; earlier ones are whatever the client sent."""
    request = info.context.get("request")
    if request is None:
        return None
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[-1].strip() or None
    return request.client.host if request.client else None


def _user_loader(info: Info) -> DataLoader[str, UserRecord | None]:
    """One query for all the users a request resolves (e.g. every Copy.owner of a list)."""
    loader = info.context.get("auth_user_loader")
    if loader is None:
        auth = _auth(info)

        async def load(ids: list[str]) -> list[UserRecord | None]:
            found = await accounts.get_users(auth, ids)
            return [found.get(i) for i in ids]

        loader = info.context["auth_user_loader"] = DataLoader(load_fn=load)
    return loader


@strawberry.federation.type(keys=["id"], description="A Bookshare account. Email, roles and verification "
                            "state are visible to the account's owner and to admins only.")
class User:
    id: strawberry.ID
    username: str
    first_name: str | None
    last_name: str | None
    created_at: datetime
    record: strawberry.Private[UserRecord]
    # Set when the account was just proven to be the caller's (signUp, logIn): no principal yet then.
    owner_view: strawberry.Private[bool] = False

    @classmethod
    def from_record(cls, record: UserRecord, *, owner_view: bool = False) -> User:
        return cls(id=strawberry.ID(record.id), username=record.username, first_name=record.first_name,
                   last_name=record.last_name, created_at=record.created_at, record=record, owner_view=owner_view)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> User | None:  # noqa: A002 - federation's name
        record = await _user_loader(info).load(str(id))
        return cls.from_record(record) if record else None

    def _private_visible(self, info: Info) -> bool:
        principal = _principal(info)
        return self.owner_view or principal.user_id == self.record.id or principal.has_role("admin")

    @strawberry.field(description="Visible to the account's owner and to admins; null for anyone else.")
    def email(self, info: Info) -> str | None:
        return self.record.email if self._private_visible(info) else None

    @strawberry.field(description="Visible to the account's owner and to admins; null for anyone else.")
    def email_verified(self, info: Info) -> bool | None:
        return self.record.email_verified_at is not None if self._private_visible(info) else None

    @strawberry.field(description="Visible to the account's owner and to admins; null for anyone else.")
    def roles(self, info: Info) -> list[str] | None:
        return list(self.record.roles) if self._private_visible(info) else None


@strawberry.type
class AuthPayload:
    access_token: str
    refresh_token: str
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    token_type: str
    user: User

    @classmethod
    def from_tokens(cls, tokens: sessions.Tokens) -> AuthPayload:
        return cls(access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                   expires_in=tokens.expires_in, token_type="Bearer",  # noqa: S106 - a scheme name
                   user=User.from_record(tokens.user, owner_view=True))


@strawberry.input
class SignUpInput:
    username: str
    email: str
    password: str
    first_name: str | None = None
    last_name: str | None = None


@strawberry.input
class LogInInput:
    login: str = strawberry.field(description="The username or the email address.")
    password: str


@strawberry.input
class UpdateProfileInput:
    username: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    current_password: str | None = strawberry.field(
        default=strawberry.UNSET, description="Needed when the email address changes.")


def _given(value: object) -> bool:
    return value is not strawberry.UNSET


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user; null with UNAUTHENTICATED otherwise.",
                      directives=[Authenticated()])
    async def me(self, info: Info) -> User | None:
        return User.from_record(await accounts.current_user(_auth(info), _principal(info).user_id))

    @strawberry.field
    async def user(self, info: Info, id: strawberry.ID) -> User | None:  # noqa: A002 - the public API's name
        record = await _user_loader(info).load(str(id))
        return User.from_record(record) if record else None

    @strawberry.field
    async def user_by_username(self, info: Info, username: str) -> User | None:
        record = await accounts.get_user_by_username(_auth(info), username)
        return User.from_record(record) if record else None


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def sign_up(self, info: Info, input: SignUpInput) -> AuthPayload:  # noqa: A002
        tokens = await accounts.sign_up(_auth(info), accounts.SignUp(
            username=input.username, email=input.email, password=input.password,
            first_name=input.first_name, last_name=input.last_name))
        return AuthPayload.from_tokens(tokens)

    @strawberry.mutation
    async def log_in(self, info: Info, input: LogInInput) -> AuthPayload:  # noqa: A002
        return AuthPayload.from_tokens(
            await sessions.log_in(_auth(info), input.login, input.password, _client_address(info)))

    @strawberry.mutation(description="Trade a refresh token for new tokens; the one given is spent. Using a "
                                     "spent token again logs out every session that descends from it.")
    async def refresh_token(self, info: Info, token: str) -> AuthPayload:
        return AuthPayload.from_tokens(await sessions.refresh(_auth(info), token))

    @strawberry.mutation(description="End the session this refresh token belongs to.")
    async def log_out(self, info: Info, refresh_token: str) -> bool:
        return await sessions.log_out(_auth(info), refresh_token)

    @strawberry.mutation(description="End every session of the signed-in user.", directives=[Authenticated()])
    async def log_out_everywhere(self, info: Info) -> bool:
        user = await accounts.current_user(_auth(info), _principal(info).user_id)
        return await sessions.log_out_everywhere(_auth(info), user.id)

    @strawberry.mutation(directives=[Authenticated()])
    async def update_profile(self, info: Info, input: UpdateProfileInput) -> User:  # noqa: A002
        names = frozenset(n for n, v in (("firstName", input.first_name), ("lastName", input.last_name)) if _given(v))
        change = accounts.ProfileChange(
            username=input.username if _given(input.username) else None,
            email=input.email if _given(input.email) else None,
            first_name=input.first_name if _given(input.first_name) else None,
            last_name=input.last_name if _given(input.last_name) else None,
            names_given=names,
            current_password=input.current_password if _given(input.current_password) else None,
        )
        return User.from_record(await accounts.update_profile(_auth(info), _principal(info).user_id, change))

    @strawberry.mutation(description="Set a new password. Every session is logged out; the tokens returned "
                                     "start a new one.", directives=[Authenticated()])
    async def change_password(self, info: Info, current_password: str, new_password: str) -> AuthPayload:
        return AuthPayload.from_tokens(await accounts.change_password(
            _auth(info), _principal(info).user_id, current_password, new_password))

    @strawberry.mutation(description="Delete the signed-in account for good.", directives=[Authenticated()])
    async def delete_account(self, info: Info, password: str) -> bool:
        return await accounts.delete_account(_auth(info), _principal(info).user_id, password)

    @strawberry.mutation(description="Send a new verification link to the signed-in user's email address.",
                         directives=[Authenticated()])
    async def request_email_verification(self, info: Info) -> bool:
        user = await accounts.current_user(_auth(info), _principal(info).user_id)
        return await recovery.request_email_verification(_auth(info), user)

    @strawberry.mutation
    async def verify_email(self, info: Info, token: str) -> bool:
        await recovery.verify_email(_auth(info), token)
        return True

    @strawberry.mutation(description="Send a password reset link. Answers true whether or not an account has "
                                     "this address.")
    async def request_password_reset(self, info: Info, email: str) -> bool:
        return await recovery.request_password_reset(_auth(info), email, _client_address(info))

    @strawberry.mutation(description="Choose a new password with a reset link's token; logs out every session.")
    async def reset_password(self, info: Info, token: str, new_password: str) -> bool:
        return await recovery.reset_password(_auth(info), token, new_password)

    @strawberry.mutation(description="Admins only: replace a user's roles.", directives=[Authenticated()])
    async def set_user_roles(self, info: Info, user_id: strawberry.ID, roles: list[str]) -> User:
        return User.from_record(
            await accounts.set_user_roles(_auth(info), _principal(info).user_id, str(user_id), roles))


schema = strawberry.federation.Schema(query=Query, mutation=Mutation)
