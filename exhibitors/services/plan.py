"""The floor plan of an event: the hall's size (and drawing), where each booth stands, and the
labelled shapes that are not booths (entrance, stage, aisles, registration desk). In metres.

A plan is saved whole or not at all: every booth and shape inside the hall, no two booths
overlapping. ``plan_problems`` is the one check; ``plan_save`` (the editor) and
``booth_update`` (one booth's form) both refuse with its problems.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.activity import log_action
from events.models import Event
from exhibitors.exceptions import PlanInvalid
from exhibitors.models import Booth, ExhibitionSettings, PlanShape

PLACE_FIELDS = ("x_m", "y_m", "width_m", "depth_m")
SHAPE_FIELDS = ("kind", "label", "label_en", *PLACE_FIELDS)
#: The place of the booths and shapes of the plan, in metres, snaps to half metres.
SNAP_M = Decimal("0.5")


@dataclass(frozen=True)
class Rect:
    name: str
    x: Decimal
    y: Decimal
    w: Decimal
    d: Decimal

    @classmethod
    def of(cls, obj, name: str) -> "Rect":
        return cls(name, *(Decimal(getattr(obj, f)) for f in PLACE_FIELDS))

    def overlaps(self, other: "Rect") -> bool:
        """Sharing a wall is not overlapping."""
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.d
            and other.y < self.y + self.d
        )

    def inside(self, width: Decimal, depth: Decimal) -> bool:
        return self.x >= 0 and self.y >= 0 and self.x + self.w <= width and self.y + self.d <= depth


def _fmt(value: Decimal) -> str:
    """40, 12,5 in Vietnamese: the number as the reader writes it."""
    return number_format(Decimal(value).normalize())


def plan_problems(
    *, hall: tuple[Decimal, Decimal] | None, booths: list[Rect], shapes: list[Rect] = ()
) -> list[str]:
    """What is wrong with a plan, in words (translated), or nothing: a booth or shape outside
    the hall (when its size is known), a size under half a metre, two booths overlapping."""
    problems = []
    for rect in [*booths, *shapes]:
        if rect.w < SNAP_M or rect.d < SNAP_M or rect.x < 0 or rect.y < 0:
            problems.append(
                _("%(name)s needs a place and a size of at least 0.5 m.") % {"name": rect.name}
            )
        elif hall and not rect.inside(*hall):
            problems.append(
                _("%(name)s lies outside the hall (%(width)s × %(depth)s m).")
                % {"name": rect.name, "width": _fmt(hall[0]), "depth": _fmt(hall[1])}
            )
    ordered = sorted(booths, key=lambda r: (r.x, r.y))
    for i, rect in enumerate(ordered):  # sweep along x: only neighbours that start before the end
        for other in ordered[i + 1 :]:
            if other.x >= rect.x + rect.w:
                break
            if rect.overlaps(other):
                first, second = sorted((rect.name, other.name))
                problems.append(
                    _("%(first)s and %(second)s overlap.") % {"first": first, "second": second}
                )
    return problems


def booth_name(booth: Booth) -> str:
    return _("Booth %(code)s") % {"code": booth.code}


def shape_name(shape) -> str:
    return shape.label or str(PlanShape.Kind(shape.kind).label)


def _hall(settings_: ExhibitionSettings | None) -> tuple[Decimal, Decimal] | None:
    if settings_ and settings_.hall_width_m and settings_.hall_depth_m:
        return (settings_.hall_width_m, settings_.hall_depth_m)
    return None


def booth_place_check(*, booth: Booth) -> None:
    """Refuse (``PlanInvalid``) the place of ``booth`` (changed in memory) if it leaves the hall
    or overlaps another booth of its event. Call inside the transaction that saves it."""
    settings_ = ExhibitionSettings.objects.filter(event_id=booth.event_id).first()
    others = Booth.objects.filter(event_id=booth.event_id).exclude(pk=booth.pk)
    rects = [Rect.of(booth, booth_name(booth)), *(Rect.of(b, booth_name(b)) for b in others)]
    problems = plan_problems(hall=_hall(settings_), booths=rects)
    if problems:
        raise PlanInvalid(problems)


def _place(obj) -> list[str]:
    return [str(Decimal(getattr(obj, f)).normalize()) for f in PLACE_FIELDS]


def plan_save(
    *,
    event: Event,
    hall_width_m: Decimal | None,
    hall_depth_m: Decimal | None,
    booths: dict[int, dict],
    shapes: list[dict],
    hall_image=None,
    hall_image_clear: bool = False,
    by=None,
) -> ExhibitionSettings:
    """Save the floor plan of ``event``: the hall's size (both or neither) and drawing, the place
    and size of the booths in ``booths`` ({booth id: {x_m, y_m, width_m, depth_m}}; the others
    keep theirs), and the shapes (each a dict of ``SHAPE_FIELDS`` with ``id`` to change one,
    without to add one, and ``delete`` to remove one).

    Refuses, saving nothing (``PlanInvalid`` with every problem): a booth of another event or
    a shape of another plan, a hall with one size only, a booth or shape outside the hall, two
    overlapping booths. Side effects: locks the event's exhibition settings (one plan edit at a
    time) and its booths; updates the hall, the booths that moved and the shapes; one activity
    entry ``plan.updated`` by ``by`` with what changed.
    """
    with transaction.atomic():
        settings_, _created = ExhibitionSettings.objects.get_or_create(event=event)
        settings_ = ExhibitionSettings.objects.select_for_update().get(pk=settings_.pk)
        all_booths = {b.pk: b for b in Booth.objects.select_for_update().filter(event=event)}
        all_shapes = {s.pk: s for s in PlanShape.objects.filter(event=event)}
        problems = []
        if set(booths) - set(all_booths) or {s["id"] for s in shapes if s.get("id")} - set(
            all_shapes
        ):
            raise PlanInvalid([_("The plan changed meanwhile: reload the page.")])
        if (hall_width_m is None) != (hall_depth_m is None):
            problems.append(_("Give both the width and the depth of the hall, or neither."))
        changes = {}
        hall_before = [settings_.hall_width_m, settings_.hall_depth_m]
        settings_.hall_width_m, settings_.hall_depth_m = hall_width_m, hall_depth_m
        if hall_before != [hall_width_m, hall_depth_m]:
            changes["hall"] = [
                [str(v) if v else None for v in hall_before],
                [str(v) if v else None for v in (hall_width_m, hall_depth_m)],
            ]
        moved = []
        for pk, place in booths.items():
            booth = all_booths[pk]
            before = _place(booth)
            for field in PLACE_FIELDS:
                setattr(booth, field, Decimal(place[field]))
            if _place(booth) != before:
                moved.append(booth)
                changes[booth.code] = [before, _place(booth)]
        kept_shapes, new_shapes, deleted = [], [], []
        for data in shapes:
            shape = all_shapes.get(data.get("id")) or PlanShape(event=event)
            if data.get("delete"):
                if shape.pk:
                    deleted.append(shape)
                    changes[f"shape {shape.pk}"] = [shape_name(shape), None]
                continue
            before = [shape.kind, shape.label, shape.label_en, *_place(shape)] if shape.pk else None
            for field in SHAPE_FIELDS:
                setattr(shape, field, data[field])
            after = [shape.kind, shape.label, shape.label_en, *_place(shape)]
            if shape.pk is None:
                new_shapes.append(shape)
                changes[f"new shape {len(new_shapes)}"] = [None, after]
            elif after != before:
                kept_shapes.append(shape)
                changes[f"shape {shape.pk}"] = [before, after]
        live_shapes = [s for s in all_shapes.values() if s not in deleted] + new_shapes
        problems += plan_problems(
            hall=_hall(settings_),
            booths=[Rect.of(b, booth_name(b)) for b in all_booths.values()],
            shapes=[Rect.of(s, shape_name(s)) for s in live_shapes],
        )
        if problems:
            raise PlanInvalid(problems)
        if hall_image is not None:
            settings_.hall_image = hall_image
            changes["hall_image"] = [None, "new"]
        elif hall_image_clear and settings_.hall_image:
            settings_.hall_image = ""
            changes["hall_image"] = ["kept", None]
        settings_.full_clean()
        settings_.save()
        for booth in moved:
            booth.full_clean()
        Booth.objects.bulk_update(moved, PLACE_FIELDS)
        for shape in [*kept_shapes, *new_shapes]:
            shape.full_clean()
            shape.save()
        PlanShape.objects.filter(pk__in=[s.pk for s in deleted]).delete()
        if changes:
            log_action(action="plan.updated", obj=settings_, actor=by, changes=changes)
    return settings_
