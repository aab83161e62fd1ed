"""Draft a short, polite message asking an employer for feedback, the way recruiters advise.

Employers often can't or won't explain a decision, and "why wasn't I
selected?" puts them on the spot (time, legal risk), so it tends to get a
stock reply. What does get answered is a small, forward-looking request: one
or two pointers to improve next time. The wording also depends on where the
candidate got to:

* rejected after the CV or phone screen: thank them and ask whether there was
  a skill or experience gap for this role they would point to (it was fit);
* rejected after a second or final round: ask for one or two pointers on
  interview technique (that is where feedback is most useful);
* still waiting: a polite follow-up on the timeline, no feedback request yet;
* an offer: ask what stood out and what to develop in the first months;
* withdrew: thank them, keep the door open, and make any pointers optional.

Several variants of each are written here by hand; one is chosen
deterministically from the inputs so the same interview always gets the same
draft. `personalise` lets an LLM backend reword a draft under the same trust
rules as feedback: it may not add names, companies, numbers or claims that are
not in the inputs, and never the phrasings in `FORBIDDEN_PHRASES`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coach.engine.abilities import HasModel, TextRewriter

if TYPE_CHECKING:
    from coach.domain.models import Session

#: Phrasings a feedback request must never use: they ask the employer to justify
#: the decision instead of helping the candidate improve.
FORBIDDEN_PHRASES: tuple[str, ...] = (
    "why wasn't i selected",
    "why was i not selected",
    "why i wasn't selected",
    "why i was not selected",
    "why wasn't i chosen",
    "why was i not chosen",
    "why was i rejected",
    "why i was rejected",
    "why did you reject",
    "why you rejected",
    "why didn't i get",
    "why did i not get",
    "why i didn't get",
    "what did i do wrong",
    "what i did wrong",
    "where did i go wrong",
    "where i went wrong",
    "reason for rejecting",
    "reason for my rejection",
    "reason for the rejection",
    "reasons for rejection",
    "why not me",
    "what went wrong",
)

#: A draft stays short: recruiters read these between other things.
MAX_WORDS = 130

_STAGE_THANKS: dict[str, str] = {
    "cv": "considering my application",
    "phone": "taking the time to speak with me",
    "second": "the second-round interview",
    "final": "the final interview",
}


@dataclass(frozen=True)
class RequestInputs:
    """What a draft may mention. Nothing else goes in, so nothing is invented."""

    stage: str
    outcome: str
    company: str = ""
    role: str = ""
    interviewer: str = ""
    sender: str = ""


@dataclass(frozen=True)
class OutreachDraft:
    """A subject line and a body, plus which template made them."""

    subject: str
    body: str
    inputs: RequestInputs
    variant: str

    @property
    def text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}"


@dataclass(frozen=True)
class _Parts:
    greeting: str
    position: str
    org: str
    people: str
    thanks: str
    signoff: str
    role_label: str


def _parts(inputs: RequestInputs) -> _Parts:
    company = inputs.company.strip()
    role = inputs.role.strip()
    name = inputs.interviewer.strip()
    if role and company:
        position = f"the {role} role at {company}"
    elif role:
        position = f"the {role} role"
    elif company:
        position = f"the role at {company}"
    else:
        position = "the role"
    sender = inputs.sender.strip() or "[your name]"
    return _Parts(
        greeting=f"Hi {name}," if name else "Hello,",
        position=position,
        org=company or "your team",
        people="you" if name else "the team",
        thanks=_STAGE_THANKS.get(inputs.stage, "your time"),
        signoff=sender,
        role_label=role or (f"{company} application" if company else "my application"),
    )


# Each template is (subject, body). Placeholders: {greeting} {position} {org}
# {people} {thanks} {signoff} {role_label}.
_EARLY_REJECTED: tuple[tuple[str, str], ...] = (
    (
        "Thank you: {role_label}",
        "{greeting}\n\n"
        "Thank you for {thanks} for {position}, and for letting me know the outcome.\n\n"
        "I'd like to keep improving my applications. If you have a moment, was there a "
        "skill or area of experience for this role that you'd suggest I strengthen? One or "
        "two pointers would be really helpful.\n\n"
        "Thank you for your time either way.\n\n"
        "Best wishes,\n{signoff}",
    ),
    (
        "Thank you: {role_label}",
        "{greeting}\n\n"
        "Thanks for letting me know about {position}, and for {thanks}.\n\n"
        "I know you can't always share detail, but if there was one skill or piece of "
        "experience that would have made me a stronger fit for this role, I'd be grateful "
        "to hear it. It would help me focus my next applications.\n\n"
        "Thank you again, and good luck with the search.\n\n"
        "Kind regards,\n{signoff}",
    ),
    (
        "Thank you: {role_label}",
        "{greeting}\n\n"
        "Thank you for {thanks} for {position}. I appreciated being considered.\n\n"
        "So I can aim my preparation well, would you be willing to point to one or two "
        "skills or experiences this role called for that my background showed less of? "
        "Even a line would help.\n\n"
        "With thanks,\n{signoff}",
    ),
)

_LATE_REJECTED: tuple[tuple[str, str], ...] = (
    (
        "Thank you for the interview: {role_label}",
        "{greeting}\n\n"
        "Thank you for {thanks} for {position}, and for letting me know. I enjoyed meeting "
        "{people} and learning more about {org}.\n\n"
        "I'm working on my interview technique. If you could share one or two pointers on "
        "what I could do better in an interview like this next time, I'd be very grateful.\n\n"
        "Best wishes,\n{signoff}",
    ),
    (
        "Thank you for the interview: {role_label}",
        "{greeting}\n\n"
        "Thanks for letting me know about {position}. I appreciated the time {people} gave "
        "me in {thanks}.\n\n"
        "Would you be able to share one or two things I could improve in how I interview, "
        "for example the depth of my examples or how I structured my answers? A short note "
        "would help me a lot.\n\n"
        "Thank you again,\n{signoff}",
    ),
    (
        "Thank you for the interview: {role_label}",
        "{greeting}\n\n"
        "Thank you for {thanks} and for the update on {position}. I enjoyed the "
        "conversations.\n\n"
        "To prepare better for future interviews, I'd welcome one or two pointers on my "
        "interview technique: something I could do differently next time.\n\n"
        "Kind regards,\n{signoff}",
    ),
)

_WAITING: tuple[tuple[str, str], ...] = (
    (
        "Following up: {role_label}",
        "{greeting}\n\n"
        "I hope you're well. Thank you again for {thanks} for {position}.\n\n"
        "I'm still very interested in the role and wondered whether there is an update on "
        "the timeline for next steps. If anything else would help from my side, I'm happy "
        "to send it.\n\n"
        "Best wishes,\n{signoff}",
    ),
    (
        "Checking in: {role_label}",
        "{greeting}\n\n"
        "Thank you for {thanks} for {position}. I enjoyed learning more about {org}.\n\n"
        "I wanted to check in on the timeline for a decision, so I can plan accordingly. "
        "I remain keen on the role.\n\n"
        "Kind regards,\n{signoff}",
    ),
    (
        "Following up: {role_label}",
        "{greeting}\n\n"
        "I hope your week is going well. I'm following up on {position} after {thanks}.\n\n"
        "Could you let me know when you expect to be in touch about next steps? I'm still "
        "very interested.\n\n"
        "Thank you,\n{signoff}",
    ),
)

_OFFER: tuple[tuple[str, str], ...] = (
    (
        "Thank you for the offer: {role_label}",
        "{greeting}\n\n"
        "Thank you very much for the offer for {position}.\n\n"
        "It would help me start well to hear what stood out to you in my interviews, and "
        "one or two things you'd suggest I focus on developing in my first months.\n\n"
        "Best wishes,\n{signoff}",
    ),
    (
        "Thank you for the offer: {role_label}",
        "{greeting}\n\n"
        "Thank you for the offer for {position}, and for the time {people} spent with me "
        "through the process.\n\n"
        "If you have a moment, I'd value your view on what stood out in my interviews and "
        "what you'd most like to see me grow in during my first few months.\n\n"
        "Kind regards,\n{signoff}",
    ),
    (
        "Thank you for the offer: {role_label}",
        "{greeting}\n\n"
        "I was delighted to receive the offer for {position}. Thank you.\n\n"
        "As I get ready, could you share one or two things that stood out in my interviews, "
        "and one area worth developing early on?\n\n"
        "With thanks,\n{signoff}",
    ),
)

_WITHDREW: tuple[tuple[str, str], ...] = (
    (
        "Thank you: {role_label}",
        "{greeting}\n\n"
        "Thank you for {thanks} for {position}, and for understanding my decision to "
        "withdraw from the process.\n\n"
        "I'd be glad to stay in touch. If you have one or two pointers from our "
        "conversations that I could work on, I'd welcome them, but please don't feel "
        "obliged.\n\n"
        "Best wishes,\n{signoff}",
    ),
    (
        "Thank you: {role_label}",
        "{greeting}\n\n"
        "Thank you for the time {people} gave me while I was being considered for "
        "{position}. I appreciated it, even though I've withdrawn.\n\n"
        "If there is one thing you'd suggest I strengthen for roles like this in future, "
        "I'd be grateful to hear it.\n\n"
        "Kind regards,\n{signoff}",
    ),
)


def _templates(stage: str, outcome: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    if outcome == "rejected":
        if stage in ("cv", "phone"):
            return "early-rejected", _EARLY_REJECTED
        return "late-rejected", _LATE_REJECTED
    if outcome == "offer":
        return "offer", _OFFER
    if outcome == "withdrew":
        return "withdrew", _WITHDREW
    return "waiting", _WAITING


def _pick(inputs: RequestInputs, n: int) -> int:
    key = "|".join(
        s.strip().lower()
        for s in (inputs.company, inputs.role, inputs.interviewer, inputs.stage, inputs.outcome)
    )
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big") % n


def draft_request(
    *,
    stage: str,
    outcome: str,
    company: str = "",
    role: str = "",
    interviewer: str = "",
    sender: str = "",
) -> OutreachDraft:
    """The draft for this stage and outcome; the same inputs always give the same draft."""
    inputs = RequestInputs(stage, outcome, company, role, interviewer, sender)
    group, templates = _templates(stage, outcome)
    index = _pick(inputs, len(templates))
    subject, body = templates[index]
    parts = _parts(inputs).__dict__
    return OutreachDraft(
        subject=subject.format(**parts),
        body=body.format(**parts),
        inputs=inputs,
        variant=f"{group}-{index + 1}",
    )


def draft_for_session(
    session: Session, *, interviewer: str = "", sender: str = ""
) -> OutreachDraft:
    """The draft for a recorded real interview (a practice session counts as waiting)."""
    real = session.real
    return draft_request(
        stage=real.stage if real else session.round,
        outcome=real.outcome if real else "waiting",
        company=real.company if real else "",
        role=session.role,
        interviewer=interviewer,
        sender=sender,
    )


def forbidden_in(text: str) -> list[str]:
    """Which forbidden phrasings ``text`` contains (apostrophes normalised)."""
    lower = " ".join(text.lower().replace("’", "'").split())
    return [p for p in FORBIDDEN_PHRASES if p in lower]


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text))


# ------------------------------------------------------------ personalise


@dataclass(frozen=True)
class Personalised:
    """The message to show, and honest provenance for it."""

    text: str
    personalised: bool
    source: str
    notice: str | None = None


_CAP_RE = re.compile(r"(?<![\w'’])[A-Z][\w'’&-]*")
_NUM_RE = re.compile(r"\d[\d,.:/]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
#: Capitalised words any message may use that name nobody and claim nothing.
_COMMON_CAPS = frozenset(
    {"I", "I'm", "I'd", "I've", "I'll", "Hi", "Hello", "Dear", "Subject", "Thank", "Thanks",
     "Best", "Kind", "Regards", "With", "Many", "Monday", "Tuesday", "Wednesday", "Thursday",
     "Friday", "CV"}
)

#: Ordinary words a reworded sentence may start with. A sentence-initial
#: capitalised word outside this list and outside the inputs is treated as a
#: possible name: a false alarm only costs the rewrite, never the draft.
_STARTERS = frozenset(
    """
    a an the i it its if as so to of in on at by or and but for from with without while when
    although though since because after before again also any all both each even ever every
    just many more most much my our your their this that these those there here what which
    how who whom whose why where one two please could would should will can may might do does
    did is are was were be been being have has had hope hoping looking really thank thanks
    best kind kindly regards warm warmest sincerely yours dear hello hi following checking
    meeting speaking learning having getting given being whether whatever however meanwhile
    no yes not nothing something anything everything someone anyone let lets let's we i'm i'd
    i've i'll it's that's
    """.split()
)

def _allowed_text(draft: OutreachDraft, session: Session | None) -> str:
    pieces: list[str] = [draft.text]
    i = draft.inputs
    pieces += [i.company, i.role, i.interviewer, i.sender]
    if session is not None:
        pieces += [session.role, session.job or ""]
        pieces += [a.question for a in session.answers]
        pieces += [a.text for a in session.answers]
        if session.real:
            pieces += [session.real.company, session.real.employer_feedback]
    return "\n".join(p for p in pieces if p)


def trust_problems(text: str, draft: OutreachDraft, session: Session | None = None) -> list[str]:
    """Why a rewritten message cannot be trusted, or [] if it passes.

    Simple on purpose: a capitalised word mid-sentence or a number that is not
    in the inputs is treated as an invented name or claim; a forbidden
    phrasing, an empty text, one much longer than the draft, or one that is
    not shaped like the draft (a "Subject:" line, then the message) also fails.
    """
    problems: list[str] = []
    if not text.strip():
        return ["came back empty"]
    found = forbidden_in(text)
    if found:
        problems.append(f"asks “{found[0]}”")
    limit = max(MAX_WORDS, int(word_count(draft.text) * 1.5))
    if word_count(text) > limit:
        problems.append(f"runs to {word_count(text)} words (limit {limit})")
    allowed = _allowed_text(draft, session).lower()
    for m in _CAP_RE.finditer(text):
        word = m.group(0).rstrip("'’")
        if word in _COMMON_CAPS or word.lower() in allowed:
            continue
        if _SENTENCE_START.search(text[: m.start()]) and word.lower() in _STARTERS:
            continue  # an ordinary word starting a sentence
        problems.append(f"names “{word}”, which is not in what you entered")
        break
    for m in _NUM_RE.finditer(text):
        if m.group(0).rstrip(".,:") not in allowed:
            problems.append(f"adds the number “{m.group(0)}”")
            break
    # Shape last, so the notice names an invented fact first when there is one.
    subject, _, body = text.strip().partition("\n")
    if not subject.lower().startswith("subject:") or not subject[len("subject:"):].strip():
        problems.append("does not start with a “Subject:” line")
    elif not body.strip():
        problems.append("has a subject line but no message")
    return problems


_SYSTEM_PROMPT = (
    "You reword a short, polite email from a job candidate to a recruiter or hiring manager. "
    "Keep it warm, brief and specific, in plain English, under {limit} words, with a subject "
    "line first as 'Subject: ...'. Keep every fact as given and add none: no new names, "
    "companies, dates, numbers, projects or claims. Never ask why the candidate was not "
    "selected or what they did wrong; ask only for one or two pointers for next time, or "
    "(when they are still waiting) for the timeline. Reply with the email only."
)


def _prompt(draft: OutreachDraft, session: Session | None) -> str:
    i = draft.inputs
    lines = [
        f"Stage reached: {i.stage}",
        f"Outcome: {i.outcome}",
        f"Company: {i.company or '(not given)'}",
        f"Role: {i.role or '(not given)'}",
        f"Recipient's name: {i.interviewer or '(not given)'}",
    ]
    if session is not None and session.answers:
        lines.append("Questions the candidate was asked (for tone only; do not quote answers):")
        lines += [f"- {a.question}" for a in session.answers[:6]]
    lines += ["", "Draft to reword:", draft.text]
    return "\n".join(lines)


def _label(backend: Any) -> str:
    name = getattr(backend, "name", None) or type(backend).__name__
    model = backend.model if isinstance(backend, HasModel) else None
    return f"{name} / {model}" if isinstance(model, str) and model else str(name)


async def personalise(
    draft: OutreachDraft, session: Session | None, backend: Any
) -> Personalised:
    """Ask an LLM backend to reword ``draft``; fall back to the draft, saying why.

    The backend needs the `TextRewriter` ability; without it, or when the
    result fails `trust_problems`, the offline draft comes back with a notice.
    ``backend`` None means the offline rules: coach's own draft, no notice.
    """
    offline = Personalised(draft.text, personalised=False, source="coach's own templates")
    if backend is None:
        return offline
    label = _label(backend)
    if not isinstance(backend, TextRewriter):
        return Personalised(
            draft.text,
            personalised=False,
            source="coach's own templates",
            notice=f"The {label} backend can't reword messages yet, so this is coach's own draft.",
        )
    limit = max(MAX_WORDS, word_count(draft.text) + 20)
    try:
        text = await backend.complete_text(system=_SYSTEM_PROMPT.format(limit=limit), prompt=_prompt(draft, session))
    except Exception as exc:  # any backend failure: keep the offline draft and say so
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        return Personalised(
            draft.text,
            personalised=False,
            source="coach's own templates",
            notice=f"The {label} backend could not reword the draft ({reason}); this is coach's own.",
        )
    text = (text or "").strip()
    problems = trust_problems(text, draft, session)
    if problems:
        return Personalised(
            draft.text,
            personalised=False,
            source="coach's own templates",
            notice=f"The {label} rewrite was set aside because it {problems[0]}; this is coach's own draft.",
        )
    return Personalised(text, personalised=True, source=label)

