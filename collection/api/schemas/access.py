"""Who am I, sign-out, the audit trail, and the OAuth token endpoint's documents."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from collection.api.schemas.common import ApiModel, ErrorItem, PageQuery, TenantCode, Timestamp


class MeOut(ApiModel):
    username: str
    name: str
    tenant_id: str
    user_type: str
    roles: list[str]
    tenants: list[str] = Field(description="Every tenant this user may act on.")
    client_id: str
    scope: str
    expires_at: Timestamp


class LogoutOut(ApiModel):
    revoked: bool


class AuditQuery(PageQuery):
    tenant_id: TenantCode = Field(description="Entries of this tenant and the tenants it covers.")
    action: Annotated[str, Field(min_length=1, max_length=64,
                                 examples=["period.close"])] | None = None
    actor: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    entity_type: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    entity_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    request_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    since: dt.datetime | None = Field(None, alias="from", description="From this time (inclusive).")
    until: dt.datetime | None = Field(None, alias="to", description="Before this time.")


class AuditEntryOut(ApiModel):
    id: int
    occurred_at: Timestamp
    tenant_id: str | None
    actor: str
    ip: str | None
    request_id: str | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class HealthOut(ApiModel):
    status: Literal["live", "ready"]
    revision: str | None = None


class _OAuthModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenRequest(_OAuthModel):
    """``application/x-www-form-urlencoded``, with the client's HTTP Basic credentials."""

    grant_type: Literal["password", "refresh_token"]
    username: str | None = Field(None, description="password grant")
    password: str | None = Field(None, description="password grant")
    tenantId: str | None = Field(None, description="password grant: the user's tenant")
    userType: Literal["EMPLOYEE", "CITIZEN", "SYSTEM", "Employee", "Citizen", "System"] | None = None
    refresh_token: str | None = Field(None, description="refresh_token grant")
    scope: str | None = Field(None, examples=["read"])


class UserRequestRole(_OAuthModel):
    code: str
    name: str
    tenantId: str


class UserRequest(_OAuthModel):
    """The signed-in user, as DIGIT's token response carries it."""

    id: int
    userName: str
    name: str
    type: str
    active: bool
    tenantId: str
    roles: list[UserRequestRole]


class TokenResponse(_OAuthModel):
    access_token: str
    token_type: Literal["bearer"]
    refresh_token: str | None = None
    expires_in: int
    scope: str
    UserRequest: UserRequest


class RevokeRequest(_OAuthModel):
    token: str
    token_type_hint: Literal["access_token", "refresh_token"] | None = None


class OAuthError(_OAuthModel):
    """RFC 6749 §5.2 error, with rasid's ``errors`` list beside it."""

    error: str
    error_description: str | None = None
    errors: list[ErrorItem] | None = None
