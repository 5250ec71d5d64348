"""How amounts and dates read inside a customer's message (the same in English and Urdu texts)."""

from datetime import date
from decimal import Decimal


def money_text(amount: Decimal, currency: str) -> str:
    """`PKR 60,000` (whole amounts without decimals), `PKR 1,250.50` otherwise."""
    amount = Decimal(amount)
    figures = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{currency} {figures}"


def date_text(day: date) -> str:
    """`15-01-2027`: day first, as customers in Pakistan write it."""
    return day.strftime("%d-%m-%Y")
