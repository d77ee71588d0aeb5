"""Bank statements as banks send them, built for tests: SBI's export and camt.053."""
from __future__ import annotations

import datetime as dt

SBI_ACCOUNT = "00000030001234567"  # SBI-MAIN (30001234567) as SBI prints it


def rupees(paise: int) -> str:
    """Indian digit grouping, as SBI prints amounts: 2511400.00 → 25,11,400.00."""
    whole, frac = divmod(paise, 100)
    text = str(whole)
    if len(text) > 3:
        head, tail = text[:-3], text[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        text = ",".join(([head] if head else []) + groups + [tail])
    return f"{text}.{frac:02d}"


def sbi_statement(rows: list[tuple[dt.date, str, str, int, int]], *, opening: int = 0,
                  account: str = SBI_ACCOUNT, start: dt.date = dt.date(2026, 11, 1)) -> bytes:
    """OnlineSBI's tab-separated download: rows of (date, description, ref, debit, credit)."""
    lines = ["Account Name\t:\tMUNICIPAL CORPORATION AMRITSAR", "Address\t:\tRANJIT AVENUE AMRITSAR",
             f"Account Number\t:\t{account}", "Account Description\t:\tCURRENT ACCOUNT",
             "Branch\t:\tTOWN HALL, AMRITSAR", "IFS Code\t:\tSBIN0000609",
             f"Balance as on {start.day} {start:%b %Y}\t:\t{rupees(opening)}", "",
             "Account Statement from 1 Nov 2026 to 30 Nov 2026", "",
             "Txn Date\tValue Date\tDescription\tRef No./Cheque No.\t        Debit\tCredit\tBalance"]
    balance = opening
    for day, description, ref, debit, credit in rows:
        balance += credit - debit
        when = f"{day.day} {day:%b %Y}"
        lines.append(f"{when}\t{when}\t{description}\t{ref}\t{rupees(debit) if debit else ' '}\t"
                     f"{rupees(credit) if credit else ' '}\t{rupees(balance)}")
    lines.append("**This is a computer generated statement and does not require a signature.")
    return ("\n".join(lines) + "\n").encode()


def camt053(entries: list[tuple[dt.date, str, int, str]], *, account: str = "30001234567", currency: str = "INR",
            opening: int = 0) -> bytes:
    """A camt.053.001.08 statement: entries of (date, CRDT/DBIT, paise, reference text)."""
    closing = opening + sum(p if d == "CRDT" else -p for _, d, p, _ in entries)

    def amount(paise: int) -> str:
        return f"{abs(paise) // 100}.{abs(paise) % 100:02d}"

    def balance(code: str, paise: int, day: str) -> str:
        return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"{currency}\">{amount(paise)}</Amt>"
                f"<CdtDbtInd>{'CRDT' if paise >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>")

    body = "".join(
        f"<Ntry><Amt Ccy=\"{currency}\">{amount(p)}</Amt><CdtDbtInd>{d}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        f"<BookgDt><Dt>{day.isoformat()}</Dt></BookgDt><ValDt><Dt>{day.isoformat()}</Dt></ValDt>"
        f"<AcctSvcrRef>SBI{n:06d}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>{ref}</EndToEndId></Refs>"
        f"<RmtInf><Ustrd>{ref}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for n, (day, d, p, ref) in enumerate(entries, start=1))
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>"
            "<GrpHdr><MsgId>SBI-STMT-1</MsgId><CreDtTm>2026-11-30T18:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>STMT-2026-11</Id><Acct><Id><Othr><Id>{account}</Id></Othr></Id></Acct>"
            + balance("OPBD", opening, "2026-11-01") + balance("CLBD", closing, "2026-11-30") + body
            + "</Stmt></BkToCstmrStmt></Document>").encode()
