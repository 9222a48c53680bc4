"""Words built from names, the same on every page and in every email."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar, overload


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


T = TypeVar("T")


class shown(Generic[T]):  # lower case, as `property` and `cached_property` are
    """A coded column as people read it, declared in one line where a record or row class
    would write a property: `status_label = shown(STATUS_LABELS, "status")` is
    `STATUS_LABELS[self.status]` ("Waiting for the provider to accept" for "draft")."""

    def __init__(self, words: Mapping[Any, T], field: str) -> None:
        self.words = words
        self.field = field

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> shown[T]: ...

    @overload
    def __get__(self, instance: object, owner: type[Any]) -> T: ...

    def __get__(self, instance: object | None, owner: type[Any]) -> shown[T] | T:
        if instance is None:
            return self
        return self.words[getattr(instance, self.field)]
