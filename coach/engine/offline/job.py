"""Reading a job description: its key requirements, shared with coach.real.

The offline engine's no-job-link pointer and the real-interview fit debrief
name the same requirements because they read the job here, one way.
"""

from __future__ import annotations

import re
from functools import lru_cache

JOB_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9+#/.'-]*[A-Za-z0-9+#]|[A-Za-z]")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s+")
_JOB_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")
_SPLIT_RE = re.compile(
    r"[,;:()]|(?<![\w-])(?:and|or|with|of|in|for|to|on|using|including|such as|e\.g\.|like|against|from|into|via|by|at|as)(?![\w-])",
    re.IGNORECASE,
)

#: Words that say nothing about what a job needs; they never become key terms.
JOB_STOPWORDS = frozenset(
    """
    a an the and or with of in for to on at by from as is are be been being you your yours
    we our us they their it its this that these those who what which will would can could
    should must may might able ability abilities strong excellent good great solid proven
    demonstrated track record experience experienced years year yrs plus knowledge
    understanding familiarity familiar skills skill working work works role roles team teams
    including such e.g etc ideally preferably preferred nice have has having required
    requirements responsibilities qualifications desirable essential bonus
    all any other new well both across within using use based level high highly key
    environment related relevant equivalent similar hands-on hands comfortable passion
    passionate love looking join help helping ensure make making get building day
    ambitious motivated self-starter fast-paced dynamic opportunity company candidate
    person people someone somebody ideal also into about more most least very up out every date
    """.split()
)

#: Duty verbs a job ad opens a requirement with ("build dashboards", "write SQL"): the
#: requirement is what follows them. Base forms only: "running A/B tests" names a practice.
_DUTY_VERBS = frozenset(
    """build write run present create design develop manage lead own drive deliver analyse analyze
    maintain support partner collaborate communicate report track define conduct perform prepare
    produce apply implement coordinate handle answer resolve troubleshoot escalate keep
    monitor review plan test deploy train mentor sell negotiate research operate ship explain improve
    take talk work need needs require requires want wants expect use using know""".split()
)

_JOB_SUFFIXES = ("ments", "ment", "ings", "ing", "ions", "ion", "ers", "er", "ed", "es", "s")


def job_stem(word: str) -> str:
    """A crude stem so "stakeholders" meets "stakeholder" and "managed" meets "management".

    At most one suffix comes off and the stem keeps most of the word, so
    "experiments" never shrinks far enough to match "experience".
    """
    w = word.lower()
    if word[:1].isupper() and len(word) > 1:
        # A name ("Looker", "Python") or an acronym ("SQL"): match it whole,
        # or "looker" would meet "looking".
        return w[:-1] if len(w) > 3 and w.endswith("s") and not word.isupper() else w
    floor = max(3, len(w) - 4)
    for suffix in _JOB_SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= floor:
            w = w[: -len(suffix)]
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def has_word(text_lower: str, word: str) -> bool:
    """Whether lower-cased text holds ``word`` (loosely stemmed; names and acronyms whole)."""
    stem = job_stem(word)
    pattern = r"(?<![a-z0-9])" + re.escape(stem)
    if word[:1].isupper() and len(word) > 1:
        pattern += r"(?:s|'s|’s)?(?![a-z0-9])"
    return re.search(pattern, text_lower) is not None


def _is_title(line: str) -> bool:
    """A job title line ("Data Analyst, Retail Insights", "Support Specialist (SaaS platform)").

    Short, not opening with a duty verb, and it opens with capitalised words: a name for the role, not a requirement.
    """
    words = [w for w in JOB_WORD_RE.findall(line) if w.lower() not in JOB_STOPWORDS]
    return (0 < len(words) <= 8 and all(w[0].isupper() for w in words[:2])
            and words[0].lower() not in _DUTY_VERBS)


def _requirement_lines(job: str) -> list[str]:
    """Bulleted lines if the job has any (that is where requirements live), else its sentences.

    Without bullets, a leading title line is the role's name, not a requirement:
    it is skipped when other sentences follow.
    """
    lines = [ln for ln in job.splitlines() if _BULLET_RE.match(ln)]
    if lines:
        return [_BULLET_RE.sub("", ln) for ln in lines]
    sentences = [m.group(0) for m in _JOB_SENTENCE_RE.finditer(job) if m.group(0).strip()]
    if len(sentences) > 1 and _is_title(sentences[0]):
        sentences = sentences[1:]
    return sentences


def job_key_terms(job: str | None, limit: int = 8) -> list[str]:
    """The job description's key requirements as short terms, in the order it lists them.

    A requirement line is cut at commas and joining words, generic job-ad
    words are dropped, a leading duty verb ("build", "write") gives way to
    its object, and what is left (up to three words) is a term:
    "3+ years of experience with Python and SQL" gives "Python" and "SQL";
    "run A/B test readouts" gives "A/B test readouts".
    """
    if not job:
        return []
    # Skills and tools first (they are what a candidate is screened on), then the rest in order.
    ranked = sorted(_job_key_terms(job[:20000], 40), key=lambda t: not is_skill(t))
    return ranked[:limit]


# Cached: `coach analyze --job` reads the same job description for every line.
@lru_cache(maxsize=64)
def _job_key_terms(job: str, limit: int) -> tuple[str, ...]:
    terms: list[str] = []
    seen: set[str] = set()
    for line in _requirement_lines(job):
        for chunk in _SPLIT_RE.split(line):
            words = [
                w.strip(".'")
                for w in JOB_WORD_RE.findall(chunk)
                if w.lower().strip(".'") not in JOB_STOPWORDS and not w[0].isdigit()
            ]
            words = [w for w in words if w]
            if len(words) > 1 and words[0].lower() in _DUTY_VERBS:
                words = words[1:]
            if not words:
                continue
            if len(words) > 3:
                words = words[:3]
            if len(words) == 1 and (words[0].lower() in _DUTY_VERBS or words[0].islower() and words[0].endswith(("ing", "ed"))):
                continue  # a lone verb ("designing", "write") is not a requirement by itself
            key = " ".join(job_stem(w) for w in words)
            if len(words) == 1 and words[0].lower() in NOISE_TERMS:
                continue
            if key in seen or (len(words) == 1 and len(words[0]) < 2):
                continue
            seen.add(key)
            terms.append(" ".join(words))
            if len(terms) >= limit:
                return tuple(terms)
    return tuple(terms)


#: Names people use for the same skill or tool: a candidate who says "Postgres" has
#: answered a job that asks for "PostgreSQL". Each group is matched as one term.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("postgresql", "postgres", "psql"), ("javascript", "js", "ecmascript"), ("typescript", "ts"),
    ("golang", "go"), ("kubernetes", "k8s"), ("on-call", "on call", "pager duty", "pagerduty", "paged"),
    ("incident response", "incident management", "incidents", "outage", "outages", "postmortem", "post-mortem"),
    ("customer service", "customer support", "helping customers", "support tickets"),
    ("machine learning", "ml"), ("artificial intelligence", "ai"), ("continuous integration", "ci", "ci/cd"),
    ("amazon web services", "aws"), ("google cloud", "gcp"), ("microsoft excel", "excel", "spreadsheets", "spreadsheet"),
    ("user experience", "ux"), ("user interface", "ui"), ("quality assurance", "qa", "testing"),
    ("a/b tests", "a/b testing", "a/b test", "experiments", "experimentation"),
    ("stakeholder management", "stakeholders", "stakeholder"), ("sql", "mysql", "queries"),
    ("python", "pandas", "django", "flask"), ("react", "react.js", "reactjs"), ("node", "node.js", "nodejs"),
)
_SYN_INDEX = {name: group for group in SYNONYMS for name in group}

#: Job-ad words that are never a requirement on their own ("card" from "report card", "range").
NOISE_TERMS = frozenset(
    """card cards thing things stuff area areas field fields range variety number lot lots kind type types
    part parts side way ways place time times world matter detail details task tasks duty duties item items""".split()
)


def _normal(text: str) -> str:
    """Lower case with hyphens and slashes between words read as spaces ("on-call" = "on call")."""
    return re.sub(r"(?<=[a-z])[-–](?=[a-z])", " ", text.lower())


def _phrase_in(lower: str, phrase: str) -> bool:
    if " " in phrase or not phrase.isalpha():
        return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", lower) is not None
    return has_word(lower, phrase)


def term_touched(term: str, text: str) -> bool:
    """Whether ``text`` mentions ``term``: the phrase or a synonym of it, or most of its words, loosely stemmed."""
    lower = _normal(text)
    norm = _normal(term)
    for name in _SYN_INDEX.get(term.lower(), _SYN_INDEX.get(norm, (norm,))):
        if _phrase_in(lower, _normal(name)):
            return True
    words = term.split()
    hits = sum(1 for w in words if has_word(lower, w) or any(
        _phrase_in(lower, _normal(n)) for n in _SYN_INDEX.get(w.lower(), ())))
    return hits * 2 > len(words)


def is_skill(term: str) -> bool:
    """A tool or a named skill (a name, an acronym, a known synonym group) rather than a generic phrase."""
    return term.lower() in _SYN_INDEX or _normal(term) in _SYN_INDEX or any(
        w[:1].isupper() or w.isupper() or any(ch in w for ch in "+#/.") for w in term.split())


#: Tools and skills a candidate may offer that a job did not ask for: the answer's side of a mismatch.
_OFFERED = tuple(sorted({n for g in SYNONYMS for n in g if len(n) > 2} | {
    "java", "c++", "c#", "ruby", "rust", "php", "swift", "kotlin", "angular", "vue", "tableau", "looker",
    "power bi", "salesforce", "figma", "photoshop", "docker", "terraform", "spark", "hadoop", "r"}, key=len, reverse=True))


def offered_skills(text: str, terms: tuple[str, ...], limit: int = 2) -> list[str]:
    """Tools the answer names that none of the job's ``terms`` is or is a synonym of."""
    lower = _normal(text)
    asked = {n for t in terms for n in _SYN_INDEX.get(t.lower(), (t.lower(),))}
    found: list[str] = []
    for name in _OFFERED:
        if name in asked or len(name) < 2 or any(name in f.lower() for f in found):
            continue
        if name == "r" or name == "go":
            continue  # too common as ordinary words
        m = re.search(r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])", lower)
        if m:
            found.append(text[m.start():m.end()])  # as the candidate typed it
            if len(found) >= limit:
                break
    return found


def job_terms(job: str | None, limit: int = 14) -> tuple[str, ...]:
    """Key requirements of a job description, as the real-interview debrief reads them.

    One reader for both paths (`job_key_terms`, also used by coach.real):
    requirement phrases in the order the job lists them ("Looker", "SQL",
    "A/B test readouts"), never the title's words.
    """
    return tuple(job_key_terms(job, limit)) if job else ()
