"""Peer-to-peer transfers between customer wallets."""
import threading


class InsufficientFunds(Exception):
    pass


class Wallets:
    """In-memory wallet balances, in euros."""

    def __init__(self, balances):
        self.balances = dict(balances)
        self._lock = threading.Lock()

    def transfer(self, from_wallet, to_wallet, amount):
        """Move amount from from_wallet to to_wallet and return the new balance.

        from_wallet is the signed-in customer's own wallet (set by the
        session layer); to_wallet and amount are typed into the transfer form.
        The new balances are what the customer sees and can withdraw.
        """
        if to_wallet not in self.balances or to_wallet == from_wallet:
            raise KeyError("unknown recipient")
        value = float(amount)
        if value <= 0:
            raise ValueError("amount must be positive")
        with self._lock:
            if value > self.balances[from_wallet]:
                raise InsufficientFunds(from_wallet)
            self.balances[from_wallet] = round(self.balances[from_wallet] - value, 2)
            self.balances[to_wallet] = round(self.balances[to_wallet] + value, 2)
            return self.balances[from_wallet]
