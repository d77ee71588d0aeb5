"""Finance's reports: remittance register, pending remittances, dishonoured instruments, bank
reconciliation statement, collection summary and receipt register; each a ``Report`` value
rendered as JSON, CSV or PDF by ``render``."""
