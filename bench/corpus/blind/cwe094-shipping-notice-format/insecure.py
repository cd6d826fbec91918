"""Merchant-customisable shipping notices of the shop platform."""

import os
from dataclasses import dataclass

CARRIER_API_TOKEN = os.environ.get("CARRIER_API_TOKEN", "")


@dataclass
class Order:
    number: str
    customer_name: str
    total_cents: int
    tracking_code: str

    @property
    def total(self):
        return f"{self.total_cents / 100:.2f}"


class ShippingNoticeFormatter:
    """Fills a merchant's notice text, e.g. ``Hi {order.customer_name}, ...``."""

    def __init__(self, notice_template):
        self.notice_template = notice_template

    def render(self, order):
        """Return the shipping notice for ``order``.

        ``notice_template`` was written by the merchant (a tenant of the
        platform) in the store settings page; ``order`` comes from the order
        database. The returned text is sent as the SMS / e-mail body to the
        merchant's customer.
        """
        return self.notice_template.format(order=order)
