#!/usr/bin/env python3
"""Draw BackCare's exercise illustrations, UI line icons and app icon as SVG.

Every exercise figure is drawn from one parametric side-view skeleton: the
proportions are fixed module constants and each pose in ``POSES`` only says
where the hip is and at which angles the spine, neck and limbs point (or, for
a hand or foot that must land somewhere, which point it reaches).  One
renderer turns a pose into SVG Tiny 1.2 that Qt's SVG module can draw.

Output (relative to the repository root)::

    assets/images/<exercise>.svg   exercise illustrations, viewBox 0 0 256 256
    assets/icons/<name>.svg        UI line icons, viewBox 0 0 24 24
    assets/icons/backcare.svg      app icon, viewBox 0 0 256 256
    docs/illustrations.png         contact sheet of the illustrations (128 px)
    docs/icons.png                 contact sheet of the icons (48 px)

Usage::

    .venv/bin/python scripts/draw_illustrations.py              # SVGs + sheets
    .venv/bin/python scripts/draw_illustrations.py --svg-only   # SVGs only
    .venv/bin/python scripts/draw_illustrations.py --contact-sheet  # sheets only

The SVG files are generated with the standard library only and are
byte-for-byte reproducible.  PySide6 is needed only for the contact sheets.

Angles are in degrees, counter-clockwise, 0 = pointing right (+x) and
90 = pointing up, even though SVG's y axis points down.  Standing figures face
right; figures lying on their back have their head on the left, figures lying
face down or on all fours have their head on the right.  The one exception is
lower-trunk-rotation, drawn from above because knees rolling sideways cannot
be seen from the side.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Point = tuple[float, float]

ROOT = Path(__file__).resolve().parent.parent
IMAGES_DIR = ROOT / "assets" / "images"
ICONS_DIR = ROOT / "assets" / "icons"
DOCS_DIR = ROOT / "docs"

# --------------------------------------------------------------------------
# Palette (from the UI guide)
# --------------------------------------------------------------------------
BODY = "#7a8791"
ACCENT = "#2A9D8F"
PROP = "#b8b0a4"  # mat, floor, chair, strap
WHITE = "#ffffff"
ICON_INK = "#1f2a30"  # substituted by the app with the palette's text colour
LIGHT_BG = "#f6f3ee"
DARK_BG = "#1e2326"

FAR_OPACITY = 0.6  # limbs on the far side of the body
FAR_ACCENT_OPACITY = 0.8  # a working limb on the far side stays strong
ARROW_OPACITY = 0.4
GHOST_OPACITY = 0.5

# --------------------------------------------------------------------------
# Figure proportions: fractions of the standing figure height FIGURE_H (head
# top to sole), in px of the 256 x 256 canvas.  Every pose uses these, so the
# whole set shares one scale.  LIMB_W is 8 % of the figure height.
# --------------------------------------------------------------------------
CANVAS = 256
FIGURE_H = 200.0
HEAD_R = 0.08 * FIGURE_H
NECK = 0.145 * FIGURE_H  # shoulder joint -> head centre
TORSO = 0.29 * FIGURE_H  # hip joint -> shoulder joint
TORSO_W = 0.125 * FIGURE_H
UPPER_ARM = 0.16 * FIGURE_H
FOREARM = 0.14 * FIGURE_H
HAND = 0.06 * FIGURE_H
THIGH = 0.235 * FIGURE_H
SHIN = 0.225 * FIGURE_H
FOOT = 0.065 * FIGURE_H
LIMB_W = 0.08 * FIGURE_H
NECK_W = 0.07 * FIGURE_H
TAIL = 0.12  # the pelvis reaches this fraction of TORSO past the hip joint

# Floor props.
MAT_TOP = 194.0
MAT_H = 12.0
MAT_X = (14.0, 242.0)
FLOOR_W = 6.0
CHAIR_W = 8.0
STRAP_W = 5.0

# Centre-line heights of body parts resting on the mat.
TORSO_Y = MAT_TOP - TORSO_W / 2
LIMB_Y = MAT_TOP - LIMB_W / 2
HEAD_Y = MAT_TOP - HEAD_R

# Arrows: filled outlines, so a translucent arrow never overlaps itself.
ARROW_W = 7.0
ARROW_HEAD_W = 18.0
ARROW_HEAD_L = 14.0


# ==========================================================================
# Geometry
# ==========================================================================
def polar(origin: Point, angle: float, length: float) -> Point:
    """The point ``length`` px from ``origin`` in direction ``angle``."""
    rad = math.radians(angle)
    return (origin[0] + length * math.cos(rad), origin[1] - length * math.sin(rad))


def heading(a: Point, b: Point) -> float:
    """Direction from ``a`` to ``b`` in degrees."""
    return math.degrees(math.atan2(a[1] - b[1], b[0] - a[0]))


def distance(a: Point, b: Point) -> float:
    return math.hypot(b[0] - a[0], b[1] - a[1])


def lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def quad_point(p0: Point, c: Point, p2: Point, t: float) -> Point:
    """Point at ``t`` on the quadratic Bezier ``p0 c p2``."""
    return lerp(lerp(p0, c, t), lerp(c, p2, t), t)


def quad_segment(
    p0: Point, c: Point, p2: Point, t0: float, t1: float
) -> tuple[Point, Point, Point]:
    """The part of a quadratic Bezier between ``t0`` and ``t1`` (by blossoming)."""

    def blossom(u: float, v: float) -> Point:
        w0 = (1 - u) * (1 - v)
        w1 = (1 - u) * v + u * (1 - v)
        w2 = u * v
        return (
            w0 * p0[0] + w1 * c[0] + w2 * p2[0],
            w0 * p0[1] + w1 * c[1] + w2 * p2[1],
        )

    return blossom(t0, t0), blossom(t0, t1), blossom(t1, t1)


def two_bone(root: Point, target: Point, a: float, b: float, flip: bool) -> tuple[float, float]:
    """Inverse kinematics: headings of two bones of length ``a`` and ``b`` so
    the chain from ``root`` ends at ``target`` (or points at it, if too far).
    The middle joint bends counter-clockwise of the root->target line, or
    clockwise when ``flip`` is set."""
    d = min(max(distance(root, target), abs(a - b) + 1e-6), a + b - 1e-6)
    base = heading(root, target)
    cos_alpha = (a * a + d * d - b * b) / (2 * a * d)
    alpha = math.degrees(math.acos(max(-1.0, min(1.0, cos_alpha))))
    upper = base - alpha if flip else base + alpha
    joint = polar(root, upper, a)
    end = polar(root, base, d)
    return upper, heading(joint, end)


def arc_points(
    centre: Point, radius: float, start: float, end: float, ry: float | None = None
) -> tuple[Point, ...]:
    """Points along an (elliptical) arc from angle ``start`` to ``end``."""
    ry = radius if ry is None else ry
    steps = max(2, math.ceil(abs(end - start) / 5))
    pts = []
    for i in range(steps + 1):
        a = math.radians(start + (end - start) * i / steps)
        pts.append((centre[0] + radius * math.cos(a), centre[1] - ry * math.sin(a)))
    return tuple(pts)


# ==========================================================================
# SVG writer
# ==========================================================================
def fmt(v: float) -> str:
    """Deterministic, compact number formatting (one decimal)."""
    s = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def opacity_attr(opacity: float) -> str | None:
    """An opacity attribute value, or None (attribute left out) when opaque."""
    return None if opacity >= 1.0 else f"{opacity:g}"


def path_d(points: Sequence[Point], closed: bool = False) -> str:
    head, *rest = points
    d = f"M{fmt(head[0])} {fmt(head[1])}"
    d += "".join(f"L{fmt(x)} {fmt(y)}" for x, y in rest)
    return d + ("Z" if closed else "")


class Svg:
    """A tiny SVG Tiny 1.2 document builder with deterministic output."""

    def __init__(self, size: int, title: str) -> None:
        self.size = size
        self.title = title
        self.parts: list[str] = []

    def add(self, tag: str, **attrs: str | float | None) -> None:
        rendered = []
        for key, value in attrs.items():
            if value is None:
                continue
            text = fmt(value) if isinstance(value, float | int) else value
            rendered.append(f'{key.rstrip("_").replace("_", "-")}="{text}"')
        self.parts.append(f"<{tag} {' '.join(rendered)}/>")

    def stroke(self, d: str, colour: str, width: float, opacity: float = 1.0) -> None:
        self.add(
            "path",
            d=d,
            fill="none",
            stroke=colour,
            stroke_width=width,
            stroke_linecap="round",
            stroke_linejoin="round",
            stroke_opacity=opacity_attr(opacity),
        )

    def polyline(
        self, points: Sequence[Point], colour: str, width: float, opacity: float = 1.0
    ) -> None:
        self.stroke(path_d(points), colour, width, opacity)

    def fill(self, d: str, colour: str, opacity: float = 1.0) -> None:
        self.add("path", d=d, fill=colour, fill_opacity=opacity_attr(opacity))

    def circle(self, c: Point, r: float, colour: str, opacity: float = 1.0) -> None:
        self.add("circle", cx=c[0], cy=c[1], r=r, fill=colour, fill_opacity=opacity_attr(opacity))

    def rect(self, x: float, y: float, w: float, h: float, rx: float, colour: str,
             opacity: float = 1.0) -> None:
        self.add("rect", x=x, y=y, width=w, height=h, rx=rx, fill=colour,
                 fill_opacity=opacity_attr(opacity))

    def render(self) -> str:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" '
            f'width="{self.size}" height="{self.size}" viewBox="0 0 {self.size} {self.size}">'
        )
        body = "\n".join(f"  {p}" for p in self.parts)
        return f"{head}\n  <title>{self.title}</title>\n{body}\n</svg>\n"


# ==========================================================================
# Arrows
# ==========================================================================
@dataclass(frozen=True)
class Arrow:
    """A faint movement arrow along ``path`` (tip at the last point)."""

    path: tuple[Point, ...]
    on_top: bool = False  # drawn over the figure instead of behind it


def arc_arrow(centre: Point, radius: float, start: float, end: float,
              ry: float | None = None, on_top: bool = False) -> Arrow:
    return Arrow(arc_points(centre, radius, start, end, ry), on_top)


def line_arrow(start: Point, tip: Point, on_top: bool = False) -> Arrow:
    return Arrow((start, tip), on_top)


def arrow_outline(path: Sequence[Point], width: float = ARROW_W, head_w: float = ARROW_HEAD_W,
                  head_l: float = ARROW_HEAD_L) -> list[Point]:
    """Outline polygon of a thick arrow with a round tail along ``path``."""
    # Cut the shaft where the head starts.
    remaining = head_l
    pts = list(path)
    tip = pts[-1]
    while len(pts) >= 2 and distance(pts[-2], pts[-1]) <= remaining:
        remaining -= distance(pts[-2], pts[-1])
        pts.pop()
    if len(pts) >= 2:
        seg = distance(pts[-2], pts[-1])
        pts[-1] = lerp(pts[-1], pts[-2], remaining / seg)
    shaft = pts
    half = width / 2

    def normal(i: int) -> float:
        a = shaft[max(i - 1, 0)]
        b = shaft[min(i + 1, len(shaft) - 1)]
        return heading(a, b) + 90

    left = [polar(p, normal(i), half) for i, p in enumerate(shaft)]
    right = [polar(p, normal(i) - 180, half) for i, p in enumerate(shaft)]
    base = shaft[-1]
    direction = heading(base, tip)
    start_dir = heading(shaft[0], shaft[1])
    # Round tail: from the right edge round the back of the start to the left edge.
    tail = [polar(shaft[0], start_dir - 90 - k * 30, half) for k in range(1, 6)]
    head = [polar(base, direction + 90, head_w / 2), tip, polar(base, direction - 90, head_w / 2)]
    return [*left, *head, *right[::-1], *tail]


def draw_arrow(svg: Svg, arrow: Arrow) -> None:
    svg.fill(path_d(arrow_outline(arrow.path), closed=True), ACCENT, ARROW_OPACITY)


# ==========================================================================
# Skeleton and poses
# ==========================================================================
@dataclass(frozen=True)
class Bend:
    """A limb given by joint angles: upper bone, lower bone, hand/foot.
    ``end=None`` continues the lower bone straight (an open hand)."""

    upper: float
    lower: float
    end: float | None = None


@dataclass(frozen=True)
class Reach:
    """A limb whose wrist/ankle reaches ``target`` (two-bone IK)."""

    target: Point
    flip: bool = False
    end: float | None = None


Limb = Bend | Reach
Part = Literal["torso", "head", "near_arm", "far_arm", "near_leg", "far_leg"]
Setting = Literal["mat", "chair", "floor"]
DRAW_ORDER: tuple[Part, ...] = ("far_arm", "far_leg", "head", "torso", "near_leg", "near_arm")


@dataclass(frozen=True)
class Pose:
    """One exercise pose: joint angles plus what to highlight and show."""

    name: str
    hip: Point
    torso: float  # heading hip -> shoulder
    neck: float  # heading shoulder -> head centre
    near_arm: Limb
    far_arm: Limb
    near_leg: Limb
    far_leg: Limb
    bend: float = 0.0  # spine bulge in px: + rounds the back, - arches it
    accent: frozenset[Part] = frozenset()
    spine_accent: tuple[float, float] | None = None  # part of the spine (0 = hip)
    accent_opacity: float = 1.0
    belly: float = 0.0  # how far the belly/chest rises above the torso line
    torso_w: float = TORSO_W
    order: tuple[Part, ...] = DRAW_ORDER  # back to front
    solid: frozenset[Part] = frozenset()  # far limbs drawn without fading
    setting: Setting = "mat"
    arrows: tuple[Arrow, ...] = ()
    strap: bool = False  # towel from the hands round the near foot
    ghost_neck: float | None = None  # dashed outline of the head's start position


@dataclass(frozen=True)
class Skeleton:
    hip: Point
    shoulder: Point
    spine_ctrl: Point  # quadratic Bezier control point of the spine
    head: Point
    limbs: dict[str, tuple[Point, ...]]  # root, middle joint, wrist/ankle, tip


def limb_chain(root: Point, spec: Limb, a: float, b: float, end_len: float) -> tuple[Point, ...]:
    if isinstance(spec, Reach):
        upper, lower = two_bone(root, spec.target, a, b, spec.flip)
    else:
        upper, lower = spec.upper, spec.lower
    joint = polar(root, upper, a)
    wrist = polar(joint, lower, b)
    tip = polar(wrist, lower if spec.end is None else spec.end, end_len)
    return (root, joint, wrist, tip)


def build_skeleton(pose: Pose) -> Skeleton:
    hip = pose.hip
    shoulder = polar(hip, pose.torso, TORSO)
    # The back faces 90 degrees counter-clockwise of the hip->shoulder line.
    ctrl = polar(lerp(hip, shoulder, 0.5), pose.torso + 90, 2 * pose.bend)
    head = polar(shoulder, pose.neck, NECK)
    limbs = {
        "near_arm": limb_chain(shoulder, pose.near_arm, UPPER_ARM, FOREARM, HAND),
        "far_arm": limb_chain(shoulder, pose.far_arm, UPPER_ARM, FOREARM, HAND),
        "near_leg": limb_chain(hip, pose.near_leg, THIGH, SHIN, FOOT),
        "far_leg": limb_chain(hip, pose.far_leg, THIGH, SHIN, FOOT),
    }
    return Skeleton(hip, shoulder, ctrl, head, limbs)


# ==========================================================================
# Renderer
# ==========================================================================
def draw_mat(svg: Svg) -> None:
    svg.rect(MAT_X[0], MAT_TOP, MAT_X[1] - MAT_X[0], MAT_H, MAT_H / 2, PROP)


def draw_floor(svg: Svg, y: float) -> None:
    svg.stroke(path_d([(22, y), (234, y)]), PROP, FLOOR_W)


def draw_chair(svg: Svg, hip: Point, floor_y: float) -> None:
    """A side-view chair whose seat is under ``hip`` (back on the left)."""
    x, y = hip
    seat_y = y + LIMB_W / 2 + CHAIR_W / 2 + 1
    back_x = x - 26
    svg.stroke(path_d([(back_x - 5, y - 66), (back_x, seat_y), (x + 30, seat_y)]), PROP, CHAIR_W)
    svg.stroke(path_d([(back_x, seat_y), (back_x - 2, floor_y)]), PROP, CHAIR_W)
    svg.stroke(path_d([(x + 28, seat_y), (x + 30, floor_y)]), PROP, CHAIR_W)


def spine_d(sk: Skeleton, t0: float, t1: float) -> str:
    """Path data of the spine between ``t0`` and ``t1`` (0 = hip, 1 = shoulder;
    negative values extend the pelvis past the hip joint)."""
    p0, c, p2 = quad_segment(sk.hip, sk.spine_ctrl, sk.shoulder, t0, t1)
    return f"M{fmt(p0[0])} {fmt(p0[1])}Q{fmt(c[0])} {fmt(c[1])} {fmt(p2[0])} {fmt(p2[1])}"


def draw_torso(svg: Svg, sk: Skeleton, pose: Pose) -> None:
    colour = ACCENT if "torso" in pose.accent else BODY
    svg.stroke(spine_d(sk, -TAIL, 1.0), colour, pose.torso_w)
    if pose.belly:
        # The belly/chest as a second pill offset to the front of the body.
        front = pose.torso - 90
        a = quad_point(sk.hip, sk.spine_ctrl, sk.shoulder, 0.2)
        b = quad_point(sk.hip, sk.spine_ctrl, sk.shoulder, 0.7)
        belly = [polar(a, front, pose.belly), polar(b, front, pose.belly)]
        svg.polyline(belly, colour, pose.torso_w)
    if pose.spine_accent is not None:
        t0, t1 = pose.spine_accent
        d = spine_d(sk, t0 if t0 > 0 else -TAIL, t1)
        svg.stroke(d, ACCENT, pose.torso_w, pose.accent_opacity)


def draw_head(svg: Svg, sk: Skeleton, pose: Pose) -> None:
    colour = ACCENT if "head" in pose.accent else BODY
    svg.polyline([sk.shoulder, sk.head], colour, NECK_W)
    svg.circle(sk.head, HEAD_R, colour)


def draw_limb(svg: Svg, sk: Skeleton, pose: Pose, part: Part) -> None:
    accented = part in pose.accent
    opacity = 1.0
    if part.startswith("far_") and part not in pose.solid:
        opacity = FAR_ACCENT_OPACITY if accented else FAR_OPACITY
    svg.polyline(sk.limbs[part], ACCENT if accented else BODY, LIMB_W, opacity)


def draw_strap(svg: Svg, sk: Skeleton) -> None:
    """A towel looped over the sole of the near foot, both ends in the hands."""
    _, _, ankle, toe = sk.limbs["near_leg"]
    sole = heading(ankle, toe) + 90  # sole side of a flexed foot, facing away from the shin
    hand = lerp(sk.limbs["near_arm"][2], sk.limbs["near_arm"][3], 0.5)
    over_toe = polar(lerp(ankle, toe, 1.1), sole - 180, LIMB_W / 2 + STRAP_W / 2)
    over_heel = polar(ankle, sole - 180, LIMB_W / 2 + STRAP_W / 2)
    svg.polyline([hand, over_toe, over_heel, hand], PROP, STRAP_W)


def render_pose(pose: Pose) -> str:
    sk = build_skeleton(pose)
    svg = Svg(CANVAS, pose.name)

    if pose.setting == "mat":
        draw_mat(svg)
    else:
        lowest = max(sk.limbs["near_leg"][2][1], sk.limbs["far_leg"][2][1])
        floor_y = lowest + LIMB_W / 2 + FLOOR_W / 2
        draw_floor(svg, floor_y)
        if pose.setting == "chair":
            draw_chair(svg, pose.hip, floor_y)

    for arrow in pose.arrows:
        if not arrow.on_top:
            draw_arrow(svg, arrow)

    if pose.ghost_neck is not None:
        ghost = polar(sk.shoulder, pose.ghost_neck, NECK)
        svg.add("circle", cx=ghost[0], cy=ghost[1], r=HEAD_R - 1.5, fill="none", stroke=ACCENT,
                stroke_width=3.0, stroke_opacity=opacity_attr(GHOST_OPACITY),
                stroke_dasharray="5 4")

    for part in pose.order:
        if part == "torso":
            draw_torso(svg, sk, pose)
        elif part == "head":
            draw_head(svg, sk, pose)
        else:
            draw_limb(svg, sk, pose, part)
    if pose.strap:
        draw_strap(svg, sk)

    for arrow in pose.arrows:
        if arrow.on_top:
            draw_arrow(svg, arrow)
    return svg.render()


# ==========================================================================
# The poses
# ==========================================================================
def parts(*names: Part) -> frozenset[Part]:
    return frozenset(names)


# Shared bits of the poses.
ALL_FOURS_Y = LIMB_Y - THIGH  # hip height with the knee under the hip
ALL_FOURS_TORSO = math.degrees(math.asin((UPPER_ARM + FOREARM - THIGH) / TORSO))
KNEE_ON_MAT = Bend(-90, 180, 180)


def hand_under_shoulder(hip_x: float) -> Reach:
    """A straight arm on all fours: the hand flat on the mat under the shoulder."""
    shoulder = polar((hip_x, ALL_FOURS_Y), ALL_FOURS_TORSO, TORSO)
    return Reach((shoulder[0], LIMB_Y), end=0)


def supine_knees_bent(hip_x: float) -> Reach:
    """A bent leg of a person on their back: foot flat on the mat."""
    return Reach((hip_x + 66, LIMB_Y), end=0)


def supine_arm_by_side(hip_x: float) -> Reach:
    """A straight arm resting on the mat beside the body, palm down."""
    return Reach((hip_x - TORSO + UPPER_ARM + FOREARM, LIMB_Y), end=0)


SUPINE_HIP_X = 136.0
# Neck heading that rests the head on the mat when the back lies flat.
SUPINE_HEAD = 180 - math.degrees(math.asin((TORSO_Y - HEAD_Y) / NECK))

# One entry per illustration (lower-trunk-rotation is drawn separately, below).
# ``hip`` places the figure; ``torso``/``neck`` are headings; each limb is a
# Bend (joint headings) or a Reach (where the wrist/ankle lands).  Supine
# figures have the head on the left, prone/all-fours figures on the right.
POSES: tuple[Pose, ...] = (
    Pose(
        name="cat-cow-cow",
        hip=(120, ALL_FOURS_Y), torso=ALL_FOURS_TORSO, neck=55, bend=-12,
        near_arm=hand_under_shoulder(120), far_arm=hand_under_shoulder(120),
        near_leg=KNEE_ON_MAT, far_leg=KNEE_ON_MAT,
        accent=parts("torso"),
        arrows=(line_arrow((148, 146), (148, 172)),),
    ),
    Pose(
        name="cat-cow-cat",
        hip=(120, ALL_FOURS_Y), torso=ALL_FOURS_TORSO, neck=-108, bend=22,
        near_arm=hand_under_shoulder(120), far_arm=hand_under_shoulder(120),
        near_leg=KNEE_ON_MAT, far_leg=KNEE_ON_MAT,
        accent=parts("torso"),
        arrows=(line_arrow((148, 94), (148, 66)),),
    ),
    Pose(
        name="childs-pose",
        hip=(72, 164), torso=-14, neck=-1, bend=9,
        near_arm=Reach((214, LIMB_Y), end=0), far_arm=Reach((214, LIMB_Y), end=0),
        near_leg=Bend(-27, 180, 180), far_leg=Bend(-27, 180, 180),
        accent=parts("torso"),
        order=("far_arm", "far_leg", "near_arm", "near_leg", "torso", "head"),
    ),
    Pose(
        name="knee-to-chest",
        hip=(SUPINE_HIP_X, TORSO_Y), torso=174, neck=160,
        near_arm=Reach((106, 136), flip=True, end=-35),
        far_arm=Reach((106, 136), flip=True, end=-35),
        near_leg=Bend(136, 25, 105), far_leg=Reach((SUPINE_HIP_X + 72, LIMB_Y), end=0),
        accent=parts("near_leg"),
    ),
    Pose(
        name="pelvic-tilt",
        hip=(SUPINE_HIP_X, TORSO_Y), torso=180, neck=SUPINE_HEAD,
        near_arm=supine_arm_by_side(SUPINE_HIP_X), far_arm=supine_arm_by_side(SUPINE_HIP_X),
        near_leg=supine_knees_bent(SUPINE_HIP_X), far_leg=supine_knees_bent(SUPINE_HIP_X),
        spine_accent=(0.0, 0.4),
        order=("far_arm", "far_leg", "near_arm", "head", "torso", "near_leg"),
        arrows=(arc_arrow((SUPINE_HIP_X, TORSO_Y), 32, 75, 150),),
    ),
    Pose(
        name="glute-bridge",
        hip=(140, 160.5), torso=200, neck=164,
        near_arm=Reach((136, LIMB_Y), flip=True, end=0),
        far_arm=Reach((136, LIMB_Y), flip=True, end=0),
        near_leg=Reach((192, LIMB_Y), end=0), far_leg=Reach((192, LIMB_Y), end=0),
        spine_accent=(0.0, 0.45),
        arrows=(line_arrow((128, 130), (128, 100)),),
    ),
    Pose(
        name="bird-dog",
        hip=(113, ALL_FOURS_Y), torso=ALL_FOURS_TORSO, neck=5,
        near_arm=hand_under_shoulder(113), far_arm=Bend(24, 24),
        near_leg=Bend(172, 172, 265), far_leg=KNEE_ON_MAT,
        accent=parts("far_arm", "near_leg"),
    ),
    Pose(
        name="dead-bug",
        hip=(146, TORSO_Y), torso=180, neck=SUPINE_HEAD, bend=-2,
        near_arm=Bend(88, 90), far_arm=Bend(152, 152),
        near_leg=Bend(18, 18, 95), far_leg=Bend(90, 0, 85),
        accent=parts("far_arm", "near_leg"),
    ),
    Pose(
        name="curl-up",
        hip=(130, TORSO_Y), torso=164, neck=152, bend=3,
        near_arm=Reach((106, LIMB_Y + 2), flip=True), far_arm=Reach((106, LIMB_Y + 2), flip=True),
        near_leg=supine_knees_bent(130), far_leg=Bend(-3, -3, 85),
        spine_accent=(0.45, 1.0),
        order=("far_arm", "far_leg", "near_arm", "head", "torso", "near_leg"),
        arrows=(arc_arrow((130, TORSO_Y), 64, 145, 112),),
    ),
    Pose(
        name="piriformis",
        hip=(160, TORSO_Y), torso=180, neck=165,
        near_arm=Reach((136, 140)), far_arm=Reach((136, 140)),
        near_leg=Reach((147, 144), flip=True, end=165), far_leg=Bend(118, 15, 85),
        accent=parts("near_leg"),
        order=("far_arm", "far_leg", "head", "torso", "near_arm", "near_leg"),
    ),
    Pose(
        name="breathe-in",
        hip=(SUPINE_HIP_X, TORSO_Y), torso=180, neck=SUPINE_HEAD, belly=14,
        near_arm=Reach((96, 146), flip=True, end=0), far_arm=supine_arm_by_side(SUPINE_HIP_X),
        near_leg=supine_knees_bent(SUPINE_HIP_X), far_leg=supine_knees_bent(SUPINE_HIP_X),
        accent=parts("torso"),
        arrows=(line_arrow((120, 132), (120, 96)),),
    ),
    Pose(
        name="breathe-out",
        hip=(SUPINE_HIP_X, TORSO_Y), torso=180, neck=SUPINE_HEAD,
        near_arm=Reach((96, 160), flip=True, end=0), far_arm=supine_arm_by_side(SUPINE_HIP_X),
        near_leg=supine_knees_bent(SUPINE_HIP_X), far_leg=supine_knees_bent(SUPINE_HIP_X),
        accent=parts("torso"),
        arrows=(line_arrow((120, 114), (120, 150)),),
    ),
    Pose(
        name="seated-twist", setting="chair",
        hip=(104, 152), torso=90, neck=90, torso_w=TORSO_W * 1.3,
        near_arm=Reach((76, 118), flip=False, end=250),
        far_arm=Reach((148, 146), flip=True, end=-30),
        near_leg=Bend(0, -86, 0), far_leg=Bend(0, -86, 0),
        accent=parts("torso"),
        solid=parts("far_arm"),
        order=("near_arm", "far_leg", "head", "torso", "near_leg", "far_arm"),
        arrows=(arc_arrow((104, 110), 46, 196, 344, ry=13, on_top=True),),
    ),
    Pose(
        name="shoulder-rolls", setting="chair",
        hip=(104, 152), torso=90, neck=90,
        near_arm=Reach((134, 141), flip=True, end=-10),
        far_arm=Reach((134, 141), flip=True, end=-10),
        near_leg=Bend(0, -86, 0), far_leg=Bend(0, -86, 0),
        spine_accent=(0.72, 1.0),
        arrows=(arc_arrow((102, 92), 28, -30, 250, on_top=True),),
    ),
    Pose(
        name="standing-back-extension", setting="floor",
        hip=(130, 134), torso=110, neck=128, bend=-8,
        near_arm=Reach((106, 124), flip=True, end=265),
        far_arm=Reach((106, 124), flip=True, end=265),
        near_leg=Bend(262, 266, 0), far_leg=Bend(266, 270, 0),
        spine_accent=(0.0, 0.45),
        arrows=(arc_arrow((130, 134), 84, 106, 134),),
    ),
    Pose(
        name="chin-tuck", setting="chair",
        hip=(104, 152), torso=90, neck=100, ghost_neck=72,
        near_arm=Reach((134, 141), flip=True, end=-10),
        far_arm=Reach((134, 141), flip=True, end=-10),
        near_leg=Bend(0, -86, 0), far_leg=Bend(0, -86, 0),
        accent=parts("head"),
        arrows=(line_arrow((160, 72), (130, 72)),),
    ),
    Pose(
        name="hamstring-stretch",
        hip=(132, TORSO_Y), torso=180, neck=SUPINE_HEAD,
        near_arm=Bend(58, 62), far_arm=Bend(58, 62),
        near_leg=Bend(82, 82, 172), far_leg=Bend(-3, -3, 85),
        accent=parts("near_leg"),
        strap=True,
    ),
    Pose(
        name="prone-press-up",
        hip=(154, TORSO_Y), torso=66, neck=75, bend=-14,
        near_arm=Reach((196, LIMB_Y), end=0), far_arm=Reach((196, LIMB_Y), end=0),
        near_leg=Bend(183, 180, 185), far_leg=Bend(183, 180, 185),
        accent=parts("torso"),
    ),
    Pose(
        name="prone-lying",
        hip=(131, TORSO_Y), torso=0, neck=26,
        near_arm=Bend(-8, 172, 175), far_arm=Bend(-8, 172, 175),
        near_leg=Bend(183, 180, 185), far_leg=Bend(183, 180, 185),
        spine_accent=(0.0, 1.0), accent_opacity=0.6,
    ),
)


# --------------------------------------------------------------------------
# Lower trunk rotation: a side view cannot show knees rolling sideways, so
# this one is seen from above (same proportions and colours), head on the
# left like the other poses on the back, knees dropped towards the viewer's
# bottom edge.
# --------------------------------------------------------------------------
def render_lower_trunk_rotation() -> str:
    svg = Svg(CANVAS, "lower-trunk-rotation")
    mid = 116.0
    hip_x, shoulder_x = 134.0, 76.0
    chest_w = TORSO_W * 1.4
    svg.rect(MAT_X[0], 24, MAT_X[1] - MAT_X[0], 184, 16, PROP, 0.3)
    draw_arrow(svg, Arrow(arc_points((hip_x, mid), 100, 6, -40)))
    # Knees bent together and dropped to one side; the lower leg is faded.
    legs = (
        (9.0, Bend(-62, -4, 10), FAR_ACCENT_OPACITY),
        (-9.0, Bend(-56, 2, 15), 1.0),
    )
    for offset, spec, opacity in legs:
        chain = limb_chain((hip_x, mid + offset), spec, THIGH, SHIN, FOOT)
        svg.polyline(chain, ACCENT, LIMB_W, opacity)
    # Arms straight out to the sides, shoulders flat on the mat.
    for side in (-1.0, 1.0):
        shoulder = (shoulder_x + 6, mid + side * 12)
        chain = limb_chain(shoulder, Bend(-side * 93, -side * 96), UPPER_ARM, FOREARM, HAND)
        svg.polyline(chain, BODY, LIMB_W)
    head = (shoulder_x - NECK, mid)
    svg.polyline([(shoulder_x, mid), head], BODY, NECK_W)
    svg.circle(head, HEAD_R, BODY)
    svg.polyline([(hip_x, mid), (shoulder_x, mid)], BODY, chest_w)
    svg.polyline([(hip_x, mid), (hip_x - 16, mid)], ACCENT, chest_w)
    return svg.render()


# ==========================================================================
# Icons (24 x 24 line icons, one colour)
# ==========================================================================
def gear_path(cx: float, cy: float, teeth: int, r_out: float, r_in: float) -> str:
    pts: list[Point] = []
    step = 360 / teeth
    for i in range(teeth):
        a = i * step
        for da, r in ((-0.36, r_in), (-0.2, r_out), (0.2, r_out), (0.36, r_in)):
            pts.append(polar((cx, cy), a + da * step, r))
    return path_d(pts, closed=True)


ICONS: dict[str, tuple[str, ...]] = {
    "play": ("M8 5v14l11-7z",),
    "pause": ("M8 5v14", "M16 5v14"),
    "skip-next": ("M6 5l10 7-10 7z", "M19 5v14"),
    "skip-back": ("M18 5L8 12l10 7z", "M5 5v14"),
    "stop": ("M7 5h10a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z",),
    "volume": ("M4 9h4l5-4v14l-5-4H4z", "M16.5 9a4.5 4.5 0 0 1 0 6", "M19.5 6a9 9 0 0 1 0 12"),
    "volume-off": ("M4 9h4l5-4v14l-5-4H4z", "M16.5 9.5l5 5", "M21.5 9.5l-5 5"),
    "fullscreen": ("M4 9V4h5", "M15 4h5v5", "M20 15v5h-5", "M9 20H4v-5"),
    "fullscreen-exit": ("M9 4v5H4", "M15 4v5h5", "M20 15h-5v5", "M4 15h5v5"),
    "hurt": ("M13 2L5 13.5h6L10 22l8-11.5h-6z",),
    "library": ("M4 4h4v16H4z", "M10 4h4v16h-4z", "M15.5 5.5l3.8-1.1 3.4 14.8-3.9 1z"),
    "history": ("M3.5 12a8.5 8.5 0 1 0 2.5-6", "M3 3v5h5", "M12 7.5V12l3 2"),
    "diary": ("M6 3h12a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z",
              "M9 3v18", "M12.5 8h3.5", "M12.5 12h3.5"),
    "timers": ("M12 21a8 8 0 1 0 0-16 8 8 0 0 0 0 16z", "M12 9v4l2.5 2", "M10 2h4",
               "M19 6l1.5-1.5"),
    "settings": (gear_path(12, 12, 8, 10, 7.6), "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z"),
    "heat": ("M7 16c-2-2.5 2-3.5 0-6s2-3.5 0-6", "M12 16c-2-2.5 2-3.5 0-6s2-3.5 0-6",
             "M17 16c-2-2.5 2-3.5 0-6s2-3.5 0-6", "M4 20h16"),
    "break": ("M4 10h12v4a5 5 0 0 1-5 5H9a5 5 0 0 1-5-5z", "M16 11h1.5a2.5 2.5 0 0 1 0 5H15.5",
              "M8 2.5c-1 1.2 1 2.3 0 3.5", "M12 2.5c-1 1.2 1 2.3 0 3.5", "M3 22h14"),
    "search": ("M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z", "M16 16l5 5"),
    # A person seen from behind with the spine dotted down the back.
    "tray": ("M12 7a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z",
             "M4.5 21.5v-8A4.5 4.5 0 0 1 9 9h6a4.5 4.5 0 0 1 4.5 4.5v8",
             "M12 12.5v1.5", "M12 16.5v1.5", "M12 20.5v1"),
    "info": ("M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 11v6", "M12 7.5h.01"),
    "warning": ("M10.3 4L2.5 18a2 2 0 0 0 1.7 3h15.6a2 2 0 0 0 1.7-3L13.7 4a2 2 0 0 0-3.4 0z",
                "M12 9.5v4", "M12 17.2h.01"),
    "check": ("M4.5 12.5l5 5L20 7",),
    "edit": ("M4 20h4L19 9l-4-4L4 16z", "M13 7l4 4"),
    "plus": ("M12 5v14", "M5 12h14"),
    "minus": ("M5 12h14",),
    "trash": ("M4 7h16", "M9 7V4h6v3", "M6 7l1 13h10l1-13", "M10 11v5.5", "M14 11v5.5"),
    "import": ("M12 3v11", "M7.5 9.5L12 14l4.5-4.5", "M4 15v4a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-4"),
    "export": ("M12 14V3", "M7.5 7.5L12 3l4.5 4.5", "M4 15v4a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-4"),
}


def render_icon(name: str, paths: Sequence[str]) -> str:
    svg = Svg(24, name)
    for d in paths:
        svg.add("path", d=d, fill="none", stroke=ICON_INK, stroke_width=2.0,
                stroke_linecap="round", stroke_linejoin="round")
    return svg.render()


def render_app_icon() -> str:
    """Teal rounded square with a white stylised spine: four vertebrae on a
    gentle S-curve, growing towards the bottom, above a sacrum."""
    svg = Svg(CANVAS, "BackCare")
    svg.rect(8, 8, 240, 240, 56, ACCENT)
    thickness = 32.0
    vertebrae = ((120, 54, 64, -8), (136, 98, 74, 2), (134, 142, 82, 10), (118, 186, 88, 4))
    for x, y, width, tilt in vertebrae:
        half = (width - thickness) / 2
        ends = [polar((x, y), -tilt, half), polar((x, y), 180 - tilt, half)]
        svg.polyline(ends, WHITE, thickness)
    svg.add("path", d="M90 216H146L118 236Z", fill=WHITE, stroke=WHITE, stroke_width=8.0,
            stroke_linejoin="round")
    return svg.render()


# ==========================================================================
# Output
# ==========================================================================
def illustration_renderers() -> dict[str, Callable[[], str]]:
    renderers: dict[str, Callable[[], str]] = {}
    for pose in POSES:
        renderers[pose.name] = functools.partial(render_pose, pose)
    renderers["lower-trunk-rotation"] = render_lower_trunk_rotation
    return renderers


ILLUSTRATION_ORDER = (
    "cat-cow-cow", "cat-cow-cat", "childs-pose", "knee-to-chest", "lower-trunk-rotation",
    "pelvic-tilt", "glute-bridge", "bird-dog", "dead-bug", "curl-up",
    "piriformis", "breathe-in", "breathe-out", "seated-twist", "shoulder-rolls",
    "standing-back-extension", "chin-tuck", "hamstring-stretch", "prone-press-up", "prone-lying",
)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_svgs() -> tuple[list[Path], list[Path]]:
    renderers = illustration_renderers()
    images = []
    for name in ILLUSTRATION_ORDER:
        path = IMAGES_DIR / f"{name}.svg"
        write(path, renderers[name]())
        images.append(path)
    icons = []
    for name, paths in ICONS.items():
        path = ICONS_DIR / f"{name}.svg"
        write(path, render_icon(name, paths))
        icons.append(path)
    app = ICONS_DIR / "backcare.svg"
    write(app, render_app_icon())
    icons.append(app)
    return images, icons


def render_contact_sheet(files: Sequence[Path], cell: int, out: Path, columns: int,
                         background: str = LIGHT_BG) -> None:
    """Render ``files`` at ``cell`` px in a grid with their names underneath."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])  # needed for fonts
    font = QFont("DejaVu Sans")
    font.setPixelSize(11)
    metrics = QFontMetrics(font)
    label_h = metrics.height() + 4
    col_w = max(cell, *(metrics.horizontalAdvance(f.name) for f in files)) + 16
    row_h = cell + label_h + 16
    rows = math.ceil(len(files) / columns)
    image = QImage(columns * col_w + 16, rows * row_h + 16, QImage.Format.Format_ARGB32)
    image.fill(QColor(background))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setFont(font)
    ink = QColor(ICON_INK if background == LIGHT_BG else LIGHT_BG)
    for i, file in enumerate(files):
        x = 8 + (i % columns) * col_w
        y = 8 + (i // columns) * row_h
        renderer = QSvgRenderer(str(file))
        if not renderer.isValid():
            raise RuntimeError(f"Qt cannot render {file}")
        renderer.render(painter, QRectF(x + (col_w - cell) / 2, y + 8, cell, cell))
        painter.setPen(ink)
        painter.drawText(QRectF(x, y + cell + 10, col_w, label_h),
                         int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), file.name)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):
        raise RuntimeError(f"could not write {out}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--svg-only", action="store_true",
                       help="write the SVGs, skip the contact sheets")
    group.add_argument("--contact-sheet", action="store_true",
                       help="only render the contact sheets from the existing SVGs")
    args = parser.parse_args(argv)

    if args.contact_sheet:
        images = [IMAGES_DIR / f"{n}.svg" for n in ILLUSTRATION_ORDER]
        icons = [ICONS_DIR / f"{n}.svg" for n in ICONS] + [ICONS_DIR / "backcare.svg"]
    else:
        images, icons = write_svgs()
        for path in images + icons:
            print(path.relative_to(ROOT))
    if not args.svg_only:
        render_contact_sheet(images, 128, DOCS_DIR / "illustrations.png", columns=5)
        render_contact_sheet(icons, 48, DOCS_DIR / "icons.png", columns=8)
        print(DOCS_DIR.relative_to(ROOT) / "illustrations.png")
        print(DOCS_DIR.relative_to(ROOT) / "icons.png")


if __name__ == "__main__":
    main()
