"""The HDN code tables Kluis reads in a document request (DA): the lender's
DocumentStatus, and the SoortDocument codes it knows by name and validity type
(validity.py). An unknown SoortDocument code is fine: the item is named by its
SoortDocumentOmsch. docs/integrations.md "HDN documentaanvraag (DA)" lists them."""

SUPPORTED_VERSIONS = frozenset({"1.0"})

# DocumentStatus code -> the lender's status as a word (a request's `lender_status`).
DOCUMENT_STATUSES = {
    "01": "to_deliver",  # aan te leveren
    "04": "approved",  # akkoord
    "06": "provisionally_approved",  # voorlopig akkoord
    "07": "rejected",  # afgekeurd, opnieuw aanleveren
    "08": "lapsed",  # vervallen
}

# SoortDocument code -> (name, validity type or None).
DOCUMENT_KINDS = {
    "001": ("Salarisstrook", "payslip"),
    "002": ("Werkgeversverklaring", "employer_statement"),
    "010": ("Taxatierapport", "valuation_report"),
    "011": ("Bouwkundig rapport", "structural_survey"),
    "014": ("Aanslag(en) IB laatste 3 jaar", None),
    "020": ("Kopie legitimatiebewijs", None),
    "030": ("Koopovereenkomst", None),
}

# AanleverendePartij: who delivers the item (absent: the client).
DELIVERERS = {"Klant": "client", "Geldverstrekker": "lender"}
