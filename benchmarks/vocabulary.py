"""What the benchmark's seeded data is made of: places, names, remarks and weighted choices.

Weighted pools are lists with repeats: `rng.choice` over them is the cheapest weighted draw.
"""

from leads.models import ContactMethod, LeadSource, LeadStatus

CITIES = (
    ("Lahore", ("Gulberg", "DHA", "Johar Town", "Model Town", "Iqbal Town", "Shadman")),
    ("Karachi", ("Saddar", "Clifton", "Gulshan-e-Iqbal", "North Nazimabad", "Korangi", "Malir")),
    ("Islamabad", ("Blue Area", "F-10", "G-9", "I-8", "E-11", "Bahria Town")),
    ("Rawalpindi", ("Satellite Town", "Saddar", "Chaklala", "Westridge", "Bahria Town")),
    ("Faisalabad", ("Peoples Colony", "Madina Town", "Samanabad", "D Ground")),
    ("Multan", ("Cantt", "Gulgasht", "Shah Rukn-e-Alam", "Bosan Road")),
    ("Peshawar", ("Hayatabad", "University Town", "Saddar", "Gulbahar")),
    ("Quetta", ("Jinnah Town", "Satellite Town", "Samungli Road")),
    ("Sialkot", ("Cantt", "Model Town", "Ugoki")),
    ("Gujranwala", ("Satellite Town", "Model Town", "Peoples Colony")),
)
FIRST_NAMES = (
    "Muhammad", "Ahmed", "Ali", "Hassan", "Hussain", "Bilal", "Usman", "Umar", "Hamza", "Imran", "Asif",
    "Tariq", "Zubair", "Faisal", "Kamran", "Saad", "Ayesha", "Fatima", "Zainab", "Maryam", "Sana", "Hina",
    "Amna", "Nadia", "Rabia", "Saima", "Khadija", "Iqra", "Mehwish", "Sadia",
)
LAST_NAMES = (
    "Khan", "Ahmed", "Ali", "Malik", "Butt", "Chaudhry", "Qureshi", "Sheikh", "Siddiqui", "Hashmi",
    "Raza", "Javed", "Iqbal", "Aslam", "Mirza", "Abbasi", "Baig", "Awan", "Rana", "Shah",
)
REMARKS = (
    "Asked about the Umrah package for a family of four.",
    "Wants a Hajj quote for next season.",
    "Will call back after salary day.",
    "Comparing prices with another agent.",
    "Needs visa processing help.",
    "Interested in the 15-day economy package.",
    "Asked for hotel near Haram.",
    "Wants ticket-only option from Lahore.",
    "Discussed instalment plan.",
    "Sent package details on WhatsApp.",
)
LOST_REASONS = ("Booked with another agent.", "Postponed the trip.", "Budget too low.", "Not reachable.")
MOBILE_PREFIXES = tuple(str(p) for p in (*range(300, 338), *range(339, 350)))
PASSPORT_PREFIXES = tuple(a + b for a in "ABCDEFGHJKLMNPRSTUVW" for b in "ABCDEFGHJKLMNPRSTUVW")
SOURCE_POOL = (
    [LeadSource.WALK_IN] * 30 + [LeadSource.PHONE] * 25 + [LeadSource.REFERRAL] * 15
    + [LeadSource.SOCIAL_MEDIA] * 15 + [LeadSource.WEBSITE] * 10 + [LeadSource.OTHER] * 5
)
STATUS_POOL = (
    [LeadStatus.NEW] * 28 + [LeadStatus.CONTACTED] * 25 + [LeadStatus.INTERESTED] * 17
    + [LeadStatus.CONVERTED] * 20 + [LeadStatus.LOST] * 10
)
OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.INTERESTED)
FOLLOWUPS_PER_CONTACTED_LEAD = (1, 2, 3, 4, 4)  # new leads have none, so the overall mean is ~2
METHOD_POOL = [ContactMethod.CALL] * 50 + [ContactMethod.WHATSAPP] * 30 + [ContactMethod.SMS] * 8 + [
    ContactMethod.VISIT
] * 10 + [ContactMethod.EMAIL] * 2
