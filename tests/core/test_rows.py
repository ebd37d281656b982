"""The row -> Strawberry type builder: same-name columns, renames, enum coercion, overrides."""

from __future__ import annotations

from enum import Enum
from types import SimpleNamespace
from uuid import UUID, uuid4

import pytest
import strawberry

from switchboard.core.graphql.rows import FromRow, build


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Swatch(FromRow):
    id: strawberry.Private[UUID]
    name: str
    colour: Colour
    accent: Colour | None
    palette: list[Colour]
    tags: list[str]
    parent_id: UUID | None
    label: str = strawberry.field(description="Computed.")

    row_renames = {"parent_id": "parent"}

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @classmethod
    def from_row(cls, r):
        return super().from_row(r, label=f"{r.name} ({r.colour})")


def row(**changes):
    base = dict(id=uuid4(), name="sky", colour="blue", accent=None, palette=("red", "blue"), tags=("a",),
                parent=None)
    return SimpleNamespace(**(base | changes))


def test_fields_come_from_same_name_columns_renames_and_overrides():
    r = row(parent=uuid4())
    s = Swatch.from_row(r)
    assert (s.id, s.name, s.parent_id, s.label) == (r.id, "sky", r.parent, "sky (blue)")
    assert s.tags == ["a"] and isinstance(s.tags, list)


def test_enums_are_coerced_from_the_annotation_optional_and_in_lists():
    s = Swatch.from_row(row(accent="red"))
    assert s.colour is Colour.BLUE and s.accent is Colour.RED
    assert s.palette == [Colour.RED, Colour.BLUE]
    assert Swatch.from_row(row()).accent is None
    with pytest.raises(ValueError):
        Swatch.from_row(row(colour="green"))


def test_a_missing_column_is_an_error_naming_it():
    r = row()
    del r.parent
    with pytest.raises(AttributeError, match=r"Swatch\.parent_id: the row has no column 'parent'"):
        Swatch.from_row(r)
    del r.tags
    with pytest.raises(AttributeError, match=r"Swatch\.tags: the row has no column 'tags'"):
        build(Swatch, r, {"parent_id": "name"}, label="x")


def test_an_override_needs_no_column():
    r = row()
    del r.name
    s = build(Swatch, r, Swatch.row_renames, name="given", label="x")
    assert (s.name, s.shout()) == ("given", "GIVEN")
