"""Builds card-charge requests for the payment processor."""
import logging
import re

logger = logging.getLogger("billing.charges")


class ChargeBuilder:
    """Prepares the JSON body sent to the card processor's /charges API."""

    def __init__(self, merchant_id):
        self.merchant_id = merchant_id

    def prepare_charge(self, card_number, expiry, cvc, amount_cents, order_ref):
        """Validate the card fields and return the processor request body.

        card_number, expiry and cvc are typed by the shopper on the checkout
        form; order_ref is the server's order id. Only the order, amount and
        the card's last four digits go to the billing log, which support
        staff and the log pipeline read; the returned dict is posted to the
        processor by the caller.
        """
        digits = re.sub(r"[ -]", "", card_number)
        if not re.fullmatch(r"[0-9]{12,19}", digits):
            raise ValueError("invalid card number")
        if not re.fullmatch(r"(0[1-9]|1[0-2])/[0-9]{2}", expiry):
            raise ValueError("invalid expiry")
        if not re.fullmatch(r"[0-9]{3,4}", cvc):
            raise ValueError("invalid security code")
        body = {
            "merchant": self.merchant_id,
            "amount": int(amount_cents),
            "currency": "EUR",
            "reference": order_ref,
            "card": {"number": digits, "expiry": expiry, "cvc": cvc},
        }
        logger.info("submitting charge: order=%r amount=%d card=****%s",
                    order_ref, body["amount"], digits[-4:])
        return body
