"""Users, roles, tenants they may see, OAuth clients, tokens and login rate limits.

Plain service functions over a SQLAlchemy ``Session``; the HTTP layer
(``collection/api``) and the CLI (``rasid users``, ``rasid clients``) call them.
"""
