"""Identity values in any Unicode spelling: one stored form, or a 400; never stored as typed."""

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from common.identity import normalize_cnic, normalize_contact_number, normalize_passport


class UnicodeDigitsTests(SimpleTestCase):
    def test_cnic_in_any_digit_script_is_stored_in_ascii(self):
        for typed in (
            "۳۵۲۰۲-۱۲۳۴۵۶۷-۱",  # Urdu (Extended Arabic-Indic)
            "٣٥٢٠٢١٢٣٤٥٦٧١",  # Arabic-Indic
            "３５２０２－１２３４５６７－１",  # full-width digits and dashes
            "३५२०२-१२३४५६७-१",  # Devanagari
        ):
            with self.subTest(typed=typed):
                self.assertEqual(normalize_cnic(typed), "35202-1234567-1")

    def test_phone_in_urdu_digits_is_e164(self):
        self.assertEqual(normalize_contact_number("۰۳۰۰ ۱۲۳۴۵۶۷"), "+923001234567")
        self.assertEqual(normalize_contact_number("＋９２ ３００ １２３４５６７"), "+923001234567")

    def test_passport_in_full_width_letters_and_other_digits(self):
        self.assertEqual(normalize_passport("ａｂ １２３ ４５６７"), "AB1234567")
        self.assertEqual(normalize_passport("ab۱۲۳۴۵۶۷"), "AB1234567")


class RefusedLettersTests(SimpleTestCase):
    def test_sharp_s_is_refused_not_turned_into_ss(self):
        with self.assertRaises(ValidationError):
            normalize_passport("ß1234567")

    def test_letters_outside_a_to_z_are_refused(self):
        for typed in ("É1234567", "Ab١٢٣x٤٥ü", "ﬁ1234567x"):  # ﬁ is NFKC "fi": allowed only when it yields A-Z
            with self.subTest(typed=typed):
                if typed.startswith("ﬁ"):
                    self.assertEqual(normalize_passport(typed), "FI1234567X")
                else:
                    with self.assertRaises(ValidationError):
                        normalize_passport(typed)


class SentLengthTests(SimpleTestCase):
    def test_max_length_applies_to_the_value_as_sent(self):
        from rest_framework.exceptions import ValidationError as DRFValidationError

        from common.api.fields import PassportField

        field = PassportField()
        self.assertEqual(field.run_validation("ab 123 4567"), "AB1234567")
        with self.assertRaises(DRFValidationError):
            field.run_validation("0" + " " * 40 + "0000")
        with self.assertRaises(DRFValidationError):
            field.run_validation("AB12345" + " " * 40)
