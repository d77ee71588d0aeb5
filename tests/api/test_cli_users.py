"""``rasid users`` and ``rasid clients``: the CLI side of accounts and credentials."""
from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from collection.audit import AuditEntry
from collection.auth.models import OAuthClient, User
from collection.cli import main


def run(db_url, *args, input=None):
    result = CliRunner().invoke(main, ["--database-url", db_url, *args], input=input)
    return result


def test_users_lifecycle(db_url, factory):
    add = run(db_url, "users", "add", "--tenant", "pb.amritsar", "--username", "cashier1",
              "--name", "Counter One", "--roles", "CASHIER,APPROVER", "--allow-ip", "10.0.0.0/8",
              "--password-stdin", input="a-long-password\n")
    assert add.exit_code == 0, add.output
    assert "CASHIER, APPROVER" in add.output or "APPROVER, CASHIER" in add.output
    short = run(db_url, "users", "add", "--tenant", "pb.amritsar", "--username", "x2", "--name", "X",
                "--roles", "CASHIER", "--password-stdin", input="short\n")
    assert short.exit_code == 2 and "PASSWORD_TOO_SHORT" in short.output
    bad_role = run(db_url, "users", "roles", "--tenant", "pb.amritsar", "--username", "cashier1",
                   "--set", "KING")
    assert bad_role.exit_code == 2 and "ROLE_UNKNOWN" in bad_role.output
    assert run(db_url, "users", "roles", "--tenant", "pb.amritsar", "--username", "cashier1",
               "--set", "AUDITOR").exit_code == 0
    assert run(db_url, "users", "passwd", "--tenant", "pb.amritsar", "--username", "cashier1",
               "--password-stdin", input="another-password\n").exit_code == 0
    assert run(db_url, "users", "allow-ip", "--tenant", "pb.amritsar", "--username",
               "cashier1").exit_code == 0
    assert run(db_url, "users", "disable", "--tenant", "pb.amritsar", "--username",
               "cashier1").exit_code == 0
    listing = run(db_url, "users", "list", "--tenant", "pb.amritsar")
    assert "cashier1" in listing.output and "AUDITOR" in listing.output and " no" in listing.output
    with factory() as session:
        user = session.scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$") and "another" not in user.password_hash
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        actors = set(session.scalars(select(AuditEntry.actor)))
    assert actions == ["user.create", "user.roles", "user.password", "user.networks", "user.disable"]
    assert all(a.startswith("cli:") for a in actors)


def test_clients(db_url, factory):
    add = run(db_url, "clients", "add", "Bank of Example", "--client-id", "bank-example")
    assert add.exit_code == 0, add.output
    secret = add.output.split("client_secret: ")[1].split()[0]
    with factory() as session:
        client = session.scalars(select(OAuthClient)).one()
        assert secret not in client.secret_hash and client.secret_hash.startswith("$argon2id$")
    assert "bank-example" in run(db_url, "clients", "list").output
    revoke = run(db_url, "clients", "revoke", "bank-example")
    assert revoke.exit_code == 0 and "revoked with 0 token(s)" in revoke.output
    assert "revoked" in run(db_url, "clients", "list").output
    assert run(db_url, "clients", "revoke", "nobody").exit_code == 2
