"""The customer's own words for "stop writing to me" and "write to me again", in English and Urdu.

A message is a keyword only when it is nothing but the keyword (trimmed, any case, end punctuation
dropped, Arabic letter forms unified with Urdu's): "stop" is a STOP, "please stop the reminders" is
a message for staff to read. English words are Twilio's standard opt-out and opt-in keywords (so both
sides agree on SMS); the Urdu ones are what customers write, in Urdu script and romanised.
"""

import re
import unicodedata

STOP_WORDS = frozenset({
    "stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke",
    # Urdu script: "close", "close it", "please close", "stop (please)", "stop it", "do not send"
    "بند", "بند کرو", "بند کریں", "بند کر دیں", "بند کردیں", "بند کر دو", "رکیں", "رک جائیں", "روکیں", "روک دیں",
    "مت بھیجیں", "پیغام بند",
    # Romanised Urdu
    "band", "band karo", "band kro", "band karen", "band karein", "band kardo", "band kar do", "band kar dein",
    "mat bhejo", "mat bhejein",
})

# Twilio answers these itself on SMS long codes (and then refuses our sends with 21610):
# https://help.twilio.com/articles/223134027 — we do not send a second confirmation for them.
TWILIO_HANDLED_STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"})

START_WORDS = frozenset({
    "start", "unstop",
    "شروع", "شروع کرو", "شروع کریں", "دوبارہ شروع",
    "shuru", "shuru karo", "shuru karein",
})

# Arabic code points customers' keyboards produce for the Urdu letters (yeh, kaf, heh).
_URDU_FORMS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ة": "ہ"})
_EDGE_PUNCTUATION = " \t\r\n.!?,;:۔؟!،\"'*_~()[]"
_SPACES = re.compile(r"\s+")
_URDU_SCRIPT = re.compile(r"[\u0600-\u06FF]")


def normalised(text: str) -> str:
    """The text as keywords are compared: NFKC, Urdu letter forms, edge punctuation off, one space, lower case."""
    text = unicodedata.normalize("NFKC", text or "").translate(_URDU_FORMS)
    # Zero-width joiners and marks keyboards insert between Urdu letters.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SPACES.sub(" ", text.strip(_EDGE_PUNCTUATION)).casefold()


def is_stop(text: str) -> bool:
    return normalised(text) in STOP_WORDS


def is_start(text: str) -> bool:
    return normalised(text) in START_WORDS


def twilio_handles(text: str) -> bool:
    """True for the keywords Twilio itself confirms on SMS (its Advanced Opt-Out defaults)."""
    return normalised(text) in TWILIO_HANDLED_STOP_WORDS


def written_in_urdu(text: str) -> bool:
    return bool(_URDU_SCRIPT.search(text or ""))
