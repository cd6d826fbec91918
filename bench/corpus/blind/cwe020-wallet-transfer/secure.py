"""Peer-to-peer transfers between customer wallets."""
import threading
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_TRANSFER = Decimal("10000.00")


class InsufficientFunds(Exception):
    pass


class Wallets:
    """In-memory wallet balances, in euros."""

    def __init__(self, balances):
        self.balances = {k: Decimal(str(v)) for k, v in balances.items()}
        self._lock = threading.Lock()

    @staticmethod
    def _parse_amount(amount):
        try:
            value = Decimal(str(amount).strip())
        except InvalidOperation:
            raise ValueError("amount is not a number") from None
        if not value.is_finite() or value != value.quantize(CENT):
            raise ValueError("amount must have at most two decimals")
        if not CENT <= value <= MAX_TRANSFER:
            raise ValueError("amount out of range")
        return value

    def transfer(self, from_wallet, to_wallet, amount):
        """Move amount from from_wallet to to_wallet and return the new balance.

        from_wallet is the signed-in customer's own wallet (set by the
        session layer); to_wallet and amount are typed into the transfer form.
        The amount must be a finite decimal with at most two places between
        0.01 and 10000. The new balances are what the customer can withdraw.
        """
        if to_wallet not in self.balances or to_wallet == from_wallet:
            raise KeyError("unknown recipient")
        value = self._parse_amount(amount)
        with self._lock:
            if value > self.balances[from_wallet]:
                raise InsufficientFunds(from_wallet)
            self.balances[from_wallet] -= value
            self.balances[to_wallet] += value
            return self.balances[from_wallet]
