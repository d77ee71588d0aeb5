"""The roles a user can hold; every HTTP endpoint names the ones it admits."""
from __future__ import annotations

CASHIER = "CASHIER"                #: collect and print receipts
APPROVER = "APPROVER"              #: submit, approve, reject and cancel receipts
ACCOUNTANT = "ACCOUNTANT"          #: remit, dishonour, reconcile, vouchers, periods, reports
REVENUE_SYSTEM = "REVENUE_SYSTEM"  #: submit Bill XML and read its own bills
INTEGRATOR = "INTEGRATOR"          #: fetch bills, create online payments, read its own payments
AUDITOR = "AUDITOR"                #: read-only, including the audit trail
ADMIN = "ADMIN"                    #: masters and users

ROLES: tuple[str, ...] = (CASHIER, APPROVER, ACCOUNTANT, REVENUE_SYSTEM, INTEGRATOR, AUDITOR, ADMIN)
ALL_ROLES: frozenset[str] = frozenset(ROLES)
USER_TYPES: tuple[str, ...] = ("EMPLOYEE", "CITIZEN", "SYSTEM")
