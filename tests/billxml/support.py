"""Test data for the Bill XML tests: the real samples (read from shared/, never copied into the
repository), a small valid document of our own, and masters that know a model's codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from billxml import BillCollect, DictMasters

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SAMPLES = SHARED / "research" / "contracts" / "egov-smartcity-suite"

# One element per line, so that a test can name the line of any value.
BASE_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<bill-collect>
  <serviceCode>PT</serviceCode>
  <fundCode>01</fundCode>
  <functionaryCode>999</functionaryCode>
  <fundSourceCode>01</fundSourceCode>
  <departmentCode>REV</departmentCode>
  <displayMessage>Property tax</displayMessage>
  <paidBy>Mrs. ABC</paidBy>
  <partPaymentAllowed>1</partPaymentAllowed>
  <overrideAccountHeadsAllowed>0</overrideAccountHeadsAllowed>
  <collectionModeNotAllowed>card</collectionModeNotAllowed>
  <collectionModeNotAllowed>cheque</collectionModeNotAllowed>
  <callbackForApportioning>0</callbackForApportioning>
  <collectionType>C</collectionType>
  <payees>
    <payee>
      <payeeName>Mrs. ABC</payeeName>
      <payeeAddress>221/16 LMN Street, Bangalore</payeeAddress>
      <payeeEmail>abc@example.com</payeeEmail>
      <bills>
        <bill refNo="R-1" billDate="21/09/2009" consumerCode="123456">
          <consumerType>01</consumerType>
          <boundaryNum>3</boundaryNum>
          <boundaryType>Ward</boundaryType>
          <description>Property tax 2009-10</description>
          <totalAmount>390.50</totalAmount>
          <minimumAmount>100.0</minimumAmount>
          <accounts>
            <account glCode="1100101" order="1" description="Arrear tax" isActualDemand="1" purpose="ARREAR_AMOUNT">
              <crAmount>100.0</crAmount>
              <drAmount>0.0</drAmount>
              <functionCode>91</functionCode>
            </account>
            <account glCode="1100102" order="2" description="Current tax" isActualDemand="1" purpose="CURRENT_AMOUNT" groupId="1">
              <crAmount>300.50</crAmount>
              <drAmount>0</drAmount>
              <functionCode>91</functionCode>
            </account>
            <account glCode="2300101" order="3" description="Rebate" isActualDemand="0" purpose="REBATE">
              <crAmount>0</crAmount>
              <drAmount>10</drAmount>
              <functionCode>92</functionCode>
            </account>
          </accounts>
        </bill>
        <bill refNo="R-2" billDate="01/04/2010" consumerCode="123456">
          <totalAmount>50</totalAmount>
          <accounts>
            <account glCode="1100102" order="1">
              <crAmount>50</crAmount>
              <drAmount>0</drAmount>
              <functionCode>91</functionCode>
            </account>
          </accounts>
        </bill>
      </bills>
    </payee>
    <payee>
      <payeeName>Mr. XYZ</payeeName>
      <bills>
        <bill refNo="R-3" billDate="29/02/2012" consumerCode="654321">
          <totalAmount>0.05</totalAmount>
          <accounts>
            <account glCode="1100101" order="1">
              <crAmount>.05</crAmount>
              <drAmount>0.00</drAmount>
              <functionCode>91</functionCode>
            </account>
          </accounts>
        </bill>
      </bills>
    </payee>
  </payees>
</bill-collect>
"""

PAYEE1_BILL1 = "/bill-collect/payees/payee[1]/bills/bill[1]"


def masters_for(model: BillCollect) -> DictMasters:
    """Masters that know every code a model uses (all active and postable)."""
    accounts = [account for bill in model.bills() for account in bill.accounts]
    return DictMasters.of(
        services=[model.service_code],
        funds=[model.fund_code],
        departments=[model.department_code],
        functionaries=[model.functionary_code] if model.functionary_code else [],
        fund_sources=[model.fund_source_code] if model.fund_source_code else [],
        gl_accounts={account.gl_code for account in accounts},
        functions={account.function_code for account in accounts},
    )


def line_of(text: str | bytes, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th occurrence of needle in a document."""
    data = text.decode("latin-1") if isinstance(text, bytes) else text
    position = -1
    for _ in range(occurrence):
        position = data.index(needle, position + 1)
    return data.count("\n", 0, position) + 1


def sample_path(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"shared sample {name} not found beside the repository")
    return path


def seed_xml() -> bytes:
    """The Bill XML quoted in shared/seeds/004_*.txt (the seed describing the format)."""
    seeds = sorted((SHARED / "seeds").glob("004_*.txt"))
    if not seeds:
        pytest.skip("shared/seeds/004_*.txt not found beside the repository")
    text = seeds[0].read_text(encoding="utf-8")
    start = text.index("<bill-collect>")
    end = text.index("</bill-collect>") + len("</bill-collect>")
    return text[start:end].encode()
