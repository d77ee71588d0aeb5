"""Apportioning a payment over a bill's heads, in paise, losing nothing.

The rules (eGov's, as DESIGN.md states them): debit heads (rebates) apply in
full with the first payment; the paid amount plus those rebates fills the
credit heads in ascending ``order`` (then document order), each head up to
what it still owes; a part-paid bill continues where its last payment stopped.
What is left after every head is full is an excess, which the caller either
refuses or credits to the service's advance head.

Pure functions over plain values, so the properties can be checked by
hypothesis without a database.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Head(NamedTuple):
    """One bill head as apportioning sees it."""

    key: int           #: the bill account's id (or any stable key)
    order: int         #: apportioning order from the Bill XML
    line_no: int       #: document order, breaks ties of ``order``
    cr_paise: int = 0  #: due on this head (income)
    dr_paise: int = 0  #: allowed on this head (rebate)
    paid_paise: int = 0  #: collected (credit head) or already applied (debit head) by live receipts

    @property
    def owing(self) -> int:
        """What this head still takes: unpaid due, or an unapplied rebate."""
        return (self.cr_paise if self.cr_paise else self.dr_paise) - self.paid_paise


class Share(NamedTuple):
    key: int
    cr_paise: int = 0  #: credited to the head by this payment
    dr_paise: int = 0  #: rebate applied by this payment


class Apportionment(NamedTuple):
    shares: list[Share]  #: only heads that got something, in filling order (rebates first)
    excess: int          #: paid beyond what the bill still owes

    @property
    def credited(self) -> int:
        return sum(s.cr_paise for s in self.shares)

    @property
    def rebated(self) -> int:
        return sum(s.dr_paise for s in self.shares)


def outstanding(heads: Sequence[Head]) -> int:
    """What the bill still asks for: unpaid dues less unapplied rebates (never below zero)."""
    due = sum(h.owing for h in heads if h.cr_paise)
    rebate = sum(h.owing for h in heads if not h.cr_paise)
    return max(due - rebate, 0)


def apportion(heads: Sequence[Head], amount: int) -> Apportionment:
    """Spread ``amount`` paise over ``heads``; Σ credits − Σ rebates + excess = amount."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    shares: list[Share] = []
    rebates = [h for h in heads if not h.cr_paise and h.owing > 0]
    for head in sorted(rebates, key=_filling_order):
        shares.append(Share(head.key, dr_paise=head.owing))
    left = amount + sum(s.dr_paise for s in shares)
    for head in sorted((h for h in heads if h.cr_paise), key=_filling_order):
        if left == 0:
            break
        take = min(head.owing, left)
        if take > 0:
            shares.append(Share(head.key, cr_paise=take))
            left -= take
    return Apportionment(shares, left)


def _filling_order(head: Head) -> tuple[int, int]:
    return head.order, head.line_no
