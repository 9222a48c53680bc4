"""Answers to the test questionnaire (content/every_type.yaml)."""

REFEREE = {"name": "Ann Referee", "email": "ann@example.org", "known_since": "2019-05-01"}


def complete_answers(**changes):
    """Every question on the route answered, for the mentoring lot."""
    answers = {
        "chosen_lots": ["mentoring"],
        "legal_name": "Bright Futures Ltd",
        "company_number": None,
        "contact_email": "office@example.org",
        "phone": "01384 000000",
        "website": None,
        "legal_form": "company",
        "has_subcontractors": "no",
        "founded_on": "2020-01-31",
        "insurance_ends_on": "2030-01-31",
        "turnover": 125050,
        "services": ["mentoring"],
        "staff_count": 4,
        "convicted": "no",
        "premises_checked": None,
        "referees": [REFEREE, REFEREE | {"name": "Bo Referee"}],
        "declaration": {"name": "Alex Provider", "role": "Director", "agreed": True},
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not ...}
