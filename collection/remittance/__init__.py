"""Remittance of counter collections to the bank, its reversal, and dishonoured cheques.

``remit`` moves approved cash and cheque/DD receipts to a bank account with one contra
voucher; ``reverse_remittance`` undoes one the bank has not confirmed; ``dishonour`` books a
bounced cheque or DD and gives its bills their outstanding back.
"""
