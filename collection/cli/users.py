"""``rasid users`` and ``rasid clients``: accounts and OAuth client credentials."""
from __future__ import annotations

import sys

import click

from collection.audit import Actor
from collection.auth import clients as client_service
from collection.auth import users as user_service
from collection.auth.roles import ROLES, USER_TYPES
from collection.cli.output import table


def _split(values: tuple[str, ...]) -> list[str]:
    """``--roles CASHIER,APPROVER --roles AUDITOR`` → three roles."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def users() -> None:
    """Users who sign in: add, change password, roles, networks, disable, list."""


@users.command("add")
@click.option("--tenant", required=True, help="The user's tenant (a ULB, or a state tenant that covers its ULBs).")
@click.option("--username", required=True)
@click.option("--name", required=True, help="Full name, or the system's name.")
@click.option("--roles", "roles", multiple=True, required=True,
              help=f"Comma-separated, any of: {', '.join(ROLES)}.")
@click.option("--type", "user_type", type=click.Choice(USER_TYPES, case_sensitive=False),
              default="EMPLOYEE", show_default=True)
@click.option("--allow-ip", "networks", multiple=True,
              help="Only from these addresses or CIDR ranges (repeat or comma-separate).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
def add(ctx, tenant, username, name, roles, user_type, networks, password_stdin) -> None:
    """Create a user (asks for the password twice unless --password-stdin)."""
    password = _password(password_stdin)
    with ctx.session() as session:
        user = user_service.create_user(session, Actor.cli(), tenant, username, name, password,
                                        _split(roles), user_type=user_type,
                                        allowed_networks=_split(networks))
        click.echo(f"user {user.username} of {user.tenant_id} created with roles "
                   f"{', '.join(sorted(user.role_set))}")


@users.command("passwd")
@click.option("--tenant", required=True)
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True)
@click.pass_obj
def passwd(ctx, tenant, username, password_stdin) -> None:
    """Set a new password; the user's tokens are revoked."""
    password = _password(password_stdin)
    with ctx.session() as session:
        user_service.set_password(session, Actor.cli(), tenant, username, password)
    click.echo(f"password of {username} ({tenant}) changed; its tokens are revoked")


@users.command("roles")
@click.option("--tenant", required=True)
@click.option("--username", required=True)
@click.option("--set", "roles", multiple=True, required=True, help="The complete new role list.")
@click.pass_obj
def roles_cmd(ctx, tenant, username, roles) -> None:
    """Replace a user's roles."""
    with ctx.session() as session:
        user = user_service.set_roles(session, Actor.cli(), tenant, username, _split(roles))
        click.echo(f"{username} ({tenant}) now has {', '.join(sorted(user.role_set)) or 'no roles'}")


@users.command("allow-ip")
@click.option("--tenant", required=True)
@click.option("--username", required=True)
@click.argument("networks", nargs=-1)
@click.pass_obj
def allow_ip(ctx, tenant, username, networks) -> None:
    """Restrict a user to these addresses or CIDR ranges; none lifts the restriction."""
    with ctx.session() as session:
        user = user_service.set_allowed_networks(session, Actor.cli(), tenant, username,
                                                 _split(networks))
        click.echo(f"{username} ({tenant}) may call from {user.allowed_networks or 'anywhere'}")


@users.command("disable")
@click.option("--tenant", required=True)
@click.option("--username", required=True)
@click.pass_obj
def disable(ctx, tenant, username) -> None:
    """Refuse the user from now on and revoke its tokens."""
    with ctx.session() as session:
        user_service.set_active(session, Actor.cli(), tenant, username, False)
    click.echo(f"{username} ({tenant}) disabled")


@users.command("enable")
@click.option("--tenant", required=True)
@click.option("--username", required=True)
@click.pass_obj
def enable(ctx, tenant, username) -> None:
    """Let a disabled user sign in again."""
    with ctx.session() as session:
        user_service.set_active(session, Actor.cli(), tenant, username, True)
    click.echo(f"{username} ({tenant}) enabled")


@users.command("list")
@click.option("--tenant", default=None)
@click.pass_obj
def list_cmd(ctx, tenant) -> None:
    with ctx.session() as session:
        rows = [[u.tenant_id, u.username, u.name, u.user_type, " ".join(sorted(u.role_set)),
                 u.allowed_networks or "", "yes" if u.active else "no"]
                for u in user_service.list_users(session, tenant)]
    click.echo(table(["Tenant", "Username", "Name", "Type", "Roles", "Networks", "Active"], rows))


@click.group()
def clients() -> None:
    """OAuth clients (the HTTP Basic credentials sent to /user/oauth/token)."""


@clients.command("add")
@click.argument("name")
@click.option("--client-id", default=None, help="Default: a random rasid-… id.")
@click.pass_obj
def clients_add(ctx, name, client_id) -> None:
    """Create a client; its secret is printed once and cannot be shown again."""
    with ctx.session() as session:
        new = client_service.create_client(session, Actor.cli(), name, client_id=client_id)
    click.echo(f"client_id: {new.client_id}\nclient_secret: {new.secret}\n"
               "(store the secret now: only its hash is kept)")


@clients.command("list")
@click.pass_obj
def clients_list(ctx) -> None:
    with ctx.session() as session:
        rows = [[c.client_id, c.name, c.scope, "yes" if c.active else "revoked"]
                for c in client_service.list_clients(session)]
    click.echo(table(["Client id", "Name", "Scope", "Active"], rows))


@clients.command("revoke")
@click.argument("client_id")
@click.pass_obj
def clients_revoke(ctx, client_id) -> None:
    """Refuse a client from now on and revoke every token it was given."""
    with ctx.session() as session:
        count = client_service.revoke_client(session, Actor.cli(), client_id)
    click.echo(f"client {client_id} revoked with {count} token(s)")
