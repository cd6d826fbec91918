"""Merchant-customisable shipping notices of the shop platform."""

import os
import string
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


class _FieldOnlyFormatter(string.Formatter):
    """Resolves only whole field names from a dict of plain strings."""

    def get_field(self, field_name, args, kwargs):
        if field_name not in kwargs:
            raise ValueError(f"unknown placeholder {{{field_name}}}")
        return kwargs[field_name], field_name

    def convert_field(self, value, conversion):
        if conversion is not None:
            raise ValueError("conversions are not allowed in notices")
        return value

    def format_field(self, value, format_spec):
        if format_spec:
            raise ValueError("format specifications are not allowed in notices")
        return str(value)


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
        fields = {"order.number": str(order.number), "order.total": order.total,
                  "order.customer_name": str(order.customer_name),
                  "order.tracking_code": str(order.tracking_code)}
        return _FieldOnlyFormatter().vformat(self.notice_template, (), fields)
