"""Dates written out for people, as the PDFs show them: "5 maart 2026" / "5 March 2026"."""

MONTHS = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def written_day(day, months) -> str:
    """A date (or datetime) and MONTHS[language] -> "5 maart 2026"."""
    return f"{day.day} {months[day.month - 1]} {day.year}"
