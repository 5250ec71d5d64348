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
