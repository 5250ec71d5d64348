"""The templates every organization starts with (CONTRACT.md, "Customer messages"), in English and Urdu.

Parameters: {{1}} the customer's name, {{2}} the amount (with its currency), {{3}} the promised date
(due and overdue reminders) or the receipt number (`payment_received`, whose {{4}} is the balance left).
On WhatsApp these go as the approved template `provider_name` in `provider_language`; the organization
renames them in the admin or the API when Meta approved other names.
"""

SEEDED_TEMPLATES: dict[str, dict[str, str]] = {
    "payment_due_soon": {
        "en": "Dear {{1}}, a reminder that your payment of {{2}} is due on {{3}}. Thank you.",
        "ur": "محترم {{1}}، یاد دہانی: آپ کی {{2}} کی ادائیگی {{3}} کو واجب الادا ہے۔ شکریہ۔",
    },
    "payment_due_today": {
        "en": "Dear {{1}}, your payment of {{2}} is due today ({{3}}). Thank you.",
        "ur": "محترم {{1}}، آپ کی {{2}} کی ادائیگی آج ({{3}}) واجب الادا ہے۔ شکریہ۔",
    },
    "payment_overdue": {
        "en": "Dear {{1}}, your payment of {{2}} was due on {{3}} and is still outstanding. Please contact us.",
        "ur": "محترم {{1}}، آپ کی {{2}} کی ادائیگی {{3}} کو واجب الادا تھی اور ابھی باقی ہے۔ براہ کرم ہم سے رابطہ کریں۔",
    },
    "payment_received": {
        "en": "Dear {{1}}, we received your payment of {{2}} (receipt {{3}}). Balance left: {{4}}. Thank you.",
        "ur": "محترم {{1}}، ہمیں آپ کی {{2}} کی ادائیگی موصول ہو گئی (رسید {{3}})۔ باقی رقم: {{4}}۔ شکریہ۔",
    },
}
SEEDED_CHANNELS = ("whatsapp", "sms")


def seeded_template_rows():
    """(code, channel, language, body, provider_name, provider_language) for every seeded template."""
    for code, bodies in SEEDED_TEMPLATES.items():
        for channel in SEEDED_CHANNELS:
            for language, body in bodies.items():
                yield code, channel, language, body, code if channel == "whatsapp" else "", language if channel == "whatsapp" else ""
