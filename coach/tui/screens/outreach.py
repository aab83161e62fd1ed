"""Ask for feedback: an editable draft to the recruiter, copied or saved to a file.

The draft comes from `coach.outreach` (fitted to the stage and the
outcome, never "why wasn't I selected?"). The candidate can add the
recipient's name and their own, edit freely, have an LLM backend reword it
(under the same trust rules as feedback), copy it to the clipboard with OSC 52
(which reaches their own machine over SSH) or save it to a private file.

Copying uses Textual's ``App.copy_to_clipboard``: it writes the OSC 52 escape
through the app's driver and keeps the text for in-app paste.

The names typed in fill the draft even after the body was edited: the
greeting and signature lines it put there are kept in sync (if the candidate
rewrote those lines too, the notice says to put the name in by hand). The
file is saved in the user's data folder unless another path is typed, and
the path is on screen before anything is written.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static, TextArea

from coach.domain.text import disarm
from coach.outreach import OutreachDraft, draft_for_session
from coach.services.provenance import is_offline
from coach.services.review import ReviewService
from coach.tui.screens import WorkerErrorsToApp
from coach.tui.widgets.plain import plain
from coach.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from coach.domain.models import Session
    from coach.tui.context import AppContext

_ADVICE: dict[str, str] = {
    "early-rejected": (
        "After a CV or phone screen the decision is usually about fit, so ask whether there "
        "was a skill or experience gap they would point to."
    ),
    "late-rejected": (
        "After a later round, feedback is most useful: ask for one or two pointers on your "
        "interview technique."
    ),
    "waiting": "Still waiting: a short, friendly follow-up on the timeline is enough for now.",
    "offer": "Congratulations. Ask what stood out and what to develop in your first months.",
    "withdrew": "Thank them, keep the door open, and make any pointers optional.",
}
_NEVER = (
    "Never ask “why wasn't I selected?”: it puts them on the spot and rarely gets an answer."
)


def default_file_name(session: Session) -> str:
    """``feedback-request-<company>.txt`` (letters, digits and dashes only)."""
    company = session.real.company if session.real else ""
    slug = re.sub(r"[^a-z0-9]+", "-", company.lower()).strip("-") or session.id
    return f"feedback-request-{slug}.txt"


def _ends(draft: OutreachDraft) -> tuple[str, str]:
    """The greeting (first) and signature (last) lines of a draft's body."""
    lines = [line.strip() for line in draft.body.strip().split("\n")]
    return lines[0], lines[-1]


class OutreachScreen(WorkerErrorsToApp, Screen[None]):
    """Draft, edit, copy or save a feedback request for one real interview."""

    CSS_PATH = "outreach.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save to file", id="feedback-request.save"),
        Binding("ctrl+o", "copy", "Copy", id="feedback-request.copy"),
        Binding("ctrl+r", "personalise", "Reword with LLM", id="feedback-request.personalise"),
        Binding("escape", "close", "Close", id="feedback-request.close"),
    ]

    def __init__(self, ctx: AppContext, session: Session, *, save_dir: Path | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.save_dir = save_dir
        self.draft: OutreachDraft = draft_for_session(session)
        # The draft quotes the company name and an LLM's reply: no control reaches the editor.
        self._shown = disarm(self.draft.text)
        #: The greeting and signature lines the draft put in the body (kept in sync with the names).
        self._greeting, self._signoff = (disarm(line) for line in _ends(self.draft))

    @property
    def can_reword(self) -> bool:
        """Only an LLM backend rewords; the offline rules have nothing to add to the draft."""
        return not is_offline(self.ctx.settings.backend)

    def compose(self) -> ComposeResult:
        group = self.draft.variant.rsplit("-", 1)[0]
        with Vertical(id="request"):
            yield Static("Ask for feedback", classes="title")
            yield Static(f"{_ADVICE.get(group, '')} {_NEVER}", classes="hint")
            with Horizontal(classes="fields"):
                yield Input(placeholder="Their name (optional)", id="recipient")
                yield Input(placeholder="Your name", id="sender")
            yield TextArea(self._shown, id="draft", tab_behavior="focus")
            yield Static("", id="notice")
            with Horizontal(classes="fields"):
                yield Static("Save to", id="save-label")
                yield Input(self._default_path(), placeholder="a file path (needed to save)", id="save-path")
            with Horizontal(id="request-buttons"):
                yield Button("Copy (ctrl+o)", id="copy", variant="primary")
                yield Button("Save (ctrl+s)", id="save")
                yield Button("Reword with LLM (ctrl+r)", id="personalise")
                yield Button("Close (esc)", id="close")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def on_mount(self) -> None:
        self.query_one("#draft", TextArea).border_title = "Your message (edit freely)"
        personalise = self.query_one("#personalise", Button)
        personalise.display = self.can_reword
        self.query_one("#recipient", Input).focus()
        self._say("ctrl+s saves to the file named below (your coach data folder).")

    @property
    def default_folder(self) -> Path:
        """Where the file goes unless another path is typed: the user's data folder."""
        return self.save_dir if self.save_dir is not None else self.ctx.settings.data_path()

    def _default_path(self) -> str:
        return str(self.default_folder / default_file_name(self.session))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "personalise":
            return self.can_reword
        return True

    @property
    def text(self) -> str:
        return self.query_one("#draft", TextArea).text

    def _say(self, message: str) -> None:
        self.query_one("#notice", Static).update(plain(message, multiline=True))

    # ------------------------------------------------------------ names

    @on(Input.Changed, "#recipient")
    @on(Input.Changed, "#sender")
    def _names_changed(self) -> None:
        """Re-draft with the names; once the text was edited, change just its greeting and signature."""
        draft = draft_for_session(
            self.session,
            interviewer=self.query_one("#recipient", Input).value,
            sender=self.query_one("#sender", Input).value,
        )
        greeting, signoff = (disarm(line) for line in _ends(draft))
        if self.text == self._shown:
            self.draft, self._shown = draft, disarm(draft.text)
            self._greeting, self._signoff = greeting, signoff
            self.query_one("#draft", TextArea).text = self._shown
            return
        lines = self.text.split("\n")
        missing = []
        for old, new, order in ((self._greeting, greeting, range(len(lines))),
                                (self._signoff, signoff, range(len(lines) - 1, -1, -1))):
            at = next((i for i in order if lines[i].strip() == old), None)
            if at is None:
                missing.append("greeting" if old == self._greeting else "signature")
            else:
                lines[at] = new
        self._greeting, self._signoff = greeting, signoff
        self.query_one("#draft", TextArea).text = "\n".join(lines)
        if missing:
            self._say(f"You rewrote the {' and the '.join(missing)}: put the name in there yourself.")

    # ------------------------------------------------------------ actions

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        hint = ""
        if os.environ.get("TMUX"):
            hint = " Inside tmux, `set -g set-clipboard on` lets it reach your clipboard."
        self._say(f"Asked your terminal to copy the message (OSC 52).{hint}")

    def action_save(self) -> None:
        raw = self.query_one("#save-path", Input).value.strip()
        if not raw:
            self._say("Type a file name to save to.")
            self.query_one("#save-path", Input).focus()
            return
        self.save_to(Path(raw).expanduser())

    @work(exclusive=True, group="request-save", exit_on_error=False)
    async def save_to(self, path: Path) -> None:
        from coach.fsutil import atomic_write_text

        if path.parent == self.default_folder and not path.parent.exists():
            from coach.fsutil import ensure_private_dir

            try:
                await asyncio.to_thread(ensure_private_dir, path.parent)
            except OSError as exc:
                self._say(f"{path.parent}: cannot create it ({exc.strerror or exc}).")
                return
        if not path.parent.is_dir():
            self._say(f"{path.parent}: no such folder; choose another place to save.")
            return
        from coach.export import target_problem

        problem = target_problem(path, self.ctx.settings.data_path())
        if problem:
            self._say(f"Not saved: {problem}.")
            return
        text = self.text if self.text.endswith("\n") else self.text + "\n"
        try:
            await asyncio.to_thread(atomic_write_text, path, text)
        except OSError as exc:
            self._say(f"{path}: could not save ({exc.strerror or exc}).")
            return
        self._say(f"Saved to {path} (only you can read it).")

    def action_personalise(self) -> None:
        if not self.can_reword:
            return
        if self.text != self._shown:
            self._say("You have edited the message; rewording would replace your edits, so it is left as it is.")
            return
        self.reword()

    @work(exclusive=True, group="request-personalise", exit_on_error=False)
    async def reword(self) -> None:
        async with ReviewService(self.ctx.settings) as service:
            self._say(f"Asking {service.label} to reword it…")
            result = await service.draft_outreach(self.session, self.draft)
        if result.personalised:
            self._shown = disarm(result.text)
            self.query_one("#draft", TextArea).text = self._shown
            self._say(f"Reworded by {result.source}. Check it before you send it.")
        else:
            self._say(result.notice or "Kept coach's own draft.")

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#save-path")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#personalise")
    def _personalise_pressed(self) -> None:
        self.action_personalise()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)
