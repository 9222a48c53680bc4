"""Words built from names, the same on every page and in every email."""

from __future__ import annotations


def possessive(name: str) -> str:
    """ "Bright Futures's" reads as a mistake: a name ending in s takes an apostrophe alone
    ("Halesowen Youth Mentors' application"), as GOV.UK style does for plurals and names."""
    name = str(name)
    return f"{name}'" if name.rstrip().lower().endswith("s") else f"{name}'s"


def and_list(names: list[str]) -> str:
    """Names as a sentence lists them: "A", "A and B", "A, B and C"."""
    names = list(names)
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def in_sentence(label: str) -> str:
    """A question's label as it reads inside a sentence: "Level of DBS check" becomes "level of
    DBS check" (lower case at the start only, and never for an acronym such as "DBS")."""
    label = str(label)
    if label[:2].isupper():
        return label
    return label[:1].lower() + label[1:]
