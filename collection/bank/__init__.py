"""Bank statements and reconciliation: import (CSV with a column mapping, camt.053), match
statement lines to remittances and dishonours, and the bank reconciliation statement."""
