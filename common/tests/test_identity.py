"""Identity values (passport, CNIC, phone) have one stored form: normalised, in any Unicode spelling, or refused."""

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from common.identity import normalize_cnic, normalize_contact_number, normalize_passport

GOOD = [
    (normalize_passport, "AB1234567", "AB1234567"),
    (normalize_passport, "ab1234567", "AB1234567"),
    (normalize_passport, " ab 123 4567 ", "AB1234567"),
    (normalize_passport, "", ""),
    (normalize_passport, None, ""),
    (normalize_cnic, "12345-1234567-1", "12345-1234567-1"),
    (normalize_cnic, "1234512345671", "12345-1234567-1"),
    (normalize_cnic, " 12345-1234567-1 ", "12345-1234567-1"),
    (normalize_cnic, "", ""),
    (normalize_contact_number, "0300 1234567", "+923001234567"),
    (normalize_contact_number, "03001234567", "+923001234567"),
    (normalize_contact_number, "+92 300 1234567", "+923001234567"),
    (normalize_contact_number, "+923001234567", "+923001234567"),
    (normalize_contact_number, "0300-1234567", "+923001234567"),
    (normalize_contact_number, "+44 20 7946 0958", "+442079460958"),
    (normalize_contact_number, "", ""),
]

BAD = [
    (normalize_passport, "AB-1234567"),
    (normalize_passport, "AB12"),
    (normalize_passport, "AB\x001234567"),
    (normalize_passport, "ÄB1234567"),
    (normalize_cnic, "12345-1234567"),
    (normalize_cnic, "123451234567"),
    (normalize_cnic, "12345-123456-71"),
    (normalize_cnic, "abcde-fghijkl-m"),
    (normalize_contact_number, "12"),
    (normalize_contact_number, "not a number"),
    (normalize_contact_number, "0300 123"),
    (normalize_contact_number, "+92 300 1234567 999"),
]


class NormalisationTests(SimpleTestCase):
    def test_good_inputs_are_normalised(self):
        for normalize, raw, expected in GOOD:
            with self.subTest(normalize=normalize.__name__, raw=raw):
                self.assertEqual(normalize(raw), expected)

    def test_bad_inputs_are_refused(self):
        for normalize, raw in BAD:
            with self.subTest(normalize=normalize.__name__, raw=raw):
                with self.assertRaises(ValidationError):
                    normalize(raw)

    def test_normalising_twice_changes_nothing(self):
        for normalize, raw, expected in GOOD:
            with self.subTest(normalize=normalize.__name__, raw=raw):
                self.assertEqual(normalize(normalize(raw)), expected)


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
