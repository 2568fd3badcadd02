"""Pain ratings and safety: the 0-10 scale, what counts as a meaningful change, and the red flags
that mean "see a doctor, don't exercise". Facts from ../shared/content/clinical-facts.md; the
words are ours. BackCare informs; it never diagnoses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

SCALE = range(11)
ANCHOR_LOW = "No pain"
ANCHOR_HIGH = "Worst pain imaginable"
REVIEW_AT = 8  # a rating this high brings the red-flag questions back before a session


def band(rating: int) -> str:
    """The Numeric Rating Scale's bands: none, mild 1-3, moderate 4-6, severe 7-10."""
    if rating not in SCALE:
        raise ValueError(f"a pain rating is 0 to 10, not {rating}")
    if rating == 0:
        return "No pain"
    return "Mild" if rating <= 3 else "Moderate" if rating <= 6 else "Severe"


LOCATIONS: dict[str, str] = {
    "lower-back": "Lower back",
    "upper-back": "Upper back",
    "neck": "Neck",
    "buttock-hip": "Buttock or hip",
    "left-leg": "Left leg",
    "right-leg": "Right leg",
}

FEELINGS: dict[str, str] = {"easier": "Easier", "same": "About the same", "harder": "Harder"}


class Change(StrEnum):
    RELIEF = "relief"  # meaningful relief
    RISE = "rise"  # pain rose by 2 or more: calm advice
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Feedback:
    change: Change
    title: str
    message: str


def change(before: int, after: int) -> Change:
    """A drop of >= 2 points, or of >= 30 % when the first rating was at least 1, is meaningful
    relief (Farrar 2001); a rise of >= 2 points after a session is a warning."""
    drop = before - after
    if drop >= 2 or (before >= 1 and drop > 0 and drop / before >= 0.3):
        return Change.RELIEF
    if -drop >= 2:
        return Change.RISE
    return Change.NONE


def feedback(before: int, after: int, routine_title: str) -> Feedback:
    kind = change(before, after)
    if kind is Change.RELIEF:
        return Feedback(kind, "Your pain eased",
                        f"From {before} to {after}: that is a real easing. Keep going at a "
                        "pace that feels right.")
    if kind is Change.RISE:
        return Feedback(kind, "Your pain went up",
                        f"From {before} to {after}. Rest from {routine_title} for today, and "
                        "next time try a gentler routine, such as Spasm relief. If your pain "
                        "rises after sessions again, talk to a doctor or physiotherapist.")
    return Feedback(kind, "Thank you",
                    f"From {before} to {after}. Gentle, regular movement usually helps over "
                    "days and weeks, not all at once.")


NUDGE_DAYS = 14
NUDGE_MIN_SESSIONS = 3
NUDGE_KEY = "gp-nudge"
NUDGE_TEXT = ("Two weeks of your records show no clear easing of your pain. The NHS advises "
              "seeing a GP when back pain has not improved after a few weeks of self-care. "
              "Your history export can help that conversation.")


def needs_gp_nudge(ratings: Sequence[tuple[datetime, int, int]], now: datetime) -> bool:
    """(started_at, before, after) of rated sessions. True when they span two weeks up to now,
    there are enough of them, and none brought meaningful relief."""
    recent = [r for r in ratings if now - r[0] <= timedelta(days=NUDGE_DAYS)]
    if len(recent) < NUDGE_MIN_SESSIONS or not ratings:
        return False
    if now - min(r[0] for r in ratings) < timedelta(days=NUDGE_DAYS - 1):
        return False  # not two weeks of records yet
    return all(change(before, after) is not Change.RELIEF for _, before, after in recent)


class Urgency(StrEnum):
    EMERGENCY = "emergency"  # get help now
    URGENT = "urgent"  # see a doctor today, do not exercise


@dataclass(frozen=True, slots=True)
class RedFlag:
    id: str
    question: str
    urgency: Urgency


# One yes/no question per sign: never a single "I'm fine" box.
RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("saddle-numbness", "Numbness or pins and needles between your legs, around your "
            "genitals, buttocks or back passage?", Urgency.EMERGENCY),
    RedFlag("bladder", "New trouble starting, stopping or feeling when you pass urine, or "
            "leaking urine?", Urgency.EMERGENCY),
    RedFlag("bowel", "Loss of control of your bowels, or not feeling when you need to go?",
            Urgency.EMERGENCY),
    RedFlag("sexual", "New problems with sexual function, such as numbness?",
            Urgency.EMERGENCY),
    RedFlag("leg-weakness", "Weakness, numbness or tingling in one or both legs?",
            Urgency.URGENT),
    RedFlag("below-knee", "Pain that spreads down your leg below the knee?", Urgency.URGENT),
    RedFlag("fever", "A temperature of 38 °C or more, or feeling hot and shivery?",
            Urgency.URGENT),
    RedFlag("weight-loss", "Weight loss you cannot explain?", Urgency.URGENT),
    RedFlag("swelling", "Swelling or a change in the shape of your back?", Urgency.URGENT),
    RedFlag("night-pain", "Pain that is worse at night, or constant even when you lie down?",
            Urgency.URGENT),
    RedFlag("injury", "Did the pain start after a serious accident, a fall or a blow to your "
            "back?", Urgency.URGENT),
    RedFlag("chest-pain", "Chest pain?", Urgency.URGENT),
    RedFlag("cancer", "Have you ever had cancer?", Urgency.URGENT),
    RedFlag("severe-persistent", "Severe pain that has not eased with rest or with pain relief "
            "from a pharmacy?", Urgency.URGENT),
)
RED_FLAG_IDS = tuple(flag.id for flag in RED_FLAGS)

EMERGENCY_ADVICE = ("Get medical help now: call 999 or go to A&E (outside the UK, call your "
                    "local emergency number). These signs can mean pressure on the nerves at "
                    "the base of the spine, which needs treating straight away. Do not "
                    "exercise.")
URGENT_ADVICE = ("Please speak to a doctor before you exercise: contact your GP today, or call "
                 "NHS 111 (or your local urgent care line) if you cannot reach them.")
ALL_CLEAR = ("Thank you. None of these signs apply, so gentle exercise is fine. Stop any "
             "exercise that makes your pain worse or brings new pain, and come back to these "
             "questions whenever something changes.")
INTRO = ("Before you exercise, please answer each question. Answer yes if it is new or "
         "getting worse. BackCare does not diagnose; these are the signs the NHS says need a "
         "doctor rather than exercise.")


@dataclass(frozen=True, slots=True)
class Screening:
    answers: Mapping[str, bool]

    @property
    def complete(self) -> bool:
        return all(flag_id in self.answers for flag_id in RED_FLAG_IDS)

    @property
    def urgency(self) -> Urgency | None:
        """The most urgent sign answered yes, or None when none apply."""
        yes = [flag.urgency for flag in RED_FLAGS if self.answers.get(flag.id)]
        if Urgency.EMERGENCY in yes:
            return Urgency.EMERGENCY
        return Urgency.URGENT if yes else None

    @property
    def advice(self) -> str:
        return {Urgency.EMERGENCY: EMERGENCY_ADVICE, Urgency.URGENT: URGENT_ADVICE,
                None: ALL_CLEAR}[self.urgency]


def screening_needed(completed_before: bool, pain_before: int | None) -> bool:
    """The red-flag questions come first in a new data folder, and again whenever the rating
    before a session is 8 or more."""
    return not completed_before or (pain_before is not None and pain_before >= REVIEW_AT)
